"""The two types that flow through every part: ``Document`` (ingest → everything) and ``Facts``
(extract → store → ledger). Parts exchange these, never each other's internals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from luoshi.text import OffsetMap


@dataclass(frozen=True)
class Span:
    """A half-open range ``[start, end)`` in a document's *clean* text.

    ``Document.original_span`` maps it back to the original (decoded) source text."""

    start: int
    end: int

    def to_list(self) -> list[int]:
        return [self.start, self.end]


# Where a Document keeps the warnings about its input (stored with the rest of its metadata).
WARNINGS_KEY = "ingest_warnings"


@dataclass
class Document:
    """One ingested text.

    ``original`` is the decoded source exactly as read (markup, glosses and all); ``text`` is the
    clean text in the source's own script; ``simplified`` is ``text`` folded to simplified script,
    character-aligned with ``text`` (same length, same offsets); ``offsets`` maps clean offsets
    to offsets in ``original``."""

    id: str
    original: str
    text: str
    simplified: str
    offsets: OffsetMap
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD when the text or its metadata states it
    source_url: str | None = None
    source_site: str | None = None
    source_path: str | None = None
    source_format: str = "txt"
    encoding: str = "utf-8"
    script: str = "simplified"  # simplified | traditional | mixed
    content_hash: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        """What ingest had to say about the input (a truncated last character, removed control
        characters, ignored front matter…), in the message catalogue's words."""
        warnings = self.metadata.get(WARNINGS_KEY)
        return [str(w) for w in warnings] if isinstance(warnings, list) else []

    def original_span(self, span: Span) -> Span:
        """The range of ``original`` that the clean-text ``span`` came from."""
        return Span(*self.offsets.map_range(span.start, span.end))

    def snippet(self, span: Span, context: int = 20) -> str:
        start = max(0, span.start - context)
        end = min(len(self.text), span.end + context)
        return self.text[start:end].replace("\n", " ")


@dataclass
class Person:
    name: str  # simplified script
    span: Span
    name_original: str = ""


@dataclass
class Role:
    name: str
    post: str  # simplified script, atomic post ("省委副书记")
    span: Span  # the post's span


@dataclass
class Appointment:
    """A change of post written in the text: a person appointed, elected or nominated to a post
    ("任命…为", "调任", "当选为", "提名…为…候选人") or leaving one ("免去…职务", "不再担任", "辞去").
    ``change`` is ``start``, ``end`` or ``nominated``; ``word`` the transfer word as written
    (simplified); ``span`` the post's span, ``name_span`` the name's."""

    name: str
    post: str
    change: str
    word: str
    span: Span
    name_span: Span

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "post": self.post,
            "change": self.change,
            "word": self.word,
            "span": self.span.to_list(),
            "name_span": self.name_span.to_list(),
        }


@dataclass
class CitedDocument:
    title: str  # simplified, without brackets
    span: Span
    title_original: str = ""


@dataclass
class TaskBatch:
    count: int
    what: str
    span: Span


@dataclass
class Directive:
    text: str
    span: Span
    speaker: str | None = None  # a person's name, or "会议" for 会议强调
    addressee: str | None = None
    deadline: str | None = None  # as written ("年底前")
    ordinal: int | None = None  # position in 一要…二要… sequences

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": [self.span.start, self.span.end],
            "speaker": self.speaker,
            "addressee": self.addressee,
            "deadline": self.deadline,
            "ordinal": self.ordinal,
        }


@dataclass
class Meeting:
    kind: str | None
    name: str | None
    span: Span
    chair: str | None = None
    place: str | None = None
    date: str | None = None
    speakers: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "span": [self.span.start, self.span.end],
            "chair": self.chair,
            "place": self.place,
            "date": self.date,
            "speakers": list(self.speakers),
        }


@dataclass
class Place:
    name: str
    kind: str  # zone | admin | organisation
    span: Span

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "span": [self.span.start, self.span.end]}


@dataclass
class Addressee:
    """A body that a directive is addressed to ("省直各部门"), as written, simplified."""

    name: str
    span: Span


