import gc

import pytest

from luoshi.collector import fewer_collections
from luoshi.pipeline import ingest_paths
from luoshi.store import open_store


def test_collector_threshold_is_restored_after_ingest_even_on_error(tmp_path, db_path):
    before = gc.get_threshold()
    (tmp_path / "a.txt").write_text("2025年3月2日讯 市委书记周明远主持召开会议。", encoding="utf-8")
    ingest_paths(open_store(db_path), [tmp_path])
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        assert gc.get_threshold()[0] == 20_000
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_collector_paused_for_a_stage_runs_again_after_even_on_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections(None):
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled() and gc.get_threshold() == before
    gc.disable()  # a caller that had paused it keeps it paused
    try:
        with fewer_collections(None):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
