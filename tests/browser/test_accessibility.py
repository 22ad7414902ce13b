"""axe-core (shipped inside axe-playwright-python, so offline) on every page: no serious or critical violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from cjreport.audit import pages

from tests.chromium import offline_browser, serve

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violation(html_dir, mode):
    axe = Axe()
    problems = []
    with serve(html_dir) as base, offline_browser(base, dark=mode == "dark") as open_page:
        for path in pages(html_dir):
            rel = str(path.relative_to(html_dir))
            page, visit = open_page(rel)
            page.wait_for_load_state("networkidle")
            if rel != "index.html":
                assert page.evaluate("document.documentElement.dataset.theme") == mode, rel
            results = axe.run(page)
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in violation["nodes"][:3]]
                    problems.append(f"{rel}: {violation['id']} ({violation['impact']}) {targets}")
            page.close()
    assert not problems, "\n".join(problems)


def test_charts_have_labels_and_text_equivalents(html_dir):
    for path in pages(html_dir):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for chart in soup.select(".cj-chart"):
            assert chart.get("role") == "figure" and len(chart.get("aria-label", "")) > 30, path
            table = chart.find_next_sibling("details")
            assert table is not None and table.find("table").find("th"), path


def test_tables_have_header_cells(html_dir):
    for path in pages(html_dir):
        article = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("article")
        for table in article.find_all("table") if article else []:
            assert table.find("th"), (path.name, str(table)[:200])


def test_stances_are_written_not_only_coloured(html_dir, evidence):
    soup = BeautifulSoup((html_dir / "book" / "tables.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.find("table", class_="cj-stances")
    labels = {s.label for s in evidence.codebook.stances}
    cells = [" ".join(td.get_text(" ").split()) for tr in table.find("tbody").find_all("tr") for td in tr.find_all("td")[1:]]
    # each cell: the stance's symbol, then its label in words, and "(implied)" where the coders infer it (a 45th
    # reading found inferred positions shown as stated ones in these tables)
    assert cells and all(any(cell.removesuffix(" (implied)").endswith(label) for label in labels)
                         for cell in cells), cells[:5]
    assert any(cell.endswith(" (implied)") for cell in cells), "no implied position marked: the table lost the mark"
