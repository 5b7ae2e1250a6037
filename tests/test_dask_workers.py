"""The worker processes of ``luoshi ingest --workers N`` (``pipeline.dask_client``): forked from a
server that imported and warmed up what they run, and gone with it when the cluster closes.

Apart from tests/test_dask_ingest.py, whose cluster lives for its whole module: a process has
one fork server, started with the modules of the first cluster that needs it."""

from __future__ import annotations

import os
import subprocess
import sys

import psutil
import pytest

from luoshi.pipeline import WORKER_PRELOAD, dask_client

pytest.importorskip("distributed")

LOADED = "__import__('sys').modules.keys() >= {'luoshi.pipeline', 'luoshi.extract', 'numpy'}"


def test_workers_are_forked_warm_from_a_server_that_ends_with_the_cluster():
    """Before any task, each worker holds luoshi's pipeline and what a first document loads
    (numpy, imported by the first document's fingerprint), inherited from the fork server (frozen
    for the collector: ``gc.freeze``), a
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


_FORKED = """
import os, sys, threading
from luoshi.pipeline import WORKER_PRELOAD, dask_client, fork_server

def main():
    if sys.argv[1] == "thread":  # another thread runs: the server is started by exec
        threading.Thread(target=threading.Event().wait, daemon=True).start()
    preload = (*WORKER_PRELOAD, "luoshi.cli.worker")
    with fork_server(preload), dask_client(workers=2, preload=preload) as client:
        workers = client.run(os.getpid)
        servers = set(client.run(os.getppid).values())
        warm = "__import__('sys').modules.keys() >= {'luoshi.pipeline', 'numpy'}"
        loaded = set(client.run(eval, warm).values())
        print(" ".join(map(str, [*servers, *workers.values(), *loaded])), flush=True)
        input()  # (the test looks at the processes meanwhile)

if __name__ == "__main__":  # (a server started by exec imports this file again)
    main()
"""


@pytest.mark.parametrize("threads", ["none", "thread"])
def test_the_workers_server_is_forked_from_a_single_threaded_command_and_ends_with_it(tmp_path, threads):
    """``fork_server`` (what ``luoshi ingest --workers N`` enters first): in a process with one
    thread, the workers' server is this process forked (its command line, not multiprocessing's
    ``forkserver`` started by exec), the workers are its children and hold luoshi warm; with
    another thread running, the server is started by exec. Either way nothing outlives the block."""
    script = tmp_path / "forked.py"
    script.write_text(_FORKED, "utf-8")
    command = subprocess.Popen(
        [sys.executable, str(script), threads], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert command.stdout is not None and command.stdin is not None
        server_pid, *worker_pids, loaded = command.stdout.readline().split()
        server = psutil.Process(int(server_pid))
        workers = [psutil.Process(int(pid)) for pid in worker_pids]
        assert loaded == "True" and len(workers) == 2
        assert server.ppid() == command.pid and all(w.ppid() == server.pid for w in workers)
        forked = server.cmdline() == psutil.Process(command.pid).cmdline()
        assert forked == (threads == "none"), server.cmdline()
        command.stdin.write("\n")
        command.stdin.close()
        assert command.wait(60) == 0
    finally:
        command.kill()
    for process in (server, *workers):
        assert not process.is_running()


def test_ingest_with_workers_leaves_nothing_of_multiprocessing_in_the_temporary_directory(tmp_path):
    """``luoshi ingest --workers 1`` (the program, which ends without Python's teardown) still
    removes the directory multiprocessing made for its fork server's socket, as Python's exit
    would: nothing named ``pymp-*`` is left in TMPDIR, run after run."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    docs = tmp_path / "docs"
    docs.mkdir()
    for k in range(3):
        (docs / f"{k}.txt").write_text(f"市政府召开第{k + 1}次常务会议，研究部署改革任务。", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "luoshi.cli",
            "ingest",
            str(docs),
            "--workers",
            "1",
            "--db",
            str(tmp_path / "x.db"),
            "-q",
        ],
        env={**os.environ, "TMPDIR": str(temporary)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert not [p.name for p in temporary.iterdir() if p.name.startswith("pymp-")]
