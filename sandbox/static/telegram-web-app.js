"use strict";
// The sandbox's stand-in for Telegram's telegram-web-app.js: `window.Telegram.WebApp` with the
// members Mini Apps use, speaking Telegram's own protocol to the page that hosts the Mini App
// (Telegram Web posts {eventType, eventData} JSON both ways with window.postMessage). The launch
// parameters come from the URL fragment (tgWebAppData, tgWebAppThemeParams, ...), kept in
// sessionStorage for reloads, exactly where Telegram puts them. In production a Mini App loads
// Telegram's script instead; this one exists so the sandbox can host Mini Apps offline.
(function () {
  const VERSION_DEFAULT = "8.0";

  function parseQuery(text) {
    const params = {};
    for (const part of text.split("&")) {
      if (!part) continue;
      const eq = part.indexOf("=");
      const key = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, "%20"));
      params[key] = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, "%20"));
    }
    return params;
  }

  // Telegram's urlParseHashParams: "#path?params" or "#params" (a bare "#path" has no params).
  function parseHash(hash) {
    hash = hash.replace(/^#/, "");
    const params = {};
    if (!hash) return params;
    if (hash.indexOf("=") < 0 && hash.indexOf("?") < 0) {
      params._path = decodeURIComponent(hash);
      return params;
    }
    const q = hash.indexOf("?");
    if (q >= 0) {
      params._path = decodeURIComponent(hash.slice(0, q));
      hash = hash.slice(q + 1);
    }
    return Object.assign(params, parseQuery(hash));
  }

  let initParams = parseHash(location.hash || "");
  try {
    const stored = JSON.parse(sessionStorage.getItem("__telegram__initParams") || "null");
    if (stored && !initParams.tgWebAppData) initParams = Object.assign({}, stored, { _path: initParams._path });
    sessionStorage.setItem("__telegram__initParams", JSON.stringify(initParams));
  } catch (e) { /* storage refused: the fragment is enough */ }

  const host = window.parent !== window ? window.parent : null;
  function post(eventType, eventData) {
    if (host) host.postMessage(JSON.stringify({ eventType, eventData: eventData || {} }), "*");
  }

  const handlers = {};
  function on(name, fn) { (handlers[name] = handlers[name] || []).push(fn); }
  function off(name, fn) { handlers[name] = (handlers[name] || []).filter((h) => h !== fn); }
  function emit(name, data) {
    for (const fn of (handlers[name] || []).slice()) {
      try { fn.call(WebApp, data); } catch (e) { console.error(e); }
    }
  }

  const initData = initParams.tgWebAppData || "";
  const initDataUnsafe = {};
  for (const [key, value] of Object.entries(parseQuery(initData))) {
    initDataUnsafe[key] = /^[[{]/.test(value) ? JSON.parse(value) : (key === "auth_date" ? Number(value) : value);
  }

  let themeParams = {};
  try { themeParams = JSON.parse(initParams.tgWebAppThemeParams || "{}"); } catch (e) { themeParams = {}; }

  function luminance(hex) {
    const m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) return 1;
    const n = parseInt(m[1], 16);
    return (0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
  }

  function applyTheme() {
    const root = document.documentElement.style;
    for (const [key, value] of Object.entries(themeParams)) {
      root.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
    }
    WebApp.colorScheme = luminance(themeParams.bg_color) < 0.5 ? "dark" : "light";
    root.setProperty("--tg-color-scheme", WebApp.colorScheme);
  }

  function setViewport(height, stable) {
    WebApp.viewportHeight = height;
    WebApp.viewportStableHeight = stable ? height : WebApp.viewportStableHeight;
    document.documentElement.style.setProperty("--tg-viewport-height", height + "px");
    document.documentElement.style.setProperty("--tg-viewport-stable-height", WebApp.viewportStableHeight + "px");
  }

  function versionAtLeast(version) {
    const a = String(WebApp.version).split(".").map(Number);
    const b = String(version).split(".").map(Number);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
    }
    return true;
  }

  function bottomButton(kind) {
    const button = {
      type: kind, text: kind === "main" ? "Continue" : "Cancel", color: themeParams.button_color || "#3390ec",
      textColor: themeParams.button_text_color || "#ffffff", isVisible: false, isActive: true,
      isProgressVisible: false,
      setText(text) { button.text = String(text); sync(); return button; },
      onClick(fn) { on(kind === "main" ? "mainButtonClicked" : "secondaryButtonClicked", fn); return button; },
      offClick(fn) { off(kind === "main" ? "mainButtonClicked" : "secondaryButtonClicked", fn); return button; },
      show() { button.isVisible = true; sync(); return button; },
      hide() { button.isVisible = false; sync(); return button; },
      enable() { button.isActive = true; sync(); return button; },
      disable() { button.isActive = false; sync(); return button; },
      showProgress() { button.isProgressVisible = true; sync(); return button; },
      hideProgress() { button.isProgressVisible = false; sync(); return button; },
      setParams(params) {
        if ("text" in params) button.text = String(params.text);
        if ("color" in params) button.color = params.color;
        if ("text_color" in params) button.textColor = params.text_color;
        if ("is_visible" in params) button.isVisible = !!params.is_visible;
        if ("is_active" in params) button.isActive = !!params.is_active;
        sync();
        return button;
      },
    };
    function sync() {
      post(kind === "main" ? "web_app_setup_main_button" : "web_app_setup_secondary_button", {
        is_visible: button.isVisible && !!button.text, is_active: button.isActive, text: button.text,
        color: button.color, text_color: button.textColor, is_progress_visible: button.isProgressVisible,
      });
    }
    return button;
  }

  const BackButton = {
    isVisible: false,
    onClick(fn) { on("backButtonClicked", fn); return BackButton; },
    offClick(fn) { off("backButtonClicked", fn); return BackButton; },
    show() { BackButton.isVisible = true; post("web_app_setup_back_button", { is_visible: true }); return BackButton; },
    hide() { BackButton.isVisible = false; post("web_app_setup_back_button", { is_visible: false }); return BackButton; },
  };

  const HapticFeedback = {
    impactOccurred(style) { post("web_app_trigger_haptic_feedback", { type: "impact", impact_style: style }); return HapticFeedback; },
    notificationOccurred(type) {
      post("web_app_trigger_haptic_feedback", { type: "notification", notification_type: type });
      return HapticFeedback;
    },
    selectionChanged() { post("web_app_trigger_haptic_feedback", { type: "selection_change" }); return HapticFeedback; },
  };

  const pendingPopups = [];
  const locationCallbacks = [];
  const LocationManager = {
    isInited: false, isLocationAvailable: false, isAccessRequested: false, isAccessGranted: false,
    init(callback) {
      if (LocationManager.isInited) { if (callback) callback(); return LocationManager; }
      LocationManager._initCallback = callback;
      post("web_app_check_location");
      return LocationManager;
    },
    getLocation(callback) {
      locationCallbacks.push(callback || function () {});
      post("web_app_request_location");
      return LocationManager;
    },
    openSettings() { post("web_app_open_location_settings"); return LocationManager; },
  };

  const WebApp = {
    initData, initDataUnsafe, version: initParams.tgWebAppVersion || VERSION_DEFAULT,
    platform: initParams.tgWebAppPlatform || "unknown", colorScheme: "light", themeParams,
    isExpanded: false, viewportHeight: window.innerHeight, viewportStableHeight: window.innerHeight,
    isClosingConfirmationEnabled: false, headerColor: themeParams.header_bg_color || "#ffffff",
    backgroundColor: themeParams.bg_color || "#ffffff",
    MainButton: bottomButton("main"), SecondaryButton: bottomButton("secondary"), BackButton, HapticFeedback,
    LocationManager,
    isVersionAtLeast: versionAtLeast,
    onEvent: on, offEvent: off,
    ready() { post("web_app_ready"); },
    expand() { post("web_app_expand"); },
    close() { post("web_app_close", { return_back: false }); },
    enableClosingConfirmation() {
      WebApp.isClosingConfirmationEnabled = true;
      post("web_app_setup_closing_behavior", { need_confirmation: true });
    },
    disableClosingConfirmation() {
      WebApp.isClosingConfirmationEnabled = false;
      post("web_app_setup_closing_behavior", { need_confirmation: false });
    },
    setHeaderColor(color) { WebApp.headerColor = color; post("web_app_set_header_color", { color }); },
    setBackgroundColor(color) { WebApp.backgroundColor = color; post("web_app_set_background_color", { color }); },
    openLink(url) { window.open(url, "_blank", "noopener"); },
    showPopup(params, callback) {
      pendingPopups.push(callback || null);
      post("web_app_open_popup", { title: params.title || "", message: params.message, buttons: params.buttons || [{ type: "close" }] });
    },
    showAlert(message, callback) {
      WebApp.showPopup({ message, buttons: [{ type: "close" }] }, callback ? () => callback() : null);
    },
    showConfirm(message, callback) {
      WebApp.showPopup({ message, buttons: [{ id: "ok", type: "ok" }, { type: "cancel" }] },
        (id) => { if (callback) callback(id === "ok"); });
    },
    sendData(data) { post("web_app_data_send", { data: String(data) }); },
  };

  window.addEventListener("message", (event) => {
    if (event.source !== host) return;
    let message;
    try { message = typeof event.data === "string" ? JSON.parse(event.data) : event.data; } catch (e) { return; }
    if (!message || typeof message.eventType !== "string") return;
    const data = message.eventData || {};
    switch (message.eventType) {
      case "main_button_pressed": emit("mainButtonClicked"); break;
      case "secondary_button_pressed": emit("secondaryButtonClicked"); break;
      case "back_button_pressed": emit("backButtonClicked"); break;
      case "theme_changed":
        themeParams = data.theme_params || {};
        WebApp.themeParams = themeParams;
        applyTheme();
        emit("themeChanged");
        break;
      case "viewport_changed":
        WebApp.isExpanded = !!data.is_expanded;
        setViewport(data.height || window.innerHeight, data.is_state_stable);
        emit("viewportChanged", { isStateStable: !!data.is_state_stable });
        break;
      case "popup_closed": {
        const callback = pendingPopups.shift();
        if (callback) callback(data.button_id || null);
        emit("popupClosed", { button_id: data.button_id || null });
        break;
      }
      case "location_checked":
        Object.assign(LocationManager, {
          isInited: true, isLocationAvailable: !!data.available, isAccessRequested: !!data.access_requested,
          isAccessGranted: !!data.access_granted,
        });
        emit("locationManagerUpdated");
        if (LocationManager._initCallback) { LocationManager._initCallback(); LocationManager._initCallback = null; }
        break;
      case "location_requested": {
        const callback = locationCallbacks.shift();
        const located = data.available === false ? null : {
          latitude: data.latitude, longitude: data.longitude, altitude: data.altitude ?? null, course: null,
          speed: null, horizontal_accuracy: data.horizontal_accuracy ?? null, vertical_accuracy: null,
          course_accuracy: null, speed_accuracy: null,
        };
        if (data.access_granted !== undefined) {
          LocationManager.isAccessRequested = true;
          LocationManager.isAccessGranted = !!data.access_granted;
        }
        emit("locationRequested", { locationData: located });
        if (callback) callback(located);
        break;
      }
      default: break;
    }
  });

  applyTheme();
  setViewport(window.innerHeight, true);
  window.Telegram = window.Telegram || {};
  window.Telegram.WebApp = WebApp;
  window.Telegram.WebView = { initParams, postEvent: post, receiveEvent: emit };
  post("web_app_request_theme");
  post("web_app_request_viewport");
})();
