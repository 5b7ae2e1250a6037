"""Storage of documents and facts (SQLAlchemy 2; SQLite by default) and full-text search."""

from luoshi.store.db import IngestOutcome, SearchHit, Store, default_db_path, open_store

__all__ = ["IngestOutcome", "SearchHit", "Store", "default_db_path", "open_store"]
