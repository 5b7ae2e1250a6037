"""Files are read whole up to the size limit, whatever size they declare (``ingest.pipeline``
reads what the file declares and one byte more, then the rest only when it holds more)."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.ingest import Rejection, read_path
from luoshi.messages import message

PROC = Path("/proc/self/status")  # a regular file that declares 0 bytes and holds more


@pytest.mark.skipif(not PROC.exists(), reason="needs Linux's /proc")
def test_a_file_holding_more_than_it_declares_is_read_whole_or_refused_by_its_size(tmp_path):
    link = tmp_path / "status.txt"
    link.symlink_to(PROC)
    assert PROC.stat().st_size == 0
    (doc,) = read_path(link)
    assert not isinstance(doc, Rejection)
    assert doc.text.startswith("Name:") and "VmRSS" in doc.text  # (lines well past the first)
    (refused,) = read_path(link, max_bytes=100)
    assert refused == Rejection(str(link), message("file_too_large", size=101, limit=100))


def test_a_file_is_read_up_to_the_limit_and_no_further(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("前海" * 40, encoding="utf-8")  # 240 bytes
    (doc,) = read_path(path, max_bytes=240)
    assert not isinstance(doc, Rejection) and doc.text == "前海" * 40
    (refused,) = read_path(path, max_bytes=239)
    assert refused == Rejection(str(path), message("file_too_large", size=240, limit=239))
