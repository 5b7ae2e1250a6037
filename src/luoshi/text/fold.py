"""Traditional ⇄ simplified folding with OpenCC, always length-preserving so that an offset in
the folded text is the same offset in the text it came from."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import compress, count, islice
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
    if text.isascii():
        return text  # (t2s and the variants change no ASCII character: ``opencc_sets``; a file's
        # name, a date, a number, each cost an OpenCC call)
    if len(text) <= SHORT:
        # The same names and posts are folded again and again (each extraction rule, each
        # sighting of the people refresh): one OpenCC call costs about twenty cache look-ups.
        return _short_simplified(text)
    if next(_LONG_FOLDS) >= CHECK_AFTER and _t2s_may_change().search(text) is None:
        # A text with no character t2s or the variants change is its own simplified form: one
        # search of ≈ 7 µs for 5 KB of simplified text instead of a conversion of 30–60 µs.
        return text
    return _fold(text)


# Long texts folded by OpenCC before the check above is made (its characters read and compiled:
# ≈ 5 ms, what the check saves on a hundred texts): a search folding its page of hits does not
# pay for it, an ingest does after its first documents.
CHECK_AFTER = 64
_LONG_FOLDS = count()


@lru_cache(maxsize=1 << 16)
def _short_simplified(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    folded: str = _T2S.convert(text)
    if len(folded) != len(text):
        # A phrase conversion changed the length: fold character by character instead.
        folded = "".join(_char_t2s(ch) for ch in text)
    return folded.translate(_VARIANTS) if _VARIANT_CHARS.search(folded) else folded


@cache
def _t2s_may_change() -> re.Pattern[str]:
    """A character t2s may change (``opencc_sets``: read on the first long text, not by a
    search's start), one of the variants, a surrogate (OpenCC refuses it: such a text is
    converted, and fails, as before) or any character beyond the Basic Multilingual Plane."""
    from luoshi.text.opencc_sets import BEYOND_BMP, SURROGATES, t2s_members, trusted

    if not trusted():
        return re.compile(".", re.DOTALL)  # (sets of another OpenCC: every text is converted)
    variants = "".join(chr(c) for c in _VARIANTS)
    return re.compile(f"[{t2s_members()}{variants}{SURROGATES}{BEYOND_BMP}]")


def to_traditional(text: str) -> str:
    converted: str = _s2t().convert(text)
    return converted


def detect_script(text: str, simplified: str | None = None, sample: int = 600) -> str:
    """``simplified``, ``traditional`` or ``mixed``, from the characters that differ by script:
    of the first ``sample`` characters, those t2s changes (traditional only) against those s2t
    changes (simplified only)."""
    if simplified is not None and text == simplified:
        return "simplified"
    head = text[:sample]
    folded = (simplified or to_simplified(head))[:sample]
    if head == folded:
        return "simplified"
    # Traditional when trad_only / (trad_only + simp_only) >= 0.9, that is (whole numbers, far
    # from the rounding of 0.9) when trad_only >= 9 * simp_only: decided without s2t (45 ms to
    # load, then a conversion a text) when its changes are bounded and the bound is low enough.
    bound = s2t_changes_at_most(head)
    if bound is not None and _differ_at_least(head, folded, 9 * bound):
        return "traditional"
    trad_only = sum(map(ne, head, folded))
    traditional = to_traditional(head)
    simp_only = sum(map(ne, head, traditional)) if len(traditional) == len(head) else 0
    if trad_only / (trad_only + simp_only) >= 0.9:
        return "traditional"
    if simp_only / (trad_only + simp_only) >= 0.9:
        return "simplified"
    return "mixed"


def s2t_changes_at_most(text: str) -> int | None:
    """At least as many characters as s2t changes in ``text`` (the characters its one-character
    keys change, and those its phrases change where the text holds the phrase's pair around
    them: ``opencc_sets``), or None when that is not bounded so (a compatibility ideograph, a
    surrogate, a character beyond the Basic Multilingual Plane)."""
    from luoshi.text.opencc_sets import script_sets, trusted

    if not trusted():
        return None  # (sets of another OpenCC: not bounded by them)
    sets = script_sets()
    if sets.s2t_fallback.search(text) is not None:
        return None
    changes = len(sets.s2t.findall(text))
    for m in sets.s2t_phrase.finditer(text):
        i = m.start()
        if (i and text[i - 1 : i + 1] in sets.s2t_pairs) or text[i : i + 2] in sets.s2t_pairs:
            changes += 1
    return changes


def _differ_at_least(a: str, b: str, count: int) -> bool:
    """Whether ``a`` and ``b`` differ at ``count`` places or more (stops at the count-th)."""
    if count <= 0:
        return True
    return next(islice(compress(a, map(ne, a, b)), count - 1, None), None) is not None
