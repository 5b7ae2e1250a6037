"""``luoshi follow DOC_ID [--json]`` and ``luoshi follow --task ID``."""

from __future__ import annotations

import json

import pytest
from follow_set import build, expected
from typer.testing import CliRunner

from luoshi.cli.main import EXIT_STORE, app
from luoshi.ledger.service import Ledger
from luoshi.messages import message

runner = CliRunner()


@pytest.fixture(scope="module")
def gold_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("follow") / "gold.db")
    store, ids = build(db)
    ledger = Ledger(store, actor="setup")
    tasks = ledger.propose(ids["s04"], "营商环境")
    ledger.decide_proposal(tasks[1], True)
    store.engine.dispose()
    return db, ids, tasks


def test_json_lists_each_directive_with_its_later_mentions(gold_db):
    db, ids, _ = gold_db
    result = runner.invoke(app, ["follow", str(ids["s04"]), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["document"]["name"] == "s04" and found["document"]["date"] == "2024-06-12"
    by_quote: dict[str, dict[str, str]] = {q: {} for q in expected("s04")}
    for d in found["directives"]:
        for quote in by_quote:
            if quote in d["text"]:
                by_quote[quote] = {m["name"]: m["label"] for m in d["mentions"]}
        for m in d["mentions"]:
            assert set(m) >= {"document_id", "name", "title", "date", "label", "span", "text", "cue", "score"}
    assert by_quote == expected("s04")


def test_text_output_in_chinese(gold_db):
    db, ids, _ = gold_db
    result = runner.invoke(app, ["follow", str(ids["s04"]), "--db", db])
    assert result.exit_code == 0, result.output
    assert (
        "第2条部署要求" in result.output and "完成" in result.output and "东湖市“一网统管”" in result.output
    )
    assert message("follow.none") in result.output  # the directive of set phrases only


def test_a_tasks_later_mentions(gold_db):
    db, _, tasks = gold_db
    result = runner.invoke(app, ["follow", "--task", str(tasks[1]), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["task"]["id"] == tasks[1] and "涉企违规收费" in found["directive"]["text"]
    assert [(s["name"], s["label"], s["accepted"]) for s in found["suggestions"]] == [("f34", "完成", False)]
    text = runner.invoke(app, ["follow", "--task", found["task"]["code"], "--db", db])
    assert text.exit_code == 0 and "东湖市涉企违规收费专项整治自查自纠工作全面完成" in text.output


def test_what_cannot_be_followed_is_said_in_one_sentence(gold_db, tmp_path):
    db, _, _ = gold_db
    result = runner.invoke(app, ["follow", "999999", "--db", db])
    assert result.exit_code == 1 and message("follow.no_document", id=999999) in result.output
    result = runner.invoke(app, ["follow", "--db", db])
    assert result.exit_code == 1 and message("follow.task_needed") in result.output
    result = runner.invoke(app, ["follow", "--task", "no-such-task", "--db", db])
    assert result.exit_code == 1
    result = runner.invoke(app, ["follow", "1", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == EXIT_STORE
