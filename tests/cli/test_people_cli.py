"""`luoshi person`, `luoshi people` and `luoshi evaluate people`: careers after `luoshi ingest`,
merges and splits recorded from the command line, the gold set's gate."""

import json
from pathlib import Path

import pytest
from backends import query
from people_texts import READOUTS
from typer.testing import CliRunner

from luoshi.cli.main import app

runner = CliRunner()
GOLD = Path(__file__).resolve().parents[1] / "link" / "people_set"


@pytest.fixture
def ingested(tmp_path, db_path, monkeypatch):
    monkeypatch.delenv("LUOSHI_LANG", raising=False)
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in READOUTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db_path, "-q"])
    assert result.exit_code == 0, result.output
    # ingest clustered the people: nothing waits
    assert query(db_path, "SELECT count(*) FROM people_pending") == [(0,)]
    return db_path


def test_person_timeline_in_chinese_and_json(ingested):
    text = runner.invoke(app, ["person", "覃建國", "--db", ingested]).output
    assert "覃建国：共1人" in text
    lines = [line.strip() for line in text.splitlines()]
    posts = [
        line.split("　")[1]
        for line in lines
        if " 至 " in line and "　" in line and not line.startswith("人物")
    ]
    assert posts == ["深圳市委副书记", "深圳市市长", "深圳市委书记"]  # in date order
    assert "离任：2022-11-20（免去）" in text and "任职：2022-11-20（任）" in text
    assert "首见《深圳市委常委会召开会议》" in text
    data = json.loads(runner.invoke(app, ["person", "覃建国", "--db", ingested, "--json"]).output)
    assert [r["post"] for r in data["people"][0]["posts"]] == ["深圳市委副书记", "深圳市市长", "深圳市委书记"]
    missing = runner.invoke(app, ["person", "无名氏", "--db", ingested])
    assert missing.exit_code == 1 and "没有名为“无名氏”的人物" in missing.stderr


def test_people_index_with_paging(ingested):
    page = json.loads(
        runner.invoke(app, ["people", "--db", ingested, "--json", "--limit", "2", "--offset", "1"]).output
    )
    assert page["total"] == 6 and page["offset"] == 1 and len(page["people"]) == 2
    text = runner.invoke(app, ["people", "--db", ingested, "--query", "张立新"]).output
    assert "共2人" in text and "深圳市副市长" in text and "杭州市发展改革委主任" in text


def test_merge_and_split_from_the_command_line(ingested):
    ids = [
        p["id"]
        for p in json.loads(runner.invoke(app, ["person", "张立新", "--db", ingested, "--json"]).output)[
            "people"
        ]
    ]
    merged = runner.invoke(
        app, ["person", "merge", str(ids[0]), str(ids[1]), "--db", ingested, "--as", "督查室"]
    )
    assert merged.exit_code == 0 and f"已合并为人物 {min(ids)}" in merged.output and "督查室" in merged.output
    split = runner.invoke(
        app, ["person", "split", str(min(ids)), "--post", "杭州市发展改革委主任", "--db", ingested, "--json"]
    )
    assert split.exit_code == 0 and sorted(json.loads(split.output)["split"]) == sorted(ids)
    assert query(ingested, "SELECT actor, action FROM audit_log WHERE entity = 'person' ORDER BY id")[0] == (
        "督查室",
        "merge",
    )
    bad = runner.invoke(app, ["person", "merge", "x", "2", "--db", ingested])
    assert bad.exit_code == 2 and "“x”不是人物编号" in bad.stderr
    usage = runner.invoke(app, ["person", "merge", "1", "--db", ingested])
    assert usage.exit_code == 2 and "用法" in usage.stderr
    refused = runner.invoke(app, ["person", "split", str(ids[0]), "--db", ingested])
    assert refused.exit_code == 1 and "--post" in refused.stderr


def test_the_gold_set_gate():
    """B-cubed F1 ≥ 0.95 on the gold set we wrote, and no merge of people who held
    incompatible posts at the same time."""
    result = runner.invoke(app, ["evaluate", "people", str(GOLD), "--min-f1", "0.95"])
    assert result.exit_code == 0, result.output
    assert "B-cubed 准确率" in result.output and "不能同时任职的人被合并：0处" in result.output
    scores = json.loads(runner.invoke(app, ["evaluate", "people", str(GOLD), "--json"]).output)
    assert scores["f1"] >= 0.95 and scores["incompatible_merges"] == [] and scores["missed"] == 0
