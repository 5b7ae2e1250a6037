"""A small least-recently-used cache whose entries are valid for one version of the data.

The version is read from the database on each use (the newest document id, the newest audit
entry), so an entry is never served after the data it came from has changed — in this process
or in any other that writes to the same database. Of several threads asking for the same missing
entry at once, one computes it and the others wait for its answer (a page that is slow to
compute is computed once, not once per waiting client)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

V = TypeVar("V")


class VersionedCache(Generic[V]):
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = Lock()
        self._computing: dict[Hashable, Lock] = {}

    def _cached(self, full: Hashable) -> tuple[bool, V | None]:
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return True, self._entries[full]
            return False, None

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], V]) -> V:
        full = (key, version)
        found, value = self._cached(full)
        if found:
            return value  # type: ignore[return-value]
        with self._lock:
            computing = self._computing.setdefault(full, Lock())
        with computing:
            found, value = self._cached(full)
            if found:
                return value  # type: ignore[return-value]
            try:
                value = compute()
                with self._lock:
                    self._entries[full] = value
                    while len(self._entries) > self.size:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:
                    self._computing.pop(full, None)
        return value
