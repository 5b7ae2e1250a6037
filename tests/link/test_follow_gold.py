"""The gate of follow-through quality: ``luoshi eval-follow`` on the gold set we wrote, on each
backend — link precision ≥ 0.90 at recall ≥ 0.80 (issue 14), labels right for most links."""

from __future__ import annotations

import re

from follow_set import GOLD, gold
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.messages import message

runner = CliRunner()


def test_the_gold_set_is_as_large_as_promised():
    g = gold()
    followed = [d for d in g["directives"] if d["mentions"]]
    later = {m["doc"] for d in followed for m in d["mentions"]}
    assert len(g["sources"]) >= 15 and len(followed) >= 50 and len(later) >= 60
    kinds = set(g["distractors"].values())
    assert {"boilerplate", "earlier", "same project, another phase", "another place, the same words"} <= kinds
    assert all(
        (GOLD / "docs" / f"{name}.md").is_file() for name in [*g["sources"], *later, *g["distractors"]]
    )


def test_link_precision_and_recall_on_the_gold_set(db):
    result = runner.invoke(
        app,
        ["eval-follow", str(GOLD), "--db", db, "--errors", "--min-precision", "0.9", "--min-recall", "0.8"],
    )
    print(result.output)
    assert result.exit_code == 0, result.output
    row = re.search(rf"^{message('follow.eval.links')}\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", result.output, re.M)
    assert row, result.output
    p, r, _ = map(float, row.groups())
    share = re.search(r"([\d.]+)（\d+/\d+）", result.output)
    assert share, result.output
    accuracy = float(share.group(1))
    assert p >= 0.90 and r >= 0.80
    assert accuracy >= 0.85
    assert "未抽取到" not in result.output


def test_the_held_out_set_inside_the_main_one(tmp_path):
    """The set written after the algorithm was settled, scored with the main set as its archive."""
    result = runner.invoke(
        app,
        [
            "eval-follow",
            str(GOLD / "heldout"),
            "--background",
            str(GOLD / "docs"),
            "--db",
            str(tmp_path / "h.db"),
            "--errors",
            "--min-precision",
            "0.9",
            "--min-recall",
            "0.8",
        ],
    )
    print(result.output)
    assert result.exit_code == 0, result.output


def test_the_gate_fails_when_the_bar_is_not_met(tmp_path):
    result = runner.invoke(
        app, ["eval-follow", str(GOLD), "--db", str(tmp_path / "g.db"), "--min-precision", "0.999"]
    )
    assert result.exit_code == 1
