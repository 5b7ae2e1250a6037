"""The API's answers are typed (``luoshi.web.schemas``): the OpenAPI description names a model
for every JSON route of ``luoshi.web.api``, and every key each route answers is a declared field
of its model, nested models included (a model keeps an undeclared key rather than drop it, so
this is what keeps the description complete)."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter
from webutil import PASSWORD, READOUT, login

from luoshi.demo.ledger_sheet import write_example_sheet
from luoshi.web import api, schemas


def undeclared(value: Any, where: str = "") -> list[str]:
    """The keys of ``value`` (a model, or lists and dicts of them) that no model declares."""
    if isinstance(value, BaseModel):
        out = [f"{where}.{key}" for key in value.model_extra or {}]
        for name in type(value).model_fields:
            out += undeclared(getattr(value, name), f"{where}.{name}")
        return out
    if isinstance(value, list):
        return [x for i, item in enumerate(value) for x in undeclared(item, f"{where}[{i}]")]
    if isinstance(value, dict):
        return [x for k, item in value.items() for x in undeclared(item, f"{where}.{k}")]
    return []


def _check(answer: Any, model: Any) -> Any:
    """``answer`` read as ``model``: nothing undeclared, and written back unchanged."""
    adapter = TypeAdapter(model)
    typed = adapter.validate_python(answer)
    assert undeclared(typed) == [], undeclared(typed)
    assert adapter.dump_python(typed, mode="json") == answer
    return typed


def test_the_openapi_description_names_a_model_for_every_json_route(site):
    client, _ = login(site, "viewer")
    paths = client.get("/openapi.json").json()["paths"]
    every = [r for r in api.router.routes if isinstance(r, APIRoute)]
    assert len(every) == len(api.router.routes)
    routes = [r for r in every if r.path != "/api/ledger/export.xlsx"]
    assert len(routes) >= 9
    for route in routes:
        assert route.methods, route.path
        for method in route.methods:
            answer = paths[route.path][method.lower()]["responses"]["200"]["content"]["application/json"]
            schema = answer["schema"]
            ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
            assert ref and ref.rsplit("/", 1)[1] in vars(schemas), (route.path, schema)


def test_every_key_answered_is_declared(site, tmp_path):
    client, csrf = login(site, "admin")
    changes = {"X-CSRF-Token": csrf}
    # A reprint of the site's readout, so that the document has a story.
    copy = ("转载自某网\n" + READOUT + "（完）").encode()
    files = [("files", ("copy.txt", copy)), ("files", ("copy.txt", b"")), ("files", ("x.png", b"\x89PNG"))]
    uploaded = _check(client.post("/api/documents", files=files, headers=changes).json(), schemas.UploadOut)
    assert uploaded.added and uploaded.rejected and uploaded.renamed
    doc = _check(client.get(f"/api/documents/{site['doc_id']}").json(), schemas.DocumentOut)
    assert doc.story and doc.story.size == 2 and doc.facts
    _check(client.get("/api/me").json(), schemas.Session)
    tasks = _check(client.get("/api/tasks", params={"as_of": "2026-05-01"}).json(), list[schemas.TaskOut])
    assert tasks
    report = _check(client.get("/api/report", params={"as_of": "2026-05-28"}).json(), schemas.ReportOut)
    assert report.units and report.completion_over_time and (report.overdue or report.at_risk)
    sheet = write_example_sheet(tmp_path / "台账.xlsx").read_bytes()
    imported = client.post(
        "/api/ledger/import",
        files={"file": ("台账.xlsx", sheet)},
        params={"programme": "另一台账"},
        headers=changes,
    )
    assert _check(imported.json(), schemas.ImportOut).imported
    again = {"old": PASSWORD, "new": PASSWORD}
    _check(client.post("/api/password", json=again, headers=changes).json(), schemas.Done)
    _check(client.post("/api/logout", headers=changes).json(), schemas.Done)
    _check(client.post("/api/login", json={"name": "admin", "password": PASSWORD}).json(), schemas.Session)


def test_an_undeclared_key_is_found():
    """The check above cannot pass by finding nothing: a key no model declares is named."""
    typed = TypeAdapter(schemas.Story).validate_python(
        {
            "id": 1,
            "canonical": 1,
            "size": 1,
            "extra": 0,
            "documents": [
                {
                    "id": 1,
                    "title": None,
                    "published": None,
                    "source_site": None,
                    "source_url": None,
                    "canonical": True,
                    "new": 1,
                }
            ],
        }
    )
    assert undeclared(typed) == [".extra", ".documents[0].new"]
