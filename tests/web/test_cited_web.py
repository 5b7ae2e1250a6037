"""The cited documents' index, pages and graph, and the outcomes page, in the browser's terms
(the app's test client) on both backends; the same as JSON."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from webutil import PASSWORD

from luoshi.accounts.service import Accounts
from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.services import citations
from luoshi.store import open_store
from luoshi.store.schema import CitedTitleRow
from luoshi.text import to_traditional
from luoshi.web import create_app

FULL = "全面深化前海深港现代服务业合作区改革开放方案"
TEXTS = [
    "前海合作区召开改革推进会\n2025年3月10日讯 3月9日，前海合作区党工委召开会议，深入学习贯彻"
    "《全面深化前海深港现代服务业合作区改革开放方案》（以下简称《前海方案》）。"
    "会议指出，前海累计推出制度创新成果765项，其中65项在全国复制推广。",
    "深圳市召开专题会议\n2025年6月3日讯 6月2日，深圳市召开专题会议，研究落实《前海方案》和"
    "《横琴粤澳深度合作区建设总体方案》。",
    to_traditional(
        "横琴合作区执委会召开会议\n2025年9月1日讯 8月31日，横琴粤澳深度合作区执委会召开会议，学习"
        "〈横琴粤澳深度合作区建设总体方案〉和「全面深化前海深港现代服务业合作区改革开放方案」，"
        "通报合作区推出“澳门新街坊”等12项一事三地民生事项。"
    ),
    "某区召开会议\n2025年10月8日讯 10月7日，某区召开会议，学习《关于修改〈前海合作区条例〉的决定》"
    "，审议《横琴粤澳深度合作区鼓励类产业目录（2023年版）》和《横琴粤澳深度合作区建设总体方案》<b>&amp;。",
]
# Words that a Chinese page may show in Latin letters: the language switch, a format, roles.
ALLOWED = {"English", "JSON", "viewer"}


@pytest.fixture(scope="module")
def site(module_db: str) -> dict[str, Any]:
    store = open_store(module_db)
    docs = [document_from_text(t, f"c{i}") for i, t in enumerate(TEXTS)]
    with store.transaction() as conn:
        ids = [o.document_id for o in store.add_documents(conn, [(d, extract(d)) for d in docs])]
    Accounts(store).add("viewer", PASSWORD, "viewer", None)
    client = TestClient(create_app(module_db))
    assert client.post("/api/login", json={"name": "viewer", "password": PASSWORD}).status_code == 200
    titles = {t["title"]: t for t in client.get("/api/cited").json()["titles"]}
    return {"client": client, "ids": ids, "titles": titles}


def _words(page: str) -> set[str]:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", body)
    return set(re.findall(r"[A-Za-z]{2,}", visible)) - ALLOWED


def test_everything_needs_a_login(site):
    anonymous = TestClient(site["client"].app)
    for path in ("/api/cited", "/api/cited/graph", "/api/cited/1", "/api/outcomes"):
        assert anonymous.get(path).status_code == 401, path
    for path in ("/cited", "/cited/graph", "/cited/1", "/outcomes"):
        assert anonymous.get(path, follow_redirects=False).headers["location"].startswith("/login"), path


def test_the_index_counts_and_searches_in_either_script(site):
    client = site["client"]
    listed = client.get("/api/cited").json()
    assert listed["total"] == 5  # with 前海合作区条例, cited inside the title of the decision amending it
    assert [(t["title"], t["documents"]) for t in listed["titles"]][:2] == [
        ("横琴粤澳深度合作区建设总体方案", 3),
        (FULL, 3),
    ]
    assert listed["titles"][1]["short_forms"] == ["前海方案"]
    assert [t["title"] for t in client.get("/api/cited", params={"q": "前海方案"}).json()["titles"]] == [FULL]
    page = client.get("/cited", params={"q": "橫琴"})  # traditional
    assert page.status_code == 200
    assert (
        "横琴粤澳深度合作区建设总体方案" in page.text
        and "横琴粤澳深度合作区鼓励类产业目录（2023年版）" in page.text
    )
    assert FULL not in page.text
    index = client.get("/cited").text
    assert "共5份被引用的文件" in index and f'href="/cited/{site["titles"][FULL]["id"]}"' in index
    assert not _words(index)


def test_reader_links_by_title_reach_the_page(site):
    client = site["client"]
    own = site["titles"][FULL]["id"]
    for title in ("前海方案", FULL, to_traditional(FULL)):
        response = client.get(f"/cited?title={quote(title)}", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"/cited/{own}", title
    # the reader's own link, for a title with "&" and "<" (escaped, encoded)
    response = client.get(
        "/cited", params={"title": "横琴粤澳深度合作区建设总体方案"}, follow_redirects=False
    )
    assert response.headers["location"] == f"/cited/{site['titles']['横琴粤澳深度合作区建设总体方案']['id']}"
    unknown = client.get("/cited", params={"title": "<script>没有这份文件"})
    assert (
        unknown.status_code == 200
        and "<script>没有" not in unknown.text
        and "没有被引用的文件" in unknown.text
    )


def test_a_title_page_lists_who_cited_it_when_with_the_sentence(site):
    client = site["client"]
    own = site["titles"][FULL]["id"]
    page = client.get(f"/cited/{own}").text
    assert page.index("2025-03-09") < page.index("2025-06-02") < page.index("2025-08-31")
    assert "<mark>《前海方案》</mark>" in page  # the short form in the second readout
    assert "<mark>「全面深化前海深港現代服務業合作區改革開放方案」</mark>" in page  # in its own script
    assert "简称：前海方案" in page and not _words(page)
    data = client.get(f"/api/cited/{own}").json()
    assert data["total"] == 3 and [e["document_id"] for e in data["citing"]] == site["ids"][:3]
    first = data["citing"][0]["sentences"][0]
    assert first["text"][slice(*first["mark"])] == f"《{FULL}》"
    hengqin = site["titles"]["横琴粤澳深度合作区建设总体方案"]["id"]
    assert "其他版本" not in client.get(f"/cited/{hengqin}").text  # another work of the same zone
    assert "&lt;b&gt;&amp;amp;" in client.get(f"/cited/{hengqin}").text  # the sentence escaped
    assert client.get("/cited/999999").status_code == 404
    assert client.get("/api/cited/999999").status_code == 404


def test_the_graph_as_json_and_drawn_without_scripts(site):
    client = site["client"]
    graph = client.get("/api/cited/graph").json()
    ids = {n["id"] for n in graph["nodes"]}
    assert {n["kind"] for n in graph["nodes"]} == {"cited", "document"}
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    full = f"c{site['titles'][FULL]['id']}"
    assert sorted(e["source"] for e in graph["edges"] if e["target"] == full) == sorted(
        f"d{i}" for i in site["ids"][:3]
    )
    response = client.get("/cited/graph")
    page = response.text
    assert "<svg" in page and page.count("<path ") == len(graph["edges"])
    assert "<script>" not in page.split("</head>")[1] and " style=" not in page
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert (
        f'href="/cited/{site["titles"][FULL]["id"]}"' in page
        and f'href="/documents/{site["ids"][0]}"' in page
    )
    assert not _words(page)
    one = client.get("/api/cited/graph", params={"title": site["titles"][FULL]["id"]}).json()
    assert [n["label"] for n in one["nodes"] if n["kind"] == "cited"] == [FULL]


def test_outcomes_listed_by_zone(site):
    client = site["client"]
    data = client.get("/api/outcomes").json()
    assert data["total"] == 3
    assert (data["outcomes"][0]["title"], data["outcomes"][0]["zone"]) == ("澳门新街坊", "横琴粤澳深度合作区")
    page = client.get("/outcomes", params={"zone": "横琴粤澳深度合作区"}).text
    assert "澳門新街坊" in page and "前海累计推出" not in page and "共1项成果" in page
    assert "一事三地" in page and not _words(page)
    assert client.get("/api/outcomes", params={"q": "制度創新"}).json()["total"] == 1
    everything = client.get("/outcomes").text
    assert '<option value="前海">前海（2）</option>' in everything


def test_english_on_request(site):
    client = site["client"]
    client.cookies.set("lang", "en")
    try:
        assert "Cited documents" in client.get("/cited").text
        assert "Replicable outcomes" in client.get("/outcomes").text
    finally:
        client.cookies.set("lang", "zh")


def test_editions_of_one_work_link_to_each_other(tmp_path):
    db = str(tmp_path / "editions.db")
    store = open_store(db)
    texts = [
        f"会议{i}\n{y}年3月2日讯 3月1日，会议审议《{y}年前海合作区工作要点》。"
        for i, y in enumerate((2024, 2025))
    ]
    docs = [document_from_text(t, f"e{i}") for i, t in enumerate(texts)]
    with store.transaction() as conn:
        store.add_documents(conn, [(d, extract(d)) for d in docs])
    Accounts(store).add("viewer", PASSWORD, "viewer", None)
    client = TestClient(create_app(db))
    client.post("/api/login", json={"name": "viewer", "password": PASSWORD})
    with store.engine.connect() as conn:  # the ids as stored now (not as any process keeps them)
        titles = dict(conn.execute(select(CitedTitleRow.title, CitedTitleRow.id)).all())
    page = client.get(f"/cited/{titles['2024年前海合作区工作要点']}").text
    assert "同一文件的其他版本" in page and f'href="/cited/{titles["2025年前海合作区工作要点"]}"' in page
    data = client.get(f"/api/cited/{titles['2025年前海合作区工作要点']}").json()
    assert [e["title"] for e in data["editions"]] == ["2024年前海合作区工作要点"]


def _cited_links(page: str) -> list[str]:
    return re.findall(r'href="(/cited[/?][^"]*)"', page)


def test_the_reader_links_a_cited_title_to_its_page_without_a_redirect(site):
    client = site["client"]
    full, hengqin = site["titles"][FULL]["id"], site["titles"]["横琴粤澳深度合作区建设总体方案"]["id"]
    page = client.get(
        f"/documents/{site['ids'][1]}"
    ).text  # 《前海方案》 (a short form) and 《横琴…总体方案》
    links = _cited_links(page)
    assert links.count(f"/cited/{full}") == 2 and links.count(f"/cited/{hengqin}") == 2  # text and list
    assert len(links) == 4
    for link in set(links):
        response = client.get(link, follow_redirects=False)
        assert response.status_code == 200, link
    assert FULL in client.get(f"/cited/{full}").text


def test_while_the_index_is_rebuilt_the_reader_links_the_title_s_route(site, module_db):
    """``luoshi cited --rebuild`` (begun here by another store, as another process would: the
    index cleared, every document to index again) gives the titles new ids: a kept document
    page links by title meanwhile, then to the new ids, never to the old ones."""
    client = site["client"]
    doc = f"/documents/{site['ids'][1]}"
    before = _cited_links(client.get(doc).text)
    store = open_store(module_db)
    citations.start_rebuild(store)
    links = _cited_links(client.get(doc).text)
    assert links and all(link.startswith("/cited?title=") for link in links)
    assert client.get(links[0], follow_redirects=False).status_code == 303  # the route indexes them
    assert citations.catch_up(store) == 0  # done by that request
    after = _cited_links(client.get(doc).text)
    with store.engine.connect() as conn:  # the ids as stored now (not as any process keeps them)
        titles = dict(conn.execute(select(CitedTitleRow.title, CitedTitleRow.id)).all())
    assert sorted(set(after)) == sorted(
        {f"/cited/{titles[FULL]}", f"/cited/{titles['横琴粤澳深度合作区建设总体方案']}"}
    )
    assert len(after) == len(before) and after != before  # new ids
    for link in set(after):
        assert client.get(link, follow_redirects=False).status_code == 200
