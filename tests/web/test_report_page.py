"""The 督查通报 page: pickers, the report in the site's layout, downloads, who may read it."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from webutil import USERS, login

from luoshi.demo.ledger_sheet import TITLE
from luoshi.web import create_app

HTML = {"accept": "text/html"}


@pytest.mark.parametrize("who", list(USERS))
def test_every_role_reads_the_report_page(site, who):
    client, _ = login(site, who)
    page = client.get("/report", params={"as_of": "2026-05-28", "programme": TITLE}, headers=HTML)
    assert page.status_code == 200, page.text
    text = page.text
    assert "督查通报" in text and "截至 2026-05-28" in text and "<svg" in text and "逾期事项" in text
    assert (
        'name="as_of"' in text
        and 'value="2026-05-28"' in text
        and f'<option value="{TITLE}" selected>' in text
    )
    assert "督查室标准" in text and "从严" in text  # rule presets by their Chinese names
    assert (
        "/report.xlsx?as_of=2026-05-28&amp;programme=%" in text
        and "/report.html?as_of=2026-05-28&amp;" in text
    )
    assert '<a class="brand"' in text  # inside the site's layout
    assert "<style>" not in text and 'style="' not in text  # nothing the page's CSP would block
    assert 'href="/report' in client.get("/", headers=HTML).text  # linked from the dashboard


def test_the_date_and_the_rules_change_the_figures(site):
    client, _ = login(site, "super")
    early = client.get("/report", params={"as_of": "2026-01-05", "programme": TITLE}).text
    late = client.get("/report", params={"as_of": "2026-12-31", "programme": TITLE}).text
    assert "截至 2026-01-05" in early and "截至 2026-12-31" in late

    def overdue(text: str) -> int:
        return int(text.split("逾期事项（")[1].split("）")[0])

    assert overdue(early) < overdue(late)
    strict = client.get("/report", params={"as_of": "2026-05-28", "programme": TITLE, "rules": "strict"}).text
    lenient = client.get(
        "/report", params={"as_of": "2026-05-28", "programme": TITLE, "rules": "lenient"}
    ).text
    assert overdue(strict) >= overdue(lenient)
    bad = client.get("/report", params={"rules": "nonsense"}, headers=HTML)
    assert bad.status_code == 422


def test_downloads_as_html_and_xlsx(site):
    client, _ = login(site, "market")
    params = {"as_of": "2026-05-28", "programme": TITLE}
    page = client.get("/report.html", params=params)
    assert page.status_code == 200 and "attachment" in page.headers["content-disposition"]
    assert (
        page.text.startswith("<!DOCTYPE html>") and "截至 2026-05-28" in page.text and "<style>" in page.text
    )
    sheet = client.get("/report.xlsx", params=params)
    assert sheet.status_code == 200 and ".xlsx" in sheet.headers["content-disposition"]
    book = load_workbook(io.BytesIO(sheet.content))
    assert "汇总" in book.sheetnames and "逾期" in book.sheetnames
    assert client.get("/report.pdf", params=params).status_code == 404


def test_the_report_needs_a_login(site):
    client = TestClient(create_app(site["db"]))
    for path in ("/report", "/report.xlsx", "/report.html"):
        assert client.get(path, follow_redirects=False).status_code == 303, path
