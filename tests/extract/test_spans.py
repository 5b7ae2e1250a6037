"""Every span of every fact kind points at the fact as written, over whole documents: our demo
corpus, our set in the held-out genre and, when present, ``../shared/eval/dev`` and ``dev2``.

Each kind defines its surface form (``KINDS``); a span must hold it in the clean text and map to
the same characters in the original file's text (``Document.original_span``). The check proves
itself: with every span shifted by one character it must fail for every kind, and every kind must
have spans in the data — so it cannot pass by checking nothing. (``Facts.published`` carries no
span: it is read from metadata or a header stamp, and stored as a date only.)"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sharedfiles import SHARED

from luoshi.extract import extract
from luoshi.ingest import read_paths
from luoshi.model import Document, Facts, Span
from luoshi.text import parse_number, to_simplified
from luoshi.text.sentences import SENTENCE_END

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src" / "luoshi" / "demo" / "corpus"
HELDOUT_LIKE = Path(__file__).parent / "heldout_like" / "docs"
SHARED_SETS = ("dev", "dev2")

_OPEN = "《〈「『“"
_CLOSE = "》〉」』”"
_NUMERAL = r"(\d{1,5}|[一二三四五六七八九十百千两零〇]{1,8})"
_BATCH = re.compile(_NUMERAL + r"([项个])(.+)", re.S)
# The forms of an event date: "2025年5月6日", "5月6日", "6日", "（6日）", "昨（7）日", "今天", "昨日".
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(?:[昨今]?[（(])?(\d{1,2})(?:[）)]日|日[）)]?)")
_TODAY = ("今天", "今日", "昨天", "昨日")


def _without_brackets(text: str) -> str:
    return re.sub(r"[（(][^（）()]*[）)]", "", text)


# -- what each kind's span must hold ----------------------------------------------------------
# A check gets the document and one fact and returns its span and what is wrong (None when the
# span holds the fact as the kind defines it).

Check = Callable[[Document, Any], tuple[Span, str | None]]


def _equals(doc: Document, span: Span, expected: str) -> str | None:
    written = doc.simplified[span.start : span.end]
    return None if written == expected else f"{written!r} != {expected!r}"


def _person(doc: Document, p: Any) -> tuple[Span, str | None]:
    problem = _equals(doc, p.span, p.name)
    if problem is None and p.name_original and doc.text[p.span.start : p.span.end] != p.name_original:
        problem = f"original form {p.name_original!r} is not at the span"
    return p.span, problem


def _role(doc: Document, r: Any) -> tuple[Span, str | None]:
    """The post as written, brackets inside it ("副市长（兼）") left out."""
    written = _without_brackets(to_simplified(doc.text[r.span.start : r.span.end]))
    return r.span, None if written == r.post else f"{written!r} != {r.post!r}"


def _cited(doc: Document, d: Any) -> tuple[Span, str | None]:
    """The title with its brackets: 《title》, spaces inside the title left out of ``title``."""
    written = doc.simplified[d.span.start : d.span.end]
    if len(written) < 3 or written[0] not in _OPEN or written[-1] not in _CLOSE:
        return d.span, f"{written!r} is not a bracketed title"
    inner = re.sub(r"\s+", "", written[1:-1])
    if inner != d.title:
        return d.span, f"{inner!r} != {d.title!r}"
    if d.title_original and doc.text[d.span.start + 1 : d.span.end - 1] != d.title_original:
        return d.span, f"original title {d.title_original!r} is not at the span"
    return d.span, None


def _batch(doc: Document, b: Any) -> tuple[Span, str | None]:
    """The count as written, its counter (项/个) and the items: "96项年度工作任务"."""
    written = doc.simplified[b.span.start : b.span.end]
    m = _BATCH.fullmatch(written)
    if not m:
        return b.span, f"{written!r} is not a counted batch"
    if parse_number(m[1]) != b.count or m[3] != b.what:
        return b.span, f"{written!r} != {b.count}{m[2]}{b.what}"
    return b.span, None


def _event_date(doc: Document, facts: Facts) -> tuple[Span, str | None]:
    """A date as written whose numbers are the event date's (a "今天"/"昨日" names none)."""
    span = facts.event_date_span
    assert span is not None
    written = doc.simplified[span.start : span.end]
    if written in _TODAY:
        return span, None
    m = _DATE.fullmatch(written)
    if not m:
        return span, f"{written!r} is not a date"
    if facts.event_date is not None:
        year, month, day = (int(x) for x in facts.event_date.split("-"))
        for found, expected in zip(m.groups(), (year, month, day), strict=True):
            if found is not None and int(found) != expected:
                return span, f"{written!r} does not say {facts.event_date}"
    return span, None


