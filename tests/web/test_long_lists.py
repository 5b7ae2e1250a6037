"""Pages over a ledger with long lists (issue 13 item 10): the 督查通报 page lists the first lines
of each list and says how many there are (the downloads have every line), the 催办 page the first
tasks per unit and reason, a unit member's home a page of each list; the figures are computed once
per version of the data and a change shows at once. Both backends."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from webutil import login

from luoshi.ledger.service import Ledger, NewTask
from luoshi.messages import message
from luoshi.store import open_store
from luoshi.web.tasks import MY_ROWS, REMINDER_ROWS, REPORT_PAGE_ROWS

AS_OF = "2026-05-28"
LATE = 75  # overdue tasks of 市司法局 ("justice"), more than a page of each list
PROGRAMME = "长清单"


def _first(pattern: str | re.Pattern[str], text: str, flags: int = 0) -> str:
    """The first group of the first match of ``pattern`` in ``text`` (the test fails if none)."""
    found = re.search(pattern, text, flags)
    assert found, (pattern, text[:200])
    return found.group(1)


@pytest.fixture(scope="module")
def big(site):
    ledger = Ledger(open_store(site["db"]), actor="setup")
    with ledger.store.transaction() as conn:
        ledger.add_tasks(
            conn,
            PROGRAMME,
            2026,
            [
                NewTask(
                    code=f"L{i:03d}",
                    title=f"逾期事项第{i:03d}号",
                    lead_unit="市司法局",
                    deadline_text="2026年3月31日前",
                    start_date=date(2026, 1, 1),
                )
                for i in range(1, LATE + 1)
            ],
        )
    return site


def _rows(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def test_the_report_page_lists_a_page_of_each_list_and_the_downloads_every_line(big):
    assert LATE > REPORT_PAGE_ROWS
    client, _ = login(big, "super")
    page = client.get(f"/report?as_of={AS_OF}&programme={PROGRAMME}")
    assert page.status_code == 200
    listed = _rows(page.text, r"<td>(L\d{3})</td>")
    assert len(listed) == REPORT_PAGE_ROWS and listed[0] == "L001"
    assert message("report.list_shown", total=LATE, shown=REPORT_PAGE_ROWS) in page.text
    full = client.get(f"/report.html?as_of={AS_OF}&programme={PROGRAMME}")
    assert len(set(_rows(full.text, r"<td>(L\d{3})</td>"))) == LATE and "report.list_shown" not in full.text
    sheet = client.get(f"/report.xlsx?as_of={AS_OF}&programme={PROGRAMME}")
    book = load_workbook(io.BytesIO(sheet.content))
    codes = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert {f"L{i:03d}" for i in range(1, LATE + 1)} <= codes


def test_a_change_shows_at_once_on_the_cached_report_and_dashboard(big):
    client, _ = login(big, "super")
    url = f"/report?as_of={AS_OF}&programme={PROGRAMME}"
    before = client.get(url).text
    assert client.get(url).text == before  # the same figures, from the cache
    count = re.compile(r'<div class="card red"><b>(\d+)</b>')
    assert int(_first(count, before)) == LATE
    justice, jcsrf = login(big, "justice")
    task = Ledger(open_store(big["db"])).task_page(date.fromisoformat(AS_OF), PROGRAMME, limit=1).views[0]
    done = justice.post(
        f"/api/tasks/{task.id}/progress",
        json={"text": "已全部完成", "percent": 100, "date": "2026-05-20"},
        headers={"X-CSRF-Token": jcsrf},
    )
    assert done.status_code == 200, done.text
    after = client.get(url).text
    assert int(_first(count, after)) == LATE - 1  # no longer overdue: awaits 销号
    assert (
        client.get(f"/api/report?as_of={AS_OF}&programme={PROGRAMME}").json()["counts"]["overdue"] == LATE - 1
    )


def test_the_reminders_page_lists_the_first_tasks_per_reason(big):
    client, _ = login(big, "super")
    page = client.get(f"/reminders?as_of={AS_OF}").text
    card = _first(r"<h3>市司法局</h3>(.*?)</div>", page, re.S)
    overdue = card.count(message("office.reason.overdue") + "：")
    assert overdue == REMINDER_ROWS
    more = _first(r'<li class="more">(.*?)</li>', card)
    assert re.search(r"另有\d+项", more)


def test_a_unit_members_home_is_paged(big):
    client, _ = login(big, "justice")
    first = client.get(f"/my?as_of={AS_OF}").text
    lead = _first(r'<section id="lead">(.*?)</section>', first, re.S)
    total = int(_first(r"\((\d+)\)</h2>", lead))
    assert total > MY_ROWS and lead.count('<a href="/ledger/tasks/') == MY_ROWS
    nxt = _first(r'<a rel="next" href="(/my\?[^"]*lead=\d+)#lead"', lead).replace("&amp;", "&")
    second = client.get(nxt).text
    rest = _first(r'<section id="lead">(.*?)</section>', second, re.S)
    assert rest.count('<a href="/ledger/tasks/') == min(MY_ROWS, total - MY_ROWS)
    ids = set(re.findall(r'/ledger/tasks/(\d+)"', lead)) | set(re.findall(r'/ledger/tasks/(\d+)"', rest))
    assert len(ids) == min(total, 2 * MY_ROWS)  # the second page is the next tasks, not the first again
