"""Python's cycle collector, run less often (or not at all) while a stage makes many objects
that live to its end. Such a stage is freed by reference counting; the collector, set off by
the allocations, only rescans what it holds. Both settings are restored after, even on error."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["fewer_collections"]


@contextmanager
def fewer_collections(young: int | None = 20_000) -> Iterator[None]:
    """Collect the youngest generation only after ``young`` allocations (the default 700 makes
    extraction rescan the batch in flight: about a fifth of ingest time), or, with ``None``,
    not at all (clustering, and each transaction of the people refresh, which holds the
    sightings it reads and the stored mentions of the names it touches: a third of the
    clustering's time on 50,000 mentions went to rescans)."""
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    if young is None:
        gc.disable()
    else:
        gc.set_threshold(young, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if enabled:
            gc.enable()
