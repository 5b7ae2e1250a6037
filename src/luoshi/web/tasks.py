"""The supervision office's work in the browser and the API: the task page and its actions
(progress with 佐证材料, 延期/办结 requests and their decisions with a 销号 grade, editing, 倒排
milestones, 催办单), proposal review, a unit member's home, and the 督查通报 page with its
downloads and issuing. Thin routes over the Ledger; who may do what is ``web.permissions``."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field
from sqlalchemy import select

from luoshi.accounts.service import User
from luoshi.ledger.report import Report, render_html, render_html_body, render_xlsx
from luoshi.ledger.schema import RequestRow, TaskRow, UnitRow
from luoshi.ledger.service import GRADES, Ledger, LedgerError, StagedFile
from luoshi.ledger.status import PRESETS
from luoshi.messages import MESSAGES, message
from luoshi.services.follow import TaskFollow
from luoshi.services.people import version as people_version
from luoshi.store.cache import VersionedCache
from luoshi.web.deps import (
    api_change,
    api_user,
    language,
    ledger_for,
    ledger_report,
    office_figures,
    page_user,
    parse_day,
    request_folder,
    rules_preset,
)
from luoshi.web.follow import task_follow
from luoshi.web.pages import PRESET_DEFAULT, XLSX, render
from luoshi.web.people import leader_successor
from luoshi.web.permissions import Scope, allowed, evidence_scope, require, task_scope
from luoshi.web.security import check_csrf

router = APIRouter()
T = TypeVar("T")
_WORKDAYS_LINE = re.compile(r"^(.+?)[\s,，:：=]+(\d+)\s*(?:个?工作日)?$")


# -- shared by pages and API -----------------------------------------------------------------------


def form_csrf(request: Request, token: str) -> None:
    check_csrf(request.state.csrf, token)


def form_day(value: str | None, default: date | None = None) -> date:
    """A date from a form or a JSON body (today when empty); a sentence from the catalogue if not a date."""
    if not value or not value.strip():
        return default or date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError as e:
        raise LedgerError(message("office.bad_date", value=value)) from e


def optional_day(value: str | None) -> date | None:
    return form_day(value) if value and value.strip() else None


def unit_names(text: str | None) -> list[str]:
    """Units written in one field: separated by 、，, ; or new lines."""
    return [n.strip() for n in re.split(r"[、，,;；\n]+", text or "") if n.strip()]


def milestone_offsets(text: str) -> dict[str, int]:
    """倒排 lines "方案初稿 15" (name, working days before the deadline), one per line."""
    out: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _WORKDAYS_LINE.match(line.strip())
        if m is None:
            raise LedgerError(message("ledger.milestone_line", line=number, text=line.strip()))
        out[m.group(1).strip()] = int(m.group(2))
    return out


def stage_uploads(
    ledger: Ledger, stage: Callable[[str | None, Any], StagedFile], files: Sequence[UploadFile | str]
) -> list[StagedFile]:
    """The chosen files, checked and staged (a browser sends an empty part when none is chosen)."""
    return [stage(f.filename, f.file) for f in files if not isinstance(f, str) and f.filename]


def as_http(call: Callable[[], T], status: int = 422) -> T:
    """A ledger call for the API: its refusal as ``status`` with the reason."""
    try:
        return call()
    except LedgerError as e:
        raise HTTPException(status, str(e)) from e


def back(path: str, error: str | None = None, ok: str | None = None) -> RedirectResponse:
    """Back to a page after a form, with the reason it was refused or what was done."""
    query = urlencode({k: v for k, v in (("error", error), ("ok", ok)) if v})
    joint = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{joint}{query}" if query else path, status_code=303)


def task_page_path(task_id: int) -> str:
    return f"/ledger/tasks/{task_id}"


def report_progress(
    request: Request,
    user: User,
    task_id: int,
    on: date,
    text: str,
    percent: int | None,
    files: Sequence[UploadFile | str],
    evidence: str | None = None,
) -> int:
    require(user, "task.report", task_scope(request.app.state.store, task_id))
    ledger = ledger_for(request, user)
    with ledger.evidence_upload() as stage:
        staged = stage_uploads(ledger, stage, files)
        return ledger.report_progress(task_id, on, text, percent, user.unit, evidence, staged)


def add_evidence(request: Request, user: User, task_id: int, files: Sequence[UploadFile | str]) -> list[int]:
    require(user, "task.evidence", task_scope(request.app.state.store, task_id))
    ledger = ledger_for(request, user)
    with ledger.evidence_upload() as stage:
        return ledger.add_evidence(task_id, stage_uploads(ledger, stage, files), user.unit)


def delete_evidence(request: Request, user: User, file_id: int) -> int:
    """Remove an evidence file (the uploader's unit while the task is active, or the office); its task."""
    task_id, scope = evidence_scope(request.app.state.store, file_id)
    require(user, "task.evidence.delete", scope)
    ledger_for(request, user).delete_evidence(file_id)
    return task_id


def make_request(
    request: Request,
    user: User,
    task_id: int,
    kind: str,
    on: date,
    text: str,
    new_deadline: date | None,
    files: Sequence[UploadFile | str],
) -> int:
    require(user, "task.request", task_scope(request.app.state.store, task_id))
    ledger = ledger_for(request, user)
    with ledger.evidence_upload() as stage:
        staged = stage_uploads(ledger, stage, files)
        return ledger.request(task_id, kind, on, text, new_deadline, staged, user.unit)


def request_task(request: Request, request_id: int) -> int:
    with request.app.state.store.engine.connect() as conn:
        task_id = conn.scalar(select(RequestRow.task_id).where(RequestRow.id == request_id))
    if task_id is None:
        raise HTTPException(404, message("ledger.no_request", id=request_id))
    return int(task_id)


def decide_request(
    request: Request, user: User, request_id: int, accept: bool, on: date, grade: str | None
) -> int:
    task_id = request_task(request, request_id)
    require(user, "task.decide", task_scope(request.app.state.store, task_id))
    ledger_for(request, user).decide(request_id, accept, on, grade or None)
    return task_id


def edit_task(request: Request, user: User, task_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    require(user, "task.edit", task_scope(request.app.state.store, task_id))
    return ledger_for(request, user).edit_task(task_id, **fields)


def schedule(request: Request, user: User, task_id: int, offsets: dict[str, int]) -> dict[str, date]:
    require(user, "task.schedule", task_scope(request.app.state.store, task_id))
    return ledger_for(request, user).schedule_milestones(task_id, offsets)


def send_reminder(
    request: Request,
    user: User,
    unit: str,
    on: date,
    reply_by: date | None,
    note: str,
    task_ids: list[int] | None,
) -> int:
    require(user, "reminder.send")
    return ledger_for(request, user).send_reminder(unit, on, reply_by, note, task_ids)


def reminder_for(request: Request, user: User, reminder_id: int) -> dict[str, Any]:
    found = as_http(lambda: ledger_for(request, user).reminder(reminder_id), 404)
    require(user, "reminder.read", Scope(found["unit_id"]))
    return found


def decide_proposals(request: Request, user: User, ids: list[int], accept: bool) -> None:
    require(user, "proposal.review")
    ledger_for(request, user).decide_proposals(ids, accept)


def edit_proposals(
    request: Request, user: User, edits: dict[int, dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    require(user, "proposal.review")
    return ledger_for(request, user).edit_proposals(edits)


def propose(request: Request, user: User, doc_id: int, programme: str) -> list[int]:
    require(user, "proposal.review")
    return ledger_for(request, user).propose(doc_id, programme.strip())


# Values stored as codes, shown in words: the field's catalogue prefix.
_VALUE_WORDS = {
    "state": "task_state",
    "decision": "decision",
    "kind": "request_kind",
    "grade": "grade",
    "status": "status_label",
    "reason": "office.reason",
}
_HIDDEN_FIELDS = frozenset(
    (
        "task_id",
        "reporter",
        "actor",
        "request",
        "reminder",
        "year",
        "sha256",
        "unit_id",
        "programme_id",
        "parent_id",
        "source",
        "deadline_kind",
        "lead_unit_id",
    )
)


def history_lines(
    rows: list[dict[str, Any]], evidence: bool = True, units: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """The audit trail in words: what was done, and each field's before → after (without the
    names of evidence files unless ``evidence``: not everyone who reads a task may read those)."""
    units = units or {}

    def shown(name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, list):
            return "、".join(map(str, value)) or "—"
        key = f"{_VALUE_WORDS.get(name, '')}.{value}"
        return message(key) if key in _AUDIT_KEYS else str(value)

    out = []
    for row in rows:
        key = f"audit.{row['entity']}.{row['action']}"
        label = message(key) if key in _AUDIT_KEYS else f"{row['entity']} {row['action']}"
        before, after = dict(row.get("before") or {}), dict(row.get("after") or {})
        if row["entity"] == "evidence" and not evidence:
            before, after = {}, {}
        for values in (before, after):  # a unit by its name
            if "lead_unit_id" in values and "lead_unit" not in values:
                values["lead_unit"] = units.get(values["lead_unit_id"])
        changes = []
        # What was added or changed; for a removal (nothing after), what was removed.
        for name, value in (after or before).items():
            if name in _HIDDEN_FIELDS:
                continue
            field_key = f"field.{name}"
            field_name = message(field_key) if field_key in _AUDIT_KEYS else name
            if after and name in before and before[name] != value:
                changes.append(f"{field_name}：{shown(name, before[name])} → {shown(name, value)}")
            elif (not after or name not in before) and value not in (None, "", []):
                changes.append(f"{field_name}：{shown(name, value)}")
        actor = message("office.actor_system") if row["actor"] == "system" else row["actor"]
        out.append({"at": row["at"], "actor": actor, "label": label, "changes": "；".join(changes)})
    return out


_AUDIT_KEYS = frozenset(MESSAGES)


# -- the task page and its forms ---------------------------------------------------------------------


TASK_ACTIONS = (
    "task.report",
    "task.evidence",
    "task.evidence.read",
    "task.request",
    "task.milestone.done",
    "task.decide",
    "task.edit",
    "task.schedule",
    "reminder.send",
)


@dataclass(frozen=True)
class TaskParts:
    """What the task page and ``/api/tasks/{id}`` show of a task whoever reads it: kept per
    version of the data and of the people (``services.people.version``), as-of day and language,
    shared by every request that reads it, and never changed (``task_for`` copies what it takes
    away or adds for one reader)."""

    scope: Scope
    detail: dict[str, Any]  # the ledger's task_detail, evidence and 催办单 included
    history: dict[bool, list[dict[str, Any]]]  # the audit trail in words, with/without evidence names
    unit_names: dict[int, str]
    follow: TaskFollow | None
    successor: str  # "该职务…现由某某担任", or ""


def task_parts(request: Request, user: User, task_id: int, day: date) -> TaskParts:
    """The task's ``TaskParts`` (404 when there is no such task), computed once per version."""
    store = request.app.state.store

    def compute() -> TaskParts:
        scope = task_scope(store, task_id)
        ledger = ledger_for(request, user)  # reads only: the actor is not used
        detail = as_http(lambda: ledger.task_detail(task_id, day), 404)
        with store.engine.connect() as conn:
            names = {int(i): n for i, n in conn.execute(select(UnitRow.id, UnitRow.name))}
        rows = ledger.history(task_id)
        history = {shown: history_lines(rows, shown, names) for shown in (True, False)}
        follow = task_follow(request, user, task_id)
        return TaskParts(scope, detail, history, names, follow, leader_successor(request, detail))

    # Every change of the ledger is audited and every new document changes the data's version;
    # the people's version is that version once every name is clustered (None while some wait:
    # then nothing is kept).
    version = people_version(store)
    if version is None:
        return compute()
    cache: VersionedCache[TaskParts] = request.app.state.task_cache
    return cache.get((task_id, day, language(request)), version, compute)


def _for_reader(detail: dict[str, Any], user: User, can: dict[str, bool]) -> dict[str, Any]:
    """A copy of the shared ``detail`` as ``user`` may see it: evidence only for those who may
    read it (each file with whether ``user`` may remove it), 催办单 only for their readers."""
    out = dict(detail)
    if can["task.evidence.read"]:
        active = detail["state"] == "active"
        files = {
            f["id"]: {
                **f,
                "may_delete": allowed(user, "task.evidence.delete", Scope(f["unit_id"] if active else None)),
            }
            for f in detail["evidence"]
        }
        out["evidence"] = list(files.values())
        shown = {
            key: [{**item, "files": [files[f["id"]] for f in item["files"]]} for item in detail[key]]
            for key in ("progress", "requests")
        }
    else:
        out["evidence"] = []
        shown = {key: [{**item, "files": []} for item in detail[key]] for key in ("progress", "requests")}
    out["progress"], out["requests"] = shown["progress"], shown["requests"]
    out["reminders"] = list(detail["reminders"]) if can["reminder.read"] else []
    return out


def task_for(
    request: Request, user: User, task_id: int, as_of: str | None
) -> tuple[dict[str, Any], dict[str, bool], TaskParts]:
    """A task's detail as ``user`` may see it (evidence and 催办单 only for those who may read
    them), which of its actions ``user`` may take (the page and the API show the same), and the
    parts it was taken from."""
    parts = task_parts(request, user, task_id, parse_day(as_of))
    scope = parts.scope
    require(user, "task.read", scope)
    can = {action: allowed(user, action, scope) for action in TASK_ACTIONS}
    can["reminder.read"] = allowed(user, "reminder.read", Scope(scope.lead_unit_id))
    return _for_reader(parts.detail, user, can), can, parts


@router.get("/ledger/tasks/{task_id}")
def task_page(
    request: Request,
    task_id: int,
    as_of: str | None = None,
    error: str = "",
    ok: str = "",
    user: User = Depends(page_user),
) -> HTMLResponse:
    ledger = ledger_for(request, user)
    detail, can, parts = task_for(request, user, task_id, as_of)
    pending = {r["kind"] for r in detail["requests"] if r["decision"] == "pending"}
    units = sorted(parts.unit_names.values()) if can["task.edit"] else []
    return render(
        request,
        "task.html",
        user,
        task=detail,
        history=parts.history[can["task.evidence.read"]],
        can=can,
        pending=pending,
        error=error,
        ok=ok,
        today=ledger.today().isoformat(),
        grades=GRADES,
        units=units,
        files_limit=f"{round(ledger.files.limit / 1048576, 3):g}",
        follow=parts.follow,
        successor=parts.successor,
        can_report=can["task.report"],
    )


@router.post("/ledger/tasks/{task_id}/progress")
def task_progress_form(
    request: Request,
    task_id: int,
    text: str = Form(""),
    percent: str = Form(""),
    on: str = Form(""),
    evidence: str = Form(""),
    files: list[UploadFile | str] = File(default=[]),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    form_csrf(request, csrf_token)
    try:
        value = int(percent) if percent.strip() else None
    except ValueError:
        return back(task_page_path(task_id), message("ledger.bad_percent", percent=percent))
    try:
        report_progress(request, user, task_id, form_day(on), text, value, files, evidence.strip() or None)
    except LedgerError as e:
        return back(task_page_path(task_id), str(e))
    return back(task_page_path(task_id), ok=message("office.done.progress"))


@router.post("/ledger/tasks/{task_id}/evidence")
def task_evidence_form(
    request: Request,
    task_id: int,
    files: list[UploadFile | str] = File(default=[]),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    form_csrf(request, csrf_token)
    try:
        ids = add_evidence(request, user, task_id, files)
    except LedgerError as e:
        return back(task_page_path(task_id), str(e))
    return back(task_page_path(task_id), ok=message("office.done.evidence", n=len(ids)))


@router.get("/ledger/evidence/{file_id}")
def evidence_download(request: Request, file_id: int, user: User = Depends(page_user)) -> Response:
    """A 佐证材料 file, as an attachment under its uploaded name, to those who may read it."""
    ledger = ledger_for(request, user)
    try:
        row, path = ledger.evidence_file(file_id)
    except LedgerError as e:
        raise HTTPException(404, str(e)) from e
    require(user, "task.evidence.read", task_scope(request.app.state.store, row["task_id"]))
    return FileResponse(
        path,
        filename=row["name"],
        media_type="application/octet-stream",
        content_disposition_type="attachment",
    )


@router.post("/ledger/evidence/{file_id}/delete")
def evidence_delete_form(
    request: Request, file_id: int, csrf_token: str = Form(""), user: User = Depends(page_user)
) -> Response:
    form_csrf(request, csrf_token)
    task_id = delete_evidence(request, user, file_id)
    return back(task_page_path(task_id), ok=message("office.done.evidence_deleted"))


@router.post("/ledger/tasks/{task_id}/requests")
def task_request_form(
    request: Request,
    task_id: int,
    kind: str = Form(...),
    text: str = Form(""),
    new_deadline: str = Form(""),
    on: str = Form(""),
    files: list[UploadFile | str] = File(default=[]),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    form_csrf(request, csrf_token)
    try:
        make_request(request, user, task_id, kind, form_day(on), text, optional_day(new_deadline), files)
    except LedgerError as e:
        return back(task_page_path(task_id), str(e))
    return back(
        task_page_path(task_id),
        ok=message(f"office.done.{kind}" if kind in ("extension", "closure") else "office.saved"),
    )


@router.post("/ledger/requests/{request_id}/decision")
def decision_form(
    request: Request,
    request_id: int,
    decision: str = Form(...),
    grade: str = Form(""),
    on: str = Form(""),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    form_csrf(request, csrf_token)
    task_id = request_task(request, request_id)
    if decision not in ("accept", "refuse"):
        raise HTTPException(422, message("office.bad_decision"))
    try:
        decide_request(request, user, request_id, decision == "accept", form_day(on), grade.strip() or None)
    except LedgerError as e:
        return back(task_page_path(task_id), str(e))
    return back(task_page_path(task_id), ok=message("office.done.decided"))


@router.post("/ledger/tasks/{task_id}/edit")
def edit_form(
    request: Request,
    task_id: int,
    title: str = Form(""),
    lead_unit: str = Form(""),
    co_units: str = Form(""),
    deadline: str = Form(""),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    form_csrf(request, csrf_token)
    try:
        changed = edit_task(
            request,
            user,
            task_id,
            {
                "title": title,
                "lead_unit": lead_unit,
                "co_units": unit_names(co_units),
                "deadline": optional_day(deadline),
            },
        )
    except LedgerError as e:
        return back(task_page_path(task_id), str(e))
    return back(task_page_path(task_id), ok=message("office.saved" if changed else "office.unchanged"))


@router.post("/ledger/tasks/{task_id}/milestones")
def schedule_form(
    request: Request,
    task_id: int,
    lines: str = Form(""),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    form_csrf(request, csrf_token)
    try:
        dates = schedule(request, user, task_id, milestone_offsets(lines))
    except LedgerError as e:
        return back(task_page_path(task_id), str(e))
    return back(task_page_path(task_id), ok=message("office.done.scheduled", n=len(dates)))


@router.post("/ledger/milestones/{milestone_id}/done")
def milestone_done_form(
    request: Request,
    milestone_id: int,
    task: int = Form(...),
    on: str = Form(""),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    form_csrf(request, csrf_token)
    require(user, "task.milestone.done", task_scope(request.app.state.store, task))
    try:
        task_id = ledger_for(request, user).complete_milestone(milestone_id, form_day(on))
    except LedgerError as e:
        return back(task_page_path(task), str(e))
    return back(task_page_path(task_id), ok=message("office.saved"))


@router.post("/ledger/tasks/{task_id}/remind")
def remind_task_form(
    request: Request,
    task_id: int,
    reply_by: str = Form(""),
    note: str = Form(""),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    """A 催办单 for this one task, to its lead unit."""
    form_csrf(request, csrf_token)
    require(user, "reminder.send")
    ledger = ledger_for(request, user)
    try:
        view = ledger.task_detail(task_id, ledger.today())
        if not view["lead_unit"]:
            raise LedgerError(message("office.no_lead_to_remind"))
        rid = send_reminder(
            request, user, view["lead_unit"], ledger.today(), optional_day(reply_by), note, [task_id]
        )
    except LedgerError as e:
        return back(task_page_path(task_id), str(e))
    return RedirectResponse(f"/reminders/{rid}", status_code=303)


# -- 催办 --------------------------------------------------------------------------------------------


REMINDER_ROWS = 10  # tasks listed per unit and reason on /reminders (the 催办单 names them all)
MY_ROWS = 50  # tasks per page of each list of a unit's home


@router.get("/reminders")
def reminders_page(
    request: Request, as_of: str | None = None, error: str = "", ok: str = "", user: User = Depends(page_user)
) -> HTMLResponse:
    """The office: per unit what to press for, a 催办单 a click away, and what was sent. A unit
    member: the 催办单 its unit received."""
    ledger = ledger_for(request, user)
    day = parse_day(as_of)
    office = allowed(user, "reminder.send") or user.role == "viewer"
    # computed once per data version; the page lists the first REMINDER_ROWS of each reason
    buckets = office_figures(request, ("reminders", day), lambda: ledger.reminders(day)) if office else {}
    sent = ledger.sent_reminders(unit_id=None if office else (user.unit_id or -1))
    return render(
        request,
        "reminders.html",
        user,
        buckets=buckets,
        sent=sent,
        as_of=day,
        error=error,
        ok=ok,
        can_send=allowed(user, "reminder.send"),
        today=ledger.today().isoformat(),
        limit=REMINDER_ROWS,
    )


@router.post("/reminders")
def remind_form(
    request: Request,
    unit: str = Form(...),
    reply_by: str = Form(""),
    note: str = Form(""),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    form_csrf(request, csrf_token)
    ledger = ledger_for(request, user)
    try:
        rid = send_reminder(request, user, unit, ledger.today(), optional_day(reply_by), note, None)
    except LedgerError as e:
        return back("/reminders", str(e))
    return RedirectResponse(f"/reminders/{rid}", status_code=303)


@router.get("/reminders/{reminder_id}")
def reminder_page(request: Request, reminder_id: int, user: User = Depends(page_user)) -> HTMLResponse:
    """The printable 催办单."""
    return render(
        request,
        "reminder.html",
        user,
        r=reminder_for(request, user, reminder_id),
        reasons={
            k: message(f"office.reason.{k}") for k in ("overdue", "at_risk", "due_soon", "awaiting_report")
        },
    )


@router.get("/requests")
def requests_page(request: Request, user: User = Depends(page_user)) -> HTMLResponse:
    """Requests waiting for the office's decision."""
    require(user, "task.decide")
    return render(request, "requests.html", user, pending=ledger_for(request, user).pending_requests())


# -- a unit member's home -----------------------------------------------------------------------------


@router.get("/my")
def my_home(
    request: Request,
    as_of: str | None = None,
    lead: int = 0,
    co: int = 0,
    user: User = Depends(page_user),
) -> Response:
    """A unit member's tasks: those its unit leads first, the overdue and due soon on top; then
    those it co-operates on (each list paged, ``lead`` and ``co`` its offsets); and the 催办单 it
    received. The ordering needs every task's status: computed once per data version per unit."""
    if user.unit_id is None:
        return RedirectResponse("/?all=1", status_code=303)
    ledger = ledger_for(request, user)
    day = parse_day(as_of)
    unit_id = user.unit_id
    mine = office_figures(request, ("unit-home", unit_id, day), lambda: ledger.unit_tasks(unit_id, day))
    offsets = {"lead": max(0, lead), "co": max(0, co)}
    return render(
        request,
        "my.html",
        user,
        mine=mine,
        offsets=offsets,
        limit=MY_ROWS,
        query=urlencode({"as_of": as_of} if as_of else {}),
        as_of=day,
        received=ledger.sent_reminders(unit_id=unit_id),
    )


# -- proposals --------------------------------------------------------------------------------------


@router.post("/documents/{doc_id}/propose")
def propose_form(
    request: Request,
    doc_id: int,
    programme: str = Form(""),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    """Draft tasks from a document's directives, then the review list."""
    form_csrf(request, csrf_token)
    try:
        if not programme.strip():
            raise LedgerError(message("office.needs_programme"))
        ids = propose(request, user, doc_id, programme)
    except LedgerError as e:
        return back(f"/ledger/proposals?document={doc_id}", str(e))
    return back(f"/ledger/proposals?document={doc_id}", ok=message("office.done.proposed", n=len(ids)))


def _proposal_rows(ledger: Ledger, document: int | None, day: date) -> list[dict[str, Any]]:
    drafts = ledger.proposals(day, document)
    with ledger.store.engine.connect() as conn:
        sources = dict(
            conn.execute(
                select(TaskRow.id, TaskRow.source).where(TaskRow.id.in_([d.id for d in drafts]))
            ).all()
        )
    return [{"task": d, "source": sources.get(d.id) or {}} for d in drafts]


@router.get("/ledger/proposals")
def proposals_page(
    request: Request,
    document: int | None = None,
    error: str = "",
    ok: str = "",
    done: str = "",
    user: User = Depends(page_user),
) -> HTMLResponse:
    """The review list: each proposed task beside its sentence, editable, to accept or reject in
    bulk; below, the tasks of the document already decided (or those just decided)."""
    require(user, "proposal.review")
    ledger = ledger_for(request, user)
    rows = _proposal_rows(ledger, document, ledger.today())
    if document:
        decided = [t for t in ledger.document_tasks(document) if t["state"] != "draft"]
    else:
        ids = [int(i) for i in done.split(",") if i.isdigit()]
        decided = (
            [
                {"id": v.id, "code": v.code, "title": v.title, "state": v.state, "programme": v.programme}
                for v in ledger.tasks(ledger.today(), ids=ids, include_rejected=True)
            ]
            if ids
            else []
        )
    return render(
        request, "proposals.html", user, rows=rows, document=document, decided=decided, error=error, ok=ok
    )


@router.post("/ledger/proposals")
async def proposals_form(request: Request, user: User = Depends(page_user)) -> Response:
    """Save the edits of every row; for 采纳/不采纳 then ask to confirm the selected ones."""
    form = await request.form()
    form_csrf(request, str(form.get("csrf_token", "")))
    action = str(form.get("action", "save"))
    document = str(form.get("document", "")).strip()
    here = f"/ledger/proposals?document={document}" if document.isdigit() else "/ledger/proposals"
    selected = [int(str(v)) for v in form.getlist("ids") if str(v).isdigit()]
    try:
        edits = {}
        for raw in form.getlist("row"):
            if not str(raw).isdigit():
                continue
            tid = int(str(raw))
            edits[tid] = {
                "title": str(form.get(f"title-{tid}", "")),
                "lead_unit": str(form.get(f"lead-{tid}", "")),
                "co_units": unit_names(str(form.get(f"co-{tid}", ""))),
                "deadline": optional_day(str(form.get(f"deadline-{tid}", ""))),
            }
        await run_in_threadpool(edit_proposals, request, user, edits)
        if action == "save":
            return back(here, ok=message("office.saved"))
        if action not in ("accept", "reject"):
            raise HTTPException(422, message("office.bad_decision"))
        if not selected:
            raise LedgerError(message("ledger.nothing_selected"))
    except LedgerError as e:
        return back(here, str(e))
    ledger = ledger_for(request, user)
    rows = [
        r
        for r in await run_in_threadpool(_proposal_rows, ledger, None, ledger.today())
        if r["task"].id in selected
    ]
    return render(
        request, "proposals_confirm.html", user, rows=rows, action=action, document=document, back=here
    )


@router.post("/ledger/proposals/decide")
async def proposals_decide_form(request: Request, user: User = Depends(page_user)) -> Response:
    form = await request.form()
    form_csrf(request, str(form.get("csrf_token", "")))
    document = str(form.get("document", "")).strip()
    here = f"/ledger/proposals?document={document}" if document.isdigit() else "/ledger/proposals"
    action = str(form.get("action", ""))
    ids = [int(str(v)) for v in form.getlist("ids") if str(v).isdigit()]
    if action not in ("accept", "reject"):
        raise HTTPException(422, message("office.bad_decision"))
    try:
        await run_in_threadpool(decide_proposals, request, user, ids, action == "accept")
    except LedgerError as e:
        return back(here, str(e))
    return back(
        f"{here}{'&' if '?' in here else '?'}done={','.join(map(str, ids))}",
        ok=message(f"office.done.{action}ed", n=len(ids)),
    )


# -- the report ---------------------------------------------------------------------------------------


REPORT_PAGE_ROWS = 50  # lines of each list on the report page (the downloads have them all)


def _report(request: Request, user: User, as_of: str | None, programme: str, rules: str) -> Report:
    require(user, "report.read")
    return ledger_report(request, user, parse_day(as_of), programme or None, rules_preset(rules))


@router.get("/report")
def report_page(
    request: Request,
    as_of: str | None = None,
    programme: str = "",
    rules: str = "",
    error: str = "",
    ok: str = "",
    user: User = Depends(page_user),
) -> HTMLResponse:
    """督查通报 in the site's layout, with its pickers, downloads and (for the office) issuing."""
    r = _report(request, user, as_of, programme, rules)
    query = urlencode(
        {"as_of": r.as_of.isoformat(), "programme": programme, "rules": rules or PRESET_DEFAULT}
    )
    return render(
        request,
        "report.html",
        user,
        report=r,
        body=Markup(
            office_figures(
                request,
                ("report-page", r.as_of, programme, rules),
                lambda: render_html_body(r, REPORT_PAGE_ROWS),
            )
        ),
        query=query,
        programme=programme,
        rules=rules or PRESET_DEFAULT,
        presets=list(PRESETS),
        programmes=ledger_for(request, user).programmes(),
        can_issue=allowed(user, "report.issue"),
        error=error,
        ok=ok,
    )


@router.post("/report/issue")
def report_issue_form(
    request: Request,
    as_of: str = Form(""),
    programme: str = Form(""),
    office: str = Form(""),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    """Issue the report as of a date: numbered 第N期 and kept as the next one's baseline."""
    form_csrf(request, csrf_token)
    require(user, "report.issue")
    here = "/report?" + urlencode({"as_of": as_of, "programme": programme})
    try:
        issue = ledger_for(request, user).snapshot(form_day(as_of), programme or None, office.strip() or None)
    except LedgerError as e:
        return RedirectResponse(here + "&" + urlencode({"error": str(e)}), status_code=303)
    return RedirectResponse(
        here + "&" + urlencode({"ok": message("office.done.issued", number=issue["number"])}), status_code=303
    )


@router.get("/report.{fmt}")
def report_download(
    request: Request,
    fmt: str,
    as_of: str | None = None,
    programme: str = "",
    rules: str = "",
    user: User = Depends(page_user),
) -> Response:
    """The same report as a printable HTML file or an xlsx workbook."""
    if fmt not in ("html", "xlsx"):
        raise HTTPException(404, message("office.no_format", fmt=fmt))
    r = _report(request, user, as_of, programme, rules)
    name = f"{message('report.title')}-{programme or message('report.all_tasks')}-{r.as_of.isoformat()}.{fmt}"
    headers = {"Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"}
    if fmt == "html":
        page = office_figures(request, ("report-html", r.as_of, programme, rules), lambda: render_html(r))
        return HTMLResponse(page, headers=headers)

    def workbook() -> bytes:
        with request_folder("export") as tmp:
            path = Path(tmp) / "report.xlsx"
            render_xlsx(r, path)
            return path.read_bytes()

    content = office_figures(request, ("report-xlsx", r.as_of, programme, rules), workbook)
    return Response(content, media_type=XLSX, headers=headers)


# -- the JSON API of the same actions ------------------------------------------------------------------


class ProgressIn(BaseModel):
    text: str = Field(min_length=1)
    percent: int | None = Field(default=None, ge=0, le=100)
    date: str | None = None
    evidence: str | None = None


class EditIn(BaseModel):
    title: str | None = None
    lead_unit: str | None = None
    co_units: list[str] | None = None
    deadline: str | None = None


class MilestonesIn(BaseModel):
    milestones: dict[str, int] = Field(description="name → working days before the deadline")


class RequestIn(BaseModel):
    kind: str = Field(pattern="^(extension|closure)$")
    text: str = ""
    new_deadline: str | None = None
    date: str | None = None


class DecisionIn(BaseModel):
    accept: bool
    grade: str | None = None
    date: str | None = None


class ReminderIn(BaseModel):
    unit: str
    date: str | None = None
    reply_by: str | None = None
    note: str = ""
    tasks: list[int] | None = None


class ProposalEdits(BaseModel):
    edits: dict[int, EditIn]


class ProposalDecision(BaseModel):
    ids: list[int]
    accept: bool


class ProposeIn(BaseModel):
    programme: str = Field(min_length=1)


class IssueIn(BaseModel):
    as_of: str | None = None
    programme: str | None = None
    office: str | None = None


def _edit_fields(body: EditIn) -> dict[str, Any]:
    return {
        "title": body.title,
        "lead_unit": body.lead_unit,
        "co_units": body.co_units,
        "deadline": optional_day(body.deadline),
    }


@router.get("/api/tasks/{task_id}")
def api_task(
    request: Request, task_id: int, as_of: str | None = None, user: User = Depends(api_user)
) -> dict[str, Any]:
    """A task with its status and rule, milestones, progress, requests, evidence and 催办单 (as
    the page shows them to this user), and what this user may do with it."""
    detail, can, _ = task_for(request, user, task_id, as_of)
    return {**detail, "may": can}


@router.post("/api/tasks/{task_id}/progress")
def api_progress(
    request: Request, task_id: int, body: ProgressIn, user: User = Depends(api_change)
) -> dict[str, Any]:
    rid = as_http(
        lambda: report_progress(
            request, user, task_id, form_day(body.date), body.text, body.percent, [], body.evidence
        )
    )
    return {"id": rid}


@router.post("/api/tasks/{task_id}/evidence")
def api_evidence(
    request: Request, task_id: int, files: list[UploadFile] = File(...), user: User = Depends(api_change)
) -> dict[str, Any]:
    return {"ids": as_http(lambda: add_evidence(request, user, task_id, files))}


@router.get("/api/tasks/{task_id}/evidence")
def api_evidence_list(request: Request, task_id: int, user: User = Depends(api_user)) -> list[dict[str, Any]]:
    require(user, "task.evidence.read", task_scope(request.app.state.store, task_id))
    return [
        {
            "id": f["id"],
            "name": f["name"],
            "size": f["size"],
            "sha256": f["sha256"],
            "unit": f["unit"],
            "uploaded_by": f["uploaded_by"],
            "uploaded_at": f["uploaded_at"],
            "progress_id": f["progress_id"],
            "request_id": f["request_id"],
            "url": f"/ledger/evidence/{f['id']}",
        }
        for f in ledger_for(request, user).evidence(task_id)
    ]


@router.delete("/api/evidence/{file_id}")
def api_evidence_delete(request: Request, file_id: int, user: User = Depends(api_change)) -> dict[str, Any]:
    """Remove an evidence file: its record (audited) and its content from the folder."""
    return {"deleted": file_id, "task": as_http(lambda: delete_evidence(request, user, file_id), 404)}


@router.post("/api/tasks/{task_id}/edit")
def api_edit(
    request: Request, task_id: int, body: EditIn, user: User = Depends(api_change)
) -> dict[str, Any]:
    return {"changed": as_http(lambda: edit_task(request, user, task_id, _edit_fields(body)))}


@router.post("/api/tasks/{task_id}/milestones")
def api_schedule(
    request: Request, task_id: int, body: MilestonesIn, user: User = Depends(api_change)
) -> dict[str, str]:
    dates = as_http(lambda: schedule(request, user, task_id, body.milestones))
    return {name: day.isoformat() for name, day in dates.items()}


@router.post("/api/tasks/{task_id}/requests")
def api_request(
    request: Request, task_id: int, body: RequestIn, user: User = Depends(api_change)
) -> dict[str, Any]:
    rid = as_http(
        lambda: make_request(
            request,
            user,
            task_id,
            body.kind,
            form_day(body.date),
            body.text,
            optional_day(body.new_deadline),
            [],
        )
    )
    return {"id": rid}


@router.post("/api/requests/{request_id}/decision")
def api_decide(
    request: Request, request_id: int, body: DecisionIn, user: User = Depends(api_change)
) -> dict[str, Any]:
    task_id = as_http(
        lambda: decide_request(request, user, request_id, body.accept, form_day(body.date), body.grade)
    )
    return {"task": task_id}


@router.post("/api/reminders")
def api_remind(request: Request, body: ReminderIn, user: User = Depends(api_change)) -> dict[str, Any]:
    ledger = ledger_for(request, user)
    rid = as_http(
        lambda: send_reminder(
            request,
            user,
            body.unit,
            form_day(body.date, ledger.today()),
            optional_day(body.reply_by),
            body.note,
            body.tasks,
        )
    )
    return {"id": rid, "url": f"/reminders/{rid}"}


@router.get("/api/reminders")
def api_reminders(request: Request, user: User = Depends(api_user)) -> list[dict[str, Any]]:
    everything = allowed(user, "reminder.send") or user.role == "viewer"
    return ledger_for(request, user).sent_reminders(unit_id=None if everything else (user.unit_id or -1))


@router.get("/api/reminders/{reminder_id}")
def api_reminder(request: Request, reminder_id: int, user: User = Depends(api_user)) -> dict[str, Any]:
    r = reminder_for(request, user, reminder_id)
    return {
        **{k: v for k, v in r.items() if k != "items"},
        "tasks": [{"reason": i["reason"], **i["task"].to_json()} for i in r["items"]],
    }


@router.get("/api/my")
def api_my(request: Request, as_of: str | None = None, user: User = Depends(api_user)) -> dict[str, Any]:
    if user.unit_id is None:
        raise HTTPException(404, message("office.no_unit"))
    mine = ledger_for(request, user).unit_tasks(user.unit_id, parse_day(as_of))
    return {k: [t.to_json() for t in v] for k, v in mine.items()}


@router.post("/api/documents/{doc_id}/propose")
def api_propose(
    request: Request, doc_id: int, body: ProposeIn, user: User = Depends(api_change)
) -> dict[str, Any]:
    ids = as_http(lambda: propose(request, user, doc_id, body.programme))
    return {"tasks": ids, "review": f"/ledger/proposals?document={doc_id}"}


@router.post("/api/proposals")
def api_proposal_edits(
    request: Request, body: ProposalEdits, user: User = Depends(api_change)
) -> dict[str, Any]:
    edits = as_http(lambda: {tid: _edit_fields(e) for tid, e in body.edits.items()})
    return {"changed": as_http(lambda: edit_proposals(request, user, edits))}


@router.post("/api/proposals/decide")
def api_proposal_decide(
    request: Request, body: ProposalDecision, user: User = Depends(api_change)
) -> dict[str, Any]:
    as_http(lambda: decide_proposals(request, user, body.ids, body.accept), 409)
    return {"status": "accepted" if body.accept else "rejected", "tasks": body.ids}


@router.post("/api/tasks/{task_id}/accept")
def api_accept(request: Request, task_id: int, user: User = Depends(api_change)) -> dict[str, str]:
    as_http(lambda: decide_proposals(request, user, [task_id], True), 409)
    return {"status": "accepted"}


@router.post("/api/tasks/{task_id}/reject")
def api_reject(request: Request, task_id: int, user: User = Depends(api_change)) -> dict[str, str]:
    as_http(lambda: decide_proposals(request, user, [task_id], False), 409)
    return {"status": "rejected"}


@router.post("/api/report/issue")
def api_issue(request: Request, body: IssueIn, user: User = Depends(api_change)) -> dict[str, Any]:
    require(user, "report.issue")
    issue = as_http(
        lambda: ledger_for(request, user).snapshot(form_day(body.as_of), body.programme, body.office)
    )
    return {k: v for k, v in issue.items() if k != "data"}
