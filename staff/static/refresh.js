// The supervisor's board reloads when the desk's event stream says something changed (not while
// someone is typing or choosing), and at least once a minute for the wait times.
(function () {
  "use strict";
  function busy() { var el = document.activeElement; return el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName); }
  var pending = false;
  function reload() { if (busy()) { pending = true; return; } location.reload(); }
  document.addEventListener("desk:refresh", reload);
  document.addEventListener("focusout", function () { if (pending) { setTimeout(reload, 500); } });
  setInterval(reload, 60000);
})();
