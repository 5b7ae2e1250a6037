"""Storage of documents and facts (SQLAlchemy 2; SQLite by default) and full-text search.

What other parts may use is ``__all__``: the names below, loaded when first asked for (a
command that never opens a store loads no SQLAlchemy), and the public submodules — ``schema``
(the tables), ``errors``, ``cache``, ``listing`` (browsing), ``fts`` (the index's words),
``writers``, ``version`` (the data's versions), ``registry`` (units and their aliases), ``rows`` (a document's rows, built where it
was extracted), and the tables and queries of the
linked features: ``stories``, ``cited``, ``people``, ``follow``. The rest (``db``, ``engine``,
``documents``, ``search``, ``queries``, ``migrate``, ``units``) is the store's own."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from luoshi.settings import default_db_path
    from luoshi.store.db import Store
    from luoshi.store.documents import IngestOutcome, new_id
    from luoshi.store.engine import database_url, display_name, open_store
    from luoshi.store.search import SearchHit
    from luoshi.store.units import local_key, unit_key

_EXPORTS = {
    "IngestOutcome": "luoshi.store.documents",
    "SearchHit": "luoshi.store.search",
    "Store": "luoshi.store.db",
    "database_url": "luoshi.store.engine",
    "default_db_path": "luoshi.store.engine",
    "display_name": "luoshi.store.engine",
    "local_key": "luoshi.store.units",
    "new_id": "luoshi.store.documents",
    "open_store": "luoshi.store.engine",
    "unit_key": "luoshi.store.units",
}
_MODULES = (
    "cache",
    "cited",
    "errors",
    "follow",
    "fts",
    "listing",
    "orm",
    "people",
    "registry",
    "rows",
    "schema",
    "stories",
    "version",
    "writers",
)

__all__ = [
    "IngestOutcome",
    "SearchHit",
    "Store",
    "cache",
    "cited",
    "database_url",
    "default_db_path",
    "display_name",
    "errors",
    "follow",
    "fts",
    "listing",
    "local_key",
    "new_id",
    "open_store",
    "orm",
    "people",
    "registry",
    "rows",
    "schema",
    "stories",
    "unit_key",
    "version",
    "writers",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
