"""The store: one service object over the database, used by the CLI, the web app and the ledger.
Its jobs live in their own modules: ``documents`` (writes), ``search`` (search and browsing),
``queries`` (reading documents and figures); ``engine`` opens it."""

from __future__ import annotations

from sqlalchemy import Engine

from luoshi.store import listing, stories
from luoshi.store.cache import VersionedCache
from luoshi.store.documents import DocumentWriter
from luoshi.store.queries import DocumentQueries
from luoshi.store.search import DocumentSearch, SearchHit


class Store(DocumentWriter, DocumentSearch, DocumentQueries):
    """Documents, their facts and the ledger in one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._person_ids: dict[str, int] = {}
        self._search_cache: VersionedCache[list[SearchHit]] = VersionedCache(512)
        self._listing_cache: VersionedCache[listing.Listing] = VersionedCache(256)
        self._match_cache: VersionedCache[list[int]] = VersionedCache(32)  # every match of a query
        self._links_reprints: bool | None = None  # whether the store has the stories tables
        self._recent_prints = stories.RecentFingerprints()
        self._queues_people: bool | None = None  # whether the store has the people tables
        self._indexes_citations: bool | None = None  # whether it has the tables of migration 0012
        self._has_facets: bool | None = None  # whether documents have the facet columns (0014)
