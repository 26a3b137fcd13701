"use strict";
// The Mini App's core: Telegram glue (ready, expand, theme, BackButton, MainButton, closing
// confirmation, haptics), the API client (initData in every call), texts from the catalogs,
// element helpers (text is never put in as HTML), the router, and the start-up.
// Pages register themselves in MiniApp.pages (pages.js, records.js, report.js).
(function () {
  const tg = (window.Telegram && window.Telegram.WebApp) || null;
  const $ = (id) => document.getElementById(id);
  const A = { tg, pages: {}, texts: {}, lang: "en", me: null, route: null, stack: [], cleanup: [] };
  window.MiniApp = A;

  // --- texts ------------------------------------------------------------------------------------

  A.t = function (id, args) {
    let text = A.texts[id];
    if (text === undefined) return "";  // a missing text is a bug the catalog tests catch
    for (const [name, value] of Object.entries(args || {})) text = text.split("{$" + name + "}").join(String(value));
    return text;
  };

  async function loadTexts(lang) {
    const response = await fetch("api/texts?lang=" + encodeURIComponent(lang));
    const data = await response.json();
    A.texts = data.texts;
    A.lang = data.lang;
    document.documentElement.lang = A.lang === "zh" ? "zh-CN" : "en";
    document.title = A.t("miniapp-title");
    $("app-name").textContent = A.t("miniapp-title");
    const other = A.lang === "zh" ? "en" : "zh";
    const button = $("lang-switch");
    button.textContent = A.t("miniapp-language-switch");
    button.setAttribute("aria-label", A.t("miniapp-language-switch-label"));
    button.lang = other === "zh" ? "zh-CN" : "en";
    button.hidden = false;
  }

  function storedLanguage() {
    try { return localStorage.getItem("miniapp-lang"); } catch (e) { return null; }
  }

  function telegramLanguage() {
    const user = tg && tg.initDataUnsafe && tg.initDataUnsafe.user;
    const code = (user && user.language_code) || navigator.language || "en";
    return code.toLowerCase().startsWith("zh") ? "zh" : "en";
  }

  // --- elements ---------------------------------------------------------------------------------

  // el("p", {class: "x", text: "..."}, child, ...): attributes; "text" sets textContent; "on*" listeners.
  A.el = function (tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else if (value === true) node.setAttribute(key, "");
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  };

  A.toast = function (text, kind) {
    const box = $("toast");
    box.textContent = text;
    box.className = "show " + (kind || "");
    clearTimeout(A.toast.timer);
    A.toast.timer = setTimeout(() => { box.className = ""; }, kind === "error" ? 5000 : 2600);
  };

  A.announce = function (text) {
    const box = $("announce");
    box.textContent = "";
    setTimeout(() => { box.textContent = text; }, 50);
  };

  A.haptic = function (kind) {
    if (!tg || !tg.HapticFeedback) return;
    if (kind === "success" || kind === "error" || kind === "warning") tg.HapticFeedback.notificationOccurred(kind);
    else if (kind === "select") tg.HapticFeedback.selectionChanged();
    else tg.HapticFeedback.impactOccurred(kind || "light");
  };

  // A date as the page shows it: never broken across lines at its hyphens.
  A.day = (iso) => String(iso || "").replace(/-/g, "\u2011");
  A.money = (yuan) => A.t("miniapp-yuan", { amount: Number(yuan).toLocaleString(A.lang === "zh" ? "zh-CN" : "en") });

  // --- the API ----------------------------------------------------------------------------------

  class Failure extends Error {
    constructor(status, data) {
      super((data && data.message) || A.t("miniapp-error-network"));
      this.status = status;
      this.code = (data && data.error) || "network";
      this.fields = (data && data.fields) || {};
    }
  }
  A.Failure = Failure;

  // api("GET", "me") -> the JSON answer; a Failure (with the server's words) otherwise.
  A.api = async function (method, path, body, options) {
    const headers = { "Authorization": "tma " + A.initData, "Accept-Language": A.lang };
    let payload;
    if (body instanceof Blob) { payload = body; headers["Content-Type"] = body.type || "application/octet-stream"; }
    else if (body !== undefined) { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
    let response;
    try {
      response = await fetch("api/" + path, { method, headers, body: payload, signal: options && options.signal });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new Failure(0, null);
    }
    if (options && options.raw && response.ok) return response;
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const failure = new Failure(response.status, data);
      if (response.status === 401) { A.fatal(failure.message, failure.code); throw failure; }
      if (response.status === 403 && failure.code === "not_linked") { A.go("link", [], { replace: true }); throw failure; }
      throw failure;
    }
    return data;
  };

  // A photo the citizen uploaded, as an <img> (fetched with the initData; never a bare URL).
  A.photoImage = function (id, alt) {
    const img = A.el("img", { alt, class: "photo", loading: "lazy" });
    A.api("GET", "photos/" + encodeURIComponent(id), undefined, { raw: true })
      .then((response) => response.blob())
      .then((blob) => { img.src = URL.createObjectURL(blob); })
      .catch(() => { img.alt = alt + " · " + A.t("miniapp-photo-unavailable"); });
    return img;
  };

  // --- theme: Telegram's colours, made readable (WCAG AA) -------------------------------------

  function hex(color) {
    const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(color || "").trim());
    if (!m) return null;
    let h = m[1];
    if (h.length === 3) h = h.split("").map((c) => c + c).join("");
    const n = parseInt(h, 16);
    return [n >> 16, (n >> 8) & 255, n & 255];
  }
  const css = (rgb) => "#" + rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  function luminance(rgb) {
    const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function contrast(a, b) {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  }
  // ``fg`` moved towards black or white (whichever reads better on ``bgs``) until it reaches ``ratio``.
  function readable(fg, bgs, ratio) {
    const worst = (c) => Math.min(...bgs.map((bg) => contrast(c, bg)));
    if (worst(fg) >= ratio) return fg;
    const darkBg = luminance(bgs[0]) < 0.4;
    const target = darkBg ? [255, 255, 255] : [0, 0, 0];
    let color = fg;
    for (let step = 0.05; step <= 1.0001 && worst(color) < ratio; step += 0.05) {
      color = fg.map((v, i) => v + (target[i] - v) * step);
    }
    return color;
  }
  A.contrast = (a, b) => contrast(hex(a), hex(b));

  function applyTheme() {
    const p = (tg && tg.themeParams) || {};
    const scheme = (tg && tg.colorScheme) || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
    const dark = scheme === "dark";
    const pick = (value, light, darkValue) => hex(value) || hex(dark ? darkValue : light);
    const bg = pick(p.bg_color, "#ffffff", "#1c1c1e");
    const section = pick(p.section_bg_color || p.bg_color, "#ffffff", "#2c2c2e");
    const secondary = pick(p.secondary_bg_color, "#f2f2f7", "#000000");
    const text = readable(pick(p.text_color, "#000000", "#ffffff"), [bg, section, secondary], 7);
    const hint = readable(pick(p.hint_color || p.subtitle_text_color, "#6d6d72", "#98989e"), [bg, section, secondary], 4.5);
    const link = readable(pick(p.link_color || p.accent_text_color, "#2481cc", "#6ab3f3"), [bg, section, secondary], 4.5);
    const accent = readable(pick(p.accent_text_color || p.link_color, "#2481cc", "#6ab3f3"), [bg, section, secondary], 4.5);
    const destructive = readable(pick(p.destructive_text_color, "#d93025", "#ff6b6b"), [bg, section, secondary], 4.5);
    const buttonText = hex(p.button_text_color) || [255, 255, 255];
    const button = readable(pick(p.button_color, "#2481cc", "#2ea6ff"), [buttonText], 4.5);
    const root = document.documentElement;
    root.dataset.scheme = dark ? "dark" : "light";
    const vars = { bg, section, secondary, text, hint, link, accent, destructive, button, "button-text": buttonText };
    for (const [name, value] of Object.entries(vars)) root.style.setProperty("--" + name, css(value));
    A.buttonColors = { color: css(button), text_color: css(buttonText) };
    if (tg && tg.setHeaderColor && tg.isVersionAtLeast && tg.isVersionAtLeast("6.1")) {
      try { tg.setHeaderColor(css(bg)); tg.setBackgroundColor(css(secondary)); } catch (e) { /* older clients */ }
    }
    if (A.main.current) A.main.set(A.main.current);
  }

  // --- Telegram's buttons -------------------------------------------------------------------------

  // The page's primary action is Telegram's MainButton: main.set({text, onClick, enabled}) / main.hide().
  A.main = {
    current: null, handler: null,
    set(options) {
      A.main.current = options;
      if (!tg) return;
      const button = tg.MainButton;
      if (A.main.handler) button.offClick(A.main.handler);
      A.main.handler = () => { if (options.onClick) options.onClick(); };
      button.onClick(A.main.handler);
      button.setParams(Object.assign({ text: options.text, is_visible: true, is_active: options.enabled !== false },
        A.buttonColors || {}));
      if (options.progress) button.showProgress(); else button.hideProgress();
    },
    progress(on) {
      if (!tg) return;
      if (on) { tg.MainButton.showProgress(); tg.MainButton.disable(); } else { tg.MainButton.hideProgress(); tg.MainButton.enable(); }
    },
    hide() {
      A.main.current = null;
      if (!tg) return;
      if (A.main.handler) tg.MainButton.offClick(A.main.handler);
      A.main.handler = null;
      tg.MainButton.hide();
    },
  };

  // Ask before closing while a form is half filled (Telegram's closing confirmation).
  A.confirmClose = function (on) {
    if (!tg) return;
    if (on && !tg.isClosingConfirmationEnabled) tg.enableClosingConfirmation();
    if (!on && tg.isClosingConfirmationEnabled) tg.disableClosingConfirmation();
  };

  A.confirm = function (message) {
    return new Promise((resolve) => {
      if (tg && tg.showConfirm && tg.isVersionAtLeast("6.2")) tg.showConfirm(message, (ok) => resolve(!!ok));
      else resolve(window.confirm(message));
    });
  };

  // --- the router -----------------------------------------------------------------------------------

  // go("violations", [args]): shows the page, remembers where the person came from (BackButton).
  A.go = function (name, args, options) {
    const route = { name, args: args || [] };
    if (options && options.replace) A.stack = A.stack.slice(0, -1);
    if (A.route && !(options && options.replace)) A.stack.push(A.route);
    if (name === "home") A.stack = [];
    show(route);
  };

  A.back = function () {
    if (A.onBack && A.onBack()) return;  // a page with steps of its own goes back a step first
    const previous = A.stack.pop();
    show(previous || { name: "home", args: [] });
  };

  A.refresh = () => show(A.route);

  function show(route) {
    for (const undo of A.cleanup.splice(0)) { try { undo(); } catch (e) { /* a page's own tidy-up */ } }
    A.main.hide();
    A.confirmClose(false);
    A.onBack = null;
    A.route = route;
    const page = A.pages[route.name] || A.pages.home;
    const path = "#/" + [route.name, ...route.args.map(encodeURIComponent)].join("/");
    try { history.replaceState(null, "", path); } catch (e) { /* sandboxed frame */ }
    if (tg && tg.BackButton) {
      if (route.name === "home" || route.name === "link" || route.name === "error") tg.BackButton.hide();
      else tg.BackButton.show();
    }
    const view = $("view");
    view.replaceChildren(A.el("p", { class: "loading", role: "status", text: A.t("miniapp-loading") }));
    Promise.resolve(page(view, ...route.args)).then(() => {
      const heading = view.querySelector("h1");
      if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
      window.scrollTo(0, 0);
    }).catch((error) => {
      if (error instanceof Failure && (error.status === 401 || error.code === "not_linked")) return;
      A.showError(view, error);
    });
  }

  // A page's fetch failed: say so (the server's words), with a way to try again.
  A.showError = function (view, error) {
    view.replaceChildren(
      A.el("h1", { text: A.t("miniapp-error-title") }),
      A.el("p", { class: "notice error", role: "alert", text: error.message || A.t("miniapp-error-network") }),
      A.el("button", { type: "button", class: "secondary", text: A.t("miniapp-retry"), onclick: A.refresh }),
    );
  };

  // The launch cannot be used (not opened from Telegram, forged, expired): the error page only.
  A.fatal = function (message, code) {
    for (const undo of A.cleanup.splice(0)) { try { undo(); } catch (e) { /* tidy-up */ } }
    A.main.hide();
    A.route = { name: "error", args: [] };
    if (tg && tg.BackButton) tg.BackButton.hide();
    const view = $("view");
    view.dataset.error = code || "error";
    view.replaceChildren(
      A.el("h1", { text: A.t("miniapp-error-launch-title") }),
      A.el("p", { class: "notice error", role: "alert", text: message }),
      A.el("p", { class: "hint", text: A.t("miniapp-error-launch-hint") }),
      tg ? A.el("button", { type: "button", class: "secondary", text: A.t("miniapp-close"), onclick: () => tg.close() }) : null,
    );
    view.querySelector("h1").tabIndex = -1;
    view.querySelector("h1").focus();
  };

  // Where the launch points: the URL fragment ("#/violations"), else Telegram's start_param.
  function firstRoute() {
    const hash = (location.hash || "").replace(/^#/, "");
    const path = hash.split("?")[0];
    if (path.startsWith("/") && path.length > 1) {
      const [name, ...args] = path.slice(1).split("/").filter(Boolean).map(decodeURIComponent);
      if (A.pages[name]) return { name, args };
    }
    const start = tg && tg.initDataUnsafe && tg.initDataUnsafe.start_param;
    if (start) {
      const m = /^(delivery|complaint)-(.+)$/.exec(start);
      if (m) return { name: m[1], args: [m[2]] };
      if (A.pages[start]) return { name: start, args: [] };
    }
    return { name: "home", args: [] };
  }

  async function start() {
    if (tg) {
      tg.ready();
      tg.expand();
      tg.onEvent("themeChanged", applyTheme);
      tg.BackButton.onClick(() => A.back());
    }
    applyTheme();
    A.initData = (tg && tg.initData) || "";
    try {
      await loadTexts(storedLanguage() || telegramLanguage());
    } catch (e) {
      $("view").replaceChildren(A.el("p", { class: "notice error", role: "alert", text: "⚠ Network error · 网络错误" }));
      return;
    }
    $("lang-switch").addEventListener("click", async () => {
      const next = A.lang === "zh" ? "en" : "zh";
      try { localStorage.setItem("miniapp-lang", next); } catch (e) { /* private mode */ }
      await loadTexts(next);
      A.haptic("select");
      A.announce(A.t("miniapp-language-changed"));
      A.refresh();
    });
    if (!A.initData) { A.fatal(A.t("miniapp-error-init_data_missing"), "init_data_missing"); return; }
    let session;
    try {
      session = await A.api("GET", "session");
    } catch (error) {
      if (error.status !== 401) A.fatal(error.message, error.code);
      return;
    }
    const target = firstRoute();
    if (!session.linked) { A.go("link", [], {}); return; }
    A.go(target.name === "link" ? "home" : target.name, target.args);
  }

  document.addEventListener("DOMContentLoaded", () => {
    start().catch((error) => A.fatal(String(error && error.message || error), "error"));
  });
})();