def _directive(doc: Document, d: Any) -> tuple[Span, str | None]:
    return d.span, _equals(doc, d.span, d.text)


def _meeting(doc: Document, m: Any) -> tuple[Span, str | None]:
    """The meeting's name as written; ``name`` leaves a leading date or verb out."""
    written = doc.simplified[m.span.start : m.span.end]
    ok = bool(m.name) and written.endswith(m.name)
    return m.span, None if ok else f"{written!r} does not end with {m.name!r}"


def _place(doc: Document, p: Any) -> tuple[Span, str | None]:
    return p.span, _equals(doc, p.span, p.name)


def _addressee(doc: Document, a: Any) -> tuple[Span, str | None]:
    return a.span, _equals(doc, a.span, a.name)


def _deadline(doc: Document, d: Any) -> tuple[Span, str | None]:
    return d.span, _equals(doc, d.span, d.text)


def _appointment_post(doc: Document, a: Any) -> tuple[Span, str | None]:
    return a.span, _equals(doc, a.span, a.post)


def _appointment_name(doc: Document, a: Any) -> tuple[Span, str | None]:
    return a.name_span, _equals(doc, a.name_span, a.name)


def _outcome(doc: Document, o: Any) -> tuple[Span, str | None]:
    problem = _equals(doc, o.span, o.title)
    if problem is None and o.title_original != doc.text[o.span.start : o.span.end]:
        problem = f"original title {o.title_original!r} is not at the span"
    return o.span, problem


def _outcome_sentence(doc: Document, o: Any) -> tuple[Span, str | None]:
    """The sentence holding the title: from a sentence boundary to the next, its stop included."""
    s, (a, b) = doc.simplified, (o.sentence.start, o.sentence.end)
    if not a <= o.span.start < o.span.end <= b:
        return o.sentence, "the sentence does not hold the title"
    starts = a == 0 or s[a - 1] in SENTENCE_END or s[a - 1].isspace()
    ends = b == len(s) or s[b - 1] in SENTENCE_END or s[b] == "\n"
    return o.sentence, None if starts and ends else f"{s[a:b]!r} is not a whole sentence"


# kind → (the facts of that kind, the check of one)
KINDS: dict[str, tuple[Callable[[Facts], list[Any]], Check]] = {
    "persons": (lambda f: f.persons, _person),
    "roles": (lambda f: f.roles, _role),
    "documents": (lambda f: f.documents, _cited),
    "task_batches": (lambda f: f.task_batches, _batch),
    "event_date": (lambda f: [f] if f.event_date_span else [], lambda d, f: _event_date(d, f)),
    "directives": (lambda f: f.directives, _directive),
    "meetings": (lambda f: [m for m in f.meetings if m.name], _meeting),
    "places": (lambda f: f.places, _place),
    "chair": (lambda f: f.chair, _person),
    "addressees": (lambda f: f.addressees, _addressee),
    "deadlines": (lambda f: f.deadlines, _deadline),
    "appointments": (lambda f: f.appointments, _appointment_post),
    "appointment_names": (lambda f: f.appointments, _appointment_name),
    "outcomes": (lambda f: f.outcomes, _outcome),
    "outcome_sentences": (lambda f: f.outcomes, _outcome_sentence),
}


def _original_problem(doc: Document, span: Span) -> str | None:
    """The clean characters of ``span`` are those of its range in the original, which holds only
    what cleaning deleted besides them (markup, glosses, white space) and starts and ends with
    them."""
    clean = doc.text[span.start : span.end]
    o = doc.original_span(span)
    original = doc.original[o.start : o.end]
    if not clean:
        return "an empty span"
    if doc.source_format in ("html", "htm"):
        original = html.unescape(re.sub(r"<[^>]*>", "", original))
    rest = iter(original)
    if not all(ch in rest for ch in clean) or original[:1] != clean[0] or original[-1:] != clean[-1]:
        return f"original {original!r} is not {clean!r}"
    return None


