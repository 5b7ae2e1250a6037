"""Follow-through on the web: a directive's timeline of later mentions (its own page and a
section of the document page), a task's later mentions as suggested progress reports that the
office may accept (a form and a JSON call; recorded through the ledger, audited), and the same
as JSON. Thin over ``luoshi.services.follow``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from luoshi.accounts.service import User
from luoshi.ledger.service import LedgerError
from luoshi.services import follow as service
from luoshi.web.deps import api_change, api_user, ledger_for, page_user
from luoshi.web.permissions import require, task_scope
from luoshi.web.security import check_csrf

router = APIRouter()


def document_follow(request: Request, doc_id: int) -> service.DocumentFollow | None:
    """For the document page: its directives with their later mentions."""
    try:
        return service.follow_document(request.app.state.store, doc_id)
    except service.FollowError:
        return None


def task_follow(request: Request, user: User, task_id: int) -> service.TaskFollow | None:
    """For the task page: the later mentions of the task's directive, as suggestions."""
    try:
        return service.follow_task(request.app.state.store, ledger_for(request, user), task_id)
    except service.FollowError:
        return None


def _may_accept(request: Request, user: User, task_id: int) -> None:
    """Who may report progress on the task may accept a suggestion as a progress report."""
    require(user, "task.report", task_scope(request.app.state.store, task_id))


def _accept(request: Request, user: User, task_id: int, document_id: int, start: int, end: int) -> int:
    _may_accept(request, user, task_id)
    return service.accept(
        request.app.state.store, ledger_for(request, user), task_id, document_id, start, end
    )


@router.get("/documents/{doc_id}/directives/{index}")
def directive_page(
    request: Request, doc_id: int, index: int, user: User = Depends(page_user)
) -> HTMLResponse:
    """One directive and the timeline of its later mentions."""
    from luoshi.web.pages import render

    try:
        document, found = service.follow_directive(request.app.state.store, doc_id, index)
    except service.FollowError as e:
        raise HTTPException(404, str(e)) from e
    return render(request, "follow_directive.html", user, document=document, found=found)


@router.post("/ledger/tasks/{task_id}/follow/accept")
def accept_form(
    request: Request,
    task_id: int,
    document_id: int = Form(...),
    start: int = Form(...),
    end: int = Form(...),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> Response:
    """Record a suggested later mention as a progress report of the task."""
    check_csrf(request.state.csrf, csrf_token)
    try:
        _accept(request, user, task_id, document_id, start, end)
    except (service.FollowError, LedgerError) as e:
        return RedirectResponse(f"/ledger/tasks/{task_id}?error={quote(str(e))}", status_code=303)
    return RedirectResponse(f"/ledger/tasks/{task_id}#follow", status_code=303)


@router.get("/api/documents/{doc_id}/follow")
def document_json(request: Request, doc_id: int, user: User = Depends(api_user)) -> dict[str, Any]:
    """Each directive of the document with its later mentions (重申 / 进展 / 完成 / 调整)."""
    try:
        return service.follow_document(request.app.state.store, doc_id).to_json()
    except service.FollowError as e:
        raise HTTPException(404, str(e)) from e


@router.get("/api/tasks/{task_id}/follow")
def task_json(request: Request, task_id: int, user: User = Depends(api_user)) -> dict[str, Any]:
    """The task's directive and its later mentions as suggested progress reports."""
    try:
        return service.follow_task(request.app.state.store, ledger_for(request, user), task_id).to_json()
    except service.FollowError as e:
        raise HTTPException(404, str(e)) from e


class AcceptIn(BaseModel):
    document_id: int
    start: int
    end: int


@router.post("/api/tasks/{task_id}/follow/accept")
def accept_json(
    request: Request, task_id: int, body: AcceptIn, user: User = Depends(api_change)
) -> dict[str, int]:
    """Record a suggested later mention as a progress report; the new report's id."""
    try:
        return {"id": _accept(request, user, task_id, body.document_id, body.start, body.end)}
    except service.FollowError as e:
        raise HTTPException(409, str(e)) from e
    except LedgerError as e:
        raise HTTPException(422, str(e)) from e
