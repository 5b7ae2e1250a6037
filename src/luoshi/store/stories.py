"""Stories: the copies of one readout, stored. Linking runs in the store's write path for each
batch of new documents (``link``), and over a whole store for stores written before it
(``rebuild``, run by migration 0010).

Tables (plain indexed columns, the same on SQLite and PostgreSQL, shared by every worker):

- ``reprint_bands`` — (band key, document): the LSH index. A new document's candidates are
  the documents sharing one of its 42 keys.
- ``reprint_signatures`` — each document's MinHash (128 × 32 bits): a candidate whose estimated
  similarity is far below the thresholds is dropped before its text is read.
- ``reprint_pairs`` — the verified pairs with their exact similarity.
- ``stories`` / ``story_members`` — the connected components of the pairs (documents without a
  reprint have no row): the story's id is its first stored document's id; its canonical copy
  follows ``luoshi.link.reprints.canonical``."""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    Select,
    delete,
    func,
    insert,
    inspect,
    select,
)

from luoshi.link.reprints import (
    Copy,
    Fingerprint,
    Similarity,
    UnionFind,
    canonical,
    similarity,
)
from luoshi.model import Document
from luoshi.store.schema import DocumentRow, col, pk, rows
from luoshi.text import to_simplified

if TYPE_CHECKING:  # numpy loads when documents are linked, not when stories are read
    import numpy as np

CHUNK = 500  # parameters per IN (…) list: well inside SQLite's and PostgreSQL's limits
LOOKUP_CHUNK = 100  # band keys per lookup statement (SQLite allows 500 terms in a compound SELECT)
PER_KEY = 16  # the newest documents read for each band key
MAX_CANDIDATES = 32  # per new document: the candidates sharing most bands
MAX_COMPARED = 4  # per new document: the candidates compared exactly, the highest estimates
REBUILD_BATCH = 500  # documents read at a time by ``rebuild``
INDEX_AFTER = 2000  # documents a process links before it keeps the band keys in memory (BandIndex)
INDEX_BATCH = 100  # the smallest batch that looks its candidates up in memory (a smaller one: SQL)
INDEX_MAX_ROWS = 10_000_000  # band keys held in memory at most (16 bytes each); beyond, SQL
RECOUNT_EVERY = 10  # BandIndex.catch_up reads every stored id each 10th batch (deletions by others)
# A candidate whose signature agrees on fewer values than this share is not read and compared:
# at Jaccard 0.5 (the lowest similarity a reprint pair needs) the estimate from 128 values falls
# below 0.4 with probability 1.2%, at 0.55 (a 60% excerpt) 0.03%, at 0.8 (furniture) never; the
# copies of one story are joined through any of their pairs, so a story rarely loses a copy.
# Readouts of one template (Jaccard about 0.3) mostly stay below it and cost no reading.
MIN_ESTIMATE = 0.4


