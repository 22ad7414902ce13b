/* Draws every chart on the page with the vendored Vega, Vega-Lite and vega-embed. They are classic scripts,
   not ES modules, so a book opened from disk (file://) draws its charts exactly as a served one does.
   A chart box carries its wide layout and, for phones, a narrow one; the layout that fits the box is drawn,
   and redrawn when the box crosses NARROW (its width follows the column: width "container"). */
(function () {
  "use strict";
  var NARROW = 560; // px; cjreport.charts.NARROW_PX

  function specs(box) {
    var narrow = box.querySelector("script.cj-chart-spec-narrow");
    return {
      wide: JSON.parse(box.querySelector("script.cj-chart-spec").textContent),
      narrow: narrow ? JSON.parse(narrow.textContent) : null
    };
  }

  function draw(box) {
    var s = specs(box);
    var layout = s.narrow && box.clientWidth < NARROW ? "narrow" : "wide";
    if (box.dataset.layout === layout) return;
    box.dataset.layout = layout;
    box.dataset.drawn = "pending";
    if (box.cjView) { box.cjView.finalize(); box.cjView = null; }
    var target = box.querySelector(".cj-chart-canvas");
    vegaEmbed(target, layout === "narrow" ? s.narrow : s.wide, {renderer: "svg", actions: false})
      .then(function (result) {
        box.cjView = result.view;
        showTooltipOnTap(result.view);
        box.dataset.drawn = "true";
      })
      .catch(function (err) {
        box.dataset.drawn = "error";
        console.error("chart " + box.id + ": " + err);
      });
  }

  // Vega shows tooltips on pointer movement, which a tap on a touch screen does not make: a tap (a click)
  // on a mark shows the same tooltip. (Keyboard and screen-reader users have the table under each chart.)
  function showTooltipOnTap(view) {
    view.addEventListener("click", function (event, item) {
      var show = view.tooltip();
      if (show && item && item.tooltip != null) show.call(view, view._handler, event, item, item.tooltip);
    });
  }

  function drawAll() {
    document.querySelectorAll(".cj-chart").forEach(function (box) {
      draw(box);
      if (window.ResizeObserver) new ResizeObserver(function () { draw(box); }).observe(box);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
