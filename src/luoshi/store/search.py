"""Search and browsing: the newest matches of a query's words in the index (FTS5 on SQLite, the
token tsvector and a text check on PostgreSQL), BM25 ranking a window at a time, snippets, and
the pages of ``Store.browse`` (filters, sorts, facets) with or without a query."""

from __future__ import annotations

import time
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
from luoshi.text import to_simplified, to_traditional

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
        return self._pg_newest_matches(conn, words, window)

    # PostgreSQL. A query's tokens (a word's pairs, or its character) are looked up in the GIN
    # index, which intersects their posting lists over the whole table before the newest matches
    # can be picked: a long phrase of common pairs cost a posting-list walk per pair (nine for
    # "营商环境改革实施意见"), whatever the window. So the index is asked for the rarest
    # PG_INDEX_TOKENS tokens only (by the lexeme frequencies ANALYZE keeps in pg_stats) and every
    # candidate that may lack the rest is checked on its text. Picking the newest of the index's
    # matches costs ≈ 1 µs a match, whereas testing a row's tsvector without the index costs
    # ≈ PG_PROBE_COST µs (it is read from TOAST): when even the rarest token is common enough
    # that the newest rows fill the window sooner, they are read first, in id order, testing
    # the whole query on each, and the index answers for what is older. The statistics only
    # choose the path: the matches are the same either way.
    PG_INDEX_TOKENS = 3
    PG_PROBE_COST = 10.0
    PG_STATS_SECONDS = 600.0  # how long the statistics are kept before being read again
    _pg_stats: tuple[float, dict[str, float], float] | None = None

    def _pg_frequencies(self, conn: Connection) -> tuple[dict[str, float], float]:
        """The share of documents holding each common lexeme (ANALYZE's most common elements of
        ``document_terms.terms``; a lexeme not listed is rarer than all of them: 0 here), and the
        number of rows ANALYZE counted."""
        now = time.monotonic()
        if self._pg_stats is None or now - self._pg_stats[0] > self.PG_STATS_SECONDS:
            row = conn.execute(
                text(
                    "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
                    "FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema() "
                    "AND s.tablename = 'document_terms' AND s.attname = 'terms' "
                    "WHERE c.oid = CAST('document_terms' AS regclass)"
                )
            ).first()
            found = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
            self._pg_stats = (now, found, max(float(row[2]) if row else 0.0, 0.0))
        return self._pg_stats[1], self._pg_stats[2]

    def _pg_newest_matches(self, conn: Connection, words: list[str], window: int | None) -> list[int]:
        frequency, rows_counted = self._pg_frequencies(conn)
        tokens = list(dict.fromkeys(t for w in words for t in fts.pg_tokens(w)))
        rarest = sorted(tokens, key=lambda t: frequency.get(t, 0.0))
        kept = rarest[: self.PG_INDEX_TOKENS] if window is not None else tokens  # all: for a count
        check = fts.needs_check(words)
        found: list[int] = []
        before = _NO_ID
        raw, raw_params = _raw_check(words) if check else ("false", {})
        densest = frequency.get(rarest[0], 0.0) if rarest else 0.0  # no more rows than this share match
        probe = int(2 * window / densest) if window and densest else 0  # rows expected to hold 2 windows
        if window is not None and probe and window * self.PG_PROBE_COST / densest < densest * rows_counted:
            # the newest rows are likely to fill the window for less than the index's matches cost
            rows = conn.execute(
                text(
                    f"SELECT top.newest, m.id, m.partial, {raw} FROM "
                    "(SELECT max(id) AS newest FROM document_terms) top LEFT JOIN LATERAL "
                    "(SELECT id, partial FROM document_terms WHERE id > top.newest - :rows "
                    "AND ts_match_vq(terms, CAST(:q AS tsquery)) ORDER BY id DESC LIMIT :window) m ON true "
                    + ("LEFT JOIN documents d ON d.id = m.id " if raw_params else "")
                    + "ORDER BY m.id DESC"
                ),
                {"q": fts.pg_query(words), "rows": probe, "window": window, **raw_params},
            ).all()
            newest = rows[0][0] or 0
            batch = [(i, partial, ok) for _, i, partial, ok in rows if i is not None]
            found = self._pg_checked(conn, words, check, batch)
            if len(found) >= window or (len(batch) < window and newest <= probe):
                return found[:window]
            before = batch[-1][0] if len(batch) == window else newest - probe + 1
        # The index, for the older rows, the kept tokens and, apart, the documents indexed by
        # characters only; every candidate is checked on its text when a token was left out.
        # When every kept token is common, the planner would read rows in id order (or all of
        # them), testing each tsvector: for a phrase that is rare though its tokens are not (the
        # probe just found few in the newest rows), every row. It is held to the GIN index then.
        if not check and len(kept) < len(tokens):
            check = True
            raw, raw_params = _raw_check(words)
        held = all(t in frequency for t in kept)
        settings = (
            conn.execute(
                text(
                    "SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan'), "
                    "set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)"
                )
            ).one()
            if held
            else None
        )
        try:
            size = window or self.RANK_WINDOW * 10
            partial: list[Any] | None = None  # (the documents indexed by characters only: once)
            while window is None or len(found) < window:
                rows = conn.execute(
                    text(
                        f"SELECT m.id, m.partial, m.indexed, {raw} FROM "
                        "((SELECT id, partial, true AS indexed FROM document_terms "
                        "WHERE terms @@ CAST(:q AS tsquery) AND id < :before ORDER BY id DESC LIMIT :window) "
                        "UNION ALL SELECT id, partial, false FROM document_terms WHERE :partial "
                        "AND terms @@ CAST(:p AS tsquery) AND id < :before) m "
                        + ("JOIN documents d ON d.id = m.id " if raw_params else "")
                        + "ORDER BY m.id DESC"
                    ),
                    {
                        "q": fts.pg_all(kept),
                        "p": fts.pg_partial_query(words),
                        "partial": partial is None,
                        "before": before,
                        "window": size,
                        **raw_params,
                    },
                ).all()
                batch = [(i, p, ok) for i, p, indexed, ok in rows if indexed]
                if partial is None:
                    partial = [(i, p, ok) for i, p, indexed, ok in rows if not indexed]
                lowest = batch[-1][0] if len(batch) == size else 0
                merged = sorted({*batch, *(p for p in partial if p[0] >= lowest)}, reverse=True)
                partial = [p for p in partial if p[0] < lowest]
                found.extend(self._pg_checked(conn, words, check, merged))
                if len(batch) < size:
                    break
                before, size = lowest, size * 4
        finally:
            if settings is not None:
                conn.execute(
                    text(
                        "SELECT set_config('enable_indexscan', :i, true), set_config('enable_seqscan', :s, true)"
                    ),
                    {"i": settings[0], "s": settings[1]},
                )
        return found[:window] if window is not None else found

    def _pg_checked(self, conn: Connection, words: list[str], check: bool, batch: Any) -> list[int]:
        """The ids of ``batch`` (id, partial, found raw: newest first) holding every word: those
        indexed by characters only, and all of them when ``check``, are checked on their text
        unless the database found every word in it already (``_raw_check``)."""
        doubtful = [i for i, partial, raw in batch if (check or partial) and not raw]
        ok: set[int] = set()
        if doubtful:
            columns = (DocumentRow.id, DocumentRow.title, DocumentRow.text)
            for r in conn.execute(select(*columns).where(self._ids(doubtful))):
                if fts.contains(words, r.title, r.text):
                    ok.add(r.id)
        return [i for i, partial, raw in batch if not (check or partial) or raw or i in ok]

    def _ids(self, ids: list[int]) -> ColumnElement[bool]:
        """``documents.id`` is one of ``ids`` (an array parameter on PostgreSQL: a statement with
        hundreds of placeholders cost psycopg 20 ms to parse)."""
        if self.is_sqlite:
            return DocumentRow.id.in_(ids)
        return DocumentRow.id == any_(cast(ids, ARRAY(Integer)))

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
        rows = {r.id: r for r in conn.execute(select(*columns).where(self._ids(ids)))}
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

    COUNT_EXACT = 10_000  # matches of a query counted one by one; beyond, the total is estimated

    def count_matches(self, filters: listing.DocumentFilters) -> tuple[int, bool]:
        """``count_documents`` for a command line: how many documents the filters select, and
        whether that is exact. A query's matches are counted up to COUNT_EXACT, newest first;
        when there are more, the total is estimated from how densely they fall among the newest
        documents (as the ranking estimates a word's frequency). With other filters the count is
        exact: the newest matches are no fair sample of a year, a date range or a place (a query
        limited to an old year would be estimated at 0). Counting every match of a common word
        took 10 s at 1,000,000 documents."""
        words = fts.query_words(filters.q)
        clauses = filters.clauses()
        if not words or clauses:
            return self.count_documents(filters), True
        cap = self.COUNT_EXACT
        with self.engine.connect() as conn:
            ids = self._newest_matches(conn, words, cap + 1)
            if len(ids) <= cap:
                return len(ids), True
            newest = conn.scalar(select(func.max(DocumentRow.id))) or ids[0]
        return round(cap * newest / (newest - ids[cap - 1] + 1)), False

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


def _raw_check(words: list[str]) -> tuple[str, dict[str, str]]:
    """A PostgreSQL expression over ``documents d``: whether every word occurs, as it is or in
    traditional script, in the title or the text as stored — the first test of
    ``fts.contains``, done where the text is, so that only the documents it leaves in doubt are
    read (and folded) by ``contains``. Words with letters of two cases are left to ``contains``
    (the database's lower() need not be Python's)."""
    if not words or any(w.lower() != w.upper() for w in words):
        return "false", {}
    tests: list[str] = []
    params: dict[str, str] = {}
    for k, w in enumerate(words):
        forms = dict.fromkeys([w, to_traditional(w)])
        alternatives = []
        for j, form in enumerate(forms):
            params[f"raw_{k}_{j}"] = form
            alternatives.append(f"strpos(d.text, :raw_{k}_{j}) > 0 OR strpos(d.title, :raw_{k}_{j}) > 0")
        tests.append("(" + " OR ".join(alternatives) + ")")
    return "coalesce(" + " AND ".join(tests) + ", false)", params


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
