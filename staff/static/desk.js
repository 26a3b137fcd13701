// On every console page: the desk's server-sent events (the queue and unread badges refresh,
// alerts with an optional sound and desktop notification), photos enlarged in a dialog, and the
// language check of what staff write to a citizen (core/language.py's detect, via the server).
(function () {
  "use strict";
  var body = document.body;
  if (!body.dataset.desk) { return; }
  var alerts = document.getElementById("alerts");
  var sound = document.getElementById("opt-sound");
  var desktop = document.getElementById("opt-desktop");

  // --- options, kept in this browser ---------------------------------------------------------
  function option(box, key) {
    if (!box) { return; }
    box.checked = localStorage.getItem(key) === "1";
    box.addEventListener("change", function () {
      localStorage.setItem(key, box.checked ? "1" : "0");
      if (box === desktop && box.checked && window.Notification && Notification.permission === "default") {
        Notification.requestPermission();
      }
    });
  }
  option(sound, "staff.sound");
  option(desktop, "staff.desktop");

  var audio = null;
  function beep() {
    if (!sound || !sound.checked) { return; }
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.08;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.18);
    } catch (e) { /* no audio here */ }
  }
  function notify(text, href) {
    if (!desktop || !desktop.checked || !window.Notification || Notification.permission !== "granted") { return; }
    if (document.visibilityState === "visible" && document.hasFocus()) { return; }
    var n = new Notification(document.title.split(" · ").pop(), { body: text, tag: href });
    n.onclick = function () { window.focus(); location.href = href; };
  }
  function showAlert(data) {
    if (!alerts) { return; }
    var item = document.createElement("p");
    item.className = "alert";
    var link = document.createElement("a");
    link.href = data.href || "/staff/queue"; link.textContent = data.text;
    var close = document.createElement("button");
    close.type = "button"; close.className = "secondary dismiss"; close.textContent = "×";
    close.setAttribute("aria-label", "×");
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(link); item.appendChild(close);
    alerts.appendChild(item);
    while (alerts.children.length > 4) { alerts.firstElementChild.remove(); }
    setTimeout(function () { item.remove(); }, 30000);
    beep(); notify(data.text, link.href);
  }

  // --- the event stream ------------------------------------------------------------------------
  var refreshTimer = null;
  function refresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () { document.dispatchEvent(new CustomEvent("desk:refresh")); }, 250);
  }
  if (window.EventSource) {
    var source = new EventSource("/staff/events");
    source.addEventListener("refresh", refresh);
    source.addEventListener("alert", function (m) {
      try { showAlert(JSON.parse(m.data)); } catch (e) { /* ignore */ }
    });
    var opened = false;
    source.addEventListener("open", function () {
      body.dataset.live = "1";
      if (opened) { refresh(); }  // reconnected: what changed meanwhile was not sent
      opened = true;
    });
    source.addEventListener("error", function () { body.dataset.live = "0"; });
  }

  // --- photos: click to enlarge ------------------------------------------------------------------
  var box = document.getElementById("lightbox");
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.photo");
    if (!link || !box || !box.showModal) { return; }
    e.preventDefault();
    var img = box.querySelector("img");
    img.src = link.href;
    img.alt = (link.querySelector("img") || {}).alt || "";
    box.showModal();
  });
  if (box) { box.addEventListener("click", function (e) { if (e.target === box) { box.close(); } }); }

  // --- the language of what staff write ---------------------------------------------------------
  function watchLanguage(field) {
    var target = field.dataset.citizenLang;
    var out = document.getElementById((field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      var el = document.getElementById(id); return el && el.classList.contains("lang-warning");
    })[0]);
    if (!target || !out) { return; }
    var timer = null, asked = "";
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = field.value.trim();
        if (text === asked) { return; }
        asked = text;
        if (!text) { out.hidden = true; return; }
        fetch("/staff/api/language?for=" + encodeURIComponent(target) + "&text=" + encodeURIComponent(text.slice(0, 1000)),
              { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (d) { out.textContent = d.warning || ""; out.hidden = !d.differs; })
          .catch(function () {});
      }, 350);
    });
  }
  document.querySelectorAll("[data-citizen-lang]").forEach(watchLanguage);
  window.staffDesk = { showAlert: showAlert };
})();
