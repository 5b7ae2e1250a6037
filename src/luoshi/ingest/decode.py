"""Bytes → text: encoding detection per file, and the specific reasons a file is not text."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes


class RejectedInput(Exception):
    """An input that cannot be ingested; ``reason`` says why in a short, specific phrase."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3", "SQLite database"),
]

# Chinese text is decoded with these in mind first; a generic guess comes last.
_CJK_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16"]


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` or raise ``RejectedInput`` with the reason."""
    if not data.strip():
        raise RejectedInput("empty file")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise RejectedInput(f"binary file ({what})")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", bom=True)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", bom=True)
    if b"\x00" in data[:4096]:
        return _utf16_without_bom(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _guess(data)


def _strict(data: bytes, encoding: str, bom: bool = False) -> Decoded:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise RejectedInput(f"undecodable bytes at offset {e.start} for {encoding}") from e
    return Decoded(text, f"{encoding}{'-bom' if bom else ''}")


def _utf16_without_bom(data: bytes) -> Decoded:
    head = data[:4096]
    even_nul = head[0::2].count(0)
    odd_nul = head[1::2].count(0)
    # ASCII-heavy UTF-16 has NULs in one half only; CJK UTF-16 may have none, so also try both.
    order = ["utf-16-le", "utf-16-be"] if odd_nul >= even_nul else ["utf-16-be", "utf-16-le"]
    for enc in order:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return Decoded(text, enc)
    raise RejectedInput("binary file (NUL bytes, not UTF-16 text)")


def _guess(data: bytes) -> Decoded:
    # Both GB18030 and Big5 decode many byte strings; charset-normalizer ranks the readings.
    best = from_bytes(data, cp_isolation=_CJK_CANDIDATES).best()
    if best is None:
        best = from_bytes(data).best()
    if best is None:
        raise RejectedInput("undecodable bytes (no known encoding reads this file)")
    text = str(best)
    if not _looks_like_text(text):
        raise RejectedInput(f"binary or garbled content (best reading {best.encoding})")
    return Decoded(text, best.encoding.replace("_", "-"))


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    sample = text[:8192]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad / len(sample) < 0.02
