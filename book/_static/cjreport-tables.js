/* The quotation index: search and sort with DataTables (vendored classic scripts, so it works from disk).
   The caption counts the rows a search leaves. On a phone each row is a card and the column headers are
   hidden, so a "Sort by" control above the cards does what a click on a header does on a desktop. */
(function () {
  "use strict";

  function caption(table, api) {
    var cap = table.querySelector("caption");
    if (!cap) return;
    var total = Number(cap.dataset.total) || api.rows().count();
    var shown = api.rows({search: "applied"}).count();
    var what = shown === total ? "All " + total + " quotations" : shown + " of " + total + " quotations match the search";
    cap.textContent = what + "; type in the search box to filter, click a header (on a phone: Sort by) to sort.";
  }

  function sortControl(table, api) {
    var labels = [].map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    var box = document.createElement("div");
    box.className = "cj-sort";
    var id = table.id ? table.id + "-sort" : "cj-sort-" + Math.random().toString(36).slice(2);
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Sort by ";
    var select = document.createElement("select");
    select.id = id;
    var none = new Option("the book's order", "");
    select.add(none);
    labels.forEach(function (text, i) {
      select.add(new Option(text + " (A to Z)", i + ":asc"));
      select.add(new Option(text + " (Z to A)", i + ":desc"));
    });
    select.addEventListener("change", function () {
      if (!select.value) { api.order([]).draw(); return; }
      var parts = select.value.split(":");
      api.order([[Number(parts[0]), parts[1]]]).draw();
    });
    // a header click on a desktop shows in the control too
    api.on("order", function () {
      var order = api.order();
      var value = order.length ? order[0][0] + ":" + order[0][1] : "";
      if (select.querySelector('option[value="' + value + '"]')) select.value = value;
    });
    label.appendChild(select);
    box.appendChild(label);
    var wrapper = table.closest(".dt-container") || table.parentNode;
    var search = wrapper.querySelector(".dt-search");
    (search ? search.parentNode : wrapper).insertBefore(box, search ? search.nextSibling : wrapper.firstChild);
  }

  function init() {
    document.querySelectorAll("table.cj-datatable").forEach(function (table) {
      // DataTables rewrites the colgroup: hand it the widths the table declares (the quotation gets half)
      var widths = [].map.call(table.querySelectorAll("colgroup col"), function (col) { return {width: col.style.width || null}; });
      var api = new DataTable(table, {paging: true, pageLength: 25, order: [], autoWidth: false,
                                      columns: widths.length ? widths : null,
                                      language: {search: "Search the quotations:"}});
      api.on("draw", function () { caption(table, api); });
      caption(table, api);
      sortControl(table, api);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
