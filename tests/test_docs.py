"""The commands the README and docs/*.md show exist as shown: ``make demo`` and ``make test`` are
targets of the Makefile, and every ``luoshi …`` command in a code block or a code span names a
subcommand the CLI has, with options its ``--help`` lists. A doc that mentions a command or an
option the CLI does not have fails here."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from luoshi.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
_SPAN = re.compile(r"`([^`\n]+)`")
# "luoshi ingest …", ".venv/bin/luoshi serve …", "$ time luoshi …": the command a line or a
# code span starts with; not "luoshi/ledger/status.py", not a database named luoshi.
_COMMAND = re.compile(r"^\s*(?:\$\s*)?(?:time\s+|[A-Z_]+=\S*\s+)*(?:\S*/)?luoshi[ \t]+([^\n]*)")
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def _code(text: str) -> list[str]:
    """The code of a Markdown text: its fenced blocks' lines and its code spans."""
    blocks = [m[1] for m in _FENCE.finditer(text)]
    prose = _FENCE.sub("", text)
    lines = [line for block in blocks for line in block.splitlines()]
    return lines + [m[1] for m in _SPAN.finditer(prose)]


def documented_commands() -> list[tuple[str, str]]:
    """(where, the words after ``luoshi``) for every luoshi command the docs show. In a table
    row of commands, the code spans after the first one in its cell are its siblings
    ("`luoshi user add NAME`, `passwd`, `role`") and the options the other cells mention in
    code spans ("`--all`: every copy") are the first command's."""
    out = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for code in _code(text):
            if m := _COMMAND.match(code):
                words = m[1].split("#", 1)[0].replace("\\|", "|").strip()
                if words:
                    out.append((path.name, words))
        for line in _FENCE.sub("", text).splitlines():
            cells = re.split(r"(?<!\\)\|", line)
            if not line.startswith("|") or len(cells) < 3:
                continue
            first, *others = [_SPAN.findall(cell) for cell in cells[1:-1]]
            if not first or not (m := _COMMAND.match(first[0])):
                continue
            words = m[1].replace("\\|", "|").strip()
            parent = resolve(words)[0][:-1]
            row = f"{path.name} (row of luoshi {words})"
            commands = [words]
            for span in first[1:]:
                span = span.replace("\\|", "|")
                if (m := _COMMAND.match(span)) or span.startswith(("-", "[")):
                    commands.append(m[1] if m else f"{commands.pop()} {span}")
                else:
                    commands.append(" ".join([*parent, span]))  # a sibling: `passwd`
            out.extend((row, command) for command in commands[1:] if command != words)
            if commands[0] != words:  # the first command's options, continued
                out.append((row, commands[0]))
            mentioned = [span for cell in others for span in cell if span.startswith("--")]
            if mentioned:
                out.append((row, " ".join([words, *mentioned])))
    return out


@cache
def _root() -> Any:
    return typer.main.get_command(app)


def resolve(words: str) -> tuple[list[str], Any, list[str]]:
    """The subcommand path the words name, its command, and the options they mention."""
    command = _root()
    path: list[str] = []
    tokens = words.split()
    for token in tokens:
        if token in getattr(command, "commands", {}):
            path.append(token)
            command = command.commands[token]
        else:
            break
    options = [o for o in _OPTION.findall(" ".join(tokens[len(path) :])) if not _is_value(o)]
    return path, command, options


def _is_value(token: str) -> bool:
    """A negative number or the like, not an option."""
    return bool(re.fullmatch(r"-\d+", token))


def _help(path: list[str]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200", "TERM": "dumb"})
    assert result.exit_code == 0, (path, result.output)
    return result.output


def _accepted(command: Any) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}


COMMANDS = documented_commands()


def test_the_docs_show_commands():
    assert len(COMMANDS) >= 40


def test_make_targets_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    shown = set()
    for path in DOCS:
        for code in _code(path.read_text(encoding="utf-8")):
            shown |= set(re.findall(r"(?:^|\s)make\s+([\w-]+)", code))
    assert {"demo", "test"} <= shown
    assert shown <= targets, shown - targets


@pytest.mark.parametrize(("where", "words"), COMMANDS, ids=[f"{w}:{c[:40]}" for w, c in COMMANDS])
def test_a_documented_command_exists_with_its_options(where, words):
    path, command, options = resolve(words)
    rest = words.split()[len(path) :]
    if hasattr(command, "commands"):  # a group: the next word must have been one of its commands
        assert not rest or rest[0].startswith("-"), (
            f"{where}: `luoshi {words}`: `luoshi {' '.join(path)}` has no command {rest[0]!r}"
        )
    help_text = _help(path)
    accepted = _accepted(command)
    for option in options:
        assert option in accepted, f"{where}: `luoshi {words}`: {' '.join(path)} has no {option}"
        assert option in help_text, f"{where}: {option} not in `luoshi {' '.join(path)} --help`"
