// gouji findings report: the summary's sort and filter, a report's links between cells
// and findings. No library, nothing fetched.
(function () {
  "use strict";
  // A finding's cells and a cell's findings, brought to the eye together.
  function focus(ids) {
    document.querySelectorAll(".focus").forEach(function (e) { e.classList.remove("focus"); });
    ids.forEach(function (id) { var e = document.getElementById(id); if (e) { e.classList.add("focus"); } });
  }
  document.querySelectorAll("a.cell-link").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      var id = a.getAttribute("href").slice(1);
      var cell = document.getElementById(id);
      if (!cell) { return; }
      ev.preventDefault();
      var card = a.closest(".finding");
      focus([id].concat(card ? [card.id] : []));
      cell.scrollIntoView({ block: "center" });
      history.replaceState(null, "", "#" + id);
    });
  });
  document.querySelectorAll(".finding").forEach(function (card) {
    card.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { return; }
      var cells = (card.getAttribute("data-cells") || "").split(" ").filter(Boolean);
      focus(cells.concat([card.id]));
      var first = cells.map(function (id) { return document.getElementById(id); }).filter(Boolean)[0];
      if (first) { first.scrollIntoView({ block: "center" }); }
    });
  });
  document.querySelectorAll("a.ref").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      var card = document.getElementById(a.getAttribute("href").slice(1));
      if (!card) { return; }
      ev.preventDefault();
      var td = a.closest("td");
      focus([card.id].concat(td ? [td.id] : []));
      card.scrollIntoView({ block: "nearest" });
    });
  });

  // The summary: filters and sorting.
  var table = document.getElementById("reports");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function value(id) { var e = document.getElementById(id); return e ? e.value : ""; }
  function apply() {
    var issuer = value("f-issuer"), year = value("f-year"), rule = value("f-rule"), sev = value("f-severity");
    var text = value("f-text").trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!issuer || r.dataset.issuer === issuer) && (!year || r.dataset.year === year) &&
        (!rule || r.dataset.rules.split(" ").indexOf(rule) >= 0) &&
        (!sev || r.dataset.severity.split(" ").indexOf(sev) >= 0) &&
        (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var count = document.getElementById("f-count");
    if (count) { count.textContent = "显示 " + shown + " / " + rows.length + " 份"; }
  }
  ["f-issuer", "f-year", "f-rule", "f-severity"].forEach(function (id) {
    var e = document.getElementById(id); if (e) { e.addEventListener("change", apply); }
  });
  var search = document.getElementById("f-text");
  if (search) { search.addEventListener("input", apply); }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    var kind = th.getAttribute("data-sort");
    if (!kind) { return; }
    th.addEventListener("click", function () {
      var asc = !th.classList.contains("asc");
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.classList.remove("asc", "desc"); });
      th.classList.add(asc ? "asc" : "desc");
      var key = function (r) {
        var t = r.cells[col].textContent.trim();
        return kind === "num" ? (parseFloat(t) || 0) : t;
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = kind === "num" ? x - y : x.localeCompare(y, "zh-CN");
        return asc ? c : -c;
      });
      rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
    });
  });
  apply();
})();
