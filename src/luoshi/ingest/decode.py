"""Bytes → text: encoding detection per file, and the specific reasons a file is not text.

Text is kept wherever it can be: a character cut short at the end of a file becomes U+FFFD,
stray control characters (NULs after each sentence, say) are removed; both are reported as
warnings. UTF-16 without a byte order mark is accepted only when it reads as plausible text."""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass

from luoshi.errors import InputError
from luoshi.ingest.clean import FOLDED
from luoshi.messages import message


class RejectedInput(InputError):
    """An input that cannot be ingested; ``reason`` says why in a short, specific phrase."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()
    # The text holds no control character and none that cleaning folds or deletes (tabs, spaces
    # other than the ordinary one, invisible characters: ``clean.normalise_whitespace``), found
    # by the one scan that looked for control characters.
    plain: bool = False


_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "what_pdf"),
    (b"\x89PNG", "what_png"),
    (b"\xff\xd8\xff", "what_jpeg"),
    (b"GIF8", "what_gif"),
    (b"PK\x03\x04", "what_zip"),
    (b"\x1f\x8b", "what_gzip"),
    (b"\xd0\xcf\x11\xe0", "what_ole"),
    (b"\x7fELF", "what_elf"),
    (b"SQLite format 3", "what_sqlite"),
]

# Chinese text is decoded with these in mind first; a generic guess comes last.
_CJK_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16"]

# C0 controls other than tab, line feed, form feed and carriage return, and DEL.
_CONTROL = r"\x00-\x08\x0b\x0e-\x1f\x7f"  # (a class's members)
_CONTROLS = re.compile(f"[{_CONTROL}]+")
# The same characters as a bare class: a search for one is the regex engine's class scan (the
# "+" above makes it try the whole pattern at every position, about twice as slow), and a text
# with none of them, nearly every one, needs no more.
_CONTROL_CHAR = re.compile(f"[{_CONTROL}]")
# And with them those that cleaning folds or deletes: one scan says whether a text holds either.
_CONTROL_OR_FOLDED = re.compile(f"[{_CONTROL}{FOLDED}]")
# Above this share of control characters a text is binary, not text with a few strays.
MAX_CONTROL_SHARE = 0.20
# UTF-16 text (ASCII-heavy) has a NUL in every other byte; UTF-8 text with stray NULs far fewer.
_UTF16_NUL_SHARE = 0.2


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` or raise ``RejectedInput`` with the reason."""
    decoded = _decode(data)
    if not decoded.text.strip(_BLANK):
        raise RejectedInput(message("empty_file"))
    return decoded


# What an empty file may still hold: white space and byte order marks.
_BLANK = " \t\n\r\f\v\u3000\u00a0\ufeff"


def _decode(data: bytes) -> Decoded:
    if not data.strip():
        raise RejectedInput(message("empty_file"))
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise RejectedInput(message("binary_file", what=message(what)))
    if data.startswith(codecs.BOM_UTF8):
        bom = _utf8(data[3:], skipped=3) or Decoded(_strict(data[3:], "utf-8", skipped=3), "utf-8")
        return _without_controls(Decoded(bom.text, "utf-8-bom", bom.warnings))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _without_controls(_utf16(data, "utf-16", bom=True))
    if b"\x00" in data:
        return _without_controls(_with_nuls(data))
    decoded = _utf8(data)
    if decoded is not None:
        return _without_controls(decoded)
    return _without_controls(_guess(data))


