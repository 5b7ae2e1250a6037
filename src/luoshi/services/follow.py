"""Follow-through: for each directive of a document (and each task accepted from one), the later
documents that reiterate it, report progress on it, report it completed or revise it.

Candidates come from luoshi's own index (``Store.newest_matches``): the directive's rarest
phrases, its addressee with its heaviest pair, the counted batch it names ("96项"), and the
documents citing what it (or its document) cites. Only documents dated after the directive's
document count, never a reprint of it. ``luoshi.link.follow`` aligns and labels; the mentions of
a document's directives are stored (``luoshi.store.follow``) and served until a document is
added or the phrase statistics are counted again.

For a task, the mentions are offered as suggested progress reports; ``accept`` records one
through the ledger (audited, with the later document and span as its source). Nothing is
recorded by itself."""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine

from luoshi.errors import NotFoundError
from luoshi.ledger.service import Ledger, LedgerError
from luoshi.link.follow import (
    BOILERPLATE_MIN_DOCUMENTS,
    BOILERPLATE_SHARE,
    LABELS,
    Candidate,
    Mention,
    PhraseStats,
    Target,
    batch_queries,
    follow,
    heaviest_pair,
    phrase_counts,
    query_phrases,
    scope_names,
    weigh,
)
from luoshi.messages import message
from luoshi.store import Store, stories
from luoshi.store import follow as stored
from luoshi.store.fts import query_words
from luoshi.text import to_simplified

WINDOW = 200  # newest matches read for each search
PER_DIRECTIVE = 30  # later documents compared for each directive, those found by most searches
REFRESH_GROWTH = 1.1  # phrase statistics of a large store are counted again when it grew by 10%


class FollowError(NotFoundError):
    """What was asked for does not exist or cannot be done (the message says which)."""


# -- phrase statistics -------------------------------------------------------------------------

_STATS: weakref.WeakKeyDictionary[Engine, tuple[int, PhraseStats]] = weakref.WeakKeyDictionary()


def _stale(state: stored.StatsState | None, newest: int) -> bool:
    if state is None:
        return True
    if state.newest_id == newest:
        return False
    # A small store is counted whole each time it changes; a large one from a sample, again
    # once it grew by a tenth (or lost documents).
    return (
        state.documents <= stored.SAMPLE
        or newest >= state.newest_id * REFRESH_GROWTH
        or newest < state.newest_id
    )


def count_phrases(store: Store) -> stored.StatsState:
    """Count the phrase statistics again (all documents of a small store, a sample of a large
    one) and store them."""
    with store.engine.connect() as conn:
        newest = stored.newest_document(conn)
        total, texts = stored.sample_texts(conn)
        sample, counts = phrase_counts(texts)
    with store.transaction() as conn:
        return stored.save_stats(
            conn, sample, total, newest, counts, BOILERPLATE_SHARE, BOILERPLATE_MIN_DOCUMENTS
        )


def phrase_stats(store: Store) -> tuple[int, PhraseStats]:
    """(version, statistics): counted again first when the store changed enough."""
    with store.engine.connect() as conn:
        state = stored.stats_state(conn)
        newest = stored.newest_document(conn)
    if _stale(state, newest):
        state = count_phrases(store)
    assert state is not None
    known = _STATS.get(store.engine)
    if known is None or known[0] != state.version:
        with store.engine.connect() as conn:
            known = (state.version, stored.load_stats(conn, state))
        _STATS[store.engine] = known
    return known


# -- results -------------------------------------------------------------------------------------


@dataclass
class LaterMention:
    """A mention, with what a reader needs: the later document and the sentence as written."""

    directive_id: int
    document_id: int
    name: str
    title: str | None
    day: str | None
    label: str
    span: tuple[int, int]
    text: str  # the sentence(s), in the document's own script
    cue: str | None
    score: float
    source_url: str | None = None
    source_site: str | None = None
    accepted: bool = False  # for a task: recorded as a progress report already

    @property
    def percent(self) -> int | None:
        """The percent a progress report of this mention would carry: 100 when done."""
        return 100 if self.label == "完成" else None

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "name": self.name,
            "title": self.title,
            "date": self.day,
            "label": self.label,
            "span": list(self.span),
            "text": self.text,
            "cue": self.cue,
            "score": round(self.score, 3),
            "source_url": self.source_url,
            "source_site": self.source_site,
        }


@dataclass
class DirectiveFollow:
    directive: stored.DirectiveInfo
    mentions: list[LaterMention] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**self.directive.to_json(), "mentions": [m.to_json() for m in self.mentions]}


@dataclass
class DocumentFollow:
    document: stored.SourceDocument
    directives: list[DirectiveFollow]

    def to_json(self) -> dict[str, Any]:
        d = self.document
        return {
            "document": {"id": d.id, "name": d.name, "title": d.title, "date": d.day},
            "directives": [x.to_json() for x in self.directives],
        }


