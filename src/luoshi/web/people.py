"""People as careers: the index (/people), every person of a name with their posts in date
order (/people/{name}), the same as JSON (/api/people, /api/people/{name}), and the line on a
task's page naming who now holds the post of the task's leader. Thin over
``luoshi.services.people``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from luoshi.accounts.service import User
from luoshi.services import people as service
from luoshi.store.cache import VersionedCache
from luoshi.text import to_simplified
from luoshi.web.deps import api_user, language, page_user
from luoshi.web.i18n import translator
from luoshi.web.pages import render

router = APIRouter()
PAGE = 50
APPEARANCES = 20  # documents showing a person, listed on the page at a time
EVIDENCE = 5  # documents listed under each post (all of them are among the appearances)


@router.get("/api/people")
def people_json(
    request: Request,
    q: str = "",
    limit: int = Query(PAGE, ge=1, le=500),
    offset: int = Query(0, ge=0),
    user: User = Depends(api_user),
) -> dict[str, Any]:
    """One page of people (the most documented first) with the total."""
    return service.index(request.app.state.store, limit=limit, offset=offset, query=q or None)


@router.get("/api/people/{name}")
def person_json(
    request: Request,
    name: str,
    limit: int | None = Query(None, ge=1, le=5000),
    person: int | None = None,
    offset: int = Query(0, ge=0),
    user: User = Depends(api_user),
) -> dict[str, Any]:
    """Every person of the name with their posts in date order and the documents showing each;
    each person's documents all, or ``limit`` of them (from ``offset`` for ``person``)."""
    offsets = {person: offset} if person is not None else {}
    return service.person(request.app.state.store, name, limit=limit, offsets=offsets)


@router.get("/people")
def people_page(
    request: Request, q: str = "", offset: int = Query(0, ge=0), user: User = Depends(page_user)
) -> HTMLResponse:
    page = service.index(request.app.state.store, limit=PAGE, offset=offset, query=q or None)
    return render(request, "people.html", user, page=page, q=q)


@router.get("/people/{name}")
def person_page(
    request: Request,
    name: str,
    person: int | None = None,
    offset: int = Query(0, ge=0),
    user: User = Depends(page_user),
) -> HTMLResponse:
    """A name's persons: each one's posts (with the first ``EVIDENCE`` documents of each) and a
    page of the documents showing them (``offset`` for ``person``; the others' first page)."""
    store = request.app.state.store
    offsets = {person: offset} if person is not None else {}
    lang = language(request)

    def compute() -> tuple[str, Markup]:
        found = service.person(store, name, limit=APPEARANCES, offsets=offsets, evidence=EVIDENCE)
        part = request.app.state.templates.get_template("_person.html")
        return found["name"], Markup(part.render(found=found, t=translator(lang), size=APPEARANCES))

    # The same page for everyone until the people change (``service.version``); never kept
    # while documents wait to be clustered.
    version = service.version(store)
    key = (to_simplified(name.strip()), person if offsets else None, offset if offsets else 0, lang)
    shown, body = compute() if version is None else request.app.state.people_cache.get(key, version, compute)
    return render(request, "person.html", user, person_name=shown, body=body)


def leader_successor(request: Request, task: dict[str, Any]) -> str:
    """ "该职务（深圳市市长）现由某某担任" for the task page, or "" (``web.tasks.task_parts``)."""
    found = service.task_successor(request.app.state.store, task)
    if not found:
        return ""
    t = translator(request.cookies.get("lang", "zh"))
    after = found["successor"]
    line = t("people.succession").format(post=found["post"], name=after["name"])
    return f"{line}（{t('people.succession_seen').format(first=after['first_seen'])}）"


def install(app: FastAPI) -> None:
    """Add the routes to ``app``."""
    app.include_router(router)
    app.state.people_cache = VersionedCache(256)  # person pages' main parts, per version of the people