def _utf8(data: bytes, skipped: int = 0) -> Decoded | None:
    """UTF-8, tolerating a last character cut short (a download cut off); None if not UTF-8."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        if e.end != len(data) or len(data) - e.start > 3 or "end of data" not in e.reason:
            return None
        text = data[: e.start].decode("utf-8") + "\ufffd"
        return Decoded(text, "utf-8", (message("warn_truncated_utf8", offset=e.start + skipped),))


def _strict(data: bytes, encoding: str, skipped: int = 0) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise RejectedInput(message("undecodable_at", offset=e.start + skipped, encoding=encoding)) from e


def _utf16(data: bytes, encoding: str, bom: bool = False) -> Decoded:
    """UTF-16 tolerating a final code unit or surrogate pair cut short."""
    name = f"{encoding}{'-bom' if bom else ''}"
    try:
        return Decoded(data.decode(encoding), name)
    except UnicodeDecodeError as e:
        if e.end != len(data) or len(data) - e.start > 3:
            raise RejectedInput(message("undecodable_at", offset=e.start, encoding=encoding)) from e
        text = _strict(data[: e.start], encoding) + "\ufffd"
        return Decoded(text, name, (message("warn_truncated_utf16", offset=e.start),))


def _with_nuls(data: bytes) -> Decoded:
    """Bytes with NULs: UTF-16 without a byte order mark, or UTF-8 with stray NULs."""
    utf8 = _utf8(data)
    if utf8 is not None and data.count(0) / len(data) < _UTF16_NUL_SHARE:
        return utf8  # its NULs are removed with the other controls
    head = data[:4096]
    even_nul = head[0::2].count(0)
    odd_nul = head[1::2].count(0)
    # ASCII-heavy UTF-16 has NULs in one half only; CJK UTF-16 may have none, so also try both.
    order = ["utf-16-le", "utf-16-be"] if odd_nul >= even_nul else ["utf-16-be", "utf-16-le"]
    for enc in order:
        try:
            decoded = _utf16(data, enc)
        except RejectedInput:
            continue
        if _looks_like_text(decoded.text) and _plausible_utf16(decoded.text):
            return decoded
    if utf8 is not None:
        return utf8  # mostly NULs: the control share decides whether it is text at all
    # Stray NULs in another encoding (GB18030, Big5): read the rest as if they were not there.
    rest = data.replace(b"\x00", b"")
    removed = len(data) - len(rest)
    if rest.strip() and removed / len(data) <= MAX_CONTROL_SHARE:
        try:
            decoded = _guess(rest)
        except RejectedInput:
            pass
        else:
            warning = message("warn_nul_bytes_removed", count=removed, offset=data.index(0))
            return Decoded(decoded.text, decoded.encoding, (warning,))
    raise RejectedInput(message("binary_file", what=message("what_nul")))


# Characters a Chinese text read correctly is made of; UTF-8 bytes misread as UTF-16 give
# mostly Hangul, rare CJK extensions, private use and unassigned code points instead.
_PLAUSIBLE = re.compile(
    r"[\t\n\r\f\x20-\x7e\xa0-\xff\u2000-\u206f\u2100-\u214f\u2460-\u24ff\u2500-\u25ff"
    r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\ufeff]"
)


def _plausible_utf16(text: str) -> bool:
    sample = text[:8192]
    good = len(_PLAUSIBLE.findall(sample))
    return good / len(sample) >= 0.9


def _without_controls(decoded: Decoded) -> Decoded:
    """Remove stray control characters (with a warning); too many of them is a binary file."""
    text = decoded.text
    first = _CONTROL_OR_FOLDED.search(text)
    if first is None:
        return Decoded(text, decoded.encoding, decoded.warnings, plain=True)
    if _CONTROL_CHAR.match(text, first.start()) is None:  # (a character cleaning folds first)
        first = _CONTROL_CHAR.search(text, first.end())
        if first is None:
            return decoded
    removed = sum(m.end() - m.start() for m in _CONTROLS.finditer(text))
    if removed / len(text) > MAX_CONTROL_SHARE:
        share = max(1, round(100 * removed / len(text)))
        raise RejectedInput(message("binary_file", what=message("what_controls", percent=share)))
    clean = _CONTROLS.sub("", text)
    if not clean.strip():
        raise RejectedInput(message("empty_file"))
    warning = message("warn_controls_removed", count=removed, offset=first.start())
    return Decoded(clean, decoded.encoding, (*decoded.warnings, warning))


def _guess(data: bytes) -> Decoded:
    # Both GB18030 and Big5 decode many byte strings; charset-normalizer ranks the readings.
    from charset_normalizer import from_bytes  # (imported here: ≈ 15 ms, for the files UTF-8 is not)

    best = from_bytes(data, cp_isolation=_CJK_CANDIDATES).best()
    if best is None:
        best = from_bytes(data).best()
    if best is None:
        raise RejectedInput(message("no_encoding"))
    text = str(best)
    if not _looks_like_text(text):
        raise RejectedInput(message("garbled", encoding=best.encoding))
    return Decoded(text, best.encoding.replace("_", "-"))


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    sample = text[:8192]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad / len(sample) < 0.02


def gunzip(data: bytes, limit: int) -> tuple[bytes, tuple[str, ...]]:
    """Decompress gzip ``data`` (all its members) to at most ``limit`` bytes; beyond that the
    file is rejected, never inflated further. A stream cut short keeps what it held."""
    out: list[bytes] = []
    total = 0
    warnings: tuple[str, ...] = ()
    pending = data
    try:
        while pending:
            inflater = zlib.decompressobj(wbits=31)
            while not inflater.eof:
                chunk = inflater.decompress(pending, limit + 1 - total)
                total += len(chunk)
                if total > limit:
                    raise RejectedInput(message("gzip_too_large", limit=limit))
                out.append(chunk)
                pending = inflater.unconsumed_tail
                if not chunk and not pending:
                    warnings = (message("warn_gzip_truncated"),)
                    break
            pending = inflater.unused_data.lstrip(b"\x00") if inflater.eof else b""
    except zlib.error as e:
        raise RejectedInput(message("gzip_corrupt")) from e
    return b"".join(out), warnings