@dataclass
class DeadlinePhrase:
    """A time limit set for work ("6月底前", "尽快"): the phrase as written, simplified, and the
    last day it allows (``None`` where it names no day)."""

    text: str
    date: str | None  # YYYY-MM-DD
    span: Span
    kind: str = "date"  # date | undated | ongoing | recurring


@dataclass
class Outcome:
    """A replicable outcome the text reports: a 可复制可推广 experience, a 制度创新成果, a
    首创性改革 or an 一事三地 / 一策三地 / 一规三地 item. ``title`` is the item's name as
    written (simplified) or, for an item without a name, its clause; ``span`` is the title's,
    ``sentence`` the sentence's span."""

    kind: str  # replicable | innovation | pioneering | one_matter | one_policy | one_rule
    title: str
    span: Span
    sentence: Span
    zone: str | None = None  # from the gazetteer of zones: in the sentence, else the nearest before
    count: int | None = None  # "等12项…": the number of items the sentence counts
    date: str | None = None  # the document's event date, else its publication date
    title_original: str = ""  # the title in the document's own script

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "title_original": self.title_original,
            "zone": self.zone,
            "count": self.count,
            "date": self.date,
            "span": self.span.to_list(),
            "sentence": self.sentence.to_list(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        """The outcome that ``to_json`` wrote (as stored in a document's facts)."""
        return cls(
            data["kind"],
            data["title"],
            Span(*data["span"]),
            Span(*data["sentence"]),
            data.get("zone"),
            data.get("count"),
            data.get("date"),
            data.get("title_original") or "",
        )


@dataclass
class Facts:
    """Everything extracted from one Document; every fact carries its clean-text span."""

    document_id: str
    event_date: str | None = None
    event_date_span: Span | None = None
    published: str | None = None
    persons: list[Person] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    documents: list[CitedDocument] = field(default_factory=list)
    task_batches: list[TaskBatch] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    chair: list[Person] = field(default_factory=list)  # each span is the name beside 主持
    addressees: list[Addressee] = field(default_factory=list)
    deadlines: list[DeadlinePhrase] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The one stored form of the facts: what the store keeps in a document's ``facts``
        column, what ``luoshi extract --jsonl`` prints and what ``shared/eval/score.py`` scores.

        The scored keys (``persons``, ``roles``, ``documents``, ``task_batches``, ``event_date``,
        ``chair``, ``addressees``, ``deadlines``) hold the bare values; ``spans`` the same lists
        with their clean-text spans; ``meetings``, ``directives``, ``places``, ``appointments`` and
        ``outcomes`` their own ``to_json``. ``event_date_span``, ``originals`` (the names and
        titles in the document's own script where they differ from the simplified ones, by their
        index in ``spans``) and ``deadline_kinds``
        (parallel to ``deadlines``) complete it so that ``Facts.from_json`` gives back an equal ``Facts``."""
        return {
            "id": self.document_id,
            "event_date": self.event_date,
            "published": self.published,
            "persons": [p.name for p in self.persons],
            "roles": [[r.name, r.post] for r in self.roles],
            "documents": [d.title for d in self.documents],
            "task_batches": [{"count": b.count, "what": b.what} for b in self.task_batches],
            "chair": [p.name for p in self.chair],
            "addressees": [a.name for a in self.addressees],
            "deadlines": [{"text": d.text, "date": d.date} for d in self.deadlines],
            "spans": {
                "persons": [[p.name, p.span.start, p.span.end] for p in self.persons],
                "roles": [[r.name, r.post, r.span.start, r.span.end] for r in self.roles],
                "documents": [[d.title, d.span.start, d.span.end] for d in self.documents],
                "task_batches": [[b.count, b.what, b.span.start, b.span.end] for b in self.task_batches],
                "chair": [[p.name, p.span.start, p.span.end] for p in self.chair],
                "addressees": [[a.name, a.span.start, a.span.end] for a in self.addressees],
                "deadlines": [[d.text, d.span.start, d.span.end] for d in self.deadlines],
            },
            "event_date_span": self.event_date_span.to_list() if self.event_date_span else None,
            "originals": {
                "persons": {
                    str(i): p.name_original for i, p in enumerate(self.persons) if p.name_original != p.name
                },
                "chair": {
                    str(i): p.name_original for i, p in enumerate(self.chair) if p.name_original != p.name
                },
                "documents": {
                    str(i): d.title_original
                    for i, d in enumerate(self.documents)
                    if d.title_original != d.title
                },
            },
            "deadline_kinds": [d.kind for d in self.deadlines],
            "meetings": [m.to_json() for m in self.meetings],
            "directives": [d.to_json() for d in self.directives],
            "places": [p.to_json() for p in self.places],
            "appointments": [a.to_json() for a in self.appointments],
            "outcomes": [o.to_json() for o in self.outcomes],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Facts:
        """The facts that ``to_json`` wrote (a document's stored facts, a line of ``luoshi extract
        --jsonl``). Rows stored before a key existed still read: a missing list is empty, a missing
        original is the simplified name or title, a missing deadline kind ``date``, and a list
        without its ``spans`` entry is read from the bare values with empty spans at 0."""
        spans = data.get("spans") or {}
        originals = data.get("originals") or {}

        def spanned(key: str, bare: list[Any], width: int) -> list[list[Any]]:
            """``spans[key]``, else the bare values as rows of ``width`` values then ``0, 0``."""
            if key in spans:
                return [list(row) for row in spans[key]]
            return [[*(v if width > 1 else [v]), 0, 0] for v in bare]

        def original(key: str, i: int, name: str) -> str:
            return str((originals.get(key) or {}).get(str(i), name))

        def people(key: str) -> list[Person]:
            rows = spanned(key, data.get(key) or [], 1)
            return [Person(n, Span(a, b), original(key, i, n)) for i, (n, a, b) in enumerate(rows)]

        deadline_values = data.get("deadlines") or []
        kinds = data.get("deadline_kinds") or []
        deadline_rows = spanned("deadlines", [d.get("text") for d in deadline_values], 1)
        event_span = data.get("event_date_span")
        return cls(
            document_id=data["id"],
            event_date=data.get("event_date"),
            event_date_span=Span(*event_span) if event_span else None,
            published=data.get("published"),
            persons=people("persons"),
            roles=[Role(n, p, Span(a, b)) for n, p, a, b in spanned("roles", data.get("roles") or [], 2)],
            documents=[
                CitedDocument(t, Span(a, b), original("documents", i, t))
                for i, (t, a, b) in enumerate(spanned("documents", data.get("documents") or [], 1))
            ],
            task_batches=[
                TaskBatch(c, w, Span(a, b))
                for c, w, a, b in spanned(
                    "task_batches", [[b["count"], b["what"]] for b in data.get("task_batches") or []], 2
                )
            ],
            directives=[
                Directive(
                    d["text"],
                    Span(*d["span"]),
                    d.get("speaker"),
                    d.get("addressee"),
                    d.get("deadline"),
                    d.get("ordinal"),
                )
                for d in data.get("directives") or []
            ],
            meetings=[
                Meeting(
                    m.get("kind"),
                    m.get("name"),
                    Span(*m["span"]),
                    m.get("chair"),
                    m.get("place"),
                    m.get("date"),
                    list(m.get("speakers") or []),
                )
                for m in data.get("meetings") or []
            ],
            places=[Place(p["name"], p["kind"], Span(*p["span"])) for p in data.get("places") or []],
            chair=people("chair"),
            addressees=[
                Addressee(n, Span(a, b)) for n, a, b in spanned("addressees", data.get("addressees") or [], 1)
            ],
            deadlines=[
                DeadlinePhrase(t, v.get("date"), Span(a, b), kinds[i] if i < len(kinds) else "date")
                for i, ((t, a, b), v) in enumerate(zip(deadline_rows, deadline_values, strict=True))
            ],
            appointments=[
                Appointment(
                    a["name"], a["post"], a["change"], a["word"], Span(*a["span"]), Span(*a["name_span"])
                )
                for a in data.get("appointments") or []
            ],
            outcomes=[Outcome.from_json(o) for o in data.get("outcomes") or []],
        )
