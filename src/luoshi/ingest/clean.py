"""Cleaning of decoded text: whitespace, pinyin glosses, page furniture. Deletions only, tracked,
so every clean character still knows its place in the original."""

from __future__ import annotations

import re

from luoshi.text import TrackedText

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# "網(wǎng)": a CJK character followed by a pinyin gloss in half- or full-width brackets.
_GLOSS_TONED = re.compile(rf"(?<=[\u3400-\u9fff])[(（][a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*[)）]")
_GLOSS_PLAIN = re.compile(r"(?<=[\u3400-\u9fff])[(（](?:[bcdfghjklmnpqrstwxyz]?h?[aeiouü][a-z]{0,4})[)）]")

# Characters that show nothing but split words for search and extraction: zero-width space,
# non-joiner and joiner, word joiner and invisible operators, byte order marks inside the text,
# soft hyphens, direction marks and embeddings, the Mongolian vowel separator. Deleted.
INVISIBLE = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")
# Spaces other than the ordinary one: no-break, ogham, en/em/thin/hair…, narrow no-break,
# medium mathematical, ideographic. Folded to an ordinary space.
UNICODE_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Runs of white space other than a single ordinary space (those need no change).
_SPACES = re.compile(f"[ \t{UNICODE_SPACES}]{{2,}}|[\t{UNICODE_SPACES}]")
# Any character either of those patterns would change (one scan, the common case being none).
FOLDED = f"\t{UNICODE_SPACES}{INVISIBLE}"  # the characters cleaning folds (a class's members)
_TO_FOLD = re.compile(f"[{FOLDED}]|  ")


# _TO_FOLD's characters as a bare class: searched for with one pass of the regex engine's
# class scan (≈ 5 ns a character), which the alternation with "  " defeats (it is tried at every
# position); two spaces are found by ``in``. Cheaper than the 39 searches by ``in`` it replaced.
_FOLD_CHAR = re.compile(f"[{FOLDED}]")


def _to_fold(s: str) -> bool:
    """Whether ``_TO_FOLD`` matches somewhere in ``s``."""
    return "  " in s or _FOLD_CHAR.search(s) is not None


_CR = re.compile(r"\r\n?")
_LINE_EDGE_SPACE = re.compile(r"(?m)^ +| +$")
_MANY_BREAKS = re.compile(r"(?<=\n\n)\n+")

# Whole lines that are page furniture on Chinese government and news sites (tested on lines of
# at most FURNITURE_MAX characters: furniture is short, and long lines are text).
FURNITURE_MAX = 120
_SHORT_LINE = re.compile(rf"(?m)^[^\n]{{1,{FURNITURE_MAX}}}$")
_FURNITURE_LINE = re.compile(
    r"(?:"
    r"(?:当前位置|您的位置|您当前的位置|當前位置|您的位置|所在位置|今天是)[:：]?.*"
    r"|(?=.{0,80}$).*(?:>>|&gt;|>|›|»).*(?:首页|首頁|资讯|要闻|要聞|动态|動態|新闻|新聞).*"
    r"|(?:首页|首頁)\s*(?:>|›|»).*"
    r"|【?\s*(?:字号|字體|字体|字號)[:：]?.*"
    r"|(?:分享到|分享至|打印本页|打印本頁|关闭窗口|關閉窗口|收藏本页|返回顶部|返回頂部|【打印】|【关闭】|听全文|聽全文)[:：]?.*"
    r"|.*扫一扫.*|.*掃一掃.*|.*扫码.*手机.*|.*掃碼.*手機.*"
    r"|(?:上一篇|下一篇|上一條|下一條|上一条|下一条)[:：].*"
    r"|[\w\-()（）]+\.(?:jpe?g|png|gif|bmp|webp)"
    r"|(?:ico|头部|頭部|导航|導航|-|•|·|\|)"
    r"|(?:(?:热线|熱線|关注|關注|置顶|置頂|微博|微信|客户端|客戶端|登录|登錄|注册|註冊)\s*){2,}"
    r"|(?:阅读次数|閱讀次數|浏览次数|瀏覽次數)[:：].*"
    r"|--\s*天[气氣].*"
    r")"
)


# Substrings without which those patterns cannot match. ``in`` finds them far faster than the
# regex engine scans a text (about 60 ns a character for these), and most texts need no change.
_EDGE_NEEDLES = ("\n ", " \n")


def _has_edge_space(s: str) -> bool:
    return s[:1] == " " or s[-1:] == " " or any(n in s for n in _EDGE_NEEDLES)


def _drop_extra_breaks(t: TrackedText) -> TrackedText:
    return t.delete(_MANY_BREAKS) if "\n\n\n" in t.text else t


