"""What OpenCC's conversions can change, read off their dictionaries once and kept as data
(``opencc_sets.txt``), so that ingest can tell without converting that a conversion would leave
a text as it is.

OpenCC converts by dictionary alone: a text is cut into the longest keys its dictionaries hold
(phrases, then single characters; after a normalisation dictionary of compatibility ideographs)
and each key is replaced by its value. A character of the text can therefore change only where a
key holding it at a position its value changes matches the text. The file lists, for the
characters of the Basic Multilingual Plane (the code treats every character beyond it as one
that may change):

- ``t2s``: every character at such a position of some key of t2s's dictionaries (all
  characters of a key whose value has another length): a text holding none of them, and none
  of the variants ``fold`` adds, is its own simplified form;
- ``s2t``: the characters s2t's one-character keys change;
- ``s2t_phrase``: the other characters s2t's phrases change, and ``s2t_pairs`` the two
  characters around each such position in its phrase (a phrase can change the character only
  where the text holds one of these pairs);
- ``s2t_fallback``: the normalisation's keys, and the characters of keys whose value has
  another length (a text holding one is converted, not bounded).

``python -m luoshi.text.opencc_sets`` writes the file again from the installed OpenCC (its
``opencc_dict`` tool exports the dictionaries as text); ``tests/text/test_opencc_sets.py``
checks the file against the installed dictionaries and the bounds against the conversions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

DATA = "opencc_sets.txt"
KEYS = ("t2s", "s2t", "s2t_phrase", "s2t_pairs", "s2t_fallback")
BMP_END = 0xFFFF
SURROGATES = "\ud800-\udfff"  # (OpenCC refuses them: a text holding one is converted, to fail as before)
BEYOND_BMP = "\U00010000-\U0010ffff"


@dataclass(frozen=True)
class ScriptSets:
    """The file's sets, as patterns where they are searched for or counted."""

    t2s: str  # what t2s may change, as a class's members ("a-c" a range; ``fold`` adds its variants)
    s2t: re.Pattern[str]  # a character s2t changes wherever it stands
    s2t_phrase: re.Pattern[str]  # a character s2t changes inside some phrases
    s2t_pairs: frozenset[str]  # the pairs of characters around those places in the phrases
    s2t_fallback: re.Pattern[str]  # a character that leaves s2t's changes unbounded


def class_members(chars: Iterable[str]) -> str:
    """``chars`` as the members of a regular expression class, consecutive code points as
    ranges (as the file keeps them: read, they compile without being built again)."""
    points = sorted({ord(c) for c in chars})
    members: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = re.escape(chr(points[i])), re.escape(chr(points[j]))
        members.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "".join(members)


@cache
def _fields() -> dict[str, str]:
    text = (files("luoshi") / "text" / DATA).read_text(encoding="utf-8")
    return dict(line.split("\t", 1) for line in text.splitlines() if line and not line.startswith("#"))


def installed_version() -> str:
    import opencc

    return str(getattr(opencc, "__version__", "?"))


def written_for(version: str) -> bool:
    """Whether the file was written from OpenCC ``version``'s dictionaries: with another OpenCC
    the sets may be wrong, and ``fold`` converts every text instead of trusting them."""
    return _fields().get("version") == version


@cache
def trusted() -> bool:
    """Whether the file's sets are those of the OpenCC installed (``written_for``), asked once."""
    return written_for(installed_version())


def t2s_members() -> str:
    """The members of the class of characters t2s may change (the Basic Multilingual Plane's)."""
    return _fields()["t2s"]


@cache
def script_sets() -> ScriptSets:
    """The file's sets, compiled once (≈ 3 ms, on the first text not simplified)."""
    fields = _fields()
    return ScriptSets(
        t2s=fields["t2s"],
        s2t=re.compile(f"[{fields['s2t']}]"),
        s2t_phrase=re.compile(f"[{fields['s2t_phrase']}]"),
        s2t_pairs=frozenset(fields["s2t_pairs"].split()),
        s2t_fallback=re.compile(f"[{fields['s2t_fallback']}{SURROGATES}{BEYOND_BMP}]"),
    )


