"""/documents as Datasette browses a table: search with filters, totals and pages, sortable
columns, facets with counts, CSV and JSON exports; the ledger's tasks paged and exported."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from webutil import login

from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.store import open_store

READOUTS = {
    f"r{i:02d}": f"{2024 + (i // 3) % 3}年{i % 9 + 1}月{i % 20 + 1}日讯 {city}召开{kind}，研究前海合作区和口岸建设工作。"
    for i, (city, kind) in enumerate(
        [("深圳市政府", "常务会议"), ("天津市委", "常委会会议"), ("珠海市", "推进会")] * 12
    )
}


@pytest.fixture(scope="module")
def browse_site(site: dict[str, Any]) -> dict[str, Any]:
    store = open_store(site["db"])
    with store.transaction() as conn:
        for name, text in READOUTS.items():
            doc = document_from_text(text, name)
            store.add_document(conn, doc, extract(doc))
    return site


def _rows(html: str) -> list[str]:
    return re.findall(r'<td data-label="[^"]+" class="title"><a href="/documents/\d+">([^<]+)</a>', html)


def test_search_shows_the_total_pages_and_facets(browse_site: dict[str, Any]) -> None:
    client, _ = login(browse_site, "viewer")
    page = client.get("/documents", params={"q": "前海"}).text
    total = 37  # the 36 readouts and the site's own
    assert f"第 1–20 条，共 {total} 条" in page and "第 1 / 2 页" in page  # never a silent "20 of 36"
    assert len(_rows(page)) == 20 and 'rel="next"' in page
    second = client.get("/documents", params={"q": "前海", "offset": 20}).text
    assert f"第 21–{total} 条，共 {total} 条" in second and len(_rows(second)) == total - 20
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # facets: each value with its count, a link that adds the filter
    assert re.search(
        r'<a href="/documents\?q=%E5%89%8D%E6%B5%B7&amp;sort=relevance&amp;place=%E6%B7%B1%E5%9C%B3">深圳</a> 12',
        page,
    )


def test_filters_combine_with_the_search(browse_site: dict[str, Any]) -> None:
    client, _ = login(browse_site, "viewer")
    page = client.get("/documents", params={"q": "前海", "place": "深圳", "year": "2024"}).text
    assert "共 4 条" in page and all("深圳" in t for t in _rows(page))
    assert "<b>深圳</b> 4" in page  # the chosen value, with a link that removes it
    narrowed = client.get("/documents", params={"q": "前海", "kind": "推进会", "date_to": "2024-12-31"}).text
    assert "共 4 条" in narrowed and set(_rows(narrowed)) == {"珠海市召开推进会"}
    listing = client.get("/documents", params={"script": "simplified", "sort": "title"}).text
    titles = _rows(listing)
    assert titles == sorted(titles) and "标题 ▲" in listing
    assert "标题 ▼" in client.get("/documents", params={"sort": "-title"}).text
    partial = client.get("/documents", params={"q": "前海", "year": "2025"}, headers={"X-Partial": "1"}).text
    assert partial.startswith('<div id="results"') and "共 12 条" in partial


def test_exports_hold_every_row_of_the_listing(browse_site: dict[str, Any]) -> None:
    client, _ = login(browse_site, "viewer")
    exported = client.get("/documents.csv", params={"q": "前海", "year": "2026"})
    assert exported.headers["content-type"].startswith("text/csv") and exported.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert len(rows) == 13 and {r["year"] for r in rows} == {"2026"} and rows[0]["title"]
    body = client.get("/documents.json", params={"q": "前海"}).json()
    assert body["total"] == len(body["rows"]) == 37 and body["truncated"] is False
    assert body["facets"]["year"][0] == {"value": 2026, "count": 13}
    assert client.get("/documents.xml").status_code == 404
    api = client.get("/api/documents", params={"place": "天津", "limit": 5}).json()
    assert api["total"] == 12 and len(api["rows"]) == 5 and {r["place"] for r in api["rows"]} == {"天津"}
    found = client.get("/api/search", params={"q": "口岸", "kind": "常委会", "sort": "-date"}).json()
    dates = [r["date"] for r in found["rows"]]
    assert found["total"] == 12 and dates == sorted(dates, reverse=True)


def test_the_ledger_pages_and_exports_its_tasks(browse_site: dict[str, Any]) -> None:
    client, _ = login(browse_site, "super")
    page = client.get("/ledger", params={"as_of": "2026-05-28"}).text
    assert "共 9 条" in page
    overdue = client.get("/ledger", params={"as_of": "2026-05-28", "status": "overdue"}).text
    shown = re.findall(
        r'<td data-label="状态"><span><span class="dot \w+"></span>([^<]+)</span></td>', overdue
    )
    assert shown and set(shown) == {"逾期/红灯"}
    exported = client.get("/ledger.csv", params={"as_of": "2026-05-28"})
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert len(rows) == 9 and {"code", "title", "lead_unit", "status", "status_label"} <= set(rows[0])
    body = client.get("/ledger.json", params={"as_of": "2026-05-28", "status": "overdue"}).json()
    assert body["total"] == len(shown) and {r["status"] for r in body["rows"]} == {"overdue"}
