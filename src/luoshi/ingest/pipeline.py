"""Files → ``Document``s. Every input ends as a Document or as a ``Rejection`` with its reason;
nothing is dropped silently."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from luoshi.ingest.clean import normalise_whitespace, remove_furniture, remove_glosses
from luoshi.ingest.decode import RejectedInput, decode_bytes
from luoshi.ingest.formats import SUPPORTED, RawRecord, RejectedRecord, records_from_text
from luoshi.ingest.html import html_to_tracked
from luoshi.ingest.metadata import HEADER_CHARS, headline, parse_date_value, published_in_text, source_site
from luoshi.model import Document
from luoshi.text.fold import detect_script, to_simplified
from luoshi.text.offsets import TrackedText

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Rejection:
    """An input (a file, or a record inside one) that was not ingested, and why."""

    key: str
    reason: str


def iter_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Expand folders into the files below them (sorted, hidden files skipped)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | Rejection]:
    """Read one file into Documents, or Rejections saying why not."""
    key = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield Rejection(key, f"file too large ({size:,} bytes > limit {max_bytes:,})")
            return
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED:
            yield Rejection(key, f"unsupported file type '{suffix or '(none)'}'")
            return
        decoded = decode_bytes(path.read_bytes())
        for record in records_from_text(key, suffix, decoded.text):
            if isinstance(record, RejectedRecord):
                yield Rejection(record.key, record.reason)
                continue
            try:
                yield build_document(record, decoded.encoding, path)
            except RejectedInput as e:
                yield Rejection(record.key, e.reason)
    except RejectedInput as e:
        yield Rejection(key, e.reason)
    except FileNotFoundError:
        yield Rejection(key, "no such file")
    except PermissionError:
        yield Rejection(key, "permission denied")
    except IsADirectoryError:
        yield Rejection(key, "is a directory")


def read_paths(
    paths: Iterable[str | os.PathLike[str]], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | Rejection]:
    for path in iter_paths(paths):
        yield from read_path(path, max_bytes)


def document_from_text(text: str, doc_id: str = "text", kind: str = "text") -> Document:
    """A Document from a string (tests, the API, pasted text)."""
    return build_document(RawRecord(doc_id, text, kind), "utf-8", None)


def build_document(record: RawRecord, encoding: str, path: Path | None) -> Document:
    original = record.original
    body = original[record.body_start :]
    if record.kind == "html":
        tracked, page_title = html_to_tracked(body)
    else:
        tracked, page_title = TrackedText.of(body), None
    if record.body_start:
        tracked = tracked.shifted(record.body_start)
    tracked = remove_glosses(normalise_whitespace(tracked))
    header = tracked
    tracked = remove_furniture(tracked)
    text = tracked.text
    if not text.strip():
        raise RejectedInput("no text left after removing markup and page furniture")
    simplified = to_simplified(text)
    header_text = header.text
    # Datelines and stamps are read before furniture removal (they often sit in it).
    header_simplified = simplified if header is tracked else to_simplified(header_text[:HEADER_CHARS])
    title = record.title or page_title
    if not title:
        title = headline(text)
    published = published_in_text(header_simplified[:HEADER_CHARS], parse_date_value(record.date))
    doc_id = _doc_id(record.key, path)
    return Document(
        id=doc_id,
        original=original,
        text=text,
        simplified=simplified,
        offsets=tracked.offset_map(),
        title=to_simplified(title) if title else None,
        published=published,
        source_url=record.url,
        source_site=record.site or source_site(header_text),
        source_path=record.key,
        source_format=(path.suffix.lower().lstrip(".") if path else record.kind) or "txt",
        encoding=encoding,
        script=detect_script(text, simplified),
        content_hash=content_hash(simplified),
        metadata=dict(record.meta),
    )


_HASH_DROP = re.compile(r"[\s\u200b]+")


def content_hash(simplified: str) -> str:
    """Identity of a text whatever its file name, encoding, script or width of punctuation."""
    normal = _HASH_DROP.sub("", unicodedata.normalize("NFKC", simplified))
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _doc_id(key: str, path: Path | None) -> str:
    if path is None:
        return key
    suffix = key[len(str(path)) :]  # "#12" for a record inside a container
    return path.stem + suffix
