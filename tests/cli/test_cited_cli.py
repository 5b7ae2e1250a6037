"""`luoshi cited [TITLE] [--json]` and `luoshi outcomes [--zone Z] [--json]`."""

import json

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.text import to_traditional

runner = CliRunner()
FULL = "全面深化前海深港现代服务业合作区改革开放方案"
TEXTS = {
    "a.txt": "前海合作区召开改革推进会\n2025年3月10日讯 3月9日，前海合作区党工委召开会议，深入学习贯彻"
    "《全面深化前海深港现代服务业合作区改革开放方案》（以下简称《前海方案》）。"
    "会议指出，前海累计推出制度创新成果765项，其中65项在全国复制推广。",
    "b.txt": "深圳市召开专题会议\n2025年6月3日讯 6月2日，深圳市召开专题会议，研究落实《前海方案》[bold]和"
    "《横琴粤澳深度合作区建设总体方案》。",
    "c.txt": to_traditional(
        "横琴合作区执委会召开会议\n2025年9月1日讯 8月31日，横琴粤澳深度合作区执委会召开会议，学习"
        "〈横琴粤澳深度合作区建设总体方案〉，通报合作区推出“澳门新街坊”等12项一事三地民生事项。"
    ),
}


@pytest.fixture
def db(tmp_path, db_path, monkeypatch):
    monkeypatch.delenv("LUOSHI_LANG", raising=False)
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", db_path, "-q"])
    assert result.exit_code == 0, result.output
    return db_path


def test_cited_lists_every_title_with_its_count(db):
    out = runner.invoke(app, ["cited", "--db", db])
    assert out.exit_code == 0, out.output
    assert "共2份被引用的文件" in out.output and f"2次　2025-03-09至2025-06-02　《{FULL}》" in out.output
    data = json.loads(runner.invoke(app, ["cited", "--db", db, "--json"]).output)
    by_title = {t["title"]: t for t in data["titles"]}
    assert data["total"] == 2 and by_title[FULL]["short_forms"] == ["前海方案"]
    assert data["titles"][0]["title"] == "横琴粤澳深度合作区建设总体方案"  # cited last


def test_cited_title_gives_who_cited_it_when(db):
    for asked in ("前海方案", to_traditional(FULL), f"〈{FULL}〉"):
        out = runner.invoke(app, ["cited", asked, "--db", db])
        assert out.exit_code == 0, out.output
        assert f"《{FULL}》：2份文件引用" in out.output and "简称：前海方案" in out.output
        assert out.output.index("2025-03-09") < out.output.index("2025-06-02")
        assert "研究落实《前海方案》[bold]和" in out.output  # the sentence as written, no markup
    data = json.loads(runner.invoke(app, ["cited", "前海方案", "--db", db, "--json"]).output)
    assert [e["date"] for e in data["citing"]] == ["2025-03-09", "2025-06-02"]
    sentence = data["citing"][1]["sentences"][0]
    assert sentence["text"][slice(*sentence["mark"])] == "《前海方案》"


def test_cited_title_unknown_or_several(db):
    out = runner.invoke(app, ["cited", "南沙方案", "--db", db])
    assert out.exit_code == 1 and "没有与“南沙方案”相符的被引用文件" in out.output
    out = runner.invoke(app, ["cited", "方案", "--db", db])
    assert out.exit_code == 1 and "有2份被引用文件与“方案”相近" in out.output
    data = json.loads(runner.invoke(app, ["cited", "方案", "--db", db, "--json"]).output)
    assert data["found"] is None and len(data["candidates"]) == 2


def test_outcomes_by_zone(db):
    out = runner.invoke(app, ["outcomes", "--db", db])
    assert out.exit_code == 0, out.output
    assert "共3项成果" in out.output and "一事三地　澳門新街坊" in out.output
    data = json.loads(runner.invoke(app, ["outcomes", "--zone", "橫琴", "--db", db, "--json"]).output)
    assert data["total"] == 1 and data["outcomes"][0]["title"] == "澳门新街坊"
    assert data["outcomes"][0]["count"] == 12 and data["outcomes"][0]["date"] == "2025-08-31"
    assert json.loads(runner.invoke(app, ["outcomes", "全國", "--db", db, "--json"]).output)["total"] == 1
    bad = runner.invoke(app, ["outcomes", "--kind", "nothing", "--db", db])
    assert bad.exit_code == 2 and "--kind 应为以下之一" in bad.output


def test_read_commands_do_not_create_a_store(tmp_path):
    missing = str(tmp_path / "none.db")
    for command in (["cited"], ["outcomes"]):
        out = runner.invoke(app, [*command, "--db", missing])
        assert out.exit_code == 4 and "不存在" in out.output
        assert not (tmp_path / "none.db").exists()
