/* Draws every chart on the page with the vendored Vega, Vega-Lite and vega-embed. They are classic scripts,
   not ES modules, so a book opened from disk (file://) draws its charts exactly as a served one does.

   Width: a chart box carries its wide layout and, for phones, a narrow one. The box's own width decides
   (a ResizeObserver on the box, not the window): below NARROW the narrow layout is drawn, and a chart that
   stays in its layout is resized to the box's width (its width signal, autosize fit-x), never left at an old
   width. The specs say width "container"; it is replaced here by the measured width, because Vega's own
   "container" width follows window resizes only and measured a box its previous drawing had widened.
   After every drawing the chart's drawn width (its SVG) is measured against its box and, if they differ,
   the chart is resized again (a few passes at most): a width asked for is never taken as a width drawn.
   Colour mode: charts are drawn with the page's light or dark theme and redrawn when the reader switches.
   Tooltips: shown on hover, on a tap, and on keyboard focus of a mark; kept inside the viewport. */
(function () {
  "use strict";
  var NARROW = 560; // px; cjreport.charts.NARROW_PX
  var MARGIN = 8; // px kept between a tooltip and the viewport's edge
  var PASSES = 3; // resizes again at one box width when the drawn width still differs from the box's

  function specs(box) {
    if (!box.cjSpecs) {
      var narrow = box.querySelector("script.cj-chart-spec-narrow");
      var dark = box.querySelector("script.cj-chart-config-dark");
      box.cjSpecs = {
        wide: JSON.parse(box.querySelector("script.cj-chart-spec").textContent),
        narrow: narrow ? JSON.parse(narrow.textContent) : null,
        dark: dark ? JSON.parse(dark.textContent) : {}
      };
      // The page writes a dataset both layouts draw once, in the wide spec (cjreport/views/charts.py,
      // _without_shared_data): the narrow spec gets it back here, beside the datasets of its own.
      var s = box.cjSpecs;
      if (s.narrow && s.wide.datasets) s.narrow.datasets = Object.assign({}, s.wide.datasets, s.narrow.datasets || {});
    }
    return box.cjSpecs;
  }

  function darkMode() {
    return document.documentElement.dataset.theme === "dark";
  }

  // A copy of the spec with every width "container" set to the box's width in px.
  function sized(spec, width) {
    var copy = JSON.parse(JSON.stringify(spec));
    (function visit(node) {
      if (!node || typeof node !== "object") return;
      if (node.width === "container") node.width = width;
      ["layer", "hconcat", "vconcat", "concat"].forEach(function (key) {
        if (Array.isArray(node[key])) node[key].forEach(visit);
      });
      if (node.spec) visit(node.spec);
    })(copy);
    return copy;
  }

  // config ← config merged with over, object by object (the dark theme's colours over the screen config)
  function merge(config, over) {
    Object.keys(over).forEach(function (key) {
      var value = over[key];
      if (value && typeof value === "object" && !Array.isArray(value) && config[key] && typeof config[key] === "object")
        merge(config[key], value);
      else config[key] = value;
    });
    return config;
  }

  function background(el) {
    for (; el && el.nodeType === 1; el = el.parentElement) {
      var colour = getComputedStyle(el).backgroundColor;
      if (colour && colour !== "transparent" && !/rgba\(.*,\s*0\)$/.test(colour)) return colour;
    }
    return null;
  }

  function boxWidth(box) {
    return Math.floor(box.getBoundingClientRect().width);
  }

  // The width the chart is drawn at: its SVG's, the view's whole width (plot, axes and padding).
  function drawnWidth(box) {
    var svg = box.querySelector(".cj-chart-canvas svg");
    return svg ? svg.getBoundingClientRect().width : 0;
  }

  function fit(box) {
    if (box.cjBusy) return; // a drawing is under way; it calls fit again when it ends
    var width = boxWidth(box);
    if (!width) return; // hidden (a closed details, print): drawn when it gets a width
    var s = specs(box);
    var layout = s.narrow && width < NARROW ? "narrow" : "wide";
    var mode = darkMode() ? "dark" : "light";
    if (box.dataset.layout !== layout || box.dataset.mode !== mode) return embed(box, layout, mode, width);
    if (!box.cjView) return;
    if (box.cjWidth === width) {
      // Asked for this width already: done if the chart was drawn at it, else ask again (a few times at most).
      if (Math.abs(drawnWidth(box) - width) <= 1 || box.cjPasses >= PASSES) return;
      box.cjPasses += 1;
    } else box.cjPasses = 0;
    box.cjWidth = width;
    box.cjBusy = true;
    box.dataset.drawn = "pending";
    // Forced, not view.width(width): with autosize fit-x the view takes the width signal set from outside as
    // its whole width, then writes the plot's own width (the whole less padding and axes) back into it. A
    // width asked for that equals the plot width of the last drawing is no change to the signal, so Vega
    // neither lays the chart out again nor resizes it: drawn at a 682 px box, the timeline (padding 2 x 5 px,
    // no axis beside its plot) holds 672 in its width signal and, asked for a 672 px box, stayed 682 px wide.
    // (View.signal passes {force} on to Dataflow.update, which then runs the signal's listeners unchanged.)
    box.cjView.signal("width", width, {force: true});
    box.cjView.runAsync()
      .then(function () {
        focusable(box, box.cjView);
        box.cjBusy = false;
        box.dataset.drawn = "true";
        fit(box); // the box may have changed width during the drawing, or the drawing missed its width
      })
      .catch(function (err) {
        box.cjBusy = false;
        box.dataset.drawn = "error";
        console.error("chart " + box.id + ": " + err);
      });
  }

  function embed(box, layout, mode, width) {
    var s = specs(box);
    var spec = sized(layout === "narrow" ? s.narrow : s.wide, width);
    if (mode === "dark") spec.config = merge(spec.config || {}, s.dark);
    // the chart's background is the page's own, behind the box (the theme's, in either mode)
    var behind = background(box);
    if (behind) spec.config.background = behind;
    // One drawing at a time per box: two views embedded in one element at once leave an empty SVG.
    box.cjBusy = true;
    box.dataset.layout = layout;
    box.dataset.mode = mode;
    box.dataset.drawn = "pending";
    box.cjWidth = width;
    box.cjPasses = 0;
    if (box.cjView) { box.cjView.finalize(); box.cjView = null; }
    var target = box.querySelector(".cj-chart-canvas");
    vegaEmbed(target, spec, {renderer: "svg", actions: false, tooltip: {theme: mode}})
      .then(function (result) {
        box.cjView = result.view;
        // a new tooltip handler resets Vega's renderer: draw again before the chart counts as drawn
        tooltips(box, result.view);
        return result.view.runAsync();
      })
      .then(function () {
        focusable(box, box.cjView);
        box.cjBusy = false;
        box.dataset.drawn = "true";
        fit(box); // the box may have changed width while this layout was being drawn
      })
      .catch(function (err) {
        box.cjBusy = false;
        box.dataset.drawn = "error";
        console.error("chart " + box.id + ": " + err);
      });
  }

  // --- Tooltips --------------------------------------------------------------------------------------------
  // vega-tooltip places its box beside the pointer and flips it to the other side at the right edge, but a
  // box wider than the room on either side then starts left of the screen (up to 175 px on a phone). After
  // it has placed the box, move it back inside the viewport.
  function clampTooltip() {
    var el = document.getElementById("vg-tooltip-element");
    if (!el || !el.classList.contains("visible")) return;
    var r = el.getBoundingClientRect();
    var w = window.innerWidth, h = window.innerHeight;
    var dx = 0, dy = 0;
    if (r.right > w - MARGIN) dx = w - MARGIN - r.right;
    if (r.left + dx < MARGIN) dx = MARGIN - r.left;
    if (r.bottom > h - MARGIN) dy = h - MARGIN - r.bottom;
    if (r.top + dy < MARGIN) dy = MARGIN - r.top;
    if (dx) el.style.left = (parseFloat(el.style.left) || 0) + dx + "px";
    if (dy) el.style.top = (parseFloat(el.style.top) || 0) + dy + "px";
  }

  function hideTooltip(view) {
    var show = view.tooltip();
    if (show) show.call(view, view._handler, null, null, null);
  }

  function tooltips(box, view) {
    var show = view.tooltip();
    if (!show) return;
    view.tooltip(function (handler, event, item, value) {
      show.call(this, handler, event, item, value);
      clampTooltip();
    });
    // A tap on a touch screen makes no pointer movement: a tap (a click) on a mark shows its tooltip, and a
    // tap anywhere else on the page closes it.
    view.addEventListener("click", function (event, item) {
      if (item && item.tooltip != null) { view.tooltip().call(view, view._handler, event, item, item.tooltip); box.cjTapped = true; }
      else hideTooltip(view);
    });
    if (!box.cjOutside) {
      box.cjOutside = true;
      document.addEventListener("pointerdown", function (event) {
        if (box.cjView && box.cjTapped && !box.contains(event.target)) { hideTooltip(box.cjView); box.cjTapped = false; }
      });
    }
  }

  // Keyboard: the marks that carry a tooltip are one tab stop per chart (roving tabindex); arrow keys move
  // between them, focus shows the mark's tooltip (the one a tap shows), Escape or leaving the mark hides it.
  // Run after every drawing (Vega may replace elements when it redraws); listeners are added once per element.
  function focusable(box, view) {
    var seen = new Set();
    var marks = [].filter.call(box.querySelectorAll("svg g[class^='mark-'] > *"), function (el) {
      var item = el.__data__;
      if (!item || !item.mark || item.tooltip == null) return false;
      // one tab stop per datum: a matrix cell's square and its symbol show the same tooltip
      var key = JSON.stringify(item.tooltip);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    box.cjMarks = marks;
    var current = marks.filter(function (el) { return el.getAttribute("tabindex") === "0"; })[0] || marks[0];
    marks.forEach(function (el) {
      el.setAttribute("tabindex", el === current ? "0" : "-1");
      if (el.cjKeyed) return;
      el.cjKeyed = true;
      el.addEventListener("focus", function () {
        var r = el.getBoundingClientRect();
        var at = {clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, type: "focus", target: el};
        box.cjView.tooltip().call(box.cjView, box.cjView._handler, at, el.__data__, el.__data__.tooltip);
      });
      el.addEventListener("blur", function () { if (box.cjView) hideTooltip(box.cjView); });
      el.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { hideTooltip(box.cjView); return; }
        var step = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1}[event.key];
        if (!step) return;
        event.preventDefault();
        var list = box.cjMarks, i = list.indexOf(el);
        var next = list[Math.max(0, Math.min(list.length - 1, i + step))];
        el.setAttribute("tabindex", "-1");
        next.setAttribute("tabindex", "0");
        next.focus();
      });
    });
  }

  function drawAll() {
    var boxes = document.querySelectorAll(".cj-chart");
    var pending = null;
    // One redraw pass per frame, however many resize notifications arrive during a drag.
    function schedule() {
      if (pending) return;
      pending = requestAnimationFrame(function () { pending = null; boxes.forEach(fit); });
    }
    boxes.forEach(fit);
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(schedule);
      boxes.forEach(function (box) { observer.observe(box); });
    }
    window.addEventListener("resize", schedule);
    // the theme's light/dark switch sets data-theme on <html>
    new MutationObserver(schedule).observe(document.documentElement, {attributes: true, attributeFilter: ["data-theme"]});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
