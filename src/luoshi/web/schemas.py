"""The JSON the API answers (``luoshi.web.api``), as pydantic models: FastAPI checks each answer
against its model and the OpenAPI description (``/docs``) shows them. The models describe the
answers the services' ``to_json`` already give, key for key; a model keeps a key it does not
declare (``extra="allow"``) rather than drop it, and ``tests/web/test_schemas.py`` checks that
every key answered is declared."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    """An answer's model: undeclared keys are kept, never dropped."""

    model_config = ConfigDict(extra="allow")


# -- accounts -----------------------------------------------------------------------------------


class Session(Answer):
    """Who is logged in, and the token that changes must carry in ``X-CSRF-Token``."""

    name: str
    role: str
    unit: str | None
    csrf: str


class Done(Answer):
    """What an action did, in one word ("logged out", "changed")."""

    status: str


# -- documents ----------------------------------------------------------------------------------


class StoryDocument(Answer):
    """One copy of a reprinted story."""

    id: int
    title: str | None
    published: str | None
    source_site: str | None
    source_url: str | None
    canonical: bool


class Story(Answer):
    """The copies of one story (reprints), the canonical copy first."""

    id: int
    canonical: int
    size: int
    documents: list[StoryDocument]


class DocumentOut(Answer):
    """A stored document: its clean text and the facts extracted from it (the shape of
    ``Facts.to_json``: persons, roles, documents, task_batches, spans, meetings…)."""

    id: int
    name: str
    title: str | None
    published: str | None
    script: str
    text: str
    facts: dict[str, Any] | None
    story: Story | None


class Refused(Answer):
    """An uploaded file that was not stored, and why."""

    file: str
    reason: str


class Renamed(Answer):
    """An uploaded file stored under another name, and why."""

    file: str
    stored_as: str
    note: str


class UploadOut(Answer):
    """What an upload did with each file: added, already stored, refused, renamed."""

    added: list[str]
    duplicates: list[str]
    rejected: list[Refused]
    renamed: list[Renamed]


# -- the ledger ---------------------------------------------------------------------------------


class TaskOut(Answer):
    """A task of the ledger with its status as of the day asked (``TaskView.to_json``)."""

    id: int
    programme: str
    code: str
    title: str
    area: str | None
    measures: str | None
    lead_unit: str | None
    co_units: list[str]
    deadline_text: str | None
    deadline: str | None
    original_deadline: str | None
    state: str
    done_date: str | None
    percent: int | None
    last_report: str | None
    progress_text: str | None
    notes: str | None
    status_text: str | None
    parent_id: int | None
    leader: str | None
    contact: str | None
    seq_text: str | None
    sheet_date: str | None
    from_category: bool
    grade: str | None
    lead_unit_id: int | None
    status: str
    colour: str
    rule: str
    status_reason: str
    status_flag: str | None
    sheet_status: str | None
    progress: str | None
    updated: str | None


class UnitLineOut(Answer):
    """A lead unit in the ranking: its counts by status, 办结率 and rank."""

    unit: str
    counts: dict[str, int]
    total: int
    closed: int
    rate: float | None
    rank: int


class MonthOut(Answer):
    """Tasks done by a month's end, of all."""

    date: str
    done: int
    total: int


class IssueOut(Answer):
    """The issued report the changes are counted from."""

    number: int
    as_of: str


class ReportOut(Answer):
    """The supervision report (督查通报) as of a day (``Report.to_json``)."""

    as_of: str
    programme: str | None
    number: int
    issued: bool
    office: str
    issued_on: str | None
    counts: dict[str, int]
    total: int
    by_unit: dict[str, dict[str, int]]
    units: list[UnitLineOut]
    overdue: list[TaskOut]
    at_risk: list[TaskOut]
    due_soon: list[TaskOut]
    awaiting_closure: list[TaskOut]
    recently_completed: list[TaskOut]
    units_not_reported: list[str]
    completion_over_time: list[MonthOut]
    changes_since_last_report: list[dict[str, Any]]
    changes_since: IssueOut | None
    sheet_disagreements: list[TaskOut]
    notes: list[str]


class ImportOut(Answer):
    """A 台账 imported: its programme, the codes of the tasks imported, the rows refused."""

    programme: str
    imported: list[str]
    rows: list[str]
