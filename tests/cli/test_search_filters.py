"""`luoshi search` narrowed by the same filters as the web's document list, with the total."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from luoshi.cli.main import app

runner = CliRunner()
READOUTS = {
    "sz-2025.txt": "2025年3月2日讯 深圳市委召开常委会会议，部署推进前海合作区建设，要求市发展改革委牵头落实。",
    "sz-2026.txt": "2026年4月8日讯 深圳市政府召开常务会议，研究前海合作区营商环境改革工作。",
    "zh-2026.txt": "2026年6月1日訊 珠海市召開推進會，部署橫琴粵澳深度合作區建設，前海經驗值得借鑒。",
}


def _search(db: str, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["search", "前海", "--db", db, "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_search_filters_and_total(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in READOUTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(folder), "--db", db_path, "-q"]).exit_code == 0
    every = _search(db_path)
    assert every["total"] == 3 and len(every["hits"]) == 3
    limited = _search(db_path, "--limit", "1")
    assert limited["total"] == 3 and len(limited["hits"]) == 1  # never a silent "1 of 3"
    assert {h["name"] for h in _search(db_path, "--year", "2026")["hits"]} == {"sz-2026", "zh-2026"}
    assert {h["name"] for h in _search(db_path, "--place", "深圳")["hits"]} == {"sz-2025", "sz-2026"}
    assert {h["name"] for h in _search(db_path, "--kind", "常務會議")["hits"]} == {"sz-2026"}
    assert {h["name"] for h in _search(db_path, "--script", "traditional")["hits"]} == {"zh-2026"}
    ranged = _search(db_path, "--from", "2026-01-01", "--to", "2026-05-01")
    assert ranged["total"] == 1 and ranged["filters"] == {
        "q": "前海",
        "date_from": "2026-01-01",
        "date_to": "2026-05-01",
    }
    text = runner.invoke(app, ["search", "前海", "--db", db_path, "--year", "2026"]).output
    assert "共 2 份文件匹配" in text
