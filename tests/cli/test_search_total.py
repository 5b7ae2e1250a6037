"""`luoshi search` counts a query's matches exactly up to a cap and says when it estimates."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.messages import message
from luoshi.store.search import DocumentSearch

runner = CliRunner()


@pytest.fixture
def db(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(
            f"2026年3月{i + 1}日讯 第{i}次会议研究前海合作区建设。", encoding="utf-8"
        )
    assert runner.invoke(app, ["ingest", str(folder), "--db", db_path, "-q"]).exit_code == 0
    return db_path


def test_total_exact_below_the_cap(db):
    found = json.loads(runner.invoke(app, ["search", "前海", "--db", db, "--json"]).output)
    assert found["total"] == 6 and found["total_exact"] is True
    shown = runner.invoke(app, ["search", "前海", "--db", db]).output
    assert message("cli.search_total", total=6) in shown


def test_total_estimated_and_labelled_beyond_the_cap(db, monkeypatch):
    monkeypatch.setattr(DocumentSearch, "COUNT_EXACT", 3)
    found = json.loads(runner.invoke(app, ["search", "前海", "--db", db, "--json"]).output)
    assert found["total"] == 6 and found["total_exact"] is False  # every document matches
    shown = runner.invoke(app, ["search", "前海", "--db", db]).output
    assert message("search.total_about", total=6) in shown
    assert message("cli.search_total", total=6) not in shown
