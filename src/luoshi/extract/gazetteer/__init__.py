"""Word lists of ours (no lists of particular officials): surnames, post heads, media, zones,
places and the heads of organisational bodies. Loaded once, from plain text files beside this module."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


def _lines(name: str) -> list[str]:
    text = (_HERE / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames)."""
    single: set[str] = set()
    compound: set[str] = set()
    for line in _lines("surnames.txt"):
        if " " in line:
            compound.update(line.split())
        else:
            single.update(line)
    return frozenset(single), frozenset(compound)


@cache
def post_heads() -> tuple[str, ...]:
    """Post heads, longest first so that alternation prefers 常务副省长 over 省长."""
    heads = {w.rstrip("^") for line in _lines("posts.txt") for w in line.split()}
    return tuple(sorted(heads, key=len, reverse=True))


@cache
def post_heads_after_name() -> tuple[str, ...]:
    """Post heads that may also follow a name ("侯红市长", "夏宝龙主任"): every head not marked
    ``^`` (precedes a name only) in posts.txt, longest first."""
    heads = {w for line in _lines("posts.txt") for w in line.split() if not w.endswith("^")}
    return tuple(sorted(heads, key=len, reverse=True))


@cache
def name_elements() -> tuple[str, ...]:
    """Elements of names written without a surname (Tibetan, Mongolian), longest first."""
    words = {w for line in _lines("name_elements.txt") for w in line.split() if len(w) > 1}
    return tuple(sorted(words, key=len, reverse=True))


@cache
def media_names() -> frozenset[str]:
    return frozenset(w for line in _lines("media.txt") for w in line.split())


@cache
def zones() -> tuple[tuple[str, str], ...]:
    out = [tuple(line.split("\t")) for line in _lines("zones.txt")]
    return tuple(sorted(((n, k) for n, k in out), key=lambda p: len(p[0]), reverse=True))


@cache
def places() -> tuple[str, ...]:
    names = {w for line in _lines("places.txt") for w in line.split()}
    return tuple(sorted(names, key=len, reverse=True))


@cache
def body_words() -> dict[str, tuple[str, ...]]:
    """Heads of organisational bodies and the words around them (``bodies.txt``): keys strong,
    weak, people, not_start; each tuple longest first."""
    out: dict[str, tuple[str, ...]] = {}
    for line in _lines("bodies.txt"):
        key, _, words = line.partition("\t")
        out[key] = tuple(sorted(words.split(), key=len, reverse=True))
    return out
