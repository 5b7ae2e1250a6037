"""Readers per file format. Each turns a decoded file into ``RawRecord``s: the original text of
one document plus whatever metadata the container carries (front matter, JSON fields).

Nothing a file declares may make us allocate without bound: front matter is read with a YAML
loader that refuses aliases and deep nesting, and is capped in size; JSON is checked for its
number of values, its depth and the length of its numbers before it is built; metadata values
that are too long are dropped with a warning."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from luoshi.ingest.decode import RejectedInput
from luoshi.messages import message

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

# Limits on what a file's metadata can make us build.
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_FRONT_MATTER_DEPTH = 20
MAX_META_KEY_CHARS = 200
MAX_META_VALUE_CHARS = 4000
MAX_JSON_DEPTH = 100
MAX_JSON_VALUES = 500_000
MAX_JSON_DIGITS = 100


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
    warnings: list[str] = field(default_factory=list)  # said about this record, in the catalogue's words


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


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@cache
def _front_matter_loader() -> Any:
    """The safe loader, refusing aliases (an alias bomb expands a few hundred bytes into
    gigabytes) and nesting deeper than ``MAX_FRONT_MATTER_DEPTH``; PyYAML (≈ 10 ms) imported
    by the first front matter."""
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise _Refused(message("front_matter_aliases"))
            self.depth += 1
            if self.depth > MAX_FRONT_MATTER_DEPTH:
                raise _Refused(message("front_matter_too_deep", limit=MAX_FRONT_MATTER_DEPTH))
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return FrontMatterLoader


def front_matter(block: str) -> tuple[dict[str, Any], list[str]]:
    """The metadata of a front-matter block and warnings; a block that breaks a limit raises
    ``RejectedInput``, a malformed one is ignored with a warning."""
    size = len(block.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise RejectedInput(message("front_matter_too_large", size=size, limit=MAX_FRONT_MATTER_BYTES))
    import yaml

    loader = _front_matter_loader()(block)
    try:
        data = loader.get_single_data()
    except _Refused as e:
        raise RejectedInput(e.reason) from e
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return {}, [message("warn_front_matter_malformed")]
    finally:
        loader.dispose()
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [message("warn_front_matter_not_mapping")]
    return _bounded_meta({str(k): v for k, v in data.items()})


def _bounded_meta(meta: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Metadata with over-long keys and values dropped (each with a warning)."""
    kept: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in meta.items():
        try:
            shown = value if isinstance(value, str) else str(value)
        except ValueError:  # an integer too long to print
            shown = "?" * (MAX_META_VALUE_CHARS + 1)
        if len(key) > MAX_META_KEY_CHARS or len(shown) > MAX_META_VALUE_CHARS:
            warnings.append(message("warn_meta_value_dropped", key=key[:40], size=len(shown)))
            continue
        kept[key] = value
    return kept, warnings


def _markdown(path: str, text: str) -> RawRecord:
    m = _INLINE_FRONT.match(text)
    meta: dict[str, Any] = {}
    warnings: list[str] = []
    body_start = 0
    if m:
        meta, warnings = front_matter(m.group(1))
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
        warnings=warnings,
    )


# A JSON string literal once its escaped backslashes and quotes are gone, for counting what lies
# outside them. One never closed runs to the end, so that every quote starts a match (a failed
# match at each of a million quotes would each scan to the end: quadratic time).
_JSON_STRING = re.compile(r'"[^"]*(?:"|\Z)')
_JSON_BRACKETS = re.compile(r"[\[\]{}]")


