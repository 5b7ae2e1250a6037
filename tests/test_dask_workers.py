"""The worker processes of ``luoshi ingest --workers N`` (``pipeline.dask_client``): forked from a
server that imported and warmed up what they run, and gone with it when the cluster closes.

Apart from tests/test_dask_ingest.py, whose cluster lives for its whole module: a process has
one fork server, started with the modules of the first cluster that needs it."""

from __future__ import annotations

import os

import psutil
import pytest

from luoshi.pipeline import WORKER_PRELOAD, dask_client

pytest.importorskip("distributed")

LOADED = "__import__('sys').modules.keys() >= {'luoshi.pipeline', 'luoshi.extract'}"


def test_workers_are_forked_warm_from_a_server_that_ends_with_the_cluster():
    """Before any task, each worker holds luoshi's pipeline and what a first document loads
    (patterns and word lists; cn2an only where a numeral is not written the plain way),
    inherited from the fork server (frozen for the collector: ``gc.freeze``), a
    child of this process; when the block ends the server and the workers have ended and were
    waited for (no process of the cluster outlives the command)."""
    with dask_client(workers=2, preload=(*WORKER_PRELOAD, "luoshi.cli.worker")) as client:
        assert list(client.run(eval, LOADED).values()) == [True, True]
        # what they inherit is frozen out of their collector's scans (tens of thousands of objects)
        assert all(n > 10_000 for n in client.run(eval, "__import__('gc').get_freeze_count()").values())
        servers = set(client.run(os.getppid).values())
        workers = [psutil.Process(pid) for pid in client.run(os.getpid).values()]
        assert len(servers) == 1 and len(workers) == 2
        server = psutil.Process(servers.pop())
        assert server.ppid() == os.getpid()
    for process in (server, *workers):
        assert not process.is_running()  # (ended, and reaped: a zombie would still be "running")
