"""Reading real-world readouts: formats, encodings, markup, page furniture, pinyin glosses."""

from luoshi.ingest.decode import RejectedInput, decode_bytes
from luoshi.ingest.pipeline import (
    Rejection,
    content_hash,
    document_from_text,
    iter_paths,
    printable_name,
    read_path,
    read_paths,
)
from luoshi.settings import DEFAULT_MAX_BYTES

__all__ = [
    "DEFAULT_MAX_BYTES",
    "RejectedInput",
    "Rejection",
    "content_hash",
    "decode_bytes",
    "document_from_text",
    "filenames",
    "iter_paths",
    "printable_name",
    "read_path",
    "read_paths",
]