class _JsonLimit(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _bounded_int(digits: str) -> int:
    n = len(digits.lstrip("-"))
    if n > MAX_JSON_DIGITS:
        raise _JsonLimit(message("json_number_too_long", digits=n, limit=MAX_JSON_DIGITS))
    return int(digits)


def _bounded_float(digits: str) -> float:
    if len(digits) > MAX_JSON_DIGITS * 4:
        raise _JsonLimit(message("json_number_too_long", digits=len(digits), limit=MAX_JSON_DIGITS * 4))
    return float(digits)


def _check_json_shape(text: str) -> None:
    """Count values and nesting outside string literals, before anything is built: a 20 MB
    file of ``[{},{},…]`` would otherwise become gigabytes of objects, and deep nesting a
    RecursionError."""
    structure = text
    if '"' in structure:
        if "\\" in structure:  # escapes only occur in strings
            structure = structure.replace("\\\\", "").replace('\\"', "")
        structure = _JSON_STRING.sub('""', structure)
    values = structure.count(",") + structure.count("[") + structure.count("{")
    if values > MAX_JSON_VALUES:
        raise _JsonLimit(message("json_too_many_values", values=values, limit=MAX_JSON_VALUES))
    if structure.count("[") + structure.count("{") <= MAX_JSON_DEPTH:
        return
    depth = 0
    for m in _JSON_BRACKETS.finditer(structure):
        depth += 1 if m.group() in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise _JsonLimit(message("json_too_deep", limit=MAX_JSON_DEPTH))


def _load_json(text: str) -> Any:
    """``json.loads`` within the limits; raises ``_JsonLimit`` or ``json.JSONDecodeError``."""
    _check_json_shape(text)
    try:
        return json.loads(text, parse_int=_bounded_int, parse_float=_bounded_float)
    except RecursionError as e:  # not reached after the shape check; kept as a backstop
        raise _JsonLimit(message("json_too_deep", limit=MAX_JSON_DEPTH)) from e


def _json_document(path: str, text: str) -> Iterator[RawRecord | RejectedRecord]:
    try:
        data = _load_json(text)
    except _JsonLimit as e:
        raise RejectedInput(e.reason) from e
    except json.JSONDecodeError as e:
        reason = message("json_malformed", line=e.lineno, column=e.colno, detail=e.msg)
        raise RejectedInput(reason) from e
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
            item = _load_json(line)
        except _JsonLimit as e:
            yield RejectedRecord(key, e.reason)
            continue
        except json.JSONDecodeError as e:
            yield RejectedRecord(key, message("json_line_malformed", line=n, column=e.colno, detail=e.msg))
            continue
        yield _json_record(key, item)


def _json_kind(item: Any) -> str:
    if isinstance(item, list):
        return message("json_kind_list")
    if isinstance(item, str):
        return message("json_kind_str")
    if isinstance(item, int | float) and not isinstance(item, bool):
        return message("json_kind_number")
    return message("json_kind_other")


def _json_record(key: str, item: Any) -> RawRecord | RejectedRecord:
    if not isinstance(item, dict):
        return RejectedRecord(key, message("json_not_object", kind=_json_kind(item)))
    body = _first(item, _TEXT_KEYS)
    if not body or not body.strip():
        return RejectedRecord(key, message("json_no_text", keys=", ".join(_TEXT_KEYS)))
    kind = "html" if _LOOKS_HTML.search(body[:2000]) else "text"
    extra = {k: v for k, v in item.items() if k not in _TEXT_KEYS and isinstance(v, str | int)}
    meta, warnings = _bounded_meta(extra)
    return RawRecord(
        key,
        body,
        kind,
        title=_bounded(_first(item, _TITLE_KEYS)),
        date=_first_raw(item, _DATE_KEYS),
        url=_bounded(_first(item, _URL_KEYS)),
        site=_bounded(_first(item, _SOURCE_KEYS)),
        meta=meta,
        warnings=warnings,
    )


def _bounded(value: str | None) -> str | None:
    return value if value is None or len(value) <= MAX_META_VALUE_CHARS else None


def _first_raw(obj: dict[str, Any], keys: tuple[str, ...]) -> object:
    for k in keys:
        if obj.get(k) not in (None, ""):
            return obj[k]
    return None


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    value = _first_raw(obj, keys)
    return None if value is None else str(value)
