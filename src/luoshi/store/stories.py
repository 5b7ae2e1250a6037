"""Stories: the copies of one readout, stored. Linking runs in the store's write path for each
batch of new documents (``link``), and over a whole store for stores written before it
(``rebuild``, run by migration 0010).

Tables (plain indexed columns, the same on SQLite and PostgreSQL, shared by every worker):

- ``reprint_band_lists`` — the LSH index: for each band key, the newest PER_KEY documents
  holding it (their ids packed in one column, ``pack``). A new document's candidates are the
  documents listed under its 42 keys: one statement reading at most 42 rows (migration 0017;
  before it a row per key and document, 42 range reads, up to 16 rows each).
- ``reprint_signatures`` — each document's MinHash (128 × 32 bits): a candidate whose estimated
  similarity is far below the thresholds is dropped before its text is read.
- ``reprint_pairs`` — the verified pairs with their exact similarity.
- ``stories`` / ``story_members`` — the connected components of the pairs (documents without a
  reprint have no row): the story's id is its first stored document's id; its canonical copy
  follows ``luoshi.link.reprints.canonical``."""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
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
from luoshi.link.reprints import unique as sorted_distinct
from luoshi.model import Document
from luoshi.store.schema import DocumentRow, col, pk, rows
from luoshi.text import to_simplified

if TYPE_CHECKING:  # numpy loads when documents are linked, not when stories are read
    import numpy as np

    from luoshi.store.writers import Overlap

CHUNK = 500  # parameters per IN (…) list: well inside SQLite's and PostgreSQL's limits
LOOKUP_CHUNK = 100  # band keys per lookup statement (SQLite allows 500 terms in a compound SELECT)
PER_KEY = 16  # the newest documents read for each band key
MAX_CANDIDATES = 32  # per new document: the candidates sharing most bands
MAX_COMPARED = 4  # per new document: the candidates compared exactly, the highest estimates
REBUILD_BATCH = 500  # documents read at a time by ``rebuild``
INDEX_AFTER = 2000  # documents a process links before it keeps the band keys in memory (BandIndex)
INDEX_BATCH = 100  # the smallest batch that looks its candidates up in memory (a smaller one: SQL)
INDEX_MAX_ROWS = 10_000_000  # band keys held in memory at most (about 24 bytes each); beyond, SQL
RECOUNT_EVERY = 10  # BandIndex.catch_up reads every stored id each 10th batch (deletions by others)
# A candidate whose signature agrees on fewer values than this share is not read and compared:
# at Jaccard 0.5 (the lowest similarity a reprint pair needs) the estimate from 128 values falls
# below 0.4 with probability 1.2%, at 0.55 (a 60% excerpt) 0.03%, at 0.8 (furniture) never; the
# copies of one story are joined through any of their pairs, so a story rarely loses a copy.
# Readouts of one template (Jaccard about 0.3) mostly stay below it and cost no reading.
MIN_ESTIMATE = 0.4


