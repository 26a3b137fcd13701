// The queue refreshes itself every 3 seconds; wait times tick every second.
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (!table) { return; }
  var csrf = table.dataset.csrf;
  var body = table.querySelector("tbody");
  var template = document.getElementById("row-template");
  function text(id) { return document.getElementById(id).textContent; }
  function fmt(seconds) { seconds = Math.max(0, Math.floor(seconds)); var s = seconds % 60; return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s; }
  function tick() {
    body.querySelectorAll("td.wait[data-since]").forEach(function (cell) {
      cell.textContent = fmt((Date.now() - Date.parse(cell.dataset.since)) / 1000);
    });
  }
  function render(rows) {
    var fresh = document.createDocumentFragment();
    rows.forEach(function (row) {
      var tr = template.content.firstElementChild.cloneNode(true);
      tr.dataset.id = row.id;
      var cells = tr.querySelectorAll("td");
      cells[0].dataset.since = row.waiting_since;
      cells[1].textContent = row.language;
      cells[2].textContent = row.callback ? text("callback-text") : (row.topic || text("notopic-text"));
      cells[3].textContent = row.citizen;
      var form = tr.querySelector("form");
      form.action = "/staff/h/" + encodeURIComponent(row.id) + "/claim";
      form.querySelector("input[name=csrf]").value = csrf;
      fresh.appendChild(tr);
    });
    if (!rows.length) {
      var empty = document.createElement("tr"); var td = document.createElement("td");
      td.colSpan = 5; td.textContent = text("empty-text"); empty.appendChild(td); fresh.appendChild(empty);
    }
    body.replaceChildren(fresh);
    document.getElementById("queue-count").textContent = rows.length;
    tick();
  }
  function refresh() {
    fetch("/staff/api/queue", { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (r.status === 401) { location.reload(); } return r.json(); })
      .then(function (data) { render(data.queue); })
      .catch(function () {});
  }
  setInterval(tick, 1000);
  setInterval(refresh, 3000);
})();
