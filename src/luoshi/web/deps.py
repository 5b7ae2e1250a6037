"""Request dependencies: services, the logged-in user, CSRF for changes, role checks."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Depends, HTTPException, Request, UploadFile

from luoshi.accounts.service import ROLES, Accounts, User
from luoshi.ingest.filenames import upload_name
from luoshi.ledger.report import Report, build_report
from luoshi.ledger.service import Ledger
from luoshi.ledger.status import PRESETS, StatusRules
from luoshi.messages import message, message_in
from luoshi.pipeline import ingest_paths
from luoshi.store import Store
from luoshi.store.cache import VersionedCache
from luoshi.web.security import CSRF_HEADER, check_csrf, current

T = TypeVar("T")


def request_folder(kind: str) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for one request, removed when the ``with`` block ends however it ends.
    Its name carries this process's id, so that a server killed mid-request has its folder
    removed by the next server (``remove_orphaned_folders``)."""
    return tempfile.TemporaryDirectory(prefix=f"luoshi-{kind}-{os.getpid()}-")


_ORPHAN = re.compile(r"luoshi-(?:upload|import|export)-(\d+)-")


def remove_orphaned_folders() -> int:
    """Remove the request folders of luoshi processes that no longer run (killed servers)."""
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob("luoshi-*-*-*"):
        m = _ORPHAN.match(folder.name)
        if not m or not folder.is_dir():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # still running (or not ours to signal): keep
        except ProcessLookupError:
            pass
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``stem (2).ext``, ``stem (3).ext``… when an earlier part of the upload has it."""
    stem, dot, suffix = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
    n = 2
    while name in taken:
        name = f"{stem} ({n}){dot}{suffix}"
        n += 1
    taken.add(name)
    return name


def _shown_name(raw: str | None) -> str:
    return (raw or "").replace("\x00", "\\0")[:1000]  # as shown in reports (names have no length limit)


def ingest_uploads(store: Store, files: list[UploadFile], lang: str = "zh") -> dict[str, list[Any]]:
    """Ingest uploaded files like `luoshi ingest`; every file is added, known, or rejected with
    its reason (a name that cannot be stored too; the other parts are kept). Same names in one
    upload are stored under distinct names, each renaming reported. The temporary folder is
    removed whatever happens. Reasons are in ``lang`` (zh or en)."""
    refused: list[dict[str, str]] = []
    notes: list[dict[str, str]] = []
    with request_folder("upload") as tmp:
        paths: list[Path] = []
        taken: set[str] = set()
        for i, f in enumerate(files):
            name, key, params = upload_name(f.filename, i)
            if name is None:
                refused.append(
                    {"file": _shown_name(f.filename), "reason": message_in(lang, key or "", params)}
                )
                continue
            stored = _unique(name, taken)
            if stored != name:
                key, params = "upload_name_renamed", {"name": stored}
            if key:
                notes.append(
                    {
                        "file": _shown_name(f.filename),
                        "stored_as": stored,
                        "note": message_in(lang, key, params),
                    }
                )
            path = Path(tmp) / stored
            try:
                with path.open("xb") as out:
                    shutil.copyfileobj(f.file, out, 1 << 20)
            except OSError as e:
                path.unlink(missing_ok=True)
                refused.append(
                    {
                        "file": _shown_name(f.filename),
                        "reason": message_in(lang, "upload_unreadable", {"error": type(e).__name__}),
                    }
                )
                continue
            paths.append(path)
        if refused:
            with store.transaction() as conn:
                for r in refused:
                    store.add_rejection(conn, r["file"], r["reason"])
        report = ingest_paths(store, paths) if paths else None

    def shown(key: str) -> str:  # the file name, and the record number inside a JSON Lines file
        path, _, record = str(key).partition("#")
        return Path(path).name + (f"#{record}" if record else "")

    if report is None:
        return {"added": [], "duplicates": [], "rejected": refused, "renamed": notes}
    return {
        "added": [shown(k) for k in report.added],
        "duplicates": [shown(k) for k, _ in report.duplicates],
        "rejected": refused + [{"file": shown(r.key), "reason": r.reason} for r in report.rejected],
        "renamed": notes,
    }


class LoginRequired(Exception):
    """Raised by page routes; answered with a redirect to the login page."""


def store(request: Request) -> Store:
    opened: Store = request.app.state.store
    return opened


def accounts(request: Request) -> Accounts:
    service: Accounts = request.app.state.accounts
    return service


def api_user(request: Request) -> User:
    found = current(request)
    if found is None:
        raise HTTPException(401, message("error_401"))
    request.state.csrf = found[1]
    return found[0]


def api_change(request: Request, user: User = Depends(api_user)) -> User:
    """A state-changing API call: logged in, with the session's CSRF token in the header."""
    check_csrf(request.state.csrf, request.headers.get(CSRF_HEADER))
    if user.role == "viewer":
        raise HTTPException(403, message("web.viewer_read_only"))
    return user


def supervisor(user: User = Depends(api_change)) -> User:
    if not user.can_supervise:
        raise HTTPException(403, message("web.supervisors_only"))
    return user


def may_read_report(user: User) -> User:
    """Who sees the 督查通报: every role, read-only (the dashboard shows its figures to everyone)."""
    if user.role not in ROLES:
        raise HTTPException(403, message("web.no_report_role"))
    return user


def page_user(request: Request) -> User:
    found = current(request)
    if found is None:
        raise LoginRequired()
    request.state.csrf = found[1]
    return found[0]


def ledger_for(request: Request, user: User) -> Ledger:
    return Ledger(request.app.state.store, actor=user.name)


def ledger_report(
    request: Request, user: User, day: date, programme: str | None = None, rules: StatusRules | None = None
) -> Report:
    """The 督查通报 as of ``day``: built once per version of the data (the newest document and
    audit entry), as-of day, programme, rules and language, and shared by every client and page
    that shows it (the dashboard, /report, its downloads)."""
    rules = rules or PRESETS["supervision-office"]
    cache: VersionedCache[Report] = request.app.state.report_cache
    return cache.get(
        ("report", day, programme, rules, language(request)),
        request.app.state.store.data_version(),
        lambda: build_report(ledger_for(request, user), day, programme, rules),
    )


def office_figures(request: Request, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """What ``compute`` gives for ``key``, once per version of the data and language."""
    cache: VersionedCache[Any] = request.app.state.office_cache
    found: T = cache.get((*key, language(request)), request.app.state.store.data_version(), compute)
    return found


def language(request: Request) -> str:
    """The user's language: the ``lang`` cookie (zh unless en)."""
    return "en" if request.cookies.get("lang") == "en" else "zh"


def rules_preset(name: str | None) -> StatusRules:
    """A status rules preset by name (the default one when none is given)."""
    if name and name not in PRESETS:
        raise HTTPException(422, message("rules.unknown", name=name, presets="、".join(PRESETS)))
    return PRESETS[name or "supervision-office"]


def parse_day(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise HTTPException(422, message("office.bad_date", value=value)) from e
