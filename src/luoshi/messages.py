"""Words a user reads: zh-CN by default, English when ``LUOSHI_LANG=en`` (or ``lang="en"``).

This module imports nothing of luoshi, so every layer may use it."""

from __future__ import annotations

import os

# key → (zh-CN, English); ``{name}`` fields are filled by ``message``.
MESSAGES: dict[str, tuple[str, str]] = {
    # reprints (stories)
    "reprints.more": ("另有{n}个转载", "{n} more reprints"),
    "reprints.canonical": ("原文", "canonical copy"),
    "reprints.copies": ("其他转载", "Other copies"),
    "reprints.story": ("报道 {id}：{size}份", "story {id}: {size} copies"),
    "reprints.none": ("没有转载（重复）的文件", "no reprinted documents"),
    "reprints.total": ("共{n}组转载", "{n} stories with reprints"),
    "reprints.rebuilt": ("已重新比对{n}份文件", "{n} documents linked again"),
    "reprints.site_unknown": ("来源不详", "source unknown"),
    "search.no_match": ("没有与“{query}”匹配的文件", "no document matches {query!r}"),
}


def language() -> str:
    """``zh`` unless ``LUOSHI_LANG`` asks for English."""
    return "en" if os.environ.get("LUOSHI_LANG", "").lower().startswith("en") else "zh"


def message(key: str, /, lang: str | None = None, **params: object) -> str:
    """The catalogue text for ``key`` in ``lang`` (default: ``language()``), filled in."""
    zh, en = MESSAGES[key]
    template = en if (lang or language()) == "en" else zh
    return template.format(**params) if params else template
