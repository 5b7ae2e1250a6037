"""A title cited by many documents (issue 13 item 10): its page lists a page of the citing
documents, oldest first, says how many there are and pages through the rest, each document on
exactly one page; the JSON answer pages by its own, longer page. On SQLite and PostgreSQL."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from webutil import PASSWORD, login

from luoshi.accounts.service import Accounts
from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.messages import message
from luoshi.services.citations import PAGE_ENTRIES
from luoshi.store import open_store
from luoshi.web.citations import CITING_PAGE

TITLE = "南沙深化面向世界的粤港澳全面合作总体方案"
CITING = 2 * CITING_PAGE + 3  # three pages, the last one short


WORDS = "港口 航运 金融 科技 教育 医疗 住房 交通 物流 会展 海关 口岸 人才 产业 数据 能源 生态 水务 文旅 农业".split()


def _readout(i: int) -> str:
    """A readout of its own (not a reprint of another: each speaks of other matters)."""
    month, day = 1 + i // 28, 1 + i % 28
    pick = random.Random(i)
    matters = "、".join(a + b for a, b in zip(pick.sample(WORDS, 10), pick.sample(WORDS, 10), strict=True))
    return (
        f"南沙区召开第{i + 1}次专题会议\n2024年{month}月{day}日讯 南沙区召开专题会议，学习贯彻《{TITLE}》，"
        f"研究{matters}等{i + 3}项工作。"
    )


@pytest.fixture(scope="module")
def long_site(module_db: str) -> dict[str, Any]:
    store = open_store(module_db)
    # stored newest first, so that the ids do not give the order of the days
    docs = [document_from_text(_readout(i), f"ns-{i:03d}") for i in reversed(range(CITING))]
    with store.transaction() as conn:
        outcomes = store.add_documents(conn, [(doc, extract(doc)) for doc in docs])
    ids = {doc.id: o.document_id for doc, o in zip(docs, outcomes, strict=True)}
    Accounts(store).add("viewer", PASSWORD, "viewer", None)
    return {"db": module_db, "in_order": [ids[f"ns-{i:03d}"] for i in range(CITING)]}


def _listed(html: str) -> list[int]:
    part = html.split('<ol class="timeline citing">', 1)[1].split("</ol>", 1)[0]
    return [int(i) for i in re.findall(r'<li><time>[^<]*</time> <a href="/documents/(\d+)"', part)]


def test_the_title_page_lists_a_page_of_citing_documents_and_pages_through_the_rest(long_site):
    client, _ = login(long_site, "viewer")
    first = client.get("/cited", params={"title": TITLE})  # as a document's page links it
    assert first.status_code == 200 and re.search(r"/cited/\d+$", str(first.url))
    html = first.text
    assert message("cite.shown", first=1, last=CITING_PAGE, total=CITING) in html
    seen: list[int] = []
    pages = 0
    while True:
        pages += 1
        listed = _listed(html)
        assert 0 < len(listed) <= CITING_PAGE
        seen += listed
        found = re.search(r'<a href="(/cited/\d+\?offset=\d+)">' + message("cite.next"), html)
        if not found:
            break
        html = client.get(found.group(1)).text
        assert pages < 10
    assert pages == 3 and seen == long_site["in_order"]  # each once, oldest first
    assert message("cite.shown", first=2 * CITING_PAGE + 1, last=CITING, total=CITING) in html


def test_the_json_answer_pages_by_its_own_page(long_site):
    assert CITING < PAGE_ENTRIES
    client, _ = login(long_site, "viewer")
    title_id = int(str(client.get("/cited", params={"title": TITLE}).url).rsplit("/", 1)[1])
    whole = client.get(f"/api/cited/{title_id}").json()
    assert whole["total"] == CITING and [c["document_id"] for c in whole["citing"]] == long_site["in_order"]
    rest = client.get(f"/api/cited/{title_id}", params={"offset": CITING - 2}).json()
    assert [c["document_id"] for c in rest["citing"]] == long_site["in_order"][-2:]


def test_a_kept_page_of_citing_documents_gives_way_to_a_new_citing_document(db):
    """The page is kept per version of the data: a document stored after it was read shows on
    the next reading, in its place by day."""
    from luoshi.services.citations import cited_page, find_titles

    store = open_store(db)

    def add(i: int) -> int:
        doc = document_from_text(_readout(i), f"kept-{i:03d}")
        with store.transaction() as conn:
            (outcome,) = store.add_documents(conn, [(doc, extract(doc))])
        return outcome.document_id

    first = [add(i) for i in (3, 5, 7)]
    (title,) = find_titles(store, TITLE)
    page = cited_page(store, title.id, limit=10)
    assert page is not None and page.total == 3
    assert [e["document_id"] for e in page.entries] == first
    assert cited_page(store, title.id, limit=10) is not None  # served again: same answer
    newer = add(4)  # a day between the first two
    page = cited_page(store, title.id, limit=10)
    assert page is not None and page.total == 4
    assert [e["document_id"] for e in page.entries] == [first[0], newer, *first[1:]]
