"""`luoshi search` folds the copies of a story into one hit; `luoshi duplicates` lists stories."""

import json

import pytest
from reprint_set import build
from sqlalchemy import select
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.store import open_store
from luoshi.store.schema import AuditRow

runner = CliRunner()


@pytest.fixture
def store_with_reprints(tmp_path, db_path, monkeypatch):
    monkeypatch.delenv("LUOSHI_LANG", raising=False)
    copies = build(stories=3, singles=2, seed=77)
    folder = tmp_path / "in"
    folder.mkdir()
    for i, c in enumerate(copies):
        record = {"content": c.text, "url": c.url, "source": c.site}
        (folder / f"c{i:02d}.jsonl").write_text(
            json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    result = runner.invoke(app, ["ingest", str(folder), "--db", db_path, "-q"])
    assert result.exit_code == 0, result.output
    return db_path, copies


def test_search_shows_one_hit_per_story_unless_all(store_with_reprints):
    db, copies = store_with_reprints
    folded = json.loads(runner.invoke(app, ["search", "会议", "--db", db, "--json", "--limit", "50"]).output)[
        "hits"
    ]
    every = json.loads(
        runner.invoke(app, ["search", "会议", "--db", db, "--json", "--limit", "50", "--all"]).output
    )["hits"]
    assert len(every) == len(copies)
    assert len(folded) == len({c.story for c in copies}) == 5
    stories = [h["story"] for h in folded if h["story"]]
    assert len(stories) == 3 and all(s["size"] == len(s["documents"]) >= 4 for s in stories)
    assert sum(1 for h in folded if h["story"] is None) == 2
    assert {h["document_id"] for h in every} == {d["id"] for s in stories for d in s["documents"]} | {
        h["document_id"] for h in folded if h["story"] is None
    }
    text = runner.invoke(app, ["search", "会议", "--db", db, "--limit", "50"]).output
    assert text.count("个转载") == 3 and "另有" in text


def test_duplicates_lists_stories_with_their_documents(store_with_reprints, monkeypatch):
    db, _ = store_with_reprints
    listed = json.loads(runner.invoke(app, ["duplicates", "--db", db, "--json"]).output)
    assert listed["total"] == 3
    for story in listed["stories"]:
        assert story["documents"][0]["canonical"] and story["documents"][0]["id"] == story["canonical"]
        assert all(d["source_url"].startswith("https://") for d in story["documents"])
    text = runner.invoke(app, ["duplicates", "--db", db]).output
    assert "共3组转载" in text and "原文" in text
    monkeypatch.setenv("LUOSHI_LANG", "en")
    assert "3 stories with reprints" in runner.invoke(app, ["duplicates", "--db", db]).output
    store = open_store(db)
    before = store.data_version()
    rebuilt = runner.invoke(app, ["duplicates", "--db", db, "--json", "--rebuild"])
    assert "documents linked again" in rebuilt.stderr
    again = json.loads(rebuilt.stdout)
    assert again == listed
    # audited: the data's version moves, so that no page kept with the old stories is served
    assert store.data_version() != before
    with store.engine.connect() as conn:
        entry = conn.execute(
            select(AuditRow.entity, AuditRow.action, AuditRow.after).order_by(AuditRow.id.desc()).limit(1)
        ).one()
    assert tuple(entry) == ("reprints", "rebuild", {"documents": len(build(stories=3, singles=2, seed=77))})