# -- following a document's directives -------------------------------------------------------------


def _targets(source: stored.SourceDocument, directives: list[stored.DirectiveInfo]) -> list[Target]:
    scope = scope_names(to_simplified(source.title or ""))
    places = scope_names(to_simplified(source.text))
    return [
        Target(
            d.id,
            to_simplified(d.text),
            source.day,
            source.id,
            scope,
            places,
            to_simplified(d.addressee) if d.addressee else None,
        )
        for d in directives
    ]


def _candidates(
    store: Store,
    conn: Connection,
    source: stored.SourceDocument,
    directives: list[stored.DirectiveInfo],
    targets: list[Target],
    stats: PhraseStats,
    after: int = 0,
) -> list[int]:
    """Later documents worth aligning (stored after document ``after``): for each directive,
    those its searches find most often."""
    found: dict[int, Counter[int]] = {}
    for d, t in zip(directives, targets, strict=True):
        searches = [[p] for p in query_phrases(t.text, stats)]
        weights = weigh(t.text, stats, t.addressee, t.scope)
        pair = heaviest_pair(weights)
        if t.addressee and pair:
            searches.append([t.addressee, pair])
        searches.extend(batch_queries(t.text))
        hits: Counter[int] = Counter()
        for words in searches:
            hits.update(
                i for i in store.newest_matches(conn, query_words(" ".join(words)), WINDOW) if i > after
            )
        titles = stored.citations_within(conn, source.id, d.start, d.end) or stored.citations_within(
            conn, source.id
        )
        hits.update(i for i in stored.citing(conn, titles, WINDOW) if i > after)
        found[d.id] = hits
    every = {i for hits in found.values() for i in hits}
    dated = stored.days(conn, every)
    story = stories.stories_of(conn, [source.id]).get(source.id) if stories.installed(conn) else None
    copies = {c["id"] for c in story.documents} if story else set()
    chosen: set[int] = set()
    for hits in found.values():
        later = [
            i
            for i in hits
            if i != source.id and i not in copies and source.day and (dated.get(i) or "") > source.day
        ]
        later.sort(key=lambda i: (-hits[i], -i))
        chosen.update(later[:PER_DIRECTIVE])
    return sorted(chosen)


def _compute(
    store: Store,
    source: stored.SourceDocument,
    directives: list[stored.DirectiveInfo],
    stats: PhraseStats,
    after: int = 0,
) -> list[Mention]:
    targets = _targets(source, directives)
    with store.engine.connect() as conn:
        ids = _candidates(store, conn, source, directives, targets, stats, after)
        later = stored.later_documents(conn, ids)
    candidates = [
        Candidate(i, doc.day, to_simplified(doc.title) if doc.title else None, to_simplified(doc.text))
        for i, doc in later.items()
    ]
    return follow(targets, candidates, stats)


def _mentions(
    store: Store, source: stored.SourceDocument, directives: list[stored.DirectiveInfo], use_cache: bool
) -> dict[int, list[Mention]]:
    """The mentions of a document's directives: the stored ones while the store has no new
    document; when it has, the stored ones and those among the new documents; computed
    afresh when the phrase statistics were counted again (or ``use_cache`` is false)."""
    version, stats = phrase_stats(store)
    ids = [d.id for d in directives]
    with store.engine.connect() as conn:
        newest = stored.newest_document(conn)
        done = stored.runs(conn, ids, version) if use_cache else {}
        known = stored.mentions_of(conn, ids) if len(done) == len(ids) else None
    points = set(done.values())
    if known is not None and points == {newest}:
        return known
    after = points.pop() if known is not None and len(points) == 1 and max(points) < newest else None
    mentions = _compute(store, source, directives, stats, after or 0)
    with store.transaction() as conn:
        stored.save_mentions(conn, source.id, ids, mentions, newest, version, after)
    out: dict[int, list[Mention]] = {i: [] for i in ids}
    if after is not None and known is not None:
        for i in ids:
            out[i].extend(m for m in known[i] if m.document <= after)
    for m in mentions:
        out[m.target].append(m)
    for found in out.values():
        found.sort(key=lambda m: (m.day or "", m.document))
    return out


def _shown(store: Store, mentions: list[Mention]) -> list[LaterMention]:
    with store.engine.connect() as conn:
        docs = stored.later_documents(conn, [m.document for m in mentions])
    out = []
    for m in mentions:
        doc = docs.get(m.document)
        if doc is None:
            continue
        out.append(
            LaterMention(
                m.target,
                m.document,
                doc.name,
                doc.title,
                m.day,
                m.label,
                m.span,
                doc.text[m.span[0] : m.span[1]],
                m.cue,
                m.score,
                doc.source_url,
                doc.source_site,
            )
        )
    out.sort(key=lambda x: (x.day or "", x.document_id))
    return out


