"""Safe names for files a user hands over (uploaded documents, 佐证材料): the last path
component only, no control characters, not too long for a file system."""

from __future__ import annotations

MAX_NAME_BYTES = 200  # of a stored upload's name (file systems allow 255 bytes)


def upload_name(raw: str | None, index: int) -> tuple[str | None, str | None, dict[str, object]]:
    """A safe file name for an uploaded part: (name or None when refused, catalogue key of the
    refusal or warning, its parameters). Only the last path component is kept; control
    characters become "_"; an over-long name is shortened, keeping its extension."""
    if raw and "\x00" in raw:
        return None, "upload_name_nul", {}
    name = (raw or f"upload-{index}.txt").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join("_" if ord(c) < 32 or ord(c) == 127 else c for c in name)
    if not name.strip("."):
        return None, "upload_name_empty", {}
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name, None, {}
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix.encode()) > 16:
        stem, suffix = name, ""
    budget = MAX_NAME_BYTES - len(suffix.encode()) - len(dot)
    short = stem.encode()[:budget].decode(errors="ignore") + (f".{suffix}" if suffix else "")
    return short, "upload_name_shortened", {"name": short}
