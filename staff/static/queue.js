// The queue: rows and "my conversations" re-rendered when the desk's event stream says something
// changed (staff/static/desk.js: no polling); wait times tick every second.
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (!table) { return; }
  var csrf = table.dataset.csrf;
  var body = table.querySelector("tbody");
  var rowTemplate = document.getElementById("row-template");
  var mineTemplate = document.getElementById("mine-template");
  function text(id) { return document.getElementById(id).textContent; }
  function fmt(seconds) { seconds = Math.max(0, Math.floor(seconds)); var s = seconds % 60; return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s; }
  function tick() {
    body.querySelectorAll("td.wait[data-since]").forEach(function (cell) {
      cell.textContent = fmt((Date.now() - Date.parse(cell.dataset.since)) / 1000);
    });
  }
  function fill(node, row) {
    node.querySelector(".topic").textContent = (row.callback ? "📞 " : "") + row.topic;
    node.querySelector(".citizen").textContent = row.citizen;
    node.querySelector(".lang").textContent = row.language_label;
    node.querySelector(".preview").textContent = row.preview;
    var badge = node.querySelector(".unread");
    badge.textContent = row.unread; badge.hidden = !row.unread;
  }
  function render(data) {
    var fresh = document.createDocumentFragment();
    data.queue.forEach(function (row) {
      var tr = rowTemplate.content.firstElementChild.cloneNode(true);
      tr.dataset.id = row.id;
      tr.querySelector("td.wait").dataset.since = row.waiting_since;
      fill(tr, row);
      var form = tr.querySelector("form");
      form.action = "/staff/h/" + encodeURIComponent(row.id) + "/claim";
      form.querySelector("input[name=csrf]").value = csrf;
      fresh.appendChild(tr);
    });
    if (!data.queue.length) {
      var empty = document.createElement("tr"); var td = document.createElement("td");
      empty.className = "empty"; td.colSpan = 6; td.textContent = text("empty-text"); empty.appendChild(td); fresh.appendChild(empty);
    }
    body.replaceChildren(fresh);
    document.getElementById("queue-count").textContent = data.queue.length;
    var mine = document.getElementById("mine"), list = document.createDocumentFragment();
    data.mine.forEach(function (row) {
      var li = mineTemplate.content.firstElementChild.cloneNode(true);
      li.dataset.id = row.id;
      li.querySelector("a").href = "/staff/h/" + encodeURIComponent(row.id);
      fill(li, row);
      list.appendChild(li);
    });
    mine.replaceChildren(list);
    document.getElementById("mine-card").hidden = !data.mine.length;
    tick();
  }
  function refresh() {
    fetch("/staff/api/queue", { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (r.status === 401) { location.reload(); } return r.json(); })
      .then(render)
      .catch(function () {});
  }
  document.addEventListener("desk:refresh", refresh);
  setInterval(tick, 1000);
})();
