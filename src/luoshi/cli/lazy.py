"""Start-up of the command line (issue 11): a command is built (its parameters read from its
signature by typer) and its module imported only when that command runs, and plain text and
whole-number arguments are taken as they are instead of through pydantic.

``luoshi search`` used to build all forty commands, import every command module, and import
pydantic (≈ 90 ms) to validate a string as a string. ``luoshi --help`` still lists every command:
listing them builds them all, as before."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer._click import Command, Context
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_path
from typer.core import _TyperParameter
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

Builder = Callable[[], Command]
_WHOLE = re.compile(r"-?[0-9]{1,18}")


class LazyCommands(MutableMapping[str, Command]):
    """A group's commands by name, each built on first use. Iterating gives the names (in the
    order given) without building anything; ``items()`` and ``values()`` build them all."""

    def __init__(self, builders: dict[str, Builder]) -> None:
        self._builders = builders
        self._built: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            self._built[name] = plain_coercion(self._builders[name]())  # KeyError: no such command
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._builders.setdefault(name, built(command))
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._builders[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)

    def __contains__(self, name: object) -> bool:
        return name in self._builders


def built(command: Command) -> Builder:
    """The builder of a command built already."""
    return lambda: command


def builders(
    registry: typer.Typer, elsewhere: dict[str, str], elsewhere_groups: dict[str, str], owner: typer.Typer
) -> dict[str, Builder]:
    """Builders of every command, in the order typer lists them (commands, then groups): those
    defined elsewhere (``name: "module:attribute"``, a function or a ``typer.Typer``, imported
    when built) and those registered on ``registry``. ``owner`` gives typer's settings."""
    options: dict[str, Any] = {
        "pretty_exceptions_short": owner.pretty_exceptions_short,
        "rich_markup_mode": owner.rich_markup_mode,
    }

    def command(info: CommandInfo) -> Builder:
        return lambda: get_command_from_info(info, **options)

    def group(info: TyperInfo) -> Builder:
        return lambda: get_group_from_info(info, suggest_commands=owner.suggest_commands, **options)

    def imported(name: str, where: str) -> Builder:
        def build() -> Command:
            module, _, attribute = where.partition(":")
            found = getattr(importlib.import_module(module), attribute)
            if isinstance(found, typer.Typer):
                return group(TyperInfo(found, name=name))()
            return command(CommandInfo(name=name, callback=found))()

        return build

    found: dict[str, Builder] = {name: imported(name, where) for name, where in elsewhere.items()}
    for info in registry.registered_commands:
        assert info.callback is not None
        found[info.name or info.callback.__name__.lower().replace("_", "-")] = command(info)
    found.update((name, imported(name, where)) for name, where in elsewhere_groups.items())
    for group_info in registry.registered_groups:
        assert isinstance(group_info.name, str)
        found[group_info.name] = group(group_info)
    return found


@dataclass(frozen=True)
class _Plain(RuntimeParam):
    """A ``str``, ``int`` or ``bool`` parameter: a value already of the type (a string, a flag, a
    default) is taken as it is, digits become the number, as pydantic would make them; anything
    else goes to typer's own coercion (pydantic), with its messages."""

    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
        kind = type(value)
        if kind is self.annotation:
            return value
        if self.annotation is int and kind is str and _WHOLE.fullmatch(value):
            return int(value)
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


@dataclass(frozen=True)
class _Paths(RuntimeParam):
    """A ``list[Path]`` parameter (``luoshi ingest PATH...``): each string becomes ``Path(text)``,
    as pydantic makes it, then goes through typer's own checks of a path (``coerce_cli_path``:
    existence, file or folder, readable…, with their messages); anything else goes to typer's
    coercion. Building pydantic's adapter for ``list[Path]`` cost ≈ 0.1 s of CPU an ingest."""

    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
        if isinstance(value, list | tuple) and all(type(item) is str for item in value):
            info = self.parameter_info
            try:
                return [
                    coerce_cli_path(Path(item), info, path_type=Path, param=param, ctx=ctx) for item in value
                ]
            except ValueError:  # ("embedded null byte"): typer's refusal, in its words
                pass
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def _plain(param: Any) -> None:
    if not isinstance(param, _TyperParameter) or param._runtime_param is not None:
        return
    descriptor = param.type_descriptor
    info = descriptor.parameter_info
    if descriptor.annotation == list[Path] and info.parser is None and info.path_type is None:
        param._runtime_param = _Paths(info, descriptor.annotation, descriptor)
        return
    if descriptor.annotation not in (str, int, bool) or descriptor.file_annotation is not None:
        return
    if info.parser is not None or info.min is not None or info.max is not None:
        return
    param._runtime_param = _Plain(info, descriptor.annotation, descriptor)


def plain_coercion(command: Command) -> Command:
    """Give the ``str``, ``int`` and ``bool`` parameters without constraints of ``command`` (its
    ``--help`` too, and its subcommands', for a group) the plain coercion above."""
    help_option = command.get_help_option(Context(command, **command.context_settings))  # (cached)
    for param in [*command.params, help_option]:
        _plain(param)
    subcommands = getattr(command, "commands", {})
    if not isinstance(subcommands, LazyCommands):  # (those get it when they are built)
        for sub in subcommands.values():
            plain_coercion(sub)
    return command
