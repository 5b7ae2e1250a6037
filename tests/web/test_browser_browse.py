"""Browser journeys of browsing and of the small screen: an analyst narrows a search with filters
and facets, sorts and pages; every page, for each role, at 390 px wide, never scrolls sideways
and has no one-character columns. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from test_chinese_pages import page_paths
from webutil import ARTIFACTS, PASSWORD, logged_in

from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.store import open_store
from luoshi.web import create_app

READOUTS = {
    f"b{i:02d}": f"{2024 + (i // 3) % 3}年{i % 9 + 1}月{i % 20 + 1}日讯 {city}召开{kind}，研究前海合作区和口岸建设工作。"
    for i, (city, kind) in enumerate(
        [("深圳市政府", "常务会议"), ("天津市委", "常委会会议"), ("珠海市", "推进会")] * 12
    )
}
NARROW = {"width": 390, "height": 844}
# Cells narrower than this many characters of their own font are one-character columns.
CELL_CHECK = """() => {
  const narrow = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const box = cell.getBoundingClientRect();
    const text = cell.innerText.trim();
    if (!box.width || text.length < 2) continue;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    if (box.width < 2.5 * em) narrow.push(text.slice(0, 12) + ' ' + Math.round(box.width) + 'px');
  }
  return narrow;
}"""


@pytest.fixture(scope="module")
def documents(site: dict[str, Any]) -> dict[str, Any]:
    store = open_store(site["db"])
    with store.transaction() as conn:
        for name, text in READOUTS.items():
            doc = document_from_text(text, name)
            store.add_document(conn, doc, extract(doc))
    return site


def _count(page) -> str:
    return page.locator("#results p.count").inner_text()


def test_analyst_searches_with_filters_and_facets(browser, server, documents):
    page = logged_in(browser, server, "viewer")
    page.goto(server + "/documents")
    page.fill("form.filters input[name=q]", "前海")
    page.select_option("form.filters select[name=year]", "2025")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#results p.count")).to_contain_text("共 12 条")  # the results, updated in place
    assert "year=2025" in page.url  # the address keeps the filters (a link to send on)
    page.screenshot(path=str(ARTIFACTS / "browse-filtered.png"), full_page=True)
    page.click(".facets a:text-is('深圳')")  # a facet narrows further
    page.wait_for_url(re.compile(r".*place=%E6%B7%B1%E5%9C%B3.*"))
    assert "共 4 条" in _count(page) and page.locator(".facets li.chosen b").first.inner_text() == "2025"
    assert set(page.locator("td[data-label='地点']").all_inner_texts()) == {"深圳"}
    page.click("th a:text-is('日期')")  # sortable columns
    dates = page.locator("td[data-label='日期']").all_inner_texts()
    assert dates == sorted(dates)
    page.click("th a:text-is('日期 ▲')")
    assert page.locator("td[data-label='日期']").all_inner_texts() == sorted(dates, reverse=True)
    page.screenshot(path=str(ARTIFACTS / "browse-facets.png"), full_page=True)
    page.goto(server + "/documents?q=前海")
    assert "第 1–20 条，共 37 条" in _count(page)  # a total and pages, never a silent "20 of 37"
    page.click("a[rel=next]")
    assert "第 21–37 条，共 37 条" in _count(page)
    with page.expect_download() as info:
        page.click("a[href^='/documents.csv']")
    path = ARTIFACTS / "documents.csv"
    info.value.save_as(path)
    assert len(path.read_text(encoding="utf-8-sig").splitlines()) == 38


@pytest.mark.parametrize("who", ["viewer", "market", "super"])
def test_every_page_fits_a_phone(browser, server, documents, who):
    documents["ids"] = {"doc_id": documents["doc_id"], "task_id": documents["tasks"]["3.1"], "title_id": 1}
    # A narrow window (not mobile emulation, whose layout viewport widens to fit the content)
    context = browser.new_context(viewport=NARROW, device_scale_factor=1, has_touch=True)
    page = context.new_page()
    page.goto(server + "/login")
    page.fill("input[name=name]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # a unit member lands on /my
    wide, narrow_cells = {}, {}
    paths = [*page_paths(create_app(documents["db"]), documents), "/login"]
    for path in paths:
        page.goto(server + path)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1] or width[1] != NARROW["width"]:
            wide[path] = width
        cells = page.evaluate(CELL_CHECK)
        if cells:
            narrow_cells[path] = cells
        slug = re.sub(r"\W+", "-", path).strip("-") or "dashboard"
        page.screenshot(path=str(ARTIFACTS / f"phone-{who}-{slug}.png"), full_page=True)
    context.close()
    assert not wide, f"pages wider than the phone (scrollWidth, innerWidth): {wide}"
    assert not narrow_cells, f"one-character columns: {narrow_cells}"
