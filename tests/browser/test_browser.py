"""The built book in headless Chromium with the network cut: no outside request, no console error, every chart drawn."""

from __future__ import annotations

import pytest

from cjreport.audit import pages

from tests.browser import offline_browser, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(html_dir):
    with serve(html_dir) as base, offline_browser(base) as open_page:
        yield open_page


def test_every_page_offline_without_errors_and_every_chart_drawn(html_dir, site):
    total_charts = 0
    problems = []
    for path in pages(html_dir):
        rel = str(path.relative_to(html_dir))
        page, visit = site(rel)
        page.wait_for_load_state("networkidle")
        charts = page.locator(".cj-chart")
        n = charts.count()
        for i in range(n):
            chart = charts.nth(i)
            chart.locator("svg, canvas").first.wait_for(state="attached", timeout=10_000)
            assert chart.get_attribute("data-drawn") == "true", (rel, i)
            assert chart.get_attribute("aria-label"), (rel, i)
        total_charts += n
        if visit.blocked or visit.errors:
            problems.append((rel, visit.blocked, visit.errors))
        page.close()
    assert not problems, problems
    assert total_charts >= 5, f"expected the book's charts, found {total_charts}"


def test_blocking_works(html_dir, site):
    """The harness itself: a page that asks for an outside script is caught."""
    page, visit = site("book/intro.html")
    page.evaluate("""() => { const s = document.createElement('script');
        s.src = 'https://cdn.example.invalid/x.js'; document.head.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert visit.blocked == ["https://cdn.example.invalid/x.js"]
    page.close()


def test_quotation_index_search_narrows_rows(site):
    page, visit = site("book/quotation-index.html")
    page.wait_for_selector("table.cj-datatable tbody tr")
    search = page.locator("input.dt-input[type=search]")
    search.wait_for()
    info = page.locator(".dt-info, .dataTables_info").first
    before = info.inner_text()
    search.fill("Senkaku")
    page.wait_for_timeout(300)
    rows = page.locator("table.cj-datatable tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert 0 < len(texts) < 25 and all("Senkaku" in t for t in texts), texts
    assert info.inner_text() != before
    page.close()
    assert not visit.blocked and not visit.errors, (visit.blocked, visit.errors)