# On SQLite the key is the table's rowid (INTEGER PRIMARY KEY, 64 bits): a lookup is a seek in
# the table itself, by integer comparisons.
ReprintBandListRow = rows(
    "reprint_band_lists",
    pk("band_key", BigInteger().with_variant(Integer, "sqlite"), autoincrement=False),
    col("documents", LargeBinary),
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

TABLES = (ReprintBandListRow, ReprintSignatureRow, ReprintPairRow, StoryMemberRow, StoryRow)


def installed(conn: Connection) -> bool:
    """Whether the store has the tables linking writes (a store not yet migrated to 0017 links
    nothing; the migration links its documents then)."""
    return inspect(conn).has_table(ReprintBandListRow.__tablename__)


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pairs(conn: Connection, stmt: Select[int, int]) -> dict[int, int]:
    return {int(a): int(b) for a, b in conn.execute(stmt)}


def _signature_of(blob: bytes) -> np.ndarray[Any, np.dtype[np.uint32]]:
    import numpy as np

    return np.frombuffer(blob, dtype="<u4")


def pack(doc_ids: list[int]) -> bytes:
    """A band key's documents as stored: the ids ascending, 8 bytes each, little-endian (the rule
    of migration 0017, which wrote the lists of stores linked before it)."""
    return struct.pack(f"<{len(doc_ids)}q", *doc_ids)


def unpack(rows: list[tuple[int, bytes]]) -> dict[int, list[int]]:
    """(key, packed ids) rows → key → ids, all unpacked at once."""
    import numpy as np

    blobs = [bytes(blob) for _, blob in rows]  # (PostgreSQL's driver gives memoryviews)
    ids = np.frombuffer(b"".join(blobs), dtype="<i8").tolist()
    found: dict[int, list[int]] = {}
    at = 0
    for (key, _), blob in zip(rows, blobs, strict=True):
        end = at + (len(blob) >> 3)
        found[key] = ids[at:end]
        at = end
    return found


# -- writing -----------------------------------------------------------------------------------


@dataclass
class LinkReport:
    pairs: list[tuple[int, int, Similarity]] = field(default_factory=list)
    candidates: int = 0  # pairs that shared a band
    compared: int = 0  # pairs compared exactly


_SIGN = 1 << 63  # int64 order is the order of the uint64 values with this bit flipped


class BandIndex:
    """The band keys of every stored document, in memory, for a process that links many
    documents (``luoshi ingest`` of an archive): a lookup is a few vectorised array reads, no
    statement (docs/benchmarks.md). Loaded from ``reprint_signatures`` (the keys computed again
    from the signatures: what the band rows hold).

    Layout: the documents of the (key, document) rows sorted by key, then document (``docs``);
    the distinct keys (``unique``) with the start of each one's rows (``starts``); and a directory
    of the distinct keys by their top ``bits`` bits (``directory``: band keys are uniform 64-bit
    hashes, so a bucket holds one or two keys): a lookup reads each wanted key's bucket, compares
    the few keys in it at once, and takes the last PER_KEY documents of each key found, all in
    numpy for every wanted key together. Documents added since the arrays were built wait in a
    dict (``recent``: key → documents) until they are a sixteenth of the rows, then are merged
    (one sort of all rows), so that a batch costs no copy of the whole index.

    Before each batch it catches up with the store (``catch_up``): when the largest id of the
    stored signatures is not the largest it holds, and at every RECOUNT_EVERY-th batch, it reads
    their ids, adds the documents other processes stored and drops those gone (deleted, or
    rolled back after this process added them). Answers as ``candidates``: the newest PER_KEY
    documents for each key. Documents another process deletes stay candidates until the next
    recount (a candidate without a stored signature is not compared)."""

    MERGE_MIN = 50_000  # rows waiting in ``recent`` before a merge, at least

    def __init__(self) -> None:
        import numpy as np

        self.ids = np.empty(0, dtype=np.int64)  # the documents held, sorted
        self.recent: dict[int, list[int]] = {}
        self.recent_rows = 0
        self.checks = -1  # catch_up calls: the first, and every RECOUNT_EVERY-th, read every id
        self._build(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))

    def _build(self, keys: np.ndarray[Any, np.dtype[np.int64]], docs: np.ndarray[Any, Any]) -> None:
        """The arrays of the rows (``keys``, ``docs``), which are sorted by key, then document."""
        import numpy as np

        self.docs = docs.astype(np.int64, copy=False)
        edge = np.empty(keys.size + 1, dtype=bool)
        edge[0] = edge[-1] = True
        np.not_equal(keys[1:], keys[:-1], out=edge[1:-1])
        starts = np.flatnonzero(edge)
        unique = keys[starts[:-1]]
        # Each distinct key's newest PER_KEY rows: [first, end).
        self.rows_of = np.stack([np.maximum(starts[:-1], starts[1:] - PER_KEY), starts[1:]], axis=1).astype(
            np.int32
        )
        self.bits = max(int(unique.size).bit_length() - 1, 1)  # one or two keys a bucket
        self.shift, self.half = 64 - self.bits, 1 << (self.bits - 1)
        counts = np.bincount((unique >> self.shift) + self.half, minlength=1 << self.bits)
        self.span = max(int(counts.max(initial=0)), 1)  # the most keys in one bucket
        self.directory = np.zeros(1 << self.bits, dtype=np.int32)  # bucket → its first key
        np.cumsum(counts[:-1], out=self.directory[1:])
        # The keys, and after them ``span`` that match no band key (a band key is a hash: the
        # chance that one is 0 is 2⁻⁶⁴, and a lookup of 0 would still only find the padding's rows).
        self.unique = np.concatenate([unique, np.zeros(self.span, dtype=np.int64)])
        self.rows_of = np.concatenate([self.rows_of, np.zeros((self.span, 2), dtype=np.int32)])
        self.arange = np.arange(self.span)

    @property
    def rows(self) -> int:
        return int(self.docs.size) + self.recent_rows

    @property
    def nbytes(self) -> int:
        """The arrays' bytes (the rows waiting in ``recent`` are not counted)."""
        arrays = (self.docs, self.rows_of, self.unique, self.directory, self.ids)
        return sum(int(a.nbytes) for a in arrays)

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
                self._drop(gone)
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
            if rows:
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

    def _drop(self, gone: np.ndarray[Any, np.dtype[np.int64]]) -> None:
        import numpy as np

        self._merge()
        keep = ~np.isin(self.docs, gone)
        self._build(self._keys()[keep], self.docs[keep])
        self.ids = np.setdiff1d(self.ids, gone, assume_unique=True)

    def _add(self, ids: np.ndarray[Any, np.dtype[np.int64]], signatures: np.ndarray[Any, Any]) -> None:
        import numpy as np

        from luoshi.link.reprints import band_keys_of

        empty = (signatures == np.iinfo(np.uint32).max).all(axis=1)  # a text without shingles
        keys = band_keys_of(signatures[~empty])
        docs = np.repeat(ids[~empty], keys.shape[1])
        self.ids = np.union1d(self.ids, ids)
        if keys.size > max(self.MERGE_MIN, self.docs.size // 16):  # (the first load) sorted at once
            self._merge(keys.ravel(), docs)
            return
        recent = self.recent
        for key, doc in zip(keys.ravel().tolist(), docs.tolist(), strict=True):
            recent.setdefault(key, []).append(doc)
        self.recent_rows += keys.size
        if self.recent_rows > max(self.MERGE_MIN, self.docs.size // 16):
            self._merge()

    def _keys(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """The key of each row."""
        import numpy as np

        held = self.unique.size - self.span
        return np.repeat(self.unique[:held], np.diff(self.rows_of[:held, 1], prepend=0))

    def _merge(
        self, keys: np.ndarray[Any, Any] | None = None, docs: np.ndarray[Any, Any] | None = None
    ) -> None:
        """Every row, with ``recent``'s and the given ones, sorted into the arrays again."""
        import numpy as np

        parts_k, parts_d = [self._keys()], [self.docs]
        if self.recent_rows:
            sizes = [len(v) for v in self.recent.values()]
            parts_k.append(np.repeat(np.fromiter(self.recent, dtype=np.int64, count=len(sizes)), sizes))
            parts_d.append(np.fromiter((d for v in self.recent.values() for d in v), dtype=np.int64))
            self.recent, self.recent_rows = {}, 0
        if keys is not None and docs is not None:
            parts_k.append(keys)
            parts_d.append(docs)
        if len(parts_k) == 1:
            return
        all_k, all_d = np.concatenate(parts_k), np.concatenate(parts_d)
        # The held rows are sorted already: a stable sort of the keys merges the runs in linear
        # time, and keeps each key's documents in order unless an added one is older than a held
        # one of its key (another process's document, caught up with late): then a full sort.
        added = slice(parts_k[0].size, None)
        order = np.lexsort((all_d[added], all_k[added]))
        all_k[added], all_d[added] = all_k[added][order], all_d[added][order]
        order = np.argsort(all_k, kind="stable")
        all_k, all_d = all_k[order], all_d[order]
        same = all_k[1:] == all_k[:-1]
        if (same & (all_d[1:] < all_d[:-1])).any():
            order = np.lexsort((all_d, all_k))
            all_k, all_d = all_k[order], all_d[order]
        self._build(all_k, all_d)

    def candidates(self, keys: Iterable[int]) -> dict[int, list[int]]:
        """The newest PER_KEY documents holding each of ``keys`` (keys held by none are absent).
        Every wanted key at once: its bucket's first key, the ``span`` keys from there compared
        (a key of another bucket is another key), the rows of those found gathered."""
        import numpy as np

        wanted_list = list(set(keys))
        found: dict[int, list[int]] = {}
        if wanted_list and self.docs.size:
            wanted = np.array(wanted_list, dtype=np.int64)
            at = self.directory[(wanted >> self.shift) + self.half][:, None] + self.arange
            which, col = np.nonzero(self.unique[at] == wanted[:, None])
            if which.size:
                first, end = self.rows_of[at[which, col]].T
                sizes = end - first
                stop = np.cumsum(sizes)
                start = stop - sizes
                docs = self.docs[np.arange(int(stop[-1])) + np.repeat(first - start, sizes)].tolist()
                for w, a, b in zip(which.tolist(), start.tolist(), stop.tolist(), strict=True):
                    if b > a:  # (not the padding)
                        found[wanted_list[w]] = docs[a:b]
        if self.recent_rows:
            recent = self.recent
            for key in wanted_list:
                extra = recent.get(key)
                if extra is not None:
                    held = found.get(key, []) + extra
                    found[key] = sorted(held)[-PER_KEY:] if len(held) > PER_KEY else held
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
    """``n`` band keys → their rows (at most ``n``): on SQLite an ``IN`` list of rowids, on
    PostgreSQL one array parameter (one prepared statement whatever the number of keys)."""
    if paramstyle == "qmark":
        return f"SELECT band_key, documents FROM reprint_band_lists WHERE band_key IN ({', '.join('?' * n)})"
    return "SELECT band_key, documents FROM reprint_band_lists WHERE band_key = ANY(%s::bigint[])"


MMAP_BYTES = 1 << 30  # SQLite: the first GiB of the store's file read through a memory map


def candidates(conn: Connection, keys: Iterable[int]) -> dict[int, list[int]]:
    """Stored documents sharing one of ``keys`` (the newest PER_KEY for each): key → ids."""
    rows: list[tuple[int, bytes]] = []
    sqlite = conn.dialect.paramstyle == "qmark"
    # On the driver's own cursor, inside the connection's transaction: SQLAlchemy's result
    # processing cost more than the query.
    dbapi = conn.connection
    cursor = dbapi.cursor()
    try:
        if sqlite and not dbapi.info.get("mapped"):
            # The band lists lie anywhere in the file: without a map, each of the 42 seeks that
            # reaches a page outside SQLite's small cache costs a read() (40% of a lookup).
            cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            cursor.fetchall()
            dbapi.info["mapped"] = True
        wanted = sorted(set(keys))
        # PostgreSQL: every key of the batch in one statement (one array parameter, no limit)
        for chunk in _chunks(wanted, LOOKUP_CHUNK) if sqlite else [wanted] if wanted else []:
            sql = _lookup_sql(conn.dialect.paramstyle, len(chunk))
            cursor.execute(sql, chunk if sqlite else (chunk,))
            rows.extend(cursor.fetchall())
    finally:
        cursor.close()
    return unpack(rows)


def _ragged(starts: np.ndarray[Any, Any], lengths: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The indices ``starts[j] … starts[j] + lengths[j] - 1`` for every j, one after another."""
    import numpy as np

    total = int(lengths.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(total, dtype=np.int64)


def _first_per_group(groups: np.ndarray[Any, Any], limit: int) -> np.ndarray[Any, Any]:
    """For entries sorted by group: whether each is among the first ``limit`` of its group."""
    import numpy as np

    if not groups.size:
        return np.zeros(0, dtype=bool)
    at = np.arange(groups.size)
    first = np.maximum.accumulate(np.where(np.r_[True, groups[1:] != groups[:-1]], at, 0))
    return np.asarray(at - first < limit)


ENCODED = 1 << 62  # the largest integer that ``_sorted_codes`` makes (int64, with room)


def _sorted_codes(*parts: tuple[np.ndarray[Any, Any], int]) -> np.ndarray[Any, Any]:
    """Rows of non-negative integers (each part's values below its bound, the product of the
    bounds below ENCODED), sorted by the first part, then the next…, each row as one integer
    ``((a·B₂ + b)·B₃ + c)…``: one sort of an int64 array instead of ``np.lexsort``."""
    import numpy as np

    code = np.zeros(len(parts[0][0]), dtype=np.int64)
    for values, bound in parts:
        code *= bound
        code += values
    return np.sort(code)


def choose(items: list[tuple[int, Fingerprint]], stored: dict[int, list[int]]) -> dict[int, list[int]]:
    """Each new document's candidates (``items``: ids ascending, their fingerprints): of the
    stored documents sharing one of its band keys (``stored``: key → ids) and of the PER_KEY
    documents of the batch before it with each of its keys, the MAX_CANDIDATES that share
    most keys with it, then the newest. Computed for the whole batch at once by numpy (a loop
    over the keys of each document cost a tenth of the writing of a batch)."""
    import numpy as np

    n = len(items)
    doc_ids = np.array([i for i, _ in items], dtype=np.int64)
    per_doc = [set(fp.keys) for _, fp in items]
    count = np.array([len(k) for k in per_doc], dtype=np.int64)
    pos = np.repeat(np.arange(n, dtype=np.int64), count)  # (document, key) pairs, in item order
    keys = np.fromiter(chain.from_iterable(per_doc), dtype=np.int64, count=int(count.sum()))
    distinct, which = np.unique(keys, return_inverse=True)
    which = which.reshape(-1)
    # the stored documents of each pair's key
    lists = [stored.get(k, ()) for k in distinct.tolist()]
    sizes = np.array([len(ids) for ids in lists], dtype=np.int64)
    held = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(sizes.sum()))
    offsets = np.cumsum(sizes) - sizes
    at = _ragged(offsets[which], sizes[which])
    by = np.repeat(pos, sizes[which])
    other = held[at]
    # the documents of the batch before it with the same key (the last PER_KEY of them)
    order = np.argsort(which, kind="stable")  # by key, then item order
    group = which[order]
    ahead = np.arange(order.size) - np.maximum.accumulate(
        np.where(np.r_[True, group[1:] != group[:-1]], np.arange(order.size), 0)
    )
    earlier = np.minimum(ahead, PER_KEY)
    at = _ragged(np.arange(order.size) - earlier, earlier)
    by = np.concatenate([by, np.repeat(pos[order], earlier)])
    other = np.concatenate([other, doc_ids[pos[order][at]]])
    keep = other != doc_ids[by]
    by, other = by[keep], other[keep]
    # how many keys each (document, candidate) shares, then the candidates by document, most
    # shared keys first, then the newest: each order one sort of integers that encode it (a
    # fifth of the time of sorting by several arrays: every band key of a template's readouts
    # is shared, and a batch has a few hundred thousand pairs)
    lo = int(other.min()) if other.size else 0
    span = int(other.max()) - lo + 1 if other.size else 1
    if n * span >= ENCODED:
        return _choose_each(items, stored)  # (ids too far apart to encode)
    code = _sorted_codes((by, n), (other - lo, span))
    firsts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if code.size else code
    shared = np.diff(np.r_[firsts, code.size])
    by, other = code[firsts] // span, code[firsts] % span
    most = int(shared.max()) + 1 if shared.size else 1
    if n * most * span >= ENCODED:
        return _choose_each(items, stored)
    code = _sorted_codes((by, n), (most - 1 - shared, most), (span - 1 - other, span))
    by, other = code // (most * span), span - 1 - code % span + lo
    kept = _first_per_group(by, MAX_CANDIDATES)
    by, other = by[kept], other[kept]
    bounds = np.searchsorted(by, np.arange(n + 1)).tolist()
    found = other.tolist()
    return {i: found[bounds[k] : bounds[k + 1]] for k, (i, _) in enumerate(items)}


def _choose_each(items: list[tuple[int, Fingerprint]], stored: dict[int, list[int]]) -> dict[int, list[int]]:
    """``choose``, one document at a time (for ids too far apart for its encoding)."""
    import numpy as np

    in_batch: dict[int, list[int]] = {}
    chosen: dict[int, list[int]] = {}
    for doc_id, fp in items:  # each is paired with earlier documents only
        pool: list[int] = []
        for key in set(fp.keys):
            pool.extend(stored.get(key, ()))
            peers = in_batch.setdefault(key, [])
            pool.extend(peers[-PER_KEY:])
            peers.append(doc_id)
        ids, counts = np.unique(np.array(pool, dtype=np.int64), return_counts=True)
        other = ids != doc_id
        ids, counts = ids[other], counts[other]
        # most shared bands first, then the newest (the ids are distinct: no ties)
        chosen[doc_id] = ids[np.lexsort((ids, counts))[::-1][:MAX_CANDIDATES]].tolist()
    return chosen


def most_alike(
    chosen: dict[int, list[int]], signatures: dict[int, np.ndarray[Any, np.dtype[np.uint32]]]
) -> list[tuple[int, int]]:
    """(candidate, document) pairs to compare exactly: of each document's candidates with a
    signature, the MAX_COMPARED whose signatures agree most with its own (at least
    MIN_ESTIMATE of the values; among equals, the first chosen), in the documents' order."""
    import numpy as np

    sizes = np.array([len(found) for found in chosen.values()], dtype=np.int64)
    total = int(sizes.sum())
    if not total or not signatures:
        return []
    # each candidate's row in the signatures (those without one are left out)
    ids = np.fromiter(signatures, dtype=np.int64, count=len(signatures))
    by_id = np.argsort(ids)
    ordered = ids[by_id]
    others = np.fromiter(chain.from_iterable(chosen.values()), dtype=np.int64, count=total)
    at = np.minimum(np.searchsorted(ordered, others), ordered.size - 1)
    held = ordered[at] == others
    number = np.repeat(np.arange(len(chosen)), sizes)
    # a candidate's place among its document's candidates with a signature (ties: the first)
    before = np.r_[0, np.cumsum(held)]  # candidates with a signature before each one
    rank = (before[:-1] - before[np.cumsum(sizes) - sizes][number])[held]
    number, others, rows = number[held], others[held], by_id[at[held]]
    docs = np.fromiter(chosen, dtype=np.int64, count=len(chosen))
    doc_rows = by_id[np.searchsorted(ordered, docs)]
    matrix = np.stack(list(signatures.values()))
    estimates = (matrix[rows] == matrix[doc_rows[number]]).mean(axis=1)
    order = np.lexsort((rank, -estimates, number))
    kept = order[_first_per_group(number[order], MAX_COMPARED)]
    kept = kept[estimates[kept] >= MIN_ESTIMATE]
    return list(zip(others[kept].tolist(), docs[number[kept]].tolist(), strict=True))


def band_lists(items: list[tuple[int, Fingerprint]], stored: dict[int, list[int]]) -> list[tuple[int, bytes]]:
    """The band lists a batch writes (``pack``ed): for each band key of its documents, the
    newest PER_KEY of the stored documents with it (``stored``) and of the batch's, in key
    order. One sort of the batch's (key, document) pairs instead of a list and a sort a key."""
    import numpy as np

    per_doc = [(i, set(fp.keys)) for i, fp in items]
    count = np.array([len(keys) for _, keys in per_doc], dtype=np.int64)
    total = int(count.sum())
    if not total:
        return []
    keys = np.fromiter(chain.from_iterable(ks for _, ks in per_doc), dtype=np.int64, count=total)
    docs = np.repeat(np.array([i for i, _ in per_doc], dtype=np.int64), count)
    distinct = sorted_distinct(keys).tolist()
    lists = [stored.get(k, ()) for k in distinct]
    sizes = [len(ids) for ids in lists]
    keys = np.concatenate([keys, np.repeat(np.array(distinct, dtype=np.int64), sizes)])
    docs = np.concatenate([docs, np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=sum(sizes))])
    order = np.lexsort((docs, keys))  # each key's documents ascending
    keys, docs = keys[order], docs[order]
    kept = _first_per_group(keys[::-1], PER_KEY)[::-1]  # the newest PER_KEY of each key
    keys, docs = keys[kept], docs[kept]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], keys.size]
    blob = docs.astype("<i8").tobytes()
    return [
        (key, blob[8 * a : 8 * b])
        for key, a, b in zip(keys[starts].tolist(), starts.tolist(), ends.tolist(), strict=True)
    ]


def match(
    conn: Connection,
    items: list[tuple[int, Fingerprint]],
    recent: RecentFingerprints | None = None,
    index: BandIndex | None = None,
    meanwhile: Overlap | None = None,
) -> tuple[LinkReport, dict[int, list[int]]]:
    """The reprint pairs of documents (ids ascending, their fingerprints) with the stored ones
    and with each other, writing nothing: the lookup of their band keys (in ``index`` if given,
    else in the band lists), then the verification. Work per document is bounded whatever the
    corpus: at most MAX_CANDIDATES candidates (those sharing most bands) have their signatures
    compared, and at most MAX_COMPARED of them (the highest estimates at or above MIN_ESTIMATE)
    are read and compared exactly. Returns the report and what the lookup found (key → the
    stored ids). ``meanwhile``'s statements are run by the server while the candidates are
    chosen and while they are compared exactly (it is started once the store has been read)."""
    report = LinkReport()
    new = dict(items)
    keys = chain.from_iterable(fp.keys for _, fp in items)
    stored = index.candidates(keys) if index is not None else candidates(conn, keys)
    if meanwhile is not None:
        meanwhile.start()
    chosen = choose(items, stored)
    report.candidates = sum(map(len, chosen.values()))
    signatures = {i: fp.signature for i, fp in items}
    old_ids = sorted({a for others in chosen.values() for a in others} - new.keys())
    if meanwhile is not None:
        meanwhile.wait()
    sqlite = conn.dialect.paramstyle == "qmark"
    cursor = conn.connection.cursor()  # the driver's: SQLAlchemy's statement cost more than the read
    try:
        # PostgreSQL: the batch's candidates in one statement (one array parameter)
        for chunk in _chunks(old_ids) if sqlite else [old_ids] if old_ids else []:
            if sqlite:
                sql = f"SELECT document_id, signature FROM reprint_signatures WHERE document_id IN ({', '.join('?' * len(chunk))})"
                cursor.execute(sql, tuple(chunk))
            else:
                sql = "SELECT document_id, signature FROM reprint_signatures WHERE document_id = ANY(%s::integer[])"
                cursor.execute(sql, (chunk,))
            for doc_id, blob in cursor.fetchall():
                signatures[int(doc_id)] = _signature_of(bytes(blob))
    finally:
        cursor.close()
    likely = most_alike(chosen, signatures)
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
    if meanwhile is not None:
        meanwhile.start()
    for a, b in sorted(likely):
        sim = similarity(fingerprints[a], fingerprints[b])
        if sim.reprint:
            report.pairs.append((a, b, sim))
    return report, stored


def link_fingerprints(
    conn: Connection,
    items: list[tuple[int, Fingerprint]],
    recent: RecentFingerprints | None = None,
    meanwhile: Overlap | None = None,
) -> LinkReport:
    """Link documents (ids ascending, their fingerprints) to the stored ones and to each other
    (``match``), and write their band lists, signatures, pairs and stories. ``meanwhile``'s
    statements (PostgreSQL) are run by the server while this process computes (``match``, the
    band lists); none is running when this returns."""
    if not items:
        return LinkReport()
    index = recent.band_index(conn, len(items)) if recent is not None else None
    report, stored = match(conn, items, recent, index, meanwhile)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    if index is not None:
        if meanwhile is not None:
            meanwhile.wait()
        # The lists are written from what the store holds, read in this transaction (which
        # holds the write lock): the index may lack another process's documents until its next
        # recount, and a list written from it would lose them.
        stored = candidates(conn, chain.from_iterable(fp.keys for _, fp in items))
    band_rows = band_lists(items, stored)
    signature_rows = [(i, fp.signature.astype("<u4").tobytes()) for i, fp in items]
    if meanwhile is not None:
        meanwhile.wait()
    if conn.dialect.name == "postgresql":
        _write_lists_pg(conn, band_rows, signature_rows)
    else:
        cursor = conn.connection.cursor()  # 42 rows a document, without SQLAlchemy's row processing
        try:
            if band_rows:
                cursor.executemany(
                    f"INSERT INTO reprint_band_lists (band_key, documents) VALUES ({mark}, {mark}) "
                    "ON CONFLICT (band_key) DO UPDATE SET documents = excluded.documents",
                    band_rows,
                )
            cursor.executemany(
                f"INSERT INTO reprint_signatures (document_id, signature) VALUES ({mark}, {mark})",
                signature_rows,
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


_STAGED_LISTS = "luoshi_staged_band_lists"  # a temporary table of a PostgreSQL session


def _write_lists_pg(
    conn: Connection, band_rows: list[tuple[int, bytes]], signature_rows: list[tuple[int, bytes]]
) -> None:
    """PostgreSQL: the band lists by COPY into a staging table and one INSERT … ON CONFLICT DO
    UPDATE (42 rows a document: as separate statements they cost the server four times as much),
    the signatures (new documents' ids: no conflict) by COPY."""
    from luoshi.store.documents import insert_many, staged  # (documents loads this module)

    if band_rows:
        definition = "(band_key bigint, documents bytea) ON COMMIT DELETE ROWS"
        staged(conn, _STAGED_LISTS, definition, ("band_key", "documents"), band_rows, binary=True)
        conn.exec_driver_sql(
            f"INSERT INTO reprint_band_lists (band_key, documents) SELECT band_key, documents FROM {_STAGED_LISTS} "
            "ON CONFLICT (band_key) DO UPDATE SET documents = excluded.documents"
        )
    insert_many(
        conn, ReprintSignatureRow.__tablename__, ("document_id", "signature"), signature_rows, binary=True
    )


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
    stored (memory holds one batch and its candidates). Returns the number of documents.
    A store being migrated through 0010 (which calls this) has no band lists yet: nothing is
    linked then, and migration 0017 calls this again once it made them."""
    if not inspect(conn).has_table(ReprintBandListRow.__tablename__):
        return 0
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


REBUILT = ("reprints", "rebuild")  # the audit entry of ``rebuild_audited``: (entity, action)


def rebuild_audited(conn: Connection, actor: str = "system") -> int:
    """``rebuild``, recorded in the audit log in the same transaction (``luoshi duplicates
    --rebuild``): the entry changes ``Store.data_version``, so that no page kept from before
    (a document's reprints, whose stories may now be others) is served after."""
    from luoshi.store.registry import audit  # (registry writes documents' units: imports this module)

    done = rebuild(conn)
    audit(conn, actor, REBUILT[0], None, REBUILT[1], after={"documents": done})
    return done


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
