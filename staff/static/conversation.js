// Live chat with the citizen over a websocket: events in, the agent's messages and typing out;
// canned replies (buttons, or "/" and the shortcut), keyboard shortcuts, the call-back number.
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
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) { e.className = cls; } if (text) { e.textContent = text; } return e; }
  function addTurn(ev) {
    if (ev.turn_id && seen[ev.turn_id]) { return; }
    if (ev.turn_id) { seen[ev.turn_id] = true; }
    var li = el("li", "turn role-" + ev.role);
    li.appendChild(el("span", "meta", (labels[ev.role] || ev.role) + (ev.author ? " · " + ev.author : "") + " · " + stamp(ev.at)));
    if (ev.photo_url) {
      var a = el("a", "photo"); a.href = ev.photo_url;
      var img = el("img"); img.src = ev.photo_url; img.alt = labels.photo; img.loading = "lazy";
      a.appendChild(img); li.appendChild(a);
    }
    if (ev.place) {
      var p = el("span", "place", "📍 " + ev.place.text + (ev.place.name ? " · " + ev.place.name : "") + " · ");
      var map = el("a", null, labels.map); map.href = ev.place.map_url; map.target = "_blank"; map.rel = "noopener noreferrer";
      p.appendChild(map); li.appendChild(p);
    }
    if (ev.kind && ["text", "photo", "location"].indexOf(ev.kind) < 0) {
      li.appendChild(el("span", "kind", "[" + (labels["kind-" + ev.kind] || "…") + "] "));
    }
    if (ev.text) { li.appendChild(el("span", "text", ev.text)); }
    transcript.appendChild(li);
    scroll();
  }
  function systemLine(text) {
    var li = el("li", "turn role-system");
    li.appendChild(el("span", "meta", labels.system + " · " + stamp(new Date().toISOString())));
    li.appendChild(el("span", "text", text));
    transcript.appendChild(li); scroll();
  }
  function showTyping(text) {
    typing.textContent = text; typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typing.hidden = true; }, 3000);
  }
  function disableSending() {
    var f = document.getElementById("send");
    if (f) { f.querySelectorAll("button, textarea").forEach(function (x) { x.disabled = true; }); }
    ["transfer", "close"].forEach(function (id) {  // nothing left to transfer or close
      var form = document.getElementById(id);
      if (form) { form.closest(".card").hidden = true; }
    });
  }
  var citizenTyping = typing.textContent;
  function onEvent(ev) {
    if (ev.type === "message") { if (ev.role === "citizen") { typing.hidden = true; } addTurn(ev); }
    else if (ev.type === "typing") { showTyping(ev.who === "citizen" ? citizenTyping : (ev.author || "") + " " + labels["agent-typing"]); }
    else if (ev.type === "state") {
      var state = document.getElementById("state");
      state.textContent = labels[ev.state] || ev.state; state.className = "state state-" + ev.state;
      if (ev.state === "closed") {
        if (ev.by === "citizen") { systemLine(labels["ended-citizen"]); }
        else if (ev.by === "timeout") { systemLine(labels["ended-timeout"]); }
        disableSending();
      }
    } else if (ev.type === "note") {
      var li = el("li"); li.appendChild(el("span", "meta", ev.author + " · " + stamp(ev.at) + " "));
      li.appendChild(document.createTextNode(ev.text));
      document.getElementById("notes").appendChild(li);
    } else if (ev.type === "error" && ev.error === "not-holder") {
      systemLine(labels["not-holder"]);
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

  // --- the call-back number, shown on request (the server logs who asked) -----------------------
  var reveal = document.getElementById("reveal-phone");
  if (reveal) {
    reveal.addEventListener("click", function () {
      fetch("/staff/h/" + encodeURIComponent(id) + "/phone", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf, "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (d) { var a = document.getElementById("phone-link"); a.textContent = d.phone; a.href = "tel:" + d.phone; a.hidden = false; reveal.hidden = true; })
        .catch(function () {});
    });
  }

  // --- keyboard shortcuts: Alt+R reply, Alt+N note, Alt+C close -----------------------------------
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) { return; }
    var target = { r: "text", n: "note-text", c: "resolution" }[e.key.toLowerCase()];
    var field = target && document.getElementById(target);
    if (field) { e.preventDefault(); field.focus(); }
  });

  if (!holder) { return; }
  var form = document.getElementById("send");
  if (!form) { return; }
  var box = document.getElementById("text");
  var list = document.getElementById("suggestions");
  var canned = [];
  document.querySelectorAll(".canned-reply").forEach(function (b) {
    canned.push({ shortcut: b.dataset.shortcut, text: b.dataset.text });
    b.addEventListener("click", function () { insert(b.dataset.text, false); });
  });
  function insert(text, replaceSlash) {
    var value = box.value;
    if (replaceSlash) { value = value.replace(/(^|\s)\/[\w-]*$/, "$1"); }
    box.value = value ? value.replace(/\s*$/, " ") + text : text;
    hideSuggestions();
    box.focus(); box.setSelectionRange(box.value.length, box.value.length);
    box.dispatchEvent(new Event("input"));
  }
  // "/" and the first letters of a shortcut: the matching canned replies; ↑/↓, Tab or Enter, Esc.
  var active = -1, matches = [];
  function hideSuggestions() { list.hidden = true; list.replaceChildren(); matches = []; active = -1; box.removeAttribute("aria-activedescendant"); }
  function showSuggestions() {
    var m = /(^|\s)\/([\w-]*)$/.exec(box.value.slice(0, box.selectionStart));
    if (!m) { hideSuggestions(); return; }
    matches = canned.filter(function (c) { return c.shortcut.indexOf(m[2].toLowerCase()) === 0; });
    if (!matches.length) { hideSuggestions(); return; }
    list.replaceChildren();
    matches.forEach(function (c, i) {
      var li = el("li"); li.id = "suggestion-" + i; li.setAttribute("role", "option");
      li.appendChild(el("strong", null, "/" + c.shortcut)); li.appendChild(document.createTextNode(" " + c.text));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); insert(c.text, true); });
      list.appendChild(li);
    });
    active = 0; mark(); list.hidden = false;
  }
  function mark() {
    list.querySelectorAll("li").forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
    box.setAttribute("aria-activedescendant", "suggestion-" + active);
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = box.value.trim();
    if (!text) { return; }
    send({ type: "send", text: text, client_id: String(Date.now()) });
    box.value = "";
    box.dispatchEvent(new Event("input"));
  });
  box.addEventListener("keydown", function (e) {
    if (!list.hidden && matches.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault(); active = (active + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length; mark(); return;
      }
      if (e.key === "Tab" || e.key === "Enter") { e.preventDefault(); insert(matches[active].text, true); return; }
      if (e.key === "Escape") { e.preventDefault(); hideSuggestions(); return; }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  box.addEventListener("input", function (e) { if (e.isTrusted) { send({ type: "typing" }); } showSuggestions(); });
  box.addEventListener("blur", function () { setTimeout(hideSuggestions, 150); });
})();