ReprintBandRow = rows(
    "reprint_bands",
    pk("band_key", BigInteger, autoincrement=False),
    pk("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), autoincrement=False),
)

ReprintSignatureRow = rows(
    "reprint_signatures",
    pk("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), autoincrement=False),
    col("signature", LargeBinary),
)

ReprintPairRow = rows(
    "reprint_pairs",
    pk("first_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), autoincrement=False),
    pk("second_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), autoincrement=False),
    col("jaccard", Float),
    col("containment", Float),
    col("verbatim", Float),
)

StoryRow = rows(
    "stories",
    pk("id", Integer, autoincrement=False),
    col("canonical_id", Integer, ForeignKey("documents.id", ondelete="CASCADE")),
    col("size", Integer),
)

StoryMemberRow = rows(
    "story_members",
    pk("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), autoincrement=False),
    col("story_id", Integer, ForeignKey("stories.id", ondelete="CASCADE"), index=True),
)

TABLES = (ReprintBandRow, ReprintSignatureRow, ReprintPairRow, StoryMemberRow, StoryRow)


def installed(conn: Connection) -> bool:
    """Whether the store has the tables (a store not yet migrated links nothing; migration 0010
    links its documents then)."""
    return inspect(conn).has_table(StoryMemberRow.__tablename__)


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pairs(conn: Connection, stmt: Select[int, int]) -> dict[int, int]:
    return {int(a): int(b) for a, b in conn.execute(stmt)}


def _signature_of(blob: bytes) -> np.ndarray[Any, np.dtype[np.uint32]]:
    import numpy as np

    return np.frombuffer(blob, dtype="<u4")


# -- writing -----------------------------------------------------------------------------------


@dataclass
class LinkReport:
    pairs: list[tuple[int, int, Similarity]] = field(default_factory=list)
    candidates: int = 0  # pairs that shared a band
    compared: int = 0  # pairs compared exactly


class BandIndex:
    """The band keys of every stored document, in memory, for a process that links many
    documents (``luoshi ingest`` of an archive): a lookup is a binary search in a sorted array,
    no statement (docs/benchmarks.md: 0.18 ms against 0.50 ms of CPU at 100,000 documents). Loaded from
    ``reprint_signatures`` (the keys computed again from the signatures: what the band rows
    hold). Before each batch it catches up with the store (``catch_up``): when the largest id of
    the stored signatures is not the largest it holds, and at every RECOUNT_EVERY-th batch, it
    reads their ids, adds the documents other processes stored and drops those gone (deleted, or
    rolled back after this process added them). Answers as ``candidates``: the newest PER_KEY
    documents for each key. Documents another process deletes stay candidates until the next
    recount (a candidate without a stored signature is not compared)."""

    def __init__(self) -> None:
        import numpy as np

        self.keys = np.empty(0, dtype=np.int64)  # sorted
        self.docs = np.empty(0, dtype=np.int64)  # the document of each key
        self.ids = np.empty(0, dtype=np.int64)  # the documents held, sorted
        self.checks = -1  # catch_up calls: the first, and every RECOUNT_EVERY-th, read every id

    @property
    def rows(self) -> int:
        return int(self.keys.size)

    def catch_up(self, conn: Connection) -> None:
        import numpy as np

        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        cursor = conn.connection.cursor()
        try:
            self.checks += 1
            if self.checks % RECOUNT_EVERY:  # the largest id alone: one index seek
                cursor.execute("SELECT max(document_id) FROM reprint_signatures")
                (last,) = cursor.fetchone() or (None,)
                if (last is None and not self.ids.size) or (self.ids.size and last == self.ids[-1]):
                    return  # nothing stored since (a new id is above every other), nothing rolled back
            cursor.execute("SELECT document_id FROM reprint_signatures")
            stored = np.sort(np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64))
            gone = np.setdiff1d(self.ids, stored, assume_unique=True)
            if gone.size:
                keep = ~np.isin(self.docs, gone)
                self.keys, self.docs = self.keys[keep], self.docs[keep]
            self.ids = np.setdiff1d(self.ids, gone, assume_unique=True)
            new = np.setdiff1d(stored, self.ids, assume_unique=True).tolist()
            if len(new) > self.ids.size:  # (the first load) every signature, in one read
                cursor.execute("SELECT document_id, signature FROM reprint_signatures")
                rows = cursor.fetchall()
            else:
                rows = []
                for chunk in _chunks(new):
                    cursor.execute(
                        "SELECT document_id, signature FROM reprint_signatures "
                        f"WHERE document_id IN ({', '.join([mark] * len(chunk))})",
                        tuple(chunk),
                    )
                    rows.extend(cursor.fetchall())
            rows = [row for row in rows if row[0] not in self]
            if rows:  # one insertion into the sorted arrays: each copies them whole
                ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
                blob = b"".join(bytes(row[1]) for row in rows)
                self._add(ids, np.frombuffer(blob, dtype="<u4").reshape(len(rows), -1))
        finally:
            cursor.close()

    def add(self, items: Iterable[tuple[int, Fingerprint]]) -> None:
        """Documents this process has just linked (their rows are written in its transaction)."""
        import numpy as np

        items = [(i, fp) for i, fp in items if i not in self]
        if items:
            ids = np.fromiter((i for i, _ in items), dtype=np.int64, count=len(items))
            self._add(ids, np.stack([fp.signature for _, fp in items]))

    def __contains__(self, doc_id: int) -> bool:
        import numpy as np

        at = int(np.searchsorted(self.ids, doc_id))
        return at < self.ids.size and int(self.ids[at]) == doc_id

    def _add(self, ids: np.ndarray[Any, np.dtype[np.int64]], signatures: np.ndarray[Any, Any]) -> None:
        import numpy as np

        from luoshi.link.reprints import band_keys_of

        empty = (signatures == np.iinfo(np.uint32).max).all(axis=1)  # a text without shingles
        keys = band_keys_of(signatures[~empty])
        docs = np.repeat(ids[~empty], keys.shape[1])
        keys = keys.ravel()
        order = np.argsort(keys, kind="stable")
        keys, docs = keys[order], docs[order]
        at = np.searchsorted(self.keys, keys)
        self.keys, self.docs = np.insert(self.keys, at, keys), np.insert(self.docs, at, docs)
        self.ids = np.union1d(self.ids, ids)

    def candidates(self, keys: Iterable[int]) -> dict[int, list[int]]:
        import numpy as np

        wanted = np.fromiter(sorted(set(keys)), dtype=np.int64)
        low = np.searchsorted(self.keys, wanted, side="left").tolist()
        high = np.searchsorted(self.keys, wanted, side="right").tolist()
        found: dict[int, list[int]] = {}
        for key, a, b in zip(wanted.tolist(), low, high, strict=True):
            if b > a:
                docs = self.docs[a:b] if b - a <= PER_KEY else np.sort(self.docs[a:b])[-PER_KEY:]
                found[key] = docs.tolist()
        return found


class RecentFingerprints:
    """The fingerprints of the documents a process linked last, with their content hashes, up
    to ``limit_bytes`` of arrays. The candidates of a new document are mostly the newest ones
    sharing its bands, so a later batch compares with these instead of reading and folding their
    texts again (that was a third of the linking time). An entry is used only while the stored
    document with that id still has that content hash: an id taken again after a rolled-back
    transaction is read from the store like any other."""

    def __init__(self, limit_bytes: int = 32 << 20, index_after: int = INDEX_AFTER) -> None:
        self.limit_bytes = limit_bytes
        self._items: OrderedDict[int, tuple[str, Fingerprint]] = OrderedDict()
        self._bytes = 0
        self.linked = 0  # documents this process linked
        self.index_after = index_after
        self.index: BandIndex | None = None

    def band_index(self, conn: Connection, batch: int) -> BandIndex | None:
        """The in-memory band index, caught up with the store, once this process has linked
        ``index_after`` documents and for a batch of INDEX_BATCH or more; None otherwise (and
        for a store whose band keys would take more than INDEX_MAX_ROWS)."""
        if self.linked < self.index_after or batch < INDEX_BATCH:
            return None
        if self.index is None:
            rows = conn.scalar(select(func.count()).select_from(ReprintSignatureRow)) or 0
            if rows * 42 > INDEX_MAX_ROWS:
                return None
            self.index = BandIndex()
        self.index.catch_up(conn)
        if self.index.rows > INDEX_MAX_ROWS:
            self.index = None
        return self.index

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self._items

    @property
    def bytes(self) -> int:
        return self._bytes

    @staticmethod
    def _size(fp: Fingerprint) -> int:
        return int(fp.pieces.nbytes + fp.shingles.nbytes + fp.signature.nbytes)

    def remember(self, doc_id: int, content_hash: str, fp: Fingerprint) -> None:
        old = self._items.pop(doc_id, None)
        if old is not None:
            self._bytes -= self._size(old[1])
        self._items[doc_id] = (content_hash, fp)
        self._bytes += self._size(fp)
        while self._bytes > self.limit_bytes and self._items:
            _, (_, dropped) = self._items.popitem(last=False)
            self._bytes -= self._size(dropped)

    def still_stored(self, conn: Connection, ids: Iterable[int]) -> dict[int, Fingerprint]:
        """The remembered fingerprints among ``ids`` whose documents the store still holds."""
        held = [i for i in ids if i in self._items]
        found: dict[int, Fingerprint] = {}
        for chunk in _chunks(held):
            for doc_id, content_hash in conn.execute(
                select(DocumentRow.id, DocumentRow.content_hash).where(DocumentRow.id.in_(chunk))
            ):
                known_hash, fp = self._items[doc_id]
                if known_hash == content_hash:
                    found[doc_id] = fp
        return found


def link(
    conn: Connection, documents: Iterable[tuple[int, Document]], recent: RecentFingerprints | None = None
) -> LinkReport:
    """Link newly stored documents (ids with their Documents) to the stored ones and to each
    other: index them, compare them with their candidates, join or merge their stories.
    ``recent`` (kept by the caller across batches) saves reading the texts of recent candidates."""
    docs = list(documents)
    items = [(i, Fingerprint.of(doc.simplified)) for i, doc in docs]
    report = link_fingerprints(conn, items, recent)
    if recent is not None:
        for (doc_id, doc), (_, fp) in zip(docs, items, strict=True):
            recent.remember(doc_id, doc.content_hash, fp)
        recent.linked += len(items)
    return report


@cache
def _lookup_sql(paramstyle: str, n: int) -> str:
    """``n`` band keys → the newest PER_KEY documents holding each: one index range read,
    backwards, per key (a key that many documents share — template, not a story — costs no more
    than a rare one)."""
    mark = "?" if paramstyle == "qmark" else "%s"
    one = (
        "SELECT band_key, document_id FROM (SELECT band_key, document_id FROM reprint_bands "
        f"WHERE band_key = {mark} ORDER BY document_id DESC LIMIT {PER_KEY}) AS k{{i}}"
    )
    return " UNION ALL ".join(one.format(i=i) for i in range(n))


def candidates(conn: Connection, keys: Iterable[int]) -> dict[int, list[int]]:
    """Stored documents sharing one of ``keys`` (the newest PER_KEY for each): key → ids."""
    found: dict[int, list[int]] = {}
    # On the driver's own cursor, inside the connection's transaction: SQLAlchemy's result
    # processing cost more than the query (a row is two plain integers).
    cursor = conn.connection.cursor()
    try:
        for chunk in _chunks(sorted(set(keys)), LOOKUP_CHUNK):
            cursor.execute(_lookup_sql(conn.dialect.paramstyle, len(chunk)), tuple(chunk))
            for key, doc_id in cursor.fetchall():
                found.setdefault(int(key), []).append(int(doc_id))
    finally:
        cursor.close()
    return found


def link_fingerprints(
    conn: Connection, items: list[tuple[int, Fingerprint]], recent: RecentFingerprints | None = None
) -> LinkReport:
    """Link documents (ids ascending, their fingerprints) to the stored ones and to each other.
    Work per document is bounded whatever the corpus: at most MAX_CANDIDATES candidates (those
    sharing most bands) have their signatures compared, and at most MAX_COMPARED of them (the
    highest estimates at or above MIN_ESTIMATE) are read and compared exactly."""
    import numpy as np

    report = LinkReport()
    if not items:
        return report
    new = dict(items)
    index = recent.band_index(conn, len(items)) if recent is not None else None
    keys = (k for _, fp in items for k in fp.keys)
    stored = index.candidates(keys) if index is not None else candidates(conn, keys)
    in_batch: dict[int, list[int]] = {}
    chosen: dict[int, list[int]] = {}
    for doc_id, fp in items:  # each is paired with earlier documents only
        pool: list[int] = []  # counted once at the end: one Counter over a list is C code
        for key in set(fp.keys):
            pool.extend(stored.get(key, ()))
            peers = in_batch.setdefault(key, [])
            pool.extend(peers[-PER_KEY:])
            peers.append(doc_id)
        shared = Counter(pool)
        shared.pop(doc_id, None)
        # most shared bands first, then the newest: (count, id) tuples sorted in C, no key function
        ranked = sorted(zip(shared.values(), shared.keys(), strict=True), reverse=True)
        chosen[doc_id] = [other for _, other in ranked[:MAX_CANDIDATES]]
        report.candidates += len(chosen[doc_id])
    signatures = {i: fp.signature for i, fp in items}
    old_ids = sorted({a for others in chosen.values() for a in others} - new.keys())
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cursor = conn.connection.cursor()  # the driver's: SQLAlchemy's statement cost more than the read
    try:
        for chunk in _chunks(old_ids):
            cursor.execute(
                "SELECT document_id, signature FROM reprint_signatures "
                f"WHERE document_id IN ({', '.join([mark] * len(chunk))})",
                tuple(chunk),
            )
            for doc_id, blob in cursor.fetchall():
                signatures[int(doc_id)] = _signature_of(bytes(blob))
    finally:
        cursor.close()
    likely: list[tuple[int, int]] = []
    for doc_id, found in chosen.items():
        others = [o for o in found if o in signatures]  # (a document deleted since is not)
        if not others:
            continue
        estimates = (np.stack([signatures[o] for o in others]) == signatures[doc_id]).mean(axis=1)
        order = np.argsort(-estimates, kind="stable")[:MAX_COMPARED]
        likely.extend((others[k], doc_id) for k in order if estimates[k] >= MIN_ESTIMATE)
    report.compared = len(likely)
    fingerprints = dict(new)
    stored_ids = sorted({a for a, _ in likely} - new.keys())
    if recent is not None:
        fingerprints.update(recent.still_stored(conn, stored_ids))
    for chunk in _chunks([i for i in stored_ids if i not in fingerprints]):
        for doc_id, text_ in conn.execute(
            select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_(chunk))
        ):
            fingerprints[doc_id] = Fingerprint.of(to_simplified(text_))
    for a, b in sorted(likely):
        sim = similarity(fingerprints[a], fingerprints[b])
        if sim.reprint:
            report.pairs.append((a, b, sim))
    bands = [(k, i) for i, fp in items for k in set(fp.keys)]
    cursor = conn.connection.cursor()  # 43 rows a document, without SQLAlchemy's row processing
    try:
        if bands:
            cursor.executemany(
                f"INSERT INTO reprint_bands (band_key, document_id) VALUES ({mark}, {mark})", bands
            )
        cursor.executemany(
            f"INSERT INTO reprint_signatures (document_id, signature) VALUES ({mark}, {mark})",
            [(i, fp.signature.astype("<u4").tobytes()) for i, fp in items],
        )
    finally:
        cursor.close()
    if index is not None:
        index.add(items)
    if report.pairs:
        conn.execute(
            insert(ReprintPairRow),
            [
                {
                    "first_id": a,
                    "second_id": b,
                    "jaccard": round(s.jaccard, 4),
                    "containment": round(s.containment, 4),
                    "verbatim": round(s.verbatim, 4),
                }
                for a, b, s in report.pairs
            ],
        )
        _join_stories(conn, [(a, b) for a, b, _ in report.pairs])
    return report


def _join_stories(conn: Connection, pairs: list[tuple[int, int]]) -> None:
    """Union the pairs with the stories their documents are in already; each resulting story is
    rewritten whole (its id: its smallest document id; its canonical copy chosen again)."""
    involved = sorted({x for pair in pairs for x in pair})
    story_of: dict[int, int] = {}
    for chunk in _chunks(involved):
        story_of.update(
            _pairs(
                conn,
                select(StoryMemberRow.document_id, StoryMemberRow.story_id).where(
                    StoryMemberRow.document_id.in_(chunk)
                ),
            )
        )
    touched = sorted(set(story_of.values()))
    members: dict[int, list[int]] = {}
    for chunk in _chunks(touched):
        for doc_id, story_id in conn.execute(
            select(StoryMemberRow.document_id, StoryMemberRow.story_id).where(
                StoryMemberRow.story_id.in_(chunk)
            )
        ):
            members.setdefault(story_id, []).append(doc_id)
    uf = UnionFind()
    for story_id, docs in members.items():
        for doc_id in docs:
            uf.union(story_id, doc_id)
    for a, b in pairs:
        uf.union(a, b)
    groups = uf.groups()
    for chunk in _chunks(touched):
        conn.execute(delete(StoryMemberRow).where(StoryMemberRow.story_id.in_(chunk)))
        conn.execute(delete(StoryRow).where(StoryRow.id.in_(chunk)))
    everyone = sorted({d for docs in groups.values() for d in docs})
    copies: dict[int, Copy] = {}
    for chunk in _chunks(everyone):
        for row in conn.execute(
            select(
                DocumentRow.id, DocumentRow.published, DocumentRow.source_url, DocumentRow.source_site
            ).where(DocumentRow.id.in_(chunk))
        ):
            copies[row.id] = Copy(row.id, row.published, row.source_url, row.source_site)
    conn.execute(
        insert(StoryRow),
        [
            {"id": root, "canonical_id": canonical(copies[d] for d in docs), "size": len(docs)}
            for root, docs in groups.items()
        ],
    )
    conn.execute(
        insert(StoryMemberRow),
        [{"document_id": d, "story_id": root} for root, docs in groups.items() for d in docs],
    )


def rebuild(conn: Connection, batch: int = REBUILD_BATCH) -> int:
    """Link every stored document again, ``batch`` documents at a time in the order they were
    stored (memory holds one batch and its candidates). Returns the number of documents."""
    for table in TABLES:
        conn.execute(delete(table))
    done, last = 0, 0
    while True:
        rows = conn.execute(
            select(DocumentRow.id, DocumentRow.text)
            .where(DocumentRow.id > last)
            .order_by(DocumentRow.id)
            .limit(batch)
        ).all()
        if not rows:
            return done
        link_fingerprints(conn, [(row.id, Fingerprint.of(to_simplified(row.text))) for row in rows])
        done += len(rows)
        last = rows[-1].id


# -- reading -----------------------------------------------------------------------------------


@dataclass
class Story:
    id: int
    canonical_id: int
    documents: list[dict[str, Any]]  # id, title, published, source_site, source_url, canonical

    @property
    def size(self) -> int:
        return len(self.documents)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "canonical": self.canonical_id, "size": self.size, "documents": self.documents}


def stories_of(conn: Connection, doc_ids: Iterable[int]) -> dict[int, Story]:
    """The story of each of ``doc_ids`` that has reprints (documents without one are absent)."""
    story_ids: dict[int, int] = {}
    for chunk in _chunks(sorted(set(doc_ids))):
        story_ids.update(
            _pairs(
                conn,
                select(StoryMemberRow.document_id, StoryMemberRow.story_id).where(
                    StoryMemberRow.document_id.in_(chunk)
                ),
            )
        )
    loaded = _load_stories(conn, sorted(set(story_ids.values())))
    return {doc_id: loaded[story_id] for doc_id, story_id in story_ids.items()}


def _load_stories(conn: Connection, story_ids: list[int]) -> dict[int, Story]:
    out: dict[int, Story] = {}
    for chunk in _chunks(story_ids):
        for sid, canonical_id in conn.execute(
            select(StoryRow.id, StoryRow.canonical_id).where(StoryRow.id.in_(chunk))
        ):
            out[sid] = Story(sid, canonical_id, [])
        rows = conn.execute(
            select(
                StoryMemberRow.story_id,
                DocumentRow.id,
                DocumentRow.title,
                DocumentRow.name,
                DocumentRow.published,
                DocumentRow.source_site,
                DocumentRow.source_url,
            )
            .join(DocumentRow, DocumentRow.id == StoryMemberRow.document_id)
            .where(StoryMemberRow.story_id.in_(chunk))
            .order_by(StoryMemberRow.story_id, DocumentRow.published, DocumentRow.id)
        )
        for sid, doc_id, title, name, published, site, url in rows:
            story = out[sid]
            story.documents.append(
                {
                    "id": doc_id,
                    "title": title or name,
                    "published": published,
                    "source_site": site,
                    "source_url": url,
                    "canonical": doc_id == story.canonical_id,
                }
            )
    for story in out.values():  # the canonical copy first
        story.documents.sort(key=lambda d: not d["canonical"])
    return out


def list_stories(conn: Connection, limit: int = 100, offset: int = 0) -> tuple[int, list[Story]]:
    """(how many stories, one page of them, the largest first)."""
    total = conn.scalar(select(func.count(StoryRow.id))) or 0
    ids = list(
        conn.scalars(
            select(StoryRow.id).order_by(StoryRow.size.desc(), StoryRow.id).limit(limit).offset(offset)
        )
    )
    loaded = _load_stories(conn, ids)
    return total, [loaded[i] for i in ids]


class _Searchable(Protocol):
    engine: Engine

    def search(
        self, query: str, limit: int = 10, offset: int = 0, use_cache: bool = True, filters: Any = None
    ) -> list[Any]: ...


@dataclass
class StoryHit:
    hit: Any  # a luoshi.store.SearchHit: the best-ranked copy of its story
    story: Story | None  # None: the document has no reprint

    @property
    def others(self) -> int:
        return self.story.size - 1 if self.story else 0

    def to_json(self) -> dict[str, Any]:
        return {**self.hit.to_json(), "story": self.story.to_json() if self.story else None}


def search(
    store: _Searchable, query: str, limit: int = 10, show_all: bool = False, filters: Any = None
) -> list[StoryHit]:
    """Ranked hits, one per story (the best-ranked copy stands for it) unless ``show_all``,
    among the documents ``filters`` (``listing.DocumentFilters``) select. Reads further pages
    of hits until ``limit`` stories are found or the matches run out."""
    out: list[StoryHit] = []
    shown: set[int] = set()
    page = max(limit, 1) * 2
    offset = 0
    while len(out) < limit:
        hits = store.search(query, limit=page, offset=offset, filters=filters)
        with store.engine.connect() as conn:
            found = stories_of(conn, [h.document_id for h in hits])
        for hit in hits:
            story = found.get(hit.document_id)
            if story and not show_all:
                if story.id in shown:
                    continue
                shown.add(story.id)
            out.append(StoryHit(hit, story))
            if len(out) == limit:
                break
        if len(hits) < page:
            break
        offset += page
    return out