# -- writing the file from the installed OpenCC --------------------------------------------------


def _opencc_dir() -> Path:
    import opencc

    return Path(opencc.__file__).parent / "clib"


def _dictionary_files(config: dict[str, object]) -> Iterator[str]:
    """The ``ocd2`` files an OpenCC configuration converts with (its normalisation and
    conversion chain, groups opened)."""

    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            if node.get("type") == "ocd2":
                yield str(node["file"])
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(config.get("normalization", []))
    yield from walk(config.get("conversion_chain", []))


Entry = tuple[str, tuple[str, ...]]  # a key and its values


def _entries(config_name: str, folder: Path) -> tuple[list[Entry], list[Entry]]:
    """The normalisation's entries and the conversion chain's, of configuration ``config_name``,
    exported as text by OpenCC's ``opencc_dict``."""
    import subprocess

    share = _opencc_dir() / "share" / "opencc"
    tool = _opencc_dir() / "bin" / "opencc_dict"
    config = json.loads((share / f"{config_name}.json").read_text(encoding="utf-8"))
    normal = set(_dictionary_files({"normalization": config.get("normalization", [])}))
    out: tuple[list[Entry], list[Entry]] = ([], [])
    for name in dict.fromkeys(_dictionary_files(config)):
        exported = folder / f"{name}.txt"
        subprocess.run(
            [str(tool), "-i", str(share / name), "-o", str(exported), "-f", "ocd2", "-t", "text"],
            check=True,
            capture_output=True,
        )
        for line in exported.read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            out[0 if name in normal else 1].append((key, tuple(values.split(" "))))
    return out


def _changed(key: str, values: tuple[str, ...]) -> set[int]:
    """The positions of ``key`` its value changes (every position when the value's length
    differs). OpenCC converts a key to the first of its values; the others are alternatives
    it never writes."""
    value = values[0]
    if len(value) != len(key):
        return set(range(len(key)))
    return {i for i, (a, b) in enumerate(zip(key, value, strict=True)) if a != b}


def _bmp(chars: Iterable[str]) -> str:
    return class_members(c for c in chars if ord(c) <= BMP_END)


def generated() -> str:
    """The data file's text, from the dictionaries of the installed OpenCC."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="luoshi-opencc-") as tmp:
        t2s_normal, t2s_chain = _entries("t2s", Path(tmp))
        s2t_normal, s2t_chain = _entries("s2t", Path(tmp))
    t2s = {key[i] for key, values in t2s_normal + t2s_chain for i in _changed(key, values)}
    fallback = {key[i] for key, values in s2t_normal for i in _changed(key, values)}
    single: set[str] = set()
    for key, values in s2t_chain:
        if len(values[0]) != len(key):
            fallback.update(key)
        elif len(key) == 1 and _changed(key, values):
            single.add(key)
    phrase: set[str] = set()
    pairs: set[str] = set()
    for key, values in s2t_chain:
        if len(key) < 2 or len(values[0]) != len(key):
            continue
        for i in _changed(key, values):
            if key[i] in single:
                continue
            phrase.add(key[i])
            pairs.update(p for p in (key[i - 1 : i + 1] if i else "", key[i : i + 2]) if len(p) == 2)
    version = installed_version()
    lines = [
        f"# What OpenCC {version}'s t2s and s2t may change (luoshi/text/opencc_sets.py says how it is read).",
        "# Written by `python -m luoshi.text.opencc_sets` from the installed dictionaries: do not edit.",
        f"version\t{version}",
        f"t2s\t{_bmp(t2s)}",
        f"s2t\t{_bmp(single)}",
        f"s2t_phrase\t{_bmp(phrase)}",
        "s2t_pairs\t" + " ".join(sorted(p for p in pairs if all(ord(c) <= BMP_END for c in p))),
        f"s2t_fallback\t{_bmp(fallback)}",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    target = Path(__file__).with_name(DATA)
    target.write_text(generated(), encoding="utf-8")


if __name__ == "__main__":
    main()
