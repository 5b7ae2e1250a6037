"""佐证材料 (evidence) files: kept in a folder beside the database, each under its content hash.

Where: ``$LUOSHI_FILES`` if set; else, for a SQLite store ``luoshi.db``, the folder
``luoshi-files`` beside it; for PostgreSQL ``$XDG_DATA_HOME/luoshi/files/<database>`` (set
``LUOSHI_FILES`` to choose another, e.g. a shared volume). An upload is first written to
``.incoming/`` inside that folder (the size is counted as it is copied, and a file past the cap
is removed at once), then moved to ``ab/<sha256>`` — the same file uploaded twice is kept once —
and only then recorded in the database: a failed upload leaves no row, and a failed transaction
at most an unlisted file."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import URL

from luoshi.ingest.filenames import upload_name
from luoshi.ledger.errors import LedgerError
from luoshi.messages import language, message, message_in

ENV_FOLDER = "LUOSHI_FILES"
ENV_MAX_MB = "LUOSHI_EVIDENCE_MAX_MB"
DEFAULT_MAX_MB = 20
# Documents, sheets, pictures and archives an office passes around; nothing a browser would run.
SUFFIXES = (
    "pdf",
    "ofd",
    "doc",
    "docx",
    "wps",
    "rtf",
    "xls",
    "xlsx",
    "et",
    "csv",
    "ppt",
    "pptx",
    "dps",
    "txt",
    "md",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "bmp",
    "tif",
    "tiff",
    "webp",
    "zip",
    "rar",
    "7z",
    "mp3",
    "mp4",
)


def files_folder(url: URL) -> Path:
    """The evidence folder of the store at ``url`` (see the module's documentation)."""
    chosen = os.environ.get(ENV_FOLDER)
    if chosen:
        return Path(chosen).expanduser()
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database).expanduser()
        return db.with_name(f"{db.stem}-files")
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "luoshi" / "files" / (url.database or "default")


def max_bytes() -> int:
    """The size cap of one file: ``$LUOSHI_EVIDENCE_MAX_MB`` megabytes, else 20."""
    try:
        megabytes = float(os.environ.get(ENV_MAX_MB, "") or DEFAULT_MAX_MB)
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


@dataclass
class StagedFile:
    """An upload written to the incoming folder, checked, not yet kept."""

    name: str  # sanitised, as shown and downloaded
    temp: Path
    size: int
    sha256: str

    @property
    def path(self) -> str:
        """Its place in the evidence folder once kept."""
        return f"{self.sha256[:2]}/{self.sha256}"


class EvidenceFiles:
    def __init__(self, folder: Path, limit: int | None = None) -> None:
        self.folder = folder
        self.limit = max_bytes() if limit is None else limit

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """A private incoming folder, removed with whatever was not kept when the block ends."""
        incoming = self.folder / ".incoming" / secrets.token_hex(8)
        try:
            incoming.mkdir(parents=True, exist_ok=False)
        except OSError as e:
            raise LedgerError(
                message("evidence.folder_unwritable", folder=self.folder, error=e.strerror or e)
            ) from e
        try:
            yield incoming
        finally:
            shutil.rmtree(incoming, ignore_errors=True)

    def stage(self, incoming: Path, raw_name: str | None, stream: BinaryIO, index: int = 0) -> StagedFile:
        """Copy one upload into ``incoming`` (a folder from ``staging``): its name sanitised, its
        type one of ``SUFFIXES``, its size under the cap and above zero."""
        name, key, params = upload_name(raw_name, index)
        if name is None:
            raise LedgerError(message_in(language(), key or "upload_name_empty", params))
        suffix = name.rpartition(".")[2].lower() if "." in name else ""
        if suffix not in SUFFIXES:
            raise LedgerError(
                message("evidence.bad_type", name=name, suffix=suffix or "—", allowed="、".join(SUFFIXES))
            )
        temp = incoming / f"{index}.part"
        digest, size = hashlib.sha256(), 0
        with temp.open("xb") as out:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > self.limit:
                    break
                digest.update(chunk)
                out.write(chunk)
        if size > self.limit:
            temp.unlink(missing_ok=True)
            raise LedgerError(
                message("evidence.too_big", name=name, limit=f"{round(self.limit / 1048576, 3):g}")
            )
        if size == 0:
            temp.unlink(missing_ok=True)
            raise LedgerError(message("evidence.empty", name=name))
        return StagedFile(name, temp, size, digest.hexdigest())

    def keep(self, staged: StagedFile) -> str:
        """Move a staged file to its place (once per content); its relative path."""
        target = self.folder / staged.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            staged.temp.unlink(missing_ok=True)
        else:
            os.replace(staged.temp, target)
        return staged.path

    def remove(self, relative: str) -> None:
        """Delete the file kept at ``relative`` (nothing when it is already gone)."""
        self.path(relative).unlink(missing_ok=True)

    def path(self, relative: str) -> Path:
        """The file kept at ``relative`` (a path this module made; nothing outside the folder)."""
        if not relative or ".." in relative or relative.startswith("/") or "\\" in relative:
            raise LedgerError(message("evidence.missing_file", name=relative, folder=self.folder))
        return self.folder / relative
