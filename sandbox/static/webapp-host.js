"use strict";
// The sandbox's Mini App host: what Telegram draws around a Mini App. A phone-sized frame with a
// Telegram-like header (close / back, the bot's name, a theme switch), the main button under it,
// popups, the location permission prompt, closing confirmation and a haptics indicator. It loads
// the Mini App with the launch parameters the sandbox signed (POST api/webapp/launch) and speaks
// Telegram's postMessage protocol with static/telegram-web-app.js inside the frame.
(function () {
  const BASE = document.querySelector('meta[name="sandbox-base"]').content;
  const API = BASE + "api";
  const $ = (id) => document.getElementById(id);

  // The host's words, in the citizen's language, from locales/{en,zh}/sandbox.ftl (GET api/texts).
  const catalogs = {};

  const host = {
    open: null, lang: "en", theme: "light", themes: null, frame: null, botName: "", needConfirmation: false,
    backVisible: false, locationGranted: null, returnFocus: null,
  };

  function t(key, args) {
    const id = "sandbox-webapp-" + key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
    let text = (catalogs[host.lang] || catalogs.en || {})[id] || key;
    for (const [name, value] of Object.entries(args || {})) text = text.split("{$" + name + "}").join(String(value));
    return text;
  }

  async function loadTexts(lang) {
    if (!catalogs[lang]) catalogs[lang] = await api("GET", "/texts?lang=" + lang);
  }

  function send(eventType, eventData) {
    if (host.frame && host.frame.contentWindow) {
      host.frame.contentWindow.postMessage(JSON.stringify({ eventType, eventData: eventData || {} }), "*");
    }
  }

  async function api(method, path, body) {
    const response = await fetch(API + path, {
      method, headers: body ? { "Content-Type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  // Left: Back while the Mini App shows Telegram's BackButton, else Close; right: always Close.
  function labels() {
    $("webapp-close").textContent = host.backVisible ? "‹ " + t("back") : "✕ " + t("close");
    $("webapp-close").setAttribute("aria-label", host.backVisible ? t("back") : t("close"));
    $("webapp-x").textContent = "✕";
    $("webapp-x").setAttribute("aria-label", t("close"));
    $("webapp-x").title = t("close");
    $("webapp-x").hidden = !host.backVisible;
    const next = host.theme === "light" ? "dark" : "light";
    $("webapp-theme").textContent = next === "dark" ? "🌙" : "☀️";
    $("webapp-theme").setAttribute("aria-label", t(next));
    $("webapp-theme").title = t(next);
  }

  function paintHeader() {
    const theme = host.themes ? host.themes[host.theme] : null;
    const phone = $("webapp-phone");
    phone.dataset.theme = host.theme;
    if (theme) {
      phone.style.setProperty("--host-bg", theme.header_bg_color);
      phone.style.setProperty("--host-text", theme.text_color);
      // Telegram's light accent is too pale for text on white (3.5:1): a darker one keeps AA.
      phone.style.setProperty("--host-accent", host.theme === "light" ? "#1c6dd0" : theme.accent_text_color);
      phone.style.setProperty("--host-bottom", theme.bottom_bar_bg_color);
    }
  }

  function viewport() {
    const frame = host.frame;
    send("viewport_changed", { height: frame ? frame.clientHeight : 600, is_expanded: true, is_state_stable: true });
  }

  function close(force) {
    if (!host.open) return;
    if (host.needConfirmation && !force) {
      dialog(t("unsaved"), [{ id: "close", text: t("closeAnyway"), destructive: true }, { id: "cancel", text: t("cancel") }],
        (id) => { if (id === "close") close(true); });
      return;
    }
    host.open = null;
    host.needConfirmation = false;
    host.backVisible = false;
    $("webapp-overlay").hidden = true;
    $("webapp-frame-box").replaceChildren();
    host.frame = null;
    $("webapp-main-button").hidden = true;
    if (host.returnFocus) host.returnFocus.focus();
  }

  function dialog(message, buttons, done, extra) {
    const box = $("webapp-dialog");
    box.replaceChildren();
    const text = document.createElement("p");
    text.id = "webapp-dialog-text";
    text.textContent = message;
    box.appendChild(text);
    if (extra) box.appendChild(extra);
    const row = document.createElement("div");
    row.className = "buttons";
    for (const button of buttons) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.text;
      if (button.destructive) element.className = "destructive";
      element.addEventListener("click", () => { box.hidden = true; done(button.id); });
      row.appendChild(element);
    }
    box.appendChild(row);
    box.hidden = false;
    row.firstChild.focus();
  }

  function popupButtons(buttons) {
    return (buttons || [{ type: "close" }]).map((b, n) => ({
      id: b.id || (b.type === "ok" ? "ok" : b.type === "cancel" ? "cancel" : String(n)),
      text: b.text || t(b.type === "ok" ? "ok" : b.type === "cancel" ? "cancel" : "close"),
      destructive: b.type === "destructive",
    }));
  }

  function askLocation() {
    if (host.locationGranted === false) { send("location_requested", { available: false, access_granted: false }); return; }
    const form = document.createElement("div");
    form.className = "location-fields";
    const fields = {};
    for (const [name, value] of [["latitude", "39.90420"], ["longitude", "116.40740"]]) {
      const label = document.createElement("label");
      label.textContent = t(name) + " ";
      const input = document.createElement("input");
      input.type = "number";
      input.step = "any";
      input.value = value;
      input.id = "webapp-location-" + name;
      fields[name] = input;
      label.appendChild(input);
      form.appendChild(label);
    }
    dialog(t("locationAsk", { bot: host.botName }), [{ id: "allow", text: t("allow") }, { id: "deny", text: t("deny") }],
      (id) => {
        host.locationGranted = id === "allow";
        if (id !== "allow") { send("location_requested", { available: false, access_granted: false }); return; }
        send("location_requested", {
          available: true, access_granted: true, latitude: Number(fields.latitude.value),
          longitude: Number(fields.longitude.value), horizontal_accuracy: 20,
        });
      }, form);
  }

  function haptic(data) {
    const kind = data.type === "notification" ? data.notification_type : data.type === "impact" ? data.impact_style : "selection";
    const box = $("webapp-haptic");
    const known = ["light", "medium", "heavy", "rigid", "soft", "success", "warning", "error", "selection"];
    box.textContent = "📳 " + t("haptic", { kind: known.includes(kind) ? t("haptic-" + kind) : kind });
    box.dataset.last = kind;
    box.dataset.count = String(Number(box.dataset.count || "0") + 1);
    box.classList.remove("buzz");
    void box.offsetWidth;  // restart the animation
    box.classList.add("buzz");
  }

  function setupMainButton(data) {
    const button = $("webapp-main-button");
    button.hidden = !data.is_visible;
    button.disabled = !data.is_active || !!data.is_progress_visible;
    button.textContent = data.is_progress_visible ? "…" : data.text || "";
    button.setAttribute("aria-busy", data.is_progress_visible ? "true" : "false");
    if (data.color) button.style.setProperty("--main-bg", data.color);
    if (data.text_color) button.style.setProperty("--main-text", data.text_color);
  }

  window.addEventListener("message", (event) => {
    if (!host.frame || event.source !== host.frame.contentWindow) return;
    let message;
    try { message = typeof event.data === "string" ? JSON.parse(event.data) : event.data; } catch (e) { return; }
    if (!message || typeof message.eventType !== "string") return;
    const data = message.eventData || {};
    switch (message.eventType) {
      case "web_app_ready": $("webapp-phone").dataset.ready = "1"; break;
      case "web_app_expand": case "web_app_request_viewport": viewport(); break;
      case "web_app_request_theme": send("theme_changed", { theme_params: host.themes[host.theme] }); break;
      case "web_app_close": close(true); break;
      case "web_app_setup_main_button": setupMainButton(data); break;
      case "web_app_setup_back_button": host.backVisible = !!data.is_visible; labels(); break;
      case "web_app_setup_closing_behavior": host.needConfirmation = !!data.need_confirmation; break;
      case "web_app_trigger_haptic_feedback": haptic(data); break;
      case "web_app_open_popup":
        dialog(data.message || "", popupButtons(data.buttons), (id) => send("popup_closed", { button_id: id }));
        break;
      case "web_app_check_location":
        send("location_checked", {
          available: true, access_requested: host.locationGranted !== null, access_granted: host.locationGranted === true,
        });
        break;
      case "web_app_request_location": askLocation(); break;
      case "web_app_set_header_color": break;  // the sandbox keeps the theme's header colour
      default: break;
    }
  });

  async function open(options) {
    host.lang = (options.languageCode || "").toLowerCase().startsWith("zh") ? "zh" : "en";
    host.returnFocus = document.activeElement;
    await loadTexts(host.lang);
    if (!host.themes) host.themes = await api("GET", "/webapp/themes");
    let launch;
    try {
      launch = await api("POST", "/webapp/launch", {
        user_id: options.userId, url: options.url, source: options.source || "inline",
        start_param: options.startParam || undefined, theme: host.theme,
      });
    } catch (error) {
      if (options.onError) options.onError(t("openFailed", { error: error.message }));
      return;
    }
    host.open = options;
    host.botName = launch.bot.first_name;
    host.needConfirmation = false;
    host.backVisible = false;
    host.locationGranted = null;
    $("webapp-title").textContent = host.botName;
    $("webapp-phone").dataset.ready = "0";
    $("webapp-haptic").textContent = "";
    $("webapp-haptic").dataset.count = "0";
    $("webapp-main-button").hidden = true;
    $("webapp-dialog").hidden = true;
    const frame = document.createElement("iframe");
    frame.id = "webapp-frame";
    frame.title = host.botName + " · " + t("miniApp");
    frame.setAttribute("allow", "geolocation; clipboard-write");
    frame.src = launch.url;
    host.frame = frame;
    $("webapp-frame-box").replaceChildren(frame);
    paintHeader();
    labels();
    $("webapp-overlay").hidden = false;
    $("webapp-close").focus();
  }

  $("webapp-close").addEventListener("click", () => {
    if (host.backVisible) send("back_button_pressed"); else close(false);
  });
  $("webapp-x").addEventListener("click", () => close(false));
  $("webapp-main-button").addEventListener("click", () => send("main_button_pressed"));
  $("webapp-theme").addEventListener("click", () => {
    host.theme = host.theme === "light" ? "dark" : "light";
    paintHeader();
    labels();
    send("theme_changed", { theme_params: host.themes[host.theme] });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && host.open) {
      if (!$("webapp-dialog").hidden) return;
      if (host.backVisible) send("back_button_pressed"); else close(false);
    }
  });
  window.addEventListener("resize", () => { if (host.open) viewport(); });

  window.SandboxWebApp = { open, close };
})();