def problems(doc: Document, facts: Facts) -> Iterator[tuple[str, str | None, str | None]]:
    """(kind, what is wrong in the clean text, what is wrong in the original) for every span."""
    for kind, (items, check) in KINDS.items():
        for fact in items(facts):
            span, problem = check(doc, fact)
            yield kind, problem, _original_problem(doc, span)


# -- the documents ------------------------------------------------------------------------------


def _sets() -> list[tuple[str, Path]]:
    sets = [("demo", DEMO), ("heldout_like", HELDOUT_LIKE)]
    for name in SHARED_SETS:
        path = SHARED / "eval" / name / "docs"
        if path.exists():
            sets.append((name, path))
    return sets


@cache
def _extracted() -> tuple[tuple[Document, Facts], ...]:
    out = []
    for _, path in _sets():
        for doc in read_paths([path]):
            if isinstance(doc, Document):
                out.append((doc, extract(doc)))
    return tuple(out)


def _shifted(value: Any, by: int) -> Any:
    """``value`` with every span in it moved ``by`` characters (a copy)."""
    if isinstance(value, Span):
        return Span(value.start + by, value.end + by)
    if isinstance(value, list):
        return [_shifted(v, by) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{f.name: _shifted(getattr(value, f.name), by) for f in dataclasses.fields(value)}
        )
    return value


Tally = dict[str, tuple[int, list[str], list[str]]]


def _tally(shift: int = 0, original_shift: bool = False) -> Tally:
    """Per kind: how many spans were checked and what was wrong with them in the clean text and
    in the original. ``shift`` moves every span; ``original_shift`` puts one more character at
    the start of each original text (its offsets left as they were)."""
    out: Tally = {kind: (0, [], []) for kind in KINDS}
    for doc, facts in _extracted():
        if original_shift:
            doc = dataclasses.replace(doc, original="#" + doc.original)
        for kind, clean, original in problems(doc, _shifted(facts, shift) if shift else facts):
            count, wrong, wrong_original = out[kind]
            if clean is not None:
                wrong.append(f"{doc.id}: {clean}")
            if original is not None:
                wrong_original.append(f"{doc.id}: {original}")
            out[kind] = (count + 1, wrong, wrong_original)
    return out


# -- the tests ----------------------------------------------------------------------------------


def test_the_sets_are_all_there():
    """CI has ../shared: there the shared sets must be part of the check."""
    names = [name for name, _ in _sets()]
    if len(names) < 4:
        from sharedfiles import shared_dir

        for name in SHARED_SETS:
            shared_dir("eval", name, "docs")  # fails in CI, skips elsewhere
    assert len(_extracted()) >= 40


def test_every_span_of_every_kind_holds_its_fact():
    for kind, (count, wrong, wrong_original) in _tally().items():
        assert count >= 1, f"no {kind} spans in the documents: the check of {kind} checks nothing"
        assert not wrong, (kind, wrong[:5], f"{len(wrong)} of {count}")
        assert not wrong_original, (kind, wrong_original[:5], f"{len(wrong_original)} of {count}")


@pytest.mark.parametrize("shift", [1, -1])
def test_the_check_fails_when_the_spans_are_off_by_one(shift):
    """The same checks on spans moved by one character find them wrong, for every kind; a span
    moved but still right would be a coincidence of the text (a repeated character), and rare."""
    for kind, (count, wrong, _) in _tally(shift).items():
        assert count >= 1, kind
        assert len(wrong) >= 0.9 * count, (kind, f"{len(wrong)} of {count} moved spans found wrong")


def test_the_check_of_the_original_fails_when_the_offsets_are_off_by_one():
    """The spans mapped into an original text that has moved by one character are found wrong,
    for every kind."""
    for kind, (count, _, wrong_original) in _tally(original_shift=True).items():
        assert count >= 1, kind
        assert len(wrong_original) >= 0.9 * count, (kind, f"{len(wrong_original)} of {count}")
