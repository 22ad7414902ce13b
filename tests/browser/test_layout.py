"""What a reader sees, measured: at 1280×900 and 390×844, served and opened from disk, nothing is wider than
the content column, charts draw in a layout that fits, text in charts is legible, and no internal id or MyST
syntax reaches the page."""

from __future__ import annotations

import re

import pytest

from cjreport.audit import pages

from tests.chromium import DESKTOP, PHONE, offline_browser, serve

pytestmark = pytest.mark.browser

# Measured in the page: returns one line per problem. A table may be wider than the column only on a phone
# and only inside a labelled region that the keyboard can reach (WCAG 1.4.10); on a desktop never.
MEASURE = """(phone) => {
  const problems = [];
  const article = document.querySelector('article.bd-article');
  const col = article.getBoundingClientRect();
  const out = (r) => r.width > 0 && (r.right > col.right + 1 || r.left < col.left - 1);
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
  for (const box of article.querySelectorAll('.cj-chart')) {
    if (box.dataset.drawn !== 'true') problems.push(`${box.id}: not drawn (${box.dataset.drawn})`);
    for (const el of box.querySelectorAll('svg, canvas'))
      if (out(el.getBoundingClientRect())) problems.push(`${box.id}: ${el.tagName} ${Math.round(el.getBoundingClientRect().width)} px wide in a ${Math.round(col.width)} px column`);
    for (const svg of box.querySelectorAll('svg')) {
      const scale = svg.getBoundingClientRect().width / (svg.width.baseVal.value || 1);
      for (const t of svg.querySelectorAll('text')) {
        if (!t.textContent.trim()) continue;
        if (out(t.getBoundingClientRect())) problems.push(`${box.id}: text "${t.textContent}" outside the column`);
        const px = parseFloat(getComputedStyle(t).fontSize) * scale;
        if (px < 10) problems.push(`${box.id}: text "${t.textContent}" at ${px.toFixed(1)} px`);
      }
    }
  }
  for (const table of article.querySelectorAll('table')) {
    if (!out(table.getBoundingClientRect())) continue;
    const region = table.closest('[role="region"][tabindex="0"][aria-label]');
    if (!(phone && region)) problems.push(`table "${(table.caption || {}).textContent || table.className}" is ${Math.round(table.getBoundingClientRect().width)} px wide in a ${Math.round(col.width)} px column`);
  }
  return problems;
}"""


def _layouts(page) -> list[str]:
    return page.eval_on_selector_all(".cj-chart", "boxes => boxes.map(b => b.dataset.layout)")


def _wait_for_charts(page) -> None:
    page.wait_for_function("() => [...document.querySelectorAll('.cj-chart')].every(b => b.dataset.drawn === 'true' "
                           "|| b.dataset.drawn === 'error')", timeout=15_000)


@pytest.mark.parametrize("how", ["served", "file"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_nothing_wider_than_its_column(html_dir, how, device):
    phone = device == "phone"
    problems, charts = [], 0
    with (serve(html_dir) if how == "served" else _disk(html_dir)) as base, \
            offline_browser(base, device=PHONE if phone else DESKTOP) as open_page:
        for path in pages(html_dir):
            rel = str(path.relative_to(html_dir))
            page, visit = open_page(rel)
            if rel != "index.html":  # the root page only redirects
                _wait_for_charts(page)
                problems += [f"{rel}: {p}" for p in page.evaluate(MEASURE, phone)]
                layouts = _layouts(page)
                charts += len(layouts)
                want = "narrow" if phone else "wide"
                problems += [f"{rel}: chart drawn in its {got} layout on a {device}" for got in layouts if got != want]
            problems += [f"{rel}: {e}" for e in visit.errors] + [f"{rel}: blocked {u}" for u in visit.blocked]
            page.close()
    assert charts >= 5, f"expected the book's charts, found {charts}"
    assert not problems, "\n".join(problems)


def test_the_measure_catches_a_chart_wider_than_the_column(html_dir):
    """The geometry check itself can fail: a fixed-width chart is caught at phone width."""
    with serve(html_dir) as base, offline_browser(base, device=PHONE) as open_page:
        page, _ = open_page("book/essay.html")
        _wait_for_charts(page)
        assert page.evaluate(MEASURE, True) == []
        page.evaluate("""() => { const svg = document.querySelector('.cj-chart svg');
                         svg.setAttribute('width', '900'); svg.style.width = '900px'; svg.style.maxWidth = 'none'; }""")
        assert any("px wide in a" in p for p in page.evaluate(MEASURE, True))


def test_from_disk_the_index_searches_and_charts_draw(html_dir):
    with _disk(html_dir) as base, offline_browser(base) as open_page:
        page, visit = open_page("book/quotation-index.html")
        search = page.locator("input.dt-input[type=search]")
        search.wait_for()
        rows = page.locator("table.cj-datatable tbody tr")
        before = rows.count()
        search.fill("Senkaku")
        page.wait_for_timeout(300)
        texts = [rows.nth(i).inner_text() for i in range(rows.count())]
        assert 0 < len(texts) < before and all("Senkaku" in t for t in texts), texts
        assert not visit.errors and not visit.blocked, (visit.errors, visit.blocked)


def test_a_tap_on_a_matrix_cell_shows_its_quotation(html_dir):
    with serve(html_dir) as base, offline_browser(base, device=PHONE) as open_page:
        page, _ = open_page("book/essay.html")
        _wait_for_charts(page)
        # the cell's symbol sits on top of its coloured square; both carry the tooltip
        cell = page.locator("#chart-stance-matrix svg .mark-text text").first
        cell.scroll_into_view_if_needed()
        cell.tap()
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=3_000)
        assert "Question" in tooltip.inner_text() and "Stance" in tooltip.inner_text()


def test_no_internal_id_or_myst_syntax_reaches_the_reader(html_dir, evidence):
    ids = {*evidence.sources, *evidence.quotations, *evidence.codebook.questions,
           *(t.id for t in evidence.codebook.themes), *(e.id for e in evidence.events)}
    id_in_parens = re.compile(r"\((" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")\)")
    myst = re.compile(r"\{(cite|ref|glue|eval|numref|doc|term)[:a-z]*\}`|^:::|```\{|\{\.cj-", re.M)
    problems = []
    with serve(html_dir) as base, offline_browser(base) as open_page:
        for path in pages(html_dir):
            rel = str(path.relative_to(html_dir))
            if rel == "index.html":
                continue
            page, _ = open_page(rel)
            text = page.locator("article.bd-article").inner_text()
            problems += [f"{rel}: id {m.group(0)}" for m in id_in_parens.finditer(text)]
            problems += [f"{rel}: MyST {m.group(0)!r}" for m in myst.finditer(text)]
            page.close()
    assert not problems, "\n".join(problems[:30])


def _disk(html_dir):
    from contextlib import nullcontext

    return nullcontext(html_dir.resolve().as_uri() + "/")
