"""The book under real use (issue 22), measured in Chromium: charts follow their column through window
resizes and a phone's rotation, tooltips stay on the screen, no word is broken inside itself in a table,
every run of Chinese or Japanese text carries its language. Served and from disk."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from cjreport.audit import pages

from .browser import DESKTOP, PHONE, offline_browser, serve

pytestmark = pytest.mark.browser

NARROW_PX = 560  # cjreport.charts.NARROW_PX; imported lazily below so this module needs no Altair at import


def _where(html_dir, how):
    return serve(html_dir) if how == "served" else nullcontext(html_dir.resolve().as_uri() + "/")


def chart_pages(html_dir) -> list[str]:
    return [str(p.relative_to(html_dir)) for p in pages(html_dir) if 'class="cj-chart"' in p.read_text(encoding="utf-8")]


def wait_for_charts(page, settle_ms: int = 400) -> None:
    """Wait until every chart has drawn after the last resize (the redraw runs in the next animation frame)."""
    page.wait_for_timeout(settle_ms)
    page.wait_for_function("() => [...document.querySelectorAll('.cj-chart')].every(b => b.dataset.drawn === 'true' "
                           "|| b.dataset.drawn === 'error')", timeout=15_000)


# Each chart: its drawn width (the SVG) against its box and the article column, and its layout against the
# box's width. A chart is at the right width when it fills its box to within 2 px (autosize fit-x) and
# no part of it leaves the column.
CHART_FIT = """(narrowPx) => {
  const col = document.querySelector('article.bd-article').getBoundingClientRect();
  const problems = [];
  for (const box of document.querySelectorAll('article .cj-chart')) {
    const b = box.getBoundingClientRect();
    const svg = box.querySelector('svg');
    if (box.dataset.drawn !== 'true' || !svg) { problems.push(`${box.id}: not drawn (${box.dataset.drawn})`); continue; }
    const s = svg.getBoundingClientRect();
    if (s.right > col.right + 1 || s.left < col.left - 1)
      problems.push(`${box.id}: drawn ${Math.round(s.width)} px wide in a ${Math.round(col.width)} px column`);
    if (Math.abs(s.width - b.width) > 2)
      problems.push(`${box.id}: drawn ${Math.round(s.width)} px wide in a ${Math.round(b.width)} px box`);
    const want = box.querySelector('script.cj-chart-spec-narrow') && b.width < narrowPx ? 'narrow' : 'wide';
    if (box.dataset.layout !== want) problems.push(`${box.id}: ${box.dataset.layout} layout in a ${Math.round(b.width)} px box`);
  }
  return problems;
}"""

SEQUENCES = {
    "desktop": (DESKTOP, [(1280, 900), (800, 900), (1280, 900)]),
    "phone": (PHONE, [(390, 844), (844, 390), (390, 844)]),  # a phone turned to landscape and back
}


def measure_resizes(open_page, path: str, steps) -> list[str]:
    page, visit = open_page(path)
    problems = []
    for width, height in steps:
        page.set_viewport_size({"width": width, "height": height})
        wait_for_charts(page)
        problems += [f"{path} at {width}: {p}" for p in page.evaluate(CHART_FIT, NARROW_PX)]
    problems += [f"{path}: {e}" for e in visit.errors]
    page.close()
    return problems


@pytest.mark.parametrize("how", ["served", "file"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_charts_follow_their_column_through_resizes(html_dir, how, device):
    context, steps = SEQUENCES[device]
    paths = chart_pages(html_dir)
    assert paths, "no page with a chart"
    problems = []
    with _where(html_dir, how) as base, offline_browser(base, device=context) as open_page:
        for path in paths:
            problems += measure_resizes(open_page, path, steps)
    assert not problems, "\n".join(problems)


def test_the_resize_measure_catches_a_chart_left_at_its_old_width(html_dir):
    """Break it once: a chart pinned at a fixed width after the window narrows is caught."""
    with serve(html_dir) as base, offline_browser(base) as open_page:
        page, _ = open_page(chart_pages(html_dir)[0])
        wait_for_charts(page)
        assert page.evaluate(CHART_FIT, NARROW_PX) == []
        page.evaluate("() => document.querySelectorAll('.cj-chart').forEach(b => { b.cjView.width(1500).runAsync(); b.cjView = null; })")
        page.set_viewport_size({"width": 800, "height": 900})
        wait_for_charts(page)
        assert any("px wide in a" in p for p in page.evaluate(CHART_FIT, NARROW_PX))


def test_narrow_px_matches_the_package():
    from cjreport.charts import NARROW_PX as package

    assert package == NARROW_PX
