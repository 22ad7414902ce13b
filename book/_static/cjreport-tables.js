/* The quotation index: search and sort with DataTables (vendored classic scripts, so it works from disk). */
(function () {
  "use strict";
  function init() {
    document.querySelectorAll("table.cj-datatable").forEach(function (table) {
      new DataTable(table, {paging: true, pageLength: 25, order: [], autoWidth: false,
                            language: {search: "Search the quotations:"}});
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
