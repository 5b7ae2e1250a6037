"""Readers per file format. Each turns a decoded file into ``RawRecord``s: the original text of
one document plus whatever metadata the container carries (front matter, JSON fields)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import frontmatter  # type: ignore[import-untyped]

from luoshi.ingest.decode import RejectedInput

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | MARKDOWN_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES

_TEXT_KEYS = ("text", "content", "body", "article", "html", "正文", "内容")
_TITLE_KEYS = ("title", "headline", "标题", "標題")
_URL_KEYS = ("url", "link", "source_url", "href")
_DATE_KEYS = ("date", "published", "publish_date", "pubdate", "published_at", "time", "发布时间")
_SOURCE_KEYS = ("source", "site", "source_site", "来源")
_LOOKS_HTML = re.compile(r"<(?:p|div|br|span|h[1-6]|html|body|table)\b", re.IGNORECASE)


@dataclass
class RawRecord:
    """One document as found in a file, before cleaning."""

    key: str  # the file path, or "path#line" / "path#index" inside a container
    original: str
    kind: str  # text | html | markdown
    body_start: int = 0  # where the document body begins inside ``original``
    title: str | None = None
    date: object = None
    url: str | None = None
    site: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def records_from_text(path: str, suffix: str, text: str) -> Iterator[RawRecord | RejectedRecord]:
    if suffix in HTML_SUFFIXES:
        yield RawRecord(path, text, "html")
    elif suffix in MARKDOWN_SUFFIXES:
        yield _markdown(path, text)
    elif suffix in JSON_SUFFIXES:
        yield from _json_document(path, text)
    elif suffix in JSONL_SUFFIXES:
        yield from _json_lines(path, text)
    else:
        yield _plain_text(path, text)


@dataclass
class RejectedRecord:
    key: str
    reason: str


_INLINE_FRONT = re.compile(r"\A\s*---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def _plain_text(path: str, text: str) -> RawRecord:
    # Scraped .txt files often carry front matter too: honour it when it is there.
    if _INLINE_FRONT.match(text):
        return _markdown(path, text)
    kind = "html" if _LOOKS_HTML.search(text[:2000]) else "text"
    return RawRecord(path, text, kind)


def _markdown(path: str, text: str) -> RawRecord:
    m = _INLINE_FRONT.match(text)
    meta: dict[str, Any] = {}
    body_start = 0
    if m:
        try:
            meta = dict(frontmatter.loads(text).metadata)
        except Exception as e:
            raise RejectedInput(f"malformed front matter: {str(e).splitlines()[0]}") from e
        body_start = m.end()
    body = text[body_start:]
    kind = "html" if _LOOKS_HTML.search(body[:2000]) else "text"
    return RawRecord(
        path,
        text,
        kind,
        body_start=body_start,
        title=_first(meta, _TITLE_KEYS),
        date=_first_raw(meta, _DATE_KEYS),
        url=_first(meta, _URL_KEYS),
        site=_first(meta, _SOURCE_KEYS),
        meta={k: str(v) for k, v in meta.items()},
    )


def _json_document(path: str, text: str) -> Iterator[RawRecord | RejectedRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise RejectedInput(f"malformed JSON at line {e.lineno} column {e.colno}: {e.msg}") from e
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        key = path if len(items) == 1 else f"{path}#{i}"
        yield _json_record(key, item)


def _json_lines(path: str, text: str) -> Iterator[RawRecord | RejectedRecord]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key = f"{path}#{n}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            yield RejectedRecord(key, f"malformed JSON line {n} column {e.colno}: {e.msg}")
            continue
        yield _json_record(key, item)


def _json_record(key: str, item: Any) -> RawRecord | RejectedRecord:
    if not isinstance(item, dict):
        return RejectedRecord(key, f"JSON record is a {type(item).__name__}, not an object")
    body = _first(item, _TEXT_KEYS)
    if not body or not body.strip():
        return RejectedRecord(key, f"JSON record has no text (looked for {', '.join(_TEXT_KEYS)})")
    kind = "html" if _LOOKS_HTML.search(body[:2000]) else "text"
    return RawRecord(
        key,
        body,
        kind,
        title=_first(item, _TITLE_KEYS),
        date=_first_raw(item, _DATE_KEYS),
        url=_first(item, _URL_KEYS),
        site=_first(item, _SOURCE_KEYS),
        meta={k: v for k, v in item.items() if k not in _TEXT_KEYS and isinstance(v, str | int)},
    )


def _first_raw(obj: dict[str, Any], keys: tuple[str, ...]) -> object:
    for k in keys:
        if obj.get(k) not in (None, ""):
            return obj[k]
    return None


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    value = _first_raw(obj, keys)
    return None if value is None else str(value)
