// Live chat with the citizen over a websocket: events in, the agent's messages and typing out.
(function () {
  "use strict";
  var root = document.getElementById("conversation");
  if (!root) { return; }
  var id = root.dataset.id, csrf = root.dataset.csrf, holder = root.dataset.holder === "1";
  var transcript = document.getElementById("transcript");
  var typing = document.getElementById("typing");
  var labels = {};
  document.getElementById("labels").content.querySelectorAll("span").forEach(function (s) { labels[s.dataset.role] = s.textContent; });
  var seen = {};
  var typingTimer = null;
  var socket = null, retry = 500, queued = [];

  // Times as the server renders them: the bureau's time zone.
  function stamp(at) { return new Date(at).toLocaleString("sv-SE", { timeZone: "Asia/Shanghai" }); }
  function scroll() { transcript.scrollTop = transcript.scrollHeight; }
  scroll();
  function addTurn(ev) {
    if (ev.turn_id && seen[ev.turn_id]) { return; }
    if (ev.turn_id) { seen[ev.turn_id] = true; }
    var li = document.createElement("li");
    li.className = "turn role-" + ev.role;
    var meta = document.createElement("span"); meta.className = "meta";
    meta.textContent = (labels[ev.role] || ev.role) + (ev.author ? " · " + ev.author : "") + " · " + stamp(ev.at);
    var body = document.createElement("span"); body.className = "text";
    body.textContent = (ev.kind && ev.kind !== "text" ? "[" + ev.kind + "] " : "") + (ev.text || "");
    li.appendChild(meta); li.appendChild(body);
    transcript.appendChild(li);
    scroll();
  }
  function showTyping(text) {
    typing.textContent = text; typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typing.hidden = true; }, 3000);
  }
  var citizenTyping = typing.textContent;
  function onEvent(ev) {
    if (ev.type === "message") { if (ev.role === "citizen") { typing.hidden = true; } addTurn(ev); }
    else if (ev.type === "typing") { showTyping(ev.who === "citizen" ? citizenTyping : (ev.author || "") + " " + labels["agent-typing"]); }
    else if (ev.type === "state") {
      var state = document.getElementById("state");
      state.textContent = labels[ev.state] || ev.state; state.className = "state state-" + ev.state;
      if (ev.state === "closed") { var f = document.getElementById("send"); if (f) { f.querySelector("button").disabled = true; } }
    } else if (ev.type === "note") {
      var li = document.createElement("li"); var m = document.createElement("span"); m.className = "meta";
      m.textContent = ev.author + " · " + stamp(ev.at) + " ";
      li.appendChild(m); li.appendChild(document.createTextNode(ev.text));
      document.getElementById("notes").appendChild(li);
    }
  }
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/staff/h/" + encodeURIComponent(id) + "/ws?csrf=" + encodeURIComponent(csrf));
    socket.onopen = function () { retry = 500; root.dataset.live = "1"; queued.splice(0).forEach(function (m) { socket.send(m); }); };
    socket.onmessage = function (m) { onEvent(JSON.parse(m.data)); };
    socket.onclose = function () { root.dataset.live = "0"; setTimeout(connect, retry); retry = Math.min(retry * 2, 10000); };
  }
  function send(obj) {
    var m = JSON.stringify(obj);
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(m); } else { queued.push(m); }
  }
  connect();
  setInterval(function () { send({ type: "ping" }); }, 30000);
  if (!holder) { return; }
  var form = document.getElementById("send");
  if (!form) { return; }
  var box = document.getElementById("text");
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = box.value.trim();
    if (!text) { return; }
    send({ type: "send", text: text, client_id: String(Date.now()) });
    box.value = "";
  });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  box.addEventListener("input", function () { send({ type: "typing" }); });
  document.querySelectorAll(".canned-reply").forEach(function (b) {
    b.addEventListener("click", function () { box.value = b.dataset.text; box.focus(); });
  });
})();
