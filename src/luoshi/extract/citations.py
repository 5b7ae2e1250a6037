"""Cited documents: titles in 《》 (nested 〈〉 and 《》 handled at every level), and 「」 when the
title reads as a policy document. Newspapers, websites and programmes are not documents."""

from __future__ import annotations

import re

from luoshi.extract.gazetteer import media_names
from luoshi.extract.scan import occurrences
from luoshi.model import CitedDocument, Span

_OPEN = {"《": "》", "〈": "〉", "「": "」", "『": "』"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_BRACKET_CHARS = "《》〈〉「」『』\n"  # (found by ``occurrences``: the same places, in order, sooner)
_DOC_SUFFIX = re.compile(
    r"(?:方案|规划|纲要|意见|条例|办法|决定|决议|通知|规定|法|措施|计划|清单|报告|协议|章程|指引|细则|准则|"
    r"目录|标准|公约|安排|纪要|通告|公告|白皮书|路线图|若干政策|政策|指南|战略|框架|备忘录|宣言|建议|批复)"
    r"(?:[(（][^()（）]*[)）])?$"
)
_MEDIA_SUFFIX = re.compile(
    r"(?:日报|晚报|早报|时报|商报|特区报|周刊|杂志|网|频道|栏目|电视台|客户端|公众号)$"
)


def find_citations(s: str) -> list[CitedDocument]:
    found: list[tuple[int, int, str]] = []
    stack: list[tuple[str, int]] = []
    for i in occurrences(s, _BRACKET_CHARS):
        ch = s[i]
        if ch in _OPEN:
            stack.append((ch, i))
        elif ch in _CLOSE:
            opener = _CLOSE[ch]
            # Pop to the matching opener; unmatched closers are ignored.
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == opener:
                    _, start = stack[k]
                    del stack[k:]
                    found.append((start, i + 1, opener))
                    break
        elif ch == "\n":
            stack.clear()  # titles do not run across paragraphs
    out: list[CitedDocument] = []
    seen: set[str] = set()
    for start, end, opener in sorted(found):
        title = "".join(s[start + 1 : end - 1].split())  # (white space out: what \s matches)
        if not _is_document(title, opener) or title in seen or _is_speech(s, start, end, title):
            continue
        seen.add(title)
        out.append(CitedDocument(title, Span(start, end)))
    return out


_SPEECH_AFTER = re.compile(r"的?(?:重要)?(?:讲话|报告|演讲|致辞|文章|署名文章|主旨演讲)")


# "《在…大会上的讲话》": a speech is titled by its occasion.
_SPEECH_TITLE = re.compile(r"^在.{2,80}(?:上|时|中)的(?:重要)?(?:讲话|致辞|演讲|发言)$")
# "中国之声《新闻和报纸摘要》报道", "《焦点访谈》播出": a programme or a paper, by what it does.
_MEDIA_AFTER = re.compile(r"(?:栏目|节目|专栏)?(?:报道|播出|播发|刊发|刊登|刊载|转载|头版)")


def _is_speech(s: str, start: int, end: int, title: str) -> bool:
    """ "发表题为《…》的重要讲话", "《在…上的讲话》": the title of a speech or an article, or a
    programme that reports ("《新闻联播》报道"), not a policy document."""
    if _SPEECH_TITLE.match(title) or _MEDIA_AFTER.match(s, end):
        return True
    return s[max(0, start - 2) : start] == "题为" and _SPEECH_AFTER.match(s, end) is not None


def _is_document(title: str, opener: str) -> bool:
    if len(title) < 2 or len(title) > 200:
        return False
    if title in media_names() or _MEDIA_SUFFIX.search(title):
        return False
    if opener in "《〈":
        return True
    return bool(_DOC_SUFFIX.search(title))
