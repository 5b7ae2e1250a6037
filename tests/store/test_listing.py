"""Browsing documents: filters on indexed columns combined with a search, totals, pages, sorts and
facets — the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from backends import query

from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.store import open_store
from luoshi.store.listing import DocumentFilters, facet_values
from luoshi.store.migrate import upgrade

# Fictional readouts: region, meeting kind, year and script vary; 前海 is in some of them.
READOUTS = {
    "sz-2025": "2025年3月2日讯 深圳市委召开常委会会议，部署推进前海合作区建设，要求市发展改革委牵头落实。",
    "sz-2026": "2026年4月8日讯 深圳市政府召开常务会议，研究前海合作区营商环境改革工作。",
    "tj-2026": "2026年5月9日讯 天津市政府召开常务会议，研究滨海新区口岸建设工作。",
    "zh-2026-trad": "2026年6月1日訊 珠海市召開推進會，部署橫琴粵澳深度合作區建設，前海經驗值得借鑒。",
    "dg-2024": "2024年7月3日讯 东莞市召开专题会议，研究滨海湾新区规划工作。",
}


@pytest.fixture(scope="module")
def store(module_db: str):
    store = open_store(module_db)
    with store.transaction() as conn:
        for name, text in READOUTS.items():
            doc = document_from_text(text, name)
            store.add_document(conn, doc, extract(doc))
    return store


def names(rows: list[dict[str, Any]]) -> set[str]:
    return {r["name"] for r in rows}


def test_the_facet_columns_are_filled_at_ingest(store) -> None:
    every = store.browse(DocumentFilters(), limit=50).rows
    by_name = {r["name"]: r for r in every}
    assert by_name["sz-2025"]["year"] == 2025 and by_name["sz-2025"]["place"] == "深圳"
    assert by_name["tj-2026"]["kind"] == "常务会议" and by_name["tj-2026"]["place"] == "天津"
    assert by_name["zh-2026-trad"]["script"] == "traditional"


def test_filters_narrow_and_combine_with_a_search(store) -> None:
    assert names(store.browse(DocumentFilters(year="2026")).rows) == {"sz-2026", "tj-2026", "zh-2026-trad"}
    assert names(store.browse(DocumentFilters(place="深圳")).rows) == {"sz-2025", "sz-2026"}
    assert names(store.browse(DocumentFilters(kind="常務會議")).rows) == {
        "sz-2026",
        "tj-2026",
    }  # either script
    assert names(store.browse(DocumentFilters(script="traditional")).rows) == {"zh-2026-trad"}
    assert names(store.browse(DocumentFilters(date_from="2026-04-01", date_to="2026-05-31")).rows) == {
        "sz-2026",
        "tj-2026",
    }
    found = store.browse(DocumentFilters(q="前海", year="2026"))
    assert names(found.rows) == {"sz-2026", "zh-2026-trad"} and found.total == 2 and found.sort == "relevance"
    assert all("【前海】" in r["snippet"] for r in found.rows)
    assert store.browse(DocumentFilters(q="前海", place="天津")).total == 0
    # the ranked search API gives the same documents as the listing
    hits = store.search("前海", limit=10, filters=DocumentFilters(year="2026"))
    assert {h.name for h in hits} == {"sz-2026", "zh-2026-trad"}


def test_totals_pages_and_sorts(store) -> None:
    first = store.browse(DocumentFilters(), sort="date", limit=2)
    second = store.browse(DocumentFilters(), sort="date", limit=2, offset=2)
    assert first.total == second.total == len(READOUTS)
    assert [r["name"] for r in first.rows + second.rows] == ["dg-2024", "sz-2025", "sz-2026", "tj-2026"]
    newest = store.browse(DocumentFilters(), limit=1).rows[0]
    assert newest["name"] == "zh-2026-trad"  # newest first by default
    by_place = [r["place"] for r in store.browse(DocumentFilters(), sort="-place").rows]
    assert by_place == sorted(by_place, reverse=True)
    searched = store.browse(DocumentFilters(q="前海"), sort="-date", limit=2)
    assert searched.total == 3 and [r["name"] for r in searched.rows] == ["zh-2026-trad", "sz-2026"]
    assert (
        store.browse(DocumentFilters(q="前海"), sort="-date", limit=2, offset=2).rows[0]["name"] == "sz-2025"
    )
    assert store.browse(DocumentFilters(), sort="nonsense").sort == "-date"


def test_the_count_of_a_search_is_the_total_of_its_listing(store) -> None:
    """``luoshi search`` prints ``count_documents`` above its hits (not a ranked page's total)."""
    cases = [
        DocumentFilters(),
        DocumentFilters(q="前海"),
        DocumentFilters(q="前海", year="2026"),
        DocumentFilters(q="前海 深圳"),
        DocumentFilters(q="前海", place="天津"),
        DocumentFilters(q="滨海", kind="常务会议"),
        DocumentFilters(place="深圳"),
        DocumentFilters(date_from="2026-04-01", script="simplified"),
        DocumentFilters(q="没有的词"),
    ]
    counts = [store.count_documents(f) for f in cases]
    assert counts == [store.browse(f, use_cache=False).total for f in cases]
    assert counts[:3] == [5, 3, 2] and counts[-1] == 0


def test_facets_count_the_filtered_documents(store) -> None:
    facets = store.browse(DocumentFilters()).facets
    assert dict(facets["year"]) == {2026: 3, 2025: 1, 2024: 1}
    assert facets["year"][0] == (2026, 3)  # the most frequent first
    assert dict(facets["script"]) == {"simplified": 4, "traditional": 1}
    narrowed = store.browse(DocumentFilters(q="前海")).facets
    assert dict(narrowed["place"]) == {"深圳": 2, "珠海": 1}
    assert store.browse(DocumentFilters(q="前海")).to_json()["facets"]["place"][0] == {
        "value": "深圳",
        "count": 2,
    }


def test_facet_values_rule() -> None:
    facts = {
        "meetings": [{"kind": None}, {"kind": "常务会议", "place": "政府总部"}],
        "places": [{"name": "前海合作区", "kind": "zone"}, {"name": "深圳", "kind": "admin"}],
    }
    assert facet_values(facts, None, "2026-01-02") == {
        "year": 2026,
        "place": "深圳",
        "meeting_kind": "常务会议",
    }
    assert (
        facet_values({"meetings": [{"kind": "会议", "place": "政府总部"}]}, "2025-12-31", None)["place"]
        == "政府总部"
    )
    assert facet_values(None, None, None) == {"year": None, "place": None, "meeting_kind": None}


def test_migration_fills_the_columns_of_stored_documents(db_path: str) -> None:
    store = open_store(db_path, migrate=False)
    upgrade(store.engine, "0010")
    with store.transaction() as conn:
        for name in ("sz-2025", "tj-2026"):
            doc = document_from_text(READOUTS[name], name)
            store.add_document(conn, doc, extract(doc))
    assert "year" not in json.dumps(query(db_path, "SELECT sql FROM sqlite_master WHERE name = 'documents'"))
    open_store(db_path)  # migrates to head
    rows = query(db_path, "SELECT name, year, place, meeting_kind FROM documents ORDER BY name")
    assert rows == [("sz-2025", 2025, "深圳", "常委会"), ("tj-2026", 2026, "天津", "常务会议")]
    indexes = {r[0] for r in query(db_path, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {
        "ix_documents_year",
        "ix_documents_place",
        "ix_documents_meeting_kind",
        "ix_documents_script",
    } <= indexes
