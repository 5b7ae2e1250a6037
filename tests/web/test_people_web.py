"""The people pages: the index (/people), a name's persons as career timelines
(/people/{name}), their JSON (/api/people…), and the task page's line naming who now holds the
post of the task's leader. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from people_texts import READOUTS, add
from webutil import PASSWORD, login

from luoshi.accounts.service import Accounts
from luoshi.ledger.service import Ledger, NewTask
from luoshi.store import open_store
from luoshi.web import create_app


@pytest.fixture(scope="module")
def people_site(module_db: str) -> dict[str, Any]:
    store = open_store(module_db)
    ids = add(store, READOUTS)
    ledger = Ledger(store, actor="setup")
    proposed = ledger.propose(ids["sz-2021"], "营商环境改革")  # 覃建国's directive as mayor
    with store.transaction() as conn:
        (plain,) = ledger.add_tasks(
            conn, "营商环境改革", 2022, [NewTask(code="X1", title="无责任领导的任务")]
        )
    Accounts(store).add("viewer", PASSWORD, "viewer", None)
    return {"db": module_db, "ids": ids, "directive_task": proposed[0], "plain_task": plain}


def test_person_page_is_a_career_timeline(people_site):
    client, _ = login(people_site, "viewer")
    page = client.get(f"/people/{quote('覃建國')}")  # either script
    assert page.status_code == 200
    html = page.text
    assert "<h1>覃建国</h1>" in html
    assert re.findall(r'<b class="post-name">([^<]+)</b>', html) == [
        "深圳市委副书记",
        "深圳市市长",
        "深圳市委书记",
    ]
    assert "2021-03-05 — 2022-11-20" in html and "离任 2022-11-20" in html
    assert f'href="/documents/{people_site["ids"]["sz-2021"]}"' in html
    two = client.get(f"/people/{quote('张立新')}").text
    assert "同名人物2人" in two and two.count('<section class="career"') == 2
    assert "杭州市发展改革委主任" in two and "深圳市副市长" in two
    assert "没有名为“无名氏”的人物" in client.get(f"/people/{quote('无名氏')}").text


def test_people_index_lists_persons_with_counts(people_site):
    client, _ = login(people_site, "viewer")
    html = client.get("/people").text
    assert "共6人，第1至6人" in html and html.index(">覃建国<") < html.index(
        ">孟立新<"
    )  # most documented first
    assert re.search(r'<a href="/people/%E8%A6%83%E5%BB%BA%E5%9B%BD#p\d+">覃建国</a>', html)
    filtered = client.get("/people", params={"q": "发展改革委"}).text
    assert "共1人" in filtered and "杭州市发展改革委主任" in filtered
    client.get("/lang/en")
    assert "Latest post" in client.get("/people").text


def test_people_json(people_site):
    assert TestClient(create_app(people_site["db"])).get("/api/people").status_code == 401
    client, _ = login(people_site, "viewer")
    page = client.get("/api/people", params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 6 and page["limit"] == 2 and len(page["people"]) == 2
    found = client.get(f"/api/people/{quote('覃建国')}").json()
    (qin,) = found["people"]
    assert [r["post"] for r in qin["posts"]] == ["深圳市委副书记", "深圳市市长", "深圳市委书记"]
    assert qin["posts"][1]["last_document"]["id"] == people_site["ids"]["sz-2022-notice"]
    assert client.get("/api/people", params={"limit": 0}).status_code == 422


def test_task_page_names_the_successor_of_its_leader(people_site):
    client, _ = login(people_site, "viewer")
    html = client.get(f"/ledger/tasks/{people_site['directive_task']}").text
    assert "该职务（深圳市市长）现由周正清担任（2022-11-09起见于文件）" in html
    assert "该职务" not in client.get(f"/ledger/tasks/{people_site['plain_task']}").text
