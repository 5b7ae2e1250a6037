"""Traditional ⇄ simplified folding with OpenCC, always length-preserving so that an offset in
the folded text is the same offset in the text it came from."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from operator import ne

import opencc

_T2S = opencc.OpenCC("t2s")


@cache
def _s2t() -> opencc.OpenCC:
    """Loaded on first use: its dictionaries take 45 ms, which a search would pay at start-up."""
    return opencc.OpenCC("s2t")


@lru_cache(maxsize=8192)
def _char_t2s(ch: str) -> str:
    out = _T2S.convert(ch)
    return out if len(out) == 1 else ch


# Hong Kong and Taiwan variant forms that OpenCC's t2s leaves as they are.
_VARIANTS = str.maketrans(
    "衞爲僞啓綫裏峯羣衆麪歎鷄溼牀菸脩眾敎兌稅說悅銳閱蛻槪靑淸擧衹囘廻韮拏擕敍鑛蔴",
    "卫为伪启线里峰群众面叹鸡湿床烟修众教兑税说悦锐阅蜕概青清举只回回韭拿携叙矿麻",
)


_VARIANT_CHARS = re.compile("[" + "".join(chr(c) for c in _VARIANTS) + "]")


SHORT = 24  # characters: names, posts, titles; folded once each and remembered


def to_simplified(text: str) -> str:
    """Fold to simplified script, keeping the length (and so every offset) of ``text``."""
    if len(text) <= SHORT:
        # The same names and posts are folded again and again (each extraction rule, each
        # sighting of the people refresh): one OpenCC call costs about twenty cache look-ups.
        return _short_simplified(text)
    return _fold(text)


@lru_cache(maxsize=1 << 16)
def _short_simplified(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    folded: str = _T2S.convert(text)
    if len(folded) != len(text):
        # A phrase conversion changed the length: fold character by character instead.
        folded = "".join(_char_t2s(ch) for ch in text)
    return folded.translate(_VARIANTS) if _VARIANT_CHARS.search(folded) else folded


def to_traditional(text: str) -> str:
    converted: str = _s2t().convert(text)
    return converted


def detect_script(text: str, simplified: str | None = None, sample: int = 600) -> str:
    """``simplified``, ``traditional`` or ``mixed``, from the characters that differ by script."""
    if simplified is not None and text == simplified:
        return "simplified"
    head = text[:sample]
    folded = (simplified or to_simplified(head))[:sample]
    if head == folded:
        return "simplified"
    trad_only = sum(map(ne, head, folded))
    traditional = to_traditional(head)
    simp_only = sum(map(ne, head, traditional)) if len(traditional) == len(head) else 0
    if trad_only / (trad_only + simp_only) >= 0.9:
        return "traditional"
    if simp_only / (trad_only + simp_only) >= 0.9:
        return "simplified"
    return "mixed"
