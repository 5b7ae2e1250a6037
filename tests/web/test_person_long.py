"""A person seen in many documents (issue 13 item 10): the person page lists a page of the
documents showing them, oldest first, says how many there are and pages through the rest
(each document on exactly one page); each post lists its first documents with their number,
and its first and last documents are the oldest and the newest whatever is listed. The JSON
answer keeps every document unless asked for a page. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import text
from webutil import PASSWORD, login

from luoshi.accounts.service import Accounts
from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.messages import message
from luoshi.services import people
from luoshi.store import open_store
from luoshi.store.people import PEOPLE_LOCK
from luoshi.web.people import APPEARANCES, EVIDENCE

NAME = "覃建国"
MEETINGS = 2 * APPEARANCES + 7  # three pages of documents, the last one short


def _readout(i: int) -> tuple[str, str]:
    month, day = 1 + i // 28, 1 + i % 28
    text = (
        f"深圳市委常委会召开第{i + 1}次会议\n\n2023年{month}月{day}日，深圳市委常委会召开会议，"
        f"研究第{i + 1}批重点项目。市委书记{NAME}主持会议并讲话。"
    )
    return f"sz-{i:03d}", text


@pytest.fixture(scope="module")
def long_site(module_db: str) -> dict[str, Any]:
    store = open_store(module_db)
    # stored newest first, so that the ids do not give the order of the days
    docs = [document_from_text(text, name) for name, text in reversed([_readout(i) for i in range(MEETINGS)])]
    with store.transaction() as conn:
        outcomes = store.add_documents(conn, [(doc, extract(doc)) for doc in docs])
    ids = {doc.id: o.document_id for doc, o in zip(docs, outcomes, strict=True)}
    Accounts(store).add("viewer", PASSWORD, "viewer", None)
    in_order = [ids[f"sz-{i:03d}"] for i in range(MEETINGS)]  # oldest first
    return {"db": module_db, "in_order": in_order}


def _listed(html: str) -> list[int]:
    """The documents listed under "出现的文件" on a person page."""
    part = html.split("<h3 id=", 1)[1]
    return [int(i) for i in re.findall(r'<li><time>[^<]*</time> <a href="/documents/(\d+)"', part)]


def test_the_person_page_lists_a_page_of_documents_and_pages_through_the_rest(long_site):
    client, _ = login(long_site, "viewer")
    first = client.get(f"/people/{quote(NAME)}")
    assert first.status_code == 200
    html = first.text
    assert re.search(rf"{message('people.appearances', lang='zh')} \({MEETINGS}\)", html)
    assert message("people.appearances_shown", total=MEETINGS, first=1, last=APPEARANCES) in html
    seen: list[int] = []
    pages = 0
    while True:
        pages += 1
        listed = _listed(html)
        assert 0 < len(listed) <= APPEARANCES
        seen += listed
        found = re.search(r'<a rel="next" href="(\?[^"]*)#a\d+"', html)
        if not found:
            break
        html = client.get(f"/people/{quote(NAME)}" + found.group(1).replace("&amp;", "&")).text
        assert pages < 10
    assert pages == 3 and seen == long_site["in_order"]  # each once, oldest first
    assert (
        message("people.appearances_shown", total=MEETINGS, first=2 * APPEARANCES + 1, last=MEETINGS) in html
    )
    assert '<a rel="prev"' in html


def test_each_post_lists_its_first_documents_and_names_the_first_and_last(long_site):
    client, _ = login(long_site, "viewer")
    html = client.get(f"/people/{quote(NAME)}").text
    order = long_site["in_order"]
    assert html.count('<b class="post-name">') == 1  # 深圳市委书记
    evidence = html.split("<details>", 1)[1].split("</details>", 1)[0]
    assert f"({MEETINGS})</summary>" in evidence
    assert message("people.evidence_shown", total=MEETINGS, shown=EVIDENCE) in evidence
    assert [int(i) for i in re.findall(r'href="/documents/(\d+)"', evidence)] == order[:EVIDENCE]
    assert re.search(rf'首见文件：<a href="/documents/{order[0]}">', html)
    assert re.search(rf'末见文件：<a href="/documents/{order[-1]}">', html)


def test_the_json_answer_has_every_document_unless_asked_for_a_page(long_site):
    client, _ = login(long_site, "viewer")
    (whole,) = client.get(f"/api/people/{quote(NAME)}").json()["people"]
    assert [a["document_id"] for a in whole["appearances"]] == long_site["in_order"]
    assert whole["appearances_total"] == MEETINGS and whole["posts"][0]["evidence_total"] == MEETINGS
    assert len(whole["posts"][0]["evidence"]) == MEETINGS
    (part,) = client.get(
        f"/api/people/{quote(NAME)}", params={"limit": 4, "person": whole["id"], "offset": 5}
    ).json()["people"]
    assert [a["document_id"] for a in part["appearances"]] == long_site["in_order"][5:9]
    assert part["appearances_total"] == MEETINGS and part["appearances_offset"] == 5


def test_the_service_pages_each_person_from_its_own_offset(long_site):
    store = open_store(long_site["db"])
    (p,) = people.person(store, NAME)["people"]
    (again,) = people.person(store, NAME, limit=3, offsets={p["id"]: MEETINGS - 2}, evidence=2)["people"]
    assert [a["document_id"] for a in again["appearances"]] == long_site["in_order"][-2:]
    assert len(again["posts"][0]["evidence"]) == 2 and again["posts"][0]["evidence_total"] == MEETINGS
    assert again["posts"][0]["last_document"]["id"] == long_site["in_order"][-1]
    (other,) = people.person(store, NAME, limit=3, offsets={p["id"] + 10_000: 5})["people"]
    assert [a["document_id"] for a in other["appearances"]] == long_site["in_order"][:3]


# -- the page kept per version of the people -------------------------------------------------

TWO = {  # one name, two persons (two cities at once), as in people_texts
    "hz": "杭州市召开重点项目推进会\n\n2022年6月10日，杭州市召开重点项目推进会。市长邓兆麟主持会议，"
    "市发展改革委主任张立新通报项目进展情况。",
    "sz": "深圳市政府常务会议召开\n\n2022年6月12日，深圳市政府常务会议召开。市长周正清主持会议，"
    "副市长张立新出席会议。",
}


def _add(store: Any, texts: dict[str, str]) -> None:
    docs = [document_from_text(text, name) for name, text in texts.items()]
    with store.transaction() as conn:
        store.add_documents(conn, [(doc, extract(doc)) for doc in docs])


def test_a_merge_shows_at_once_on_a_kept_page(long_site):
    store = open_store(long_site["db"])
    _add(store, TWO)
    client, _ = login(long_site, "viewer")
    url = f"/people/{quote('张立新')}"
    first = client.get(url).text
    assert "同名人物2人" in first and client.get(url).text == first  # kept
    a, b = (p["id"] for p in people.person(store, "张立新")["people"])
    people.merge(store, a, b, actor="test")
    after = client.get(url).text
    assert "同名人物" not in after and after.count('<section class="career"') == 1


def test_a_rebuild_changes_the_version_the_pages_are_kept_by(long_site):
    store = open_store(long_site["db"])
    before = people.version(store)
    assert before is not None and people.version(store) == before
    people.rebuild(store)
    assert people.version(store) not in (None, before)


def test_a_page_answered_while_documents_wait_to_be_clustered_is_not_kept(long_site):
    if not long_site["db"].startswith("postgresql"):
        pytest.skip(
            "another process holding the clustering lock is PostgreSQL's case (SQLite's writers wait)"
        )
    store = open_store(long_site["db"])
    client, _ = login(long_site, "viewer")
    url = f"/people/{quote('陆知远')}"
    assert "没有名为“陆知远”的人物" in client.get(url).text  # kept: nothing waits
    with store.engine.connect() as holder, holder.begin():  # another process clustering people
        holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PEOPLE_LOCK})
        _add(
            store,
            {
                "lu": "深圳市委常委会召开会议\n\n2024年2月1日，深圳市委常委会召开会议。市委书记陆知远主持会议。"
            },
        )
        assert people.version(store) is None
        assert "没有名为“陆知远”的人物" in client.get(url).text  # not clustered yet, and not kept
    assert "<h1>陆知远</h1>" in client.get(url).text and "没有名为" not in client.get(url).text
