"""Files → ``Document``s. Every input ends as a Document or as a ``Rejection`` with its reason;
nothing is dropped silently."""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from luoshi.ingest.clean import fold_invisible, normalise_whitespace, remove_furniture, remove_glosses
from luoshi.ingest.decode import RejectedInput, decode_bytes, gunzip
from luoshi.ingest.formats import SUPPORTED, RawRecord, RejectedRecord, records_from_text
from luoshi.ingest.html import html_to_tracked
from luoshi.ingest.metadata import HEADER_CHARS, parse_date_value, published_in_text, source_site, title_of
from luoshi.messages import message
from luoshi.model import WARNINGS_KEY, Document
from luoshi.settings import DEFAULT_MAX_BYTES
from luoshi.text import TrackedText, detect_script, to_simplified


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
                folder = Path(root)
                for name in sorted(files):
                    if not name.startswith("."):
                        yield folder / name
        else:
            yield path


GZIP_SUFFIX = ".gz"


def read_path(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, name: Path | None = None
) -> Iterator[Document | Rejection]:
    """Read one file into Documents, or Rejections saying why not. A ``.gz`` file of a
    supported type is decompressed to at most ``max_bytes``. Keys, document names and the
    format come from ``name`` when given (the path as the user gave it, where ``path`` is where
    this process finds the file)."""
    shown = name or path
    key = printable_name(str(shown))
    try:
        suffix = shown.suffix.lower()
        gzipped = suffix == GZIP_SUFFIX
        if gzipped:
            suffix = Path(shown.stem).suffix.lower()
        if suffix not in SUPPORTED:
            reason = "gzip_inner_unsupported" if gzipped else "unsupported_type"
            yield Rejection(key, message(reason, suffix=suffix or message("no_suffix")))
            return
        data = _read_bounded(path, max_bytes)
        warnings: tuple[str, ...] = ()
        if gzipped:
            data, warnings = gunzip(data, max_bytes)
        decoded = decode_bytes(data)
        del data
        fmt = suffix.lstrip(".") + (GZIP_SUFFIX if gzipped else "")
        for record in records_from_text(key, suffix, decoded.text):
            if isinstance(record, RejectedRecord):
                yield Rejection(record.key, record.reason)
                continue
            record.warnings[:0] = [*warnings, *decoded.warnings]
            try:
                plain = decoded.plain and record.original is decoded.text  # (the file's own text)
                yield build_document(record, decoded.encoding, shown, fmt, plain=plain)
            except RejectedInput as e:
                yield Rejection(record.key, e.reason)
    except RejectedInput as e:
        yield Rejection(key, e.reason)
    except FileNotFoundError:
        yield Rejection(key, message("no_such_file"))
    except PermissionError:
        yield Rejection(key, message("permission_denied"))
    except IsADirectoryError:
        yield Rejection(key, message("is_directory"))
    except OSError as e:
        yield Rejection(key, message("read_error", error=e.strerror or type(e).__name__))


def printable_name(name: str) -> str:
    """A file name as text that can be stored and shown: bytes that are not UTF-8 (kept by
    Python as lone surrogates) become U+FFFD, and so does a NUL (no file system has one in a
    name, and PostgreSQL cannot store it)."""
    if name.isascii() and "\0" not in name:
        return name  # (as below, without encoding it)
    name = name.replace("\0", "\ufffd")
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _read_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (read no further, whatever the
    file system says of its size: devices and growing files declare anything)."""
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise RejectedInput(message("is_directory"))
    if not stat.S_ISREG(info.st_mode):
        raise RejectedInput(message("not_regular_file"))
    if info.st_size > max_bytes:
        raise RejectedInput(message("file_too_large", size=info.st_size, limit=max_bytes))
    # As much as the file declares and one byte more, then the rest only if it holds more: a
    # read of ``max_bytes + 1`` at once first allocated that much (≈ 15 µs a file). By the
    # descriptor: a buffered file object costs five more system calls a file (its own stat,
    # a terminal check, a seek, a read into its buffer).
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        data = _read_upto(fd, info.st_size + 1)
        if len(data) > info.st_size:
            data += _read_upto(fd, max_bytes + 1 - len(data))
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise RejectedInput(message("file_too_large", size=len(data), limit=max_bytes))
    return data


_READ_CHUNK = 1 << 20  # bytes asked for at once beyond what a file declared


def _read_upto(fd: int, size: int) -> bytes:
    """At most ``size`` bytes from ``fd``: until that many or the end of the file."""
    data = os.read(fd, min(size, _READ_CHUNK))
    if not data or len(data) == size:
        return data
    parts = [data]
    got = len(data)
    while got < size:
        chunk = os.read(fd, min(size - got, _READ_CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def read_paths(
    paths: Iterable[str | os.PathLike[str]], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | Rejection]:
    for path in iter_paths(paths):
        yield from read_path(path, max_bytes)


def document_from_text(text: str, doc_id: str = "text", kind: str = "text") -> Document:
    """A Document from a string (tests, the API, pasted text)."""
    return build_document(RawRecord(doc_id, text, kind), "utf-8", None)


def build_document(
    record: RawRecord, encoding: str, path: Path | None, fmt: str | None = None, *, plain: bool = False
) -> Document:
    """``plain``: the record's text holds no control character, tab, space other than the
    ordinary one or invisible character (``decode.Decoded.plain``; of use to a text that is not
    HTML, whose markup and entities make other characters)."""
    original = record.original
    body = original[record.body_start :]
    if record.kind == "html":
        tracked, page_title = html_to_tracked(body)
        plain = False
    else:
        tracked, page_title = TrackedText.of(body), None
    if record.body_start:
        tracked = tracked.shifted(record.body_start)
    tracked = remove_glosses(normalise_whitespace(tracked, plain))
    header = tracked
    tracked = remove_furniture(tracked)
    text = tracked.text
    if not text.strip():
        raise RejectedInput(message("no_text_left"))
    simplified = to_simplified(text)
    header_text = header.text
    # Datelines and stamps are read before furniture removal (they often sit in it).
    header_simplified = simplified if header is tracked else to_simplified(header_text[:HEADER_CHARS])
    doc_id = _doc_id(record.key, path)
    title = title_of(fold_invisible(record.title or page_title or ""), text, doc_id)
    published = published_in_text(header_simplified[:HEADER_CHARS], parse_date_value(record.date))
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
        source_format=fmt or (path.suffix.lower().lstrip(".") if path else record.kind) or "txt",
        encoding=encoding,
        script=detect_script(text, simplified),
        content_hash=content_hash(simplified),
        metadata=_metadata(record),
    )


def _metadata(record: RawRecord) -> dict[str, object]:
    """The record's metadata, and its warnings under ``WARNINGS_KEY`` (a field of that name in
    the input is not ours, and is dropped)."""
    meta: dict[str, object] = {k: v for k, v in record.meta.items() if k != WARNINGS_KEY}
    if record.warnings:
        meta[WARNINGS_KEY] = list(record.warnings)
    return meta


def content_hash(simplified: str) -> str:
    """Identity of a text whatever its file name, encoding, script or width of punctuation."""
    # White space and zero-width spaces dropped: ``str.split`` splits at exactly the characters
    # ``\s`` matches (``str.isspace``), far faster than the pattern's substitution.
    normal = "".join(unicodedata.normalize("NFKC", simplified).split())
    if "\u200b" in normal:
        normal = normal.replace("\u200b", "")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _doc_id(key: str, path: Path | None) -> str:
    if path is None:
        return key
    suffix = key[len(printable_name(str(path))) :]  # "#12" for a record inside a container
    return printable_name(path.stem) + suffix
