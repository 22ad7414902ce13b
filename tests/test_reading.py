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
    const marks = [...svg.querySelectorAll('g[class^="mark-"] > *')].filter(el => el.__data__ && el.__data__.mark).length;
    if (!marks) problems.push(`${box.id}: an empty drawing (no mark in its SVG)`);
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


# --- Tooltips ------------------------------------------------------------------------------------------------
# The marks of a chart that carry a tooltip (Vega binds each SVG element to its scene item as __data__),
# as [left, right] page positions: the leftmost and the rightmost are the ones a tap must not push off screen.
TIPPED = """(id) => [...document.querySelectorAll(`#${id} svg g[class^="mark-"] > *`)]
  .filter(el => el.__data__ && el.__data__.mark && el.__data__.tooltip != null)"""
MARKS = f"""(id) => ({TIPPED})(id)
  .map((el, i) => {{ const r = el.getBoundingClientRect(); return [i, r.left + scrollX, r.right + scrollX, r.width]; }})
  .filter(m => m[3] > 0)"""

TOOLTIP_BOX = """() => { const el = document.getElementById('vg-tooltip-element');
  if (!el || !el.classList.contains('visible')) return null;
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, vw: innerWidth, vh: innerHeight, text: el.innerText}; }"""


def _mark(page, chart_id: str, index: int):
    return page.evaluate_handle(f"([id, i]) => ({TIPPED})(id)[i]", [chart_id, index])


def _outside(box) -> bool:
    return box["left"] < 0 or box["top"] < 0 or box["right"] > box["vw"] or box["bottom"] > box["vh"]


def tap_extremes(page, chart_id: str) -> list[str]:
    """Tap the leftmost and the rightmost mark of a chart; return a line for each tooltip not inside the viewport."""
    marks = page.evaluate(MARKS, chart_id)
    if not marks:
        return [f"{chart_id}: no mark with a tooltip"]
    problems = []
    for index in {min(marks, key=lambda m: m[1])[0], max(marks, key=lambda m: m[2])[0]}:
        element = _mark(page, chart_id, index).as_element()
        element.evaluate("el => el.scrollIntoView({block: 'center', inline: 'nearest'})")
        r = element.evaluate("el => { const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }")
        page.touchscreen.tap(r[0], r[1])
        page.wait_for_timeout(150)
        box = page.evaluate(TOOLTIP_BOX)
        if box is None:
            problems.append(f"{chart_id}: a tap on mark {index} showed no tooltip")
        elif _outside(box):
            problems.append(f"{chart_id}: tooltip at x {box['left']:.0f}…{box['right']:.0f}, y {box['top']:.0f}…{box['bottom']:.0f} "
                            f"in a {box['vw']}×{box['vh']} viewport")
    return problems


@pytest.mark.parametrize("how", ["served", "file"])
def test_tapped_tooltips_stay_inside_a_phone_screen(html_dir, how):
    problems, charts = [], 0
    with _where(html_dir, how) as base, offline_browser(base, device=PHONE) as open_page:
        for path in chart_pages(html_dir):
            page, visit = open_page(path)
            wait_for_charts(page)
            for chart_id in page.eval_on_selector_all("article .cj-chart", "boxes => boxes.map(b => b.id)"):
                charts += 1
                problems += [f"{path}: {p}" for p in tap_extremes(page, chart_id)]
            problems += [f"{path}: {e}" for e in visit.errors]
            page.close()
    assert charts >= 5
    assert not problems, "\n".join(problems)


def test_a_tap_elsewhere_closes_and_focus_shows_the_same_tooltip(html_dir):
    with serve(html_dir) as base, offline_browser(base, device=PHONE) as open_page:
        page, _ = open_page("book/synthesis.html")
        wait_for_charts(page)
        chart = "chart-stance-matrix"
        marks = page.evaluate(MARKS, chart)
        element = _mark(page, chart, marks[0][0]).as_element()
        element.evaluate("el => el.scrollIntoView({block: 'center'})")
        r = element.evaluate("el => { const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }")
        page.touchscreen.tap(r[0], r[1])
        page.wait_for_timeout(150)
        tapped = page.evaluate(TOOLTIP_BOX)
        assert tapped and "Quotation" in tapped["text"]
        # a tap on the prose, outside the chart, closes it
        heading = page.locator("article h1").first
        heading.scroll_into_view_if_needed()
        box = heading.bounding_box()
        page.touchscreen.tap(box["x"] + 5, box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)
        assert page.evaluate(TOOLTIP_BOX) is None
        # the keyboard: the chart's first mark is a tab stop; focus shows the tooltip a tap shows
        page.evaluate(f"() => document.querySelector('#{chart} svg [tabindex=\"0\"]').focus()")
        page.wait_for_timeout(150)
        focused = page.evaluate(TOOLTIP_BOX)
        assert focused and focused["text"] == tapped["text"] and not _outside(focused)
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
        moved = page.evaluate(TOOLTIP_BOX)
        assert moved and moved["text"] != tapped["text"]
        page.keyboard.press("Escape")
        page.wait_for_timeout(100)
        assert page.evaluate(TOOLTIP_BOX) is None


def test_the_tooltip_measure_catches_a_tooltip_off_screen(html_dir):
    """Break it once: a tooltip pinned at x = -100 after every placement is caught."""
    with serve(html_dir) as base, offline_browser(base, device=PHONE) as open_page:
        page, _ = open_page("book/synthesis.html")
        wait_for_charts(page)
        page.evaluate("""() => Promise.all([...document.querySelectorAll('.cj-chart')].map(b => {
            const show = b.cjView.tooltip();
            b.cjView.tooltip(function (...args) { show.apply(this, args);
              const el = document.getElementById('vg-tooltip-element'); if (el) el.style.left = '-100px'; });
            return b.cjView.runAsync(); })).then(() => null)""")
        problems = tap_extremes(page, "chart-stance-matrix")
        assert any("tooltip at x -100" in p for p in problems), problems
