"""Request dependencies: services, the logged-in user, CSRF for changes, role checks."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Depends, HTTPException, Request, UploadFile

from luoshi.accounts.service import Accounts, User
from luoshi.ledger.service import Ledger
from luoshi.pipeline import ingest_paths
from luoshi.store import Store
from luoshi.web.security import CSRF_HEADER, check_csrf, current


def ingest_uploads(store: Store, files: list[UploadFile]) -> dict[str, list[Any]]:
    """Ingest uploaded files like `luoshi ingest`; every file is added, known, or rejected."""
    with tempfile.TemporaryDirectory() as tmp:
        for i, f in enumerate(files):
            (Path(tmp) / Path(f.filename or f"upload-{i}.txt").name).write_bytes(f.file.read())
        report = ingest_paths(store, [tmp])

    def shown(key: str) -> str:  # the file name, and the record number inside a JSON Lines file
        path, _, record = str(key).partition("#")
        return Path(path).name + (f"#{record}" if record else "")

    return {"added": [shown(k) for k in report.added], "duplicates": [shown(k) for k, _ in report.duplicates],
            "rejected": [{"file": shown(r.key), "reason": r.reason} for r in report.rejected]}  # fmt: skip


class LoginRequired(Exception):
    """Raised by page routes; answered with a redirect to the login page."""


def store(request: Request) -> Store:
    return request.app.state.store


def accounts(request: Request) -> Accounts:
    return request.app.state.accounts


def api_user(request: Request) -> User:
    found = current(request)
    if found is None:
        raise HTTPException(401, "log in first")
    request.state.csrf = found[1]
    return found[0]


def api_change(request: Request, user: User = Depends(api_user)) -> User:
    """A state-changing API call: logged in, with the session's CSRF token in the header."""
    check_csrf(request.state.csrf, request.headers.get(CSRF_HEADER))
    if user.role == "viewer":
        raise HTTPException(403, "viewers cannot change anything")
    return user


def supervisor(user: User = Depends(api_change)) -> User:
    if not user.can_supervise:
        raise HTTPException(403, "only supervisors and admins may do this")
    return user


def page_user(request: Request) -> User:
    found = current(request)
    if found is None:
        raise LoginRequired()
    request.state.csrf = found[1]
    return found[0]


def ledger_for(request: Request, user: User) -> Ledger:
    return Ledger(request.app.state.store, actor=user.name)


def parse_day(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise HTTPException(422, f"{value!r} is not a date YYYY-MM-DD") from e
