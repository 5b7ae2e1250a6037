"""Search and browsing: the newest matches of a query's words in the index (FTS5 on SQLite, the
token tsvector and a text check on PostgreSQL), BM25 ranking a window at a time, snippets, and
the pages of ``Store.browse`` (filters, sorts, facets) with or without a query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    any_,
    cast,
    column,
    func,
    select,
    text,
)

from luoshi.store import fts, listing
from luoshi.store.cache import VersionedCache
from luoshi.store.schema import DocumentRow
from luoshi.text import to_simplified

_NO_ID = 2**31 - 1  # above every document id (an integer column)


@dataclass
class SearchHit:
    document_id: int
    name: str
    title: str | None
    published: str | None
    event_date: str | None
    score: float
    snippet: str  # clean text in the document's own script, matches wrapped in 【】
    spans: list[tuple[int, int]] = field(default_factory=list)  # matches in the clean text

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "name": self.name,
            "title": self.title,
            "published": self.published,
            "event_date": self.event_date,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "spans": [list(s) for s in self.spans],
        }


class DocumentSearch:
    """The searching half of ``Store`` (its caches are set up by ``Store.__init__``)."""

    engine: Engine
    is_sqlite: bool
    _search_cache: VersionedCache[list[SearchHit]]
    _listing_cache: VersionedCache[listing.Listing]
    _match_cache: VersionedCache[list[int]]

    def search(
        self,
        query: str,
        limit: int = 10,
        offset: int = 0,
        use_cache: bool = True,
        filters: listing.DocumentFilters | None = None,
    ) -> list[SearchHit]:
        """Ranked hits with snippets, among the documents ``filters`` select (their query is not
        used); repeated queries are answered from a cache until a document is added
        (``use_cache=False`` always asks the index, e.g. to time it)."""
        filters = filters if filters and filters.clauses() else None
        if not use_cache:
            return self._search(query, limit, offset, filters)
        with self.engine.connect() as conn:
            newest = conn.scalar(select(func.max(DocumentRow.id))) or 0
        return self._search_cache.get(
            (query, limit, offset, filters), newest, lambda: self._search(query, limit, offset, filters)
        )

    def _search(
        self, query: str, limit: int, offset: int, filters: listing.DocumentFilters | None = None
    ) -> list[SearchHit]:
        terms = fts.query_terms(query)
        words = fts.query_words(query)
        if not terms or not words:
            return []
        columns = (
            DocumentRow.id,
            DocumentRow.name,
            DocumentRow.title,
            DocumentRow.published,
            DocumentRow.event_date,
            DocumentRow.text,
        )
        with self.engine.connect() as conn:
            among = None
            if filters is not None:  # the filtered matches, newest first
                newest = conn.scalar(select(func.max(DocumentRow.id))) or 0
                every = self._match_cache.get(tuple(words), newest, lambda: self._all_matches(conn, words))
                stmt = listing.where(select(DocumentRow.id), [*filters.clauses(), self._among(every)])
                among = list(conn.scalars(stmt.order_by(DocumentRow.id.desc())))
            ranked, rows = self._search_fts(conn, words, columns, offset, limit, among)
        hits = []
        for doc_id, score in ranked:
            row = rows[doc_id]
            spans = fts.find_terms(to_simplified(row.text), terms)
            hits.append(
                SearchHit(
                    doc_id,
                    row.name,
                    row.title,
                    row.published,
                    row.event_date,
                    score,
                    highlight(row.text, spans),
                    spans,
                )
            )
        return hits

    RANK_WINDOW = 300

    def newest_matches(self, conn: Connection, words: list[str], window: int) -> list[int]:
        """Ids of the newest ``window`` documents holding every word (simplified, lower-cased:
        ``fts.query_words``), newest first, without ranking or reading them."""
        return self._newest_matches(conn, words, window) if words else []

    def _newest_matches(self, conn: Connection, words: list[str], window: int | None) -> list[int]:
        """Ids of the newest ``window`` documents holding every word (every one when None): both
        indexes are walked newest first and stop there, so this costs little even for a word in
        every document."""
        if self.is_sqlite:
            return list(
                conn.scalars(
                    text(
                        "SELECT rowid FROM document_fts WHERE document_fts MATCH :q "
                        "ORDER BY rowid DESC LIMIT :window"
                    ),
                    {"q": " AND ".join(map(fts.word_expression, words)), "window": window},
                )
            )
        # PostgreSQL: the tsvector answers for the pairs; candidates that may still lack a word
        # (longer words, documents indexed by characters only) are checked on their text.
        check = fts.needs_check(words)
        found: list[int] = []
        before = _NO_ID
        batch_size = window or self.RANK_WINDOW * 10
        while window is None or len(found) < window:
            batch = conn.execute(
                text(
                    "SELECT id, partial FROM document_terms WHERE terms @@ CAST(:q AS tsquery) "
                    "AND id < :before ORDER BY id DESC LIMIT :window"
                ),
                {"q": fts.pg_query(words), "before": before, "window": batch_size},
            ).all()
            doubtful = [i for i, partial in batch if check or partial]
            ok: set[int] = set()
            if doubtful:
                columns = (DocumentRow.id, DocumentRow.title, DocumentRow.text)
                for r in conn.execute(select(*columns).where(DocumentRow.id.in_(doubtful))):
                    if fts.contains(words, r.title, r.text):
                        ok.add(r.id)
            found.extend(i for i, partial in batch if not (check or partial) or i in ok)
            if len(batch) < batch_size:
                break
            before = batch[-1][0]
        return found[:window] if window is not None else found

    def _search_fts(
        self,
        conn: Connection,
        words: list[str],
        columns: tuple[Any, ...],
        offset: int,
        limit: int,
        among: list[int] | None = None,
    ) -> tuple[list[tuple[int, float]], dict[int, Any]]:
        """One page of BM25-ranked matches and their rows. Matches are ranked RANK_WINDOW at a
        time, newest first: the first page ranks the newest RANK_WINDOW, later pages reach into
        the next-newest RANK_WINDOW, and so on (every match is reachable, once). Common words stay
        fast on large corpora, and for a readout archive the newest matches are the ones worth
        ranking first. A word's document frequency, which weighs it against the query's other
        words, is exact below the window and estimated from how densely its newest matches fall.
        ``among``: the matches to rank (filtered), newest first, instead of all of them."""
        window = self.RANK_WINDOW
        first, last = offset // window, (offset + max(limit, 1) - 1) // window  # windows this page needs
        if not words:
            return [], {}
        wanted = (last + 1) * window
        ids = self._newest_matches(conn, words, wanted) if among is None else among[:wanted]
        if len(ids) <= first * window:
            return [], {}
        total = ids[0]  # ids are assigned in order: the newest match bounds the corpus closely enough
        frequency: dict[str, float] = {}
        if len(set(words)) > 1:  # with one word its weight is the same for every document
            total = max(total, conn.scalar(select(func.max(DocumentRow.id))) or 0)
            for word in set(words):
                own = self._newest_matches(conn, [word], window)
                full = len(own) >= window
                frequency[word] = len(own) * total / (total - own[-1] + 1) if full else len(own)
        ids = ids[first * window :]
        rows = {r.id: r for r in conn.execute(select(*columns).where(DocumentRow.id.in_(ids)))}
        ranked: list[tuple[int, float]] = []
        for k in range(0, len(ids), window):
            chunk = [rows[i] for i in ids[k : k + window]]
            scores = fts.bm25(words, [(r.id, r.title, r.text) for r in chunk], frequency, total)
            ranked.extend(sorted(scores.items(), key=lambda item: (-item[1], -item[0])))
        start = offset - first * window
        return ranked[start : start + limit], rows

    def list_documents(
        self,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        place: str | None = None,
        kind: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Documents newest first, filtered by event (or publication) date, place and meeting kind."""
        filters = listing.DocumentFilters.of(
            {"date_from": date_from, "date_to": date_to, "place": place, "kind": kind}
        )
        return self.browse(filters, limit=limit, offset=offset, facets=False).rows

    def browse(
        self,
        filters: listing.DocumentFilters,
        sort: str = "",
        limit: int = 50,
        offset: int = 0,
        facets: bool = True,
        use_cache: bool = True,
    ) -> listing.Listing:
        """One page of the documents the filters (and their query, if any) select, in ``sort``
        order (``listing.SORTS``; relevance for a search), with the total and, if asked, the
        facets. Answers are cached until a document is added."""
        sort = listing.parse_sort(sort, bool(fts.query_words(filters.q)))
        limit, offset = max(1, min(limit, listing.MAX_PAGE)), max(0, offset)
        with self.engine.connect() as conn:
            newest = conn.scalar(select(func.max(DocumentRow.id))) or 0
        if not use_cache:
            return self._browse(filters, sort, limit, offset, facets, newest)
        return self._listing_cache.get(
            (filters, sort, limit, offset, facets),
            newest,
            lambda: self._browse(filters, sort, limit, offset, facets, newest),
        )

    def count_documents(self, filters: listing.DocumentFilters) -> int:
        """How many documents the filters (and their query, if any) select: ``browse``'s total
        without ranking a page or counting facets (``luoshi search`` prints it above its hits)."""
        clauses = filters.clauses()
        words = fts.query_words(filters.q)
        with self.engine.connect() as conn:
            if words:
                newest = conn.scalar(select(func.max(DocumentRow.id))) or 0
                ids = self._match_cache.get(tuple(words), newest, lambda: self._all_matches(conn, words))
                clauses.append(self._among(ids))
            return conn.scalar(listing.where(select(func.count()).select_from(DocumentRow), clauses)) or 0

    def _browse(
        self, filters: listing.DocumentFilters, sort: str, limit: int, offset: int, facets: bool, newest: int
    ) -> listing.Listing:
        clauses = filters.clauses()
        words = fts.query_words(filters.q)
        with self.engine.connect() as conn:
            if words:
                ids = self._match_cache.get(tuple(words), newest, lambda: self._all_matches(conn, words))
                clauses.append(self._among(ids))
            if words:  # the matches' total and facets in one pass
                total, counts = listing.count_with_facets(conn, clauses)
            else:
                total = (
                    conn.scalar(listing.where(select(func.count()).select_from(DocumentRow), clauses)) or 0
                )
                counts = listing.facet_counts(conn, clauses) if facets else {}
            if sort == "relevance":
                hits = self._search(filters.q, limit, offset, filters)
                found = {h.document_id: h for h in hits}
                rows = {
                    r.id: r
                    for r in conn.execute(select(*listing.ROW_COLUMNS).where(DocumentRow.id.in_(list(found))))
                }
                page = [
                    {
                        **listing.row_json(rows[h.document_id]),
                        "score": round(h.score, 4),
                        "snippet": h.snippet,
                    }
                    for h in hits
                ]
            else:
                stmt = listing.ordered(listing.where(select(*listing.ROW_COLUMNS), clauses), sort)
                page = [listing.row_json(r) for r in conn.execute(stmt.limit(limit).offset(offset))]
                if words:
                    self._add_snippets(conn, page, words, filters.q)
        return listing.Listing(total, page, offset, limit, sort, counts if facets else {})

    def _add_snippets(
        self, conn: Connection, page: list[dict[str, Any]], words: list[str], query: str
    ) -> None:
        terms = fts.query_terms(query)
        texts = dict(
            conn.execute(
                select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_([r["id"] for r in page]))
            ).all()
        )
        for row in page:
            text_ = texts[row["id"]]
            row["snippet"] = highlight(text_, fts.find_terms(to_simplified(text_), terms))

    def _among(self, ids: list[int]) -> ColumnElement[bool]:
        """``documents.id`` is one of ``ids`` (a JSON array on SQLite, an array on PostgreSQL:
        one parameter however many ids)."""
        if self.is_sqlite:
            return DocumentRow.id.in_(
                select(column("value")).select_from(func.json_each(orjson.dumps(ids).decode()))
            )
        return DocumentRow.id == any_(cast(ids, ARRAY(Integer)))

    def _all_matches(self, conn: Connection, words: list[str]) -> list[int]:
        """Ids of every document holding every word, newest first (on PostgreSQL each candidate
        that may lack a word is checked on its text, as for a page of hits)."""
        if self.is_sqlite:
            return list(
                conn.scalars(
                    text("SELECT rowid FROM document_fts WHERE document_fts MATCH :q ORDER BY rowid DESC"),
                    {"q": " AND ".join(map(fts.word_expression, words))},
                )
            )
        return self._newest_matches(conn, words, None)


def highlight(text_: str, spans: list[tuple[int, int]], width: int = 60) -> str:
    """A snippet of ``text_`` around the first match, matches wrapped in 【】."""
    if not spans:
        return text_[: width * 2].replace("\n", " ")
    first = spans[0][0]
    start = max(0, first - width // 2)
    end = min(len(text_), first + width + width // 2)
    out = []
    cursor = start
    for a, b in spans:
        if a < cursor or b > end:
            continue
        out.append(text_[cursor:a])
        out.append("【" + text_[a:b] + "】")
        cursor = b
    out.append(text_[cursor:end])
    snippet = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text_) else "")
