"""``Facts.to_json`` is the one stored form and ``Facts.from_json`` reads it back: an equal
``Facts`` for every document of the demo corpus and of the held-out-like set, and for any
generated Facts; stored rows written before a key existed still read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.extract import extract
from luoshi.ingest import read_paths
from luoshi.model import (
    Addressee,
    Appointment,
    CitedDocument,
    DeadlinePhrase,
    Directive,
    Document,
    Facts,
    Meeting,
    Outcome,
    Person,
    Place,
    Role,
    Span,
    TaskBatch,
)

ROOT = Path(__file__).resolve().parents[2]
CORPORA = {
    "demo": ROOT / "src" / "luoshi" / "demo" / "corpus",
    "heldout_like": Path(__file__).parent / "heldout_like" / "docs",
}


def _through_json(facts: Facts) -> Facts:
    """Back from the stored form, as text and parsed again (as a store or a JSONL file keeps it)."""
    return Facts.from_json(json.loads(json.dumps(facts.to_json(), ensure_ascii=False)))


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_extracted_facts_read_back_equal(corpus: str) -> None:
    documents = [d for d in read_paths([CORPORA[corpus]]) if isinstance(d, Document)]
    assert len(documents) >= 10
    for document in documents:
        facts = extract(document)
        assert _through_json(facts) == facts, document.id


def test_corpora_carry_what_only_the_extended_form_keeps() -> None:
    """The keys beyond the scorer's are exercised by the corpora, not only by generated Facts."""
    everything = [extract(d) for c in CORPORA.values() for d in read_paths([c]) if isinstance(d, Document)]
    assert any(f.event_date_span for f in everything)
    assert any(p.name_original != p.name for f in everything for p in f.persons)
    assert any(d.kind != "date" for f in everything for d in f.deadlines)


_text = st.text(max_size=6)
_maybe = st.none() | _text
_span = st.builds(Span, st.integers(0, 10_000), st.integers(0, 10_000))
_person = st.builds(Person, _text, _span, _text)
_facts = st.builds(
    Facts,
    document_id=_text,
    event_date=_maybe,
    event_date_span=st.none() | _span,
    published=_maybe,
    persons=st.lists(_person, max_size=3),
    roles=st.lists(st.builds(Role, _text, _text, _span), max_size=3),
    documents=st.lists(st.builds(CitedDocument, _text, _span, _text), max_size=3),
    task_batches=st.lists(st.builds(TaskBatch, st.integers(0, 500), _text, _span), max_size=3),
    directives=st.lists(
        st.builds(Directive, _text, _span, _maybe, _maybe, _maybe, st.none() | st.integers(0, 20)), max_size=3
    ),
    meetings=st.lists(
        st.builds(Meeting, _maybe, _maybe, _span, _maybe, _maybe, _maybe, st.lists(_text, max_size=3)),
        max_size=2,
    ),
    places=st.lists(st.builds(Place, _text, _text, _span), max_size=3),
    chair=st.lists(_person, max_size=2),
    addressees=st.lists(st.builds(Addressee, _text, _span), max_size=3),
    deadlines=st.lists(st.builds(DeadlinePhrase, _text, _maybe, _span, _text), max_size=3),
    appointments=st.lists(st.builds(Appointment, _text, _text, _text, _text, _span, _span), max_size=2),
    outcomes=st.lists(
        st.builds(Outcome, _text, _text, _span, _span, _maybe, st.none() | st.integers(0, 99), _maybe, _text),
        max_size=2,
    ),
)


@settings(max_examples=200, deadline=None)
@given(_facts)
def test_any_facts_read_back_equal(facts: Facts) -> None:
    assert _through_json(facts) == facts


def test_rows_stored_before_the_extended_keys_still_read() -> None:
    """A row as stored before ``originals``, ``event_date_span``, deadline kinds, changes of post
    and outcomes: it reads, with those at their defaults."""
    old = {
        "id": "old",
        "event_date": "2025-03-01",
        "published": None,
        "persons": ["周明远"],
        "roles": [["周明远", "市委书记"]],
        "documents": ["关于推进合作区建设的意见"],
        "task_batches": [{"count": 96, "what": "年度工作任务"}],
        "deadlines": [{"text": "年底前", "date": "2025-12-31"}],
        "spans": {
            "persons": [["周明远", 4, 7]],
            "roles": [["周明远", "市委书记", 0, 4]],
            "documents": [["关于推进合作区建设的意见", 10, 24]],
            "task_batches": [[96, "年度工作任务", 30, 38]],
            "deadlines": [["年底前", 40, 43]],
        },
        "meetings": [],
        "directives": [],
        "places": [],
    }
    facts = Facts.from_json(old)
    assert facts.persons == [Person("周明远", Span(4, 7), "周明远")]
    assert facts.documents == [
        CitedDocument("关于推进合作区建设的意见", Span(10, 24), "关于推进合作区建设的意见")
    ]
    assert facts.deadlines == [DeadlinePhrase("年底前", "2025-12-31", Span(40, 43))]
    assert facts.event_date_span is None and not facts.chair and not facts.appointments and not facts.outcomes
    assert Facts.from_json(facts.to_json()) == facts