def remove_invisible(t: TrackedText) -> TrackedText:
    """Delete invisible characters (the original keeps them; offsets still map back to it)."""
    return t.delete(_INVISIBLE)


def fold_invisible(s: str) -> str:
    """A plain string (a title, say) without invisible characters and with ordinary spaces."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", s)).strip()


def normalise_whitespace(t: TrackedText, plain: bool = False) -> TrackedText:
    """White space made plain: line breaks, one kind of space, none at the ends of lines, at most
    two line breaks in a row; invisible characters deleted. ``plain``: ``t`` is known to hold no
    tab, space other than the ordinary one or invisible character (``decode.Decoded.plain``)."""
    if "\r" in t.text:
        t = t.replace(_CR, "\n")
    if "  " in t.text if plain else _to_fold(t.text):
        t = remove_invisible(t).replace(_SPACES, " ")
    if _has_edge_space(t.text):
        t = t.delete(_LINE_EDGE_SPACE)
    return _drop_extra_breaks(t)


# What either gloss pattern holds right after its bracket.
_GLOSS_START = frozenset(f"abcdefghijklmnopqrstuvwxyzü{_TONED}")


def _may_gloss(text: str) -> bool:
    """False only where neither gloss pattern can match: no bracket is followed by a letter
    that can start a gloss ("(2020-2025年)", "（试行）": a bracket or two a text, looked at)."""
    for bracket in "(（":
        i = text.find(bracket)
        while i >= 0:
            if text[i + 1 : i + 2] in _GLOSS_START:
                return True
            i = text.find(bracket, i + 1)
    return False


def remove_glosses(t: TrackedText) -> TrackedText:
    if "(" not in t.text and "（" not in t.text:
        return t  # the common case, found far faster than by the patterns
    if not _may_gloss(t.text) or not any(c in t.text for c in _TONED):
        # Without a toned vowel _GLOSS_TONED cannot match, so nothing is counted or deleted (and
        # untoned glosses are deleted only after three toned ones): 24 searches by ``in`` cost a
        # fraction of one pass of the pattern, whose lookbehind is tried at every position.
        return t
    toned = len(_GLOSS_TONED.findall(t.text))
    t = t.delete(_GLOSS_TONED)
    # Untoned glosses ("(de)") only where the page is evidently glossed throughout.
    if toned >= 3:
        t = t.delete(_GLOSS_PLAIN)
    return t


# What a line of furniture starts with (each alternative of _FURNITURE_LINE that does not start
# with ".*"), and what the others cannot match without: a line with neither is not tried.
_FURNITURE_FIRST = frozenset("当您當所今首【字分打关關收返听聽上下i头頭导導-•·|热熱置微客登注註阅閱浏瀏")
_FURNITURE_NEEDS = (">", "›", "»", "&", "扫", "掃", ".")


def _may_be_furniture(line: str, needs: tuple[str, ...] = _FURNITURE_NEEDS) -> bool:
    """False only where ``_FURNITURE_LINE.fullmatch(line)`` cannot match. ``needs``: those of
    _FURNITURE_NEEDS that the whole text holds (a line holds no others)."""
    return line[0] in _FURNITURE_FIRST or line[0].isspace() or any(c in line for c in needs)


# Where a line may start that could be furniture in a text holding none of _FURNITURE_NEEDS: after
# a line break, a first character of an alternative or white space (found by the regex engine's
# search for the line break, not a Python loop over every line).
_MAY_START = re.compile("\n(?=[" + "".join(sorted(_FURNITURE_FIRST)).replace("-", "\\-") + "]|[^\\S\n])")


def remove_furniture(t: TrackedText) -> TrackedText:
    # The lines of 1 to FURNITURE_MAX characters, as _SHORT_LINE finds them, from a split (the
    # regex engine tried its "^" at every position of the text).
    text = t.text
    furniture: list[tuple[int, int]] = []
    needs = tuple(c for c in _FURNITURE_NEEDS if c in text)
    if needs:
        at = 0
        for line in text.split("\n"):
            if (
                0 < len(line) <= FURNITURE_MAX
                and _may_be_furniture(line, needs)
                and _FURNITURE_LINE.fullmatch(line)
            ):
                furniture.append((at, at + len(line)))
            at += len(line) + 1
    else:
        # Only lines whose first character may start furniture: those _may_be_furniture keeps.
        starts = [m.end() for m in _MAY_START.finditer(text)]
        if text[:1] and _may_be_furniture(text[:1], ()):
            starts.insert(0, 0)
        for start in starts:
            end = text.find("\n", start)
            if end < 0:
                end = len(text)
            if 0 < end - start <= FURNITURE_MAX and _FURNITURE_LINE.fullmatch(text, start, end):
                furniture.append((start, end))
    return _drop_extra_breaks(t.delete_spans(furniture)).strip()
