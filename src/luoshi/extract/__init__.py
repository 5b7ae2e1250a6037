"""Extraction: a Document in, Facts out, every fact with its span in the clean text.

Rules run on the simplified fold of the text, which is character-aligned with the clean text, so
a span found in one is the same span in the other (and ``Document.original_span`` maps it on to
the original)."""

from __future__ import annotations

from datetime import date

from luoshi.extract.addressees import find_addressee_mentions
from luoshi.extract.appointments import find_appointments
from luoshi.extract.batches import find_batches
from luoshi.extract.chair import find_chairs
from luoshi.extract.citations import find_citations
from luoshi.extract.dates import find_event_date
from luoshi.extract.deadlines import find_deadline_mentions, limits
from luoshi.extract.directives import find_directives, find_meetings
from luoshi.extract.names import find_people
from luoshi.extract.outcomes import find_outcomes
from luoshi.extract.places import find_places
from luoshi.extract.scan import first_each
from luoshi.model import Appointment, Document, Facts, Person

__all__ = ["deadlines", "extract", "find_appointments", "find_outcomes", "gazetteer"]


def extract(document: Document) -> Facts:
    s = document.simplified
    persons, roles = find_people(s)
    appointments = find_appointments(s, persons)
    persons = _with_appointed(s, persons, appointments)
    for person in persons:
        person.name_original = document.text[person.span.start : person.span.end]
    documents = find_citations(s)
    for cited in documents:
        cited.title_original = document.text[cited.span.start + 1 : cited.span.end - 1]
    event_date, event_span = find_event_date(s, document.published)
    # Limits are read against the event's day, or the publication's where the event has none.
    day = event_date or document.published
    deadlines = find_deadline_mentions(s, date.fromisoformat(day) if day else None)
    addressees = find_addressee_mentions(s)
    for person in (chair := find_chairs(s, persons)):
        person.name_original = document.text[person.span.start : person.span.end]
    directives = find_directives(s, persons, addressees, deadlines)
    outcomes = find_outcomes(s, [d.span for d in directives])
    for outcome in outcomes:
        outcome.title_original = document.text[outcome.span.start : outcome.span.end]
        outcome.date = day
    return Facts(
        document_id=document.id,
        event_date=event_date,
        event_date_span=event_span,
        published=document.published,
        persons=persons,
        roles=roles,
        documents=documents,
        task_batches=find_batches(s),
        directives=directives,
        meetings=find_meetings(s, persons, event_date, chair),
        places=find_places(s),
        chair=chair,
        addressees=first_each(addressees, lambda a: a.name),
        deadlines=limits(deadlines),
        appointments=appointments,
        outcomes=outcomes,
    )


def _with_appointed(s: str, persons: list[Person], appointments: list[Appointment]) -> list[Person]:
    """``persons`` and, in their order of first appearance, the persons named only as the object
    or subject of an appointment ("陈海涛同志任珠海市委书记")."""
    out = list(persons)
    known = {p.name for p in persons}
    for a in appointments:
        if a.name in known:
            continue
        known.add(a.name)
        first = s.find(a.name)
        at = next((k for k, p in enumerate(out) if s.find(p.name) > first), len(out))
        out.insert(at, Person(a.name, a.name_span))
    return out