def follow_document(store: Store, doc_id: int, use_cache: bool = True) -> DocumentFollow:
    """Each directive of a stored document with its later mentions, oldest first."""
    with store.engine.connect() as conn:
        source = stored.source_document(conn, doc_id)
        if source is None:
            raise FollowError(message("follow.no_document", id=doc_id))
        directives = stored.directives_of(conn, doc_id)
    found = _mentions(store, source, directives, use_cache) if directives else {}
    shown = _shown(store, [m for d in directives for m in found.get(d.id, [])])
    return DocumentFollow(
        source, [DirectiveFollow(d, [m for m in shown if m.directive_id == d.id]) for d in directives]
    )


def follow_directive(store: Store, doc_id: int, index: int) -> tuple[stored.SourceDocument, DirectiveFollow]:
    """The ``index``-th directive of a document (1-based) with its later mentions."""
    result = follow_document(store, doc_id)
    if not 1 <= index <= len(result.directives):
        raise FollowError(message("follow.no_directive", id=doc_id, index=index))
    return result.document, result.directives[index - 1]


# -- tasks ------------------------------------------------------------------------------------------


@dataclass
class TaskFollow:
    task: dict[str, Any]  # id, code, title, state
    document: stored.SourceDocument | None
    directive: DirectiveFollow | None  # None: the task was not proposed from a directive

    @property
    def suggestions(self) -> list[LaterMention]:
        return self.directive.mentions if self.directive else []

    def to_json(self) -> dict[str, Any]:
        d = self.document
        return {
            "task": self.task,
            "document": {"id": d.id, "name": d.name, "title": d.title, "date": d.day} if d else None,
            "directive": self.directive.directive.to_json() if self.directive else None,
            "suggestions": [
                {**m.to_json(), "accepted": m.accepted, "percent": m.percent} for m in self.suggestions
            ],
        }


def _source_of(progress: dict[str, Any]) -> tuple[int, int, int] | None:
    src = progress.get("source") or {}
    span = src.get("span")
    if src.get("kind") != "document" or not span or len(span) != 2:
        return None
    return int(src["document_id"]), int(span[0]), int(span[1])


def follow_task(store: Store, ledger: Ledger, task_id: int) -> TaskFollow:
    """A task's directive (when it was proposed from one) with its later mentions, each marked
    when the office has accepted it as a progress report already."""
    try:
        task, progress = ledger.task_record(task_id)
    except LedgerError as e:
        raise FollowError(str(e)) from e
    summary = {k: task[k] for k in ("id", "code", "title", "state")}
    src = task.get("source") or {}
    if src.get("kind") != "document" or not src.get("span"):
        return TaskFollow(summary, None, None)
    doc_id = int(src["document_id"])
    start, end = (int(x) for x in src["span"])
    result = follow_document(store, doc_id) if _exists(store, doc_id) else None
    if result is None:
        return TaskFollow(summary, None, None)
    directive = next(
        (d for d in result.directives if (d.directive.start, d.directive.end) == (start, end)), None
    )
    taken = {s for s in map(_source_of, progress) if s}
    if directive:
        for m in directive.mentions:
            m.accepted = (m.document_id, *m.span) in taken
    return TaskFollow(summary, result.document, directive)


def _exists(store: Store, doc_id: int) -> bool:
    with store.engine.connect() as conn:
        return stored.source_document(conn, doc_id) is not None


def accept(store: Store, ledger: Ledger, task_id: int, document_id: int, start: int, end: int) -> int:
    """Record a suggested mention as a progress report of the task, through the ledger (who
    accepted it and when is in the audit log): dated on the later document's day, its sentence
    as the text (with the label), 100% when it reports the work done, and the document and span
    as its source. Only a mention the linker found for this task's directive is accepted, once."""
    found = follow_task(store, ledger, task_id)
    mention = next(
        (m for m in found.suggestions if (m.document_id, *m.span) == (document_id, start, end)), None
    )
    if mention is None or found.directive is None:
        raise FollowError(message("follow.no_suggestion", task=task_id))
    if mention.accepted:
        raise FollowError(message("follow.already_accepted", task=task_id))
    day = date.fromisoformat(mention.day) if mention.day else date.today()
    text = message(
        "follow.progress_text", label=mention.label, title=mention.title or mention.name, text=mention.text
    )
    source = {
        "kind": "document",
        "document_id": mention.document_id,
        "document": mention.name,
        "span": list(mention.span),
        "label": mention.label,
        "directive_id": found.directive.directive.id,
    }
    return ledger.report_progress(
        task_id, day, text, mention.percent, None, mention.source_url or mention.name, source=source
    )


__all__ = [
    "LABELS",
    "DirectiveFollow",
    "DocumentFollow",
    "FollowError",
    "LaterMention",
    "TaskFollow",
    "accept",
    "follow_directive",
    "follow_document",
    "follow_task",
    "phrase_stats",
]
