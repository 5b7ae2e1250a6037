"""``luoshi ingest PATH...`` takes its paths without pydantic (``luoshi.cli.lazy._Paths``): the
same values and the same refusals as typer's own coercion."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param

from luoshi.cli import lazy
from luoshi.cli.main import app


def _paths_param():
    group = typer_group()
    command = group.commands["ingest"]
    (param,) = [p for p in command.params if p.name == "paths"]
    return command, param


def typer_group():
    from typer.main import get_command

    return get_command(app)


def _outcome(runtime, value, param, ctx):
    try:
        got = runtime._coerce_value(value, param=param, ctx=ctx)
    except (BadParameter, ValueError) as e:
        return type(e).__name__, str(e)
    return [(type(p), p) for p in got] if isinstance(got, list) else (type(got), got)


def test_paths_are_what_typer_makes_of_them(tmp_path, monkeypatch):
    command, param = _paths_param()
    assert isinstance(param._runtime_param, lazy._Paths)
    ctx = Context(command)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    values = [
        ("a.txt",),
        ("a.txt", "folder", "missing.txt", str(tmp_path / "a.txt")),
        ["", ".", "a//b/", "~/x", " a.txt ", "folder/"],
        ("a\x00b",),
        (tmp_path / "a.txt", "a.txt"),  # not every item a string: typer's own coercion
        "a.txt",
        (),
    ]
    typers = build_runtime_param(param.type_descriptor)
    for value in values:
        assert _outcome(param._runtime_param, value, param, ctx) == _outcome(typers, value, param, ctx), value


def test_an_ingest_loads_no_pydantic(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("市委全面深化改革委员会召开会议，研究部署改革任务。", encoding="utf-8")
    probe = (
        "import sys; from luoshi.cli.main import app\n"
        f"sys.argv = ['luoshi', 'ingest', {str(doc)!r}, '--db', {str(tmp_path / 'x.db')!r}, '-q']\n"
        "try:\n    app()\nexcept SystemExit as e:\n    code = e.code\n"
        "print('#', code, [m for m in ('pydantic', 'alembic', 'cn2an') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "# 0 []", out


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (["ingest", "{missing}.txt"], 3, "未能导入 {missing}.txt：文件不存在"),
        (["ingest", "{missing}"], 3, "不支持的文件类型“（无扩展名）”"),
        (["ingest"], 2, "Missing argument 'paths'"),
    ],
)
def test_what_ingest_says_of_its_paths_is_unchanged(tmp_path, args, status, said):
    """A path that does not exist is a rejection with its reason (status 3); no path at all is
    typer's usage error (status 2), as when typer coerced the paths itself."""
    from typer.testing import CliRunner

    missing = str(tmp_path / "nothing")
    shown = [a.replace("{missing}", missing) for a in args]
    result = CliRunner().invoke(app, [*shown, "--db", str(tmp_path / "x.db")])
    assert result.exit_code == status, result.output
    assert said.replace("{missing}", missing) in result.output
