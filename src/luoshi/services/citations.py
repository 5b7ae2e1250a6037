"""Cited documents and replicable outcomes, as the web and the CLI show them.

- ``cited_index``: every cited title once (its short forms and the ways of writing it folded
  into it by ``luoshi.link.citations``), with how many documents cite it, first and last date;
  searchable by title, short form or part of either, in either script.
- ``cited_page``: one title — who cited it when (documents in date order, reprints of one story
  folded into their first copy), each with the citing sentence and the citation's place in it;
  the title's other editions (the same work) and its short forms.
- ``cited_graph``: the titles and the documents (meetings) citing them as nodes and edges.
- ``outcomes``: the replicable outcomes, filtered by zone, kind and words of the title.
- ``catch_up``: indexing of the documents stored before migration 0012, a batch per
  transaction (every reader calls it first; it does nothing once they are indexed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from luoshi.extract import find_outcomes
from luoshi.link.citations import Resolver, title_key
from luoshi.model import Outcome, Span
from luoshi.store import Store, cited, stories, version
from luoshi.store.cache import VersionedCache
from luoshi.store.registry import audit
from luoshi.store.schema import (
    CitedAliasRow,
    CitedMentionRow,
    CitedTitleRow,
    DataVersionRow,
    DocumentRow,
    FactBackfillRow,
    OutcomeRow,
)
from luoshi.store.stories import StoryMemberRow, StoryRow
from luoshi.text import to_simplified

BACKFILL_BATCH = 200  # documents indexed per transaction by ``catch_up``
PAGE_ENTRIES = 200  # citing documents shown on a title's page at a time

# -- indexing the documents stored before migration 0012 --------------------------------------


def _indexed(row: Any) -> cited.Indexed:
    """A stored document as the index takes it; outcomes found again where its stored facts
    predate them."""
    facts: dict[str, Any] = row.facts
    simplified = to_simplified(row.text)
    titles = [(t, a, b) for t, a, b in facts.get("spans", {}).get("documents", [])]
    day = row.event_date or row.published
    if "outcomes" in facts:
        outcomes = [Outcome.from_json(o) for o in facts["outcomes"]]
    else:
        outcomes = find_outcomes(simplified, [Span(*d["span"]) for d in facts.get("directives", [])])
        for o in outcomes:
            o.title_original, o.date = row.text[o.span.start : o.span.end], day
    return cited.Indexed(row.id, row.text, simplified, titles, day, outcomes)


def _index_batch(conn: Connection, batch: int) -> int:
    below = cited.backfill_below(conn, lock=True)
    if below <= 0:
        return 0
    rows = cited.stored_before(conn, below, batch)
    if not rows:
        cited.set_backfill_below(conn, 0)
        return 0
    cited.write(conn, [_indexed(row) for row in rows if row.facts])
    cited.set_backfill_below(conn, min(row.id for row in rows) if len(rows) == batch else 0)
    return len(rows)


def catch_up(store: Store, batch: int = BACKFILL_BATCH) -> int:
    """Index the documents stored before migration 0012 (or before ``rebuild``); the number
    indexed. A killed run leaves whole batches; the next run goes on from there."""
    with store.engine.connect() as conn:
        if cited.backfill_below(conn) <= 0:
            return 0
    done = 0
    while n := store.run(lambda conn: _index_batch(conn, batch)):
        done += n
    return done


def rebuild(store: Store) -> int:
    """Index every stored document again (after the rules of ``luoshi.link.citations`` or of
    the outcomes changed); the number of documents."""
    start_rebuild(store)
    return catch_up(store)


def start_rebuild(store: Store) -> None:
    """Forget the index: every stored document is to be indexed again (by ``catch_up``).
    Audited: the entry changes the index's version (``index_version``) — the titles get new
    ids — and ``Store.data_version``."""

    def clear(conn: Connection) -> None:
        cited.clear(conn)
        audit(conn, "system", REBUILT[0], None, REBUILT[1])

    store.run(clear)


# -- the index of cited titles ------------------------------------------------------------------


@dataclass
class CitedTitle:
    id: int
    key: str
    title: str
    work: str
    documents: int
    first: str | None
    last: str | None
    aliases: list[str] = field(default_factory=list)  # short forms (keys) that stand for it

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "key": self.key,
            "work": self.work,
            "documents": self.documents,
            "first": self.first,
            "last": self.last,
            "short_forms": self.aliases,
        }


@dataclass
class CitedIndex:
    resolver: Resolver
    titles: list[CitedTitle]  # most cited first
    by_key: dict[str, CitedTitle]
    keys_by_id: dict[int, str]  # every stored title's id (aliases too) → its key

    def search(self, query: str) -> list[CitedTitle]:
        """Titles whose key, or one of whose short forms, holds the query's key (either script,
        any width, brackets or not)."""
        q = title_key(query)
        if not q:
            return list(self.titles)
        return [t for t in self.titles if q in t.key or any(q in a for a in t.aliases)]


_INDEXES: VersionedCache[CitedIndex] = VersionedCache(8)
REBUILT = ("citations", "rebuild")  # the audit entry of ``rebuild``: (entity, action)


def _version(store: Store) -> tuple[int, int]:
    """(the version of the documents — moved by new documents and by ``rebuild``, which gives
    the titles new ids —, the documents still to be indexed)."""
    documents = select(DataVersionRow.value).where(DataVersionRow.id == version.DOCUMENTS).scalar_subquery()
    below = select(FactBackfillRow.below).where(FactBackfillRow.name == cited.BACKFILL).scalar_subquery()
    with store.engine.connect() as conn:  # one statement (as cited.backfill_below reads the marker)
        row = conn.execute(select(documents, below)).one()
        return int(row[0] or 0), int(row[1] or 0)


def _resolver(conn: Connection) -> Resolver:
    aliases = conn.execute(select(CitedAliasRow.short_key, CitedAliasRow.full_key).distinct()).all()
    issued = conn.scalars(select(CitedTitleRow.key).where(CitedTitleRow.bare_key.is_not(None))).all()
    return Resolver([(a, b) for a, b in aliases], issued)


def _counted(keys: list[str], own: str) -> Any:
    """The mentions that count for the title ``own``: its own (not merely quoted: a quoted
    phrase counts only as a known short form) and those of its short forms."""
    others = [k for k in keys if k != own]
    mine = and_(CitedMentionRow.key == own, CitedMentionRow.form != "quoted")
    return or_(mine, CitedMentionRow.key.in_(others)) if others else mine


def _documents_of(conn: Connection, groups: dict[str, set[str]]) -> dict[str, set[int]]:
    """The documents citing each title ``own`` through the keys ``groups[own]`` (as ``_counted``),
    read from the covering index in one pass."""
    owner = {key: own for own, keys in groups.items() for key in keys}
    found: dict[str, set[int]] = {own: set() for own in groups}
    listed = sorted(owner)
    for start in range(0, len(listed), 500):
        chunk = listed[start : start + 500]
        for key, form, doc_id in conn.execute(
            select(CitedMentionRow.key, CitedMentionRow.form, CitedMentionRow.document_id).where(
                CitedMentionRow.key.in_(chunk)
            )
        ):
            own = owner[key]
            if key != own or form != "quoted":
                found[own].add(doc_id)
    return found


def _build_index(store: Store) -> CitedIndex:
    with store.engine.connect() as conn:
        resolver = _resolver(conn)
        stats = conn.execute(
            select(
                CitedMentionRow.key,
                CitedMentionRow.form,
                func.count(func.distinct(CitedMentionRow.document_id)),
                func.min(CitedMentionRow.day),
                func.max(CitedMentionRow.day),
            ).group_by(CitedMentionRow.key, CitedMentionRow.form)
        ).all()
        stored = conn.execute(
            select(CitedTitleRow.id, CitedTitleRow.key, CitedTitleRow.title, CitedTitleRow.work_key)
        ).all()
        groups: dict[str, list[tuple[int, str | None, str | None]]] = {}
        keys: dict[str, set[str]] = {}
        for key, form, n, first, last in stats:
            own = resolver.title(key)
            if form == "quoted" and own == key:
                continue  # a quoted phrase that is no known short form
            groups.setdefault(own, []).append((n, first, last))
            keys.setdefault(own, set()).add(key)
        rows = {key: (i, title, work) for i, key, title, work in stored}
        merged = {own for own, counts in groups.items() if len(counts) > 1 and own in rows}
        exact = _documents_of(conn, {own: keys[own] for own in merged})
        titles: list[CitedTitle] = []
        for own, counts in groups.items():
            if own not in rows:
                continue
            i, title, work = rows[own]
            # a document may cite a title in full and by a short form: counted once
            n = len(exact[own]) if own in merged else counts[0][0]
            days = [d for _, first, last in counts for d in (first, last) if d]
            aliases = sorted(keys[own] - {own} | set(resolver.aliases_of(own)))
            titles.append(
                CitedTitle(i, own, title, work, n, min(days, default=None), max(days, default=None), aliases)
            )
    titles.sort(key=lambda t: (-t.documents, -int((t.last or "0").replace("-", "")), t.title))
    return CitedIndex(resolver, titles, {t.key: t for t in titles}, {i: key for i, key, _, _ in stored})


def cited_index(store: Store) -> CitedIndex:
    """The index of cited titles (read once per version of the data)."""
    return _versioned_index(store)[0]


def _versioned_index(store: Store) -> tuple[CitedIndex, tuple[int, int]]:
    catch_up(store)
    version = _version(store)
    return _INDEXES.get(str(store.engine.url), version, lambda: _build_index(store)), version


def index_version(store: Store) -> tuple[int, int]:
    """The version of the index (``cited_index``'s): of the documents (new ones, a rebuild) and
    the documents still to be indexed. What is shown from the index is kept by it."""
    return _version(store)


def title_ids(store: Store, titles: Iterable[str]) -> dict[str, int]:
    """For each title as a document writes it, the id of the one cited title it names (where
    ``/cited?title=`` goes); none for a title that names none or several, and none at all while
    documents wait to be indexed (a reader's page does not index them: the title's route does)."""
    with store.engine.connect() as conn:
        if cited.backfill_below(conn) > 0:
            return {}
    index = cited_index(store)
    out = {}
    for title in set(titles):
        found = _named(index, title)
        if len(found) == 1:
            out[title] = found[0].id
    return out


def find_titles(store: Store, text: str) -> list[CitedTitle]:
    """The title ``text`` names — written in any way, or by a short form — or, when it names
    none exactly, the titles that contain it."""
    return _named(cited_index(store), text)


def _named(index: CitedIndex, text: str) -> list[CitedTitle]:
    exact = index.by_key.get(index.resolver.title(title_key(text)))
    return [exact] if exact else index.search(text)


# -- one title's page ---------------------------------------------------------------------------


@dataclass
class CitedPage:
    title: CitedTitle
    entries: list[dict[str, Any]]  # one page of the citing documents, oldest first, reprints folded
    total: int  # citing documents in all
    editions: list[CitedTitle]  # other titles of the same work

    def to_json(self) -> dict[str, Any]:
        return {
            **self.title.to_json(),
            "editions": [e.to_json() for e in self.editions],
            "total": self.total,
            "citing": self.entries,
        }


def resolve_id(store: Store, title_id: int) -> int | None:
    """The id of the title that the title ``title_id`` stands for (itself, or the full title
    of a short form); None when there is no such title."""
    index = cited_index(store)
    key = index.keys_by_id.get(title_id)
    found = index.by_key.get(index.resolver.title(key)) if key else None
    return found.id if found else None


def _entries(
    conn: Connection, title: CitedTitle, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """(how many documents cite ``title``, one page of them oldest first): each with its citing
    sentences; the reprints of one story on the page folded into its first copy."""
    counted = _counted([title.key, *title.aliases], title.key)
    day = func.min(CitedMentionRow.day)
    citing = select(CitedMentionRow.document_id).where(counted).group_by(CitedMentionRow.document_id)
    total = conn.scalar(select(func.count()).select_from(citing.subquery())) or 0
    page = list(
        conn.scalars(
            citing.order_by(day.is_(None), day, CitedMentionRow.document_id).limit(limit).offset(offset)
        )
    )
    rows = conn.execute(
        select(
            CitedMentionRow.document_id,
            CitedMentionRow.start,
            CitedMentionRow.end,
            CitedMentionRow.form,
            CitedMentionRow.sentence_start,
            CitedMentionRow.sentence,
            CitedMentionRow.day,
            DocumentRow.title,
            DocumentRow.name,
            DocumentRow.source_site,
        )
        .join(DocumentRow, DocumentRow.id == CitedMentionRow.document_id)
        .where(counted, CitedMentionRow.document_id.in_(page))
        .order_by(CitedMentionRow.document_id, CitedMentionRow.start)
    ).all()
    entries: dict[int, dict[str, Any]] = {}
    for r in rows:
        entry = entries.setdefault(
            r.document_id,
            {
                "document_id": r.document_id,
                "title": r.title or r.name,
                "date": r.day,
                "site": r.source_site,
                "sentences": [],
                "copies": [],
            },
        )
        at = r.start - r.sentence_start
        entry["sentences"].append(
            {"text": r.sentence, "mark": [at, at + r.end - r.start], "form": r.form, "span": [r.start, r.end]}
        )
    found = stories.stories_of(conn, page)
    first_of_story: dict[int, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for doc_id in page:
        entry, story = entries[doc_id], found.get(doc_id)
        if story is not None and story.id in first_of_story:
            first_of_story[story.id]["copies"].append(
                {"document_id": doc_id, "title": entry["title"], "date": entry["date"], "site": entry["site"]}
            )
            continue
        if story is not None:
            first_of_story[story.id] = entry
        out.append(entry)
    return total, out


# A page of a title's citing documents, kept per version of the data like the index: counting
# and ordering the documents of a title cited thousands of times was most of the page's cost.
# The entries are shared by every request that reads them: read-only.
_PAGES: VersionedCache[tuple[int, list[dict[str, Any]]]] = VersionedCache(256)


def cited_page(store: Store, title_id: int, limit: int = PAGE_ENTRIES, offset: int = 0) -> CitedPage | None:
    """The page of the title ``title_id``: the documents citing it, ``limit`` from ``offset``
    (None when it is not a cited title of its own: see ``resolve_id`` for the title a short
    form stands for)."""
    index, version = _versioned_index(store)
    key = index.keys_by_id.get(title_id)
    title = index.by_key.get(key) if key else None
    if title is None:
        return None

    def read() -> tuple[int, list[dict[str, Any]]]:
        with store.engine.connect() as conn:
            return _entries(conn, title, limit, offset)

    total, entries = _PAGES.get((str(store.engine.url), title.key, limit, offset), version, read)
    editions = [t for t in index.titles if t.work == title.work and t.key != title.key]
    editions.sort(key=lambda t: t.key)
    return CitedPage(title, entries, total, editions)


# -- the graph ----------------------------------------------------------------------------------


_GRAPHS: VersionedCache[dict[str, Any]] = VersionedCache(32)


def cited_graph(
    store: Store, limit: int = 20, per_title: int = 40, title_id: int | None = None
) -> dict[str, Any]:
    """Nodes (cited titles and the documents citing them) and edges (document → title, with
    the document's date): the ``limit`` most cited titles, or the title ``title_id`` and the
    other editions of its work; each title with its newest ``per_title`` citing documents.
    Drawn once per version of the data."""
    index = cited_index(store)
    key = (str(store.engine.url), limit, per_title, title_id)
    return _GRAPHS.get(key, _version(store), lambda: _graph(store, index, limit, per_title, title_id))


def _graph(
    store: Store, index: CitedIndex, limit: int, per_title: int, title_id: int | None
) -> dict[str, Any]:
    chosen = index.titles[:limit]
    if title_id is not None:
        own = index.by_key.get(index.keys_by_id.get(title_id, ""))
        chosen = [t for t in index.titles if own and t.work == own.work][:limit]
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    documents: dict[int, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for t in chosen:
            nodes.append(
                {
                    "id": f"c{t.id}",
                    "kind": "cited",
                    "title_id": t.id,
                    "label": t.title,
                    "documents": t.documents,
                    "work": t.work,
                }
            )
            rows = conn.execute(
                select(
                    CitedMentionRow.document_id,
                    func.min(CitedMentionRow.day).label("day"),
                    func.min(DocumentRow.title).label("title"),
                    func.min(DocumentRow.name).label("name"),
                )
                .join(DocumentRow, DocumentRow.id == CitedMentionRow.document_id)
                .where(_counted([t.key, *t.aliases], t.key))
                .group_by(CitedMentionRow.document_id)
                .order_by(func.min(CitedMentionRow.day).desc(), CitedMentionRow.document_id.desc())
                .limit(per_title)
            ).all()
            for r in rows:
                documents.setdefault(
                    r.document_id,
                    {
                        "id": f"d{r.document_id}",
                        "kind": "document",
                        "document_id": r.document_id,
                        "label": r.title or r.name,
                        "date": r.day,
                    },
                )
                edges.append({"source": f"d{r.document_id}", "target": f"c{t.id}", "date": r.day})
    ordered = sorted(documents.values(), key=lambda d: (d["date"] is None, d["date"] or "", d["document_id"]))
    return {"nodes": nodes + ordered, "edges": edges}


# -- replicable outcomes ------------------------------------------------------------------------

KINDS = ("replicable", "innovation", "pioneering", "one_matter", "one_policy", "one_rule")


def _outcome_filter(zone: str, query: str, kind: str, all_copies: bool) -> list[Any]:
    where: list[Any] = []
    if zone.strip():
        where.append(OutcomeRow.zone.contains(to_simplified(zone.strip()), autoescape=True))
    for word in to_simplified(query).split():
        where.append(OutcomeRow.title.contains(word, autoescape=True))
    if kind:
        where.append(OutcomeRow.kind == kind)
    if not all_copies:  # reprints: the outcomes of a story's canonical copy stand for it
        copies = (
            select(StoryMemberRow.document_id)
            .join(StoryRow, StoryRow.id == StoryMemberRow.story_id)
            .where(StoryRow.canonical_id != StoryMemberRow.document_id)
        )
        where.append(OutcomeRow.document_id.not_in(copies))
    return where


def outcomes(
    store: Store,
    zone: str = "",
    query: str = "",
    kind: str = "",
    limit: int = 100,
    offset: int = 0,
    all_copies: bool = False,
) -> tuple[int, list[dict[str, Any]]]:
    """(how many, one page of them newest first): the outcomes in zones whose name holds
    ``zone``, whose titles hold every word of ``query`` (either script), of ``kind``."""
    catch_up(store)
    where = _outcome_filter(zone, query, kind, all_copies)
    length = OutcomeRow.sentence_end - OutcomeRow.sentence_start
    with store.engine.connect() as conn:
        total = conn.scalar(select(func.count(OutcomeRow.id)).where(*where)) or 0
        rows = conn.execute(
            select(
                *OutcomeRow.__table__.c,
                DocumentRow.title.label("document_title"),
                DocumentRow.name,
                func.substr(DocumentRow.text, OutcomeRow.sentence_start + 1, length).label("sentence"),
            )
            .join(DocumentRow, DocumentRow.id == OutcomeRow.document_id)
            .where(*where)
            .order_by(OutcomeRow.day.is_(None), OutcomeRow.day.desc(), OutcomeRow.id)
            .limit(limit)
            .offset(offset)
        ).all()
    out = []
    for o in rows:
        out.append(
            {
                "id": o.id,
                "kind": o.kind,
                "title": o.title,
                "title_original": o.title_original,
                "zone": o.zone,
                "count": o.count,
                "date": o.day,
                "document_id": o.document_id,
                "document_title": o.document_title or o.name,
                "span": [o.start, o.end],
                "sentence": o.sentence,
                "sentence_span": [o.sentence_start, o.sentence_end],
                "mark": [o.start - o.sentence_start, o.end - o.sentence_start],
            }
        )
    return total, out


def outcome_zones(store: Store) -> list[tuple[str, int]]:
    """The zones that have outcomes, with how many, most first."""
    catch_up(store)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(OutcomeRow.zone, func.count(OutcomeRow.id))
            .where(OutcomeRow.zone.is_not(None), *_outcome_filter("", "", "", False))
            .group_by(OutcomeRow.zone)
            .order_by(func.count(OutcomeRow.id).desc(), OutcomeRow.zone)
        ).all()
    return [(zone, n) for zone, n in rows if zone]
