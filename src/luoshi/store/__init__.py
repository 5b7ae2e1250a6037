"""Storage of documents and facts (SQLAlchemy 2; SQLite by default) and full-text search."""

from luoshi.store.db import Store
from luoshi.store.documents import IngestOutcome
from luoshi.store.engine import default_db_path, open_store
from luoshi.store.search import SearchHit

__all__ = ["IngestOutcome", "SearchHit", "Store", "default_db_path", "open_store"]
