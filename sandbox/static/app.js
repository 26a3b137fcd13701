"use strict";
// The sandbox chat page: vanilla JS, no build step. Talks to the citizen API next to it.
// Its own words come from locales/{en,zh}/sandbox.ftl (GET api/texts); nothing loads from the internet.
(function () {
  const BASE = document.querySelector('meta[name="sandbox-base"]').content;
  const API = BASE + "api";
  const ALLOWED_TAGS = new Set(["B", "STRONG", "I", "EM", "U", "INS", "S", "STRIKE", "DEL", "CODE", "PRE", "A",
    "TG-SPOILER", "BLOCKQUOTE"]);
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const LANG_KEY = "sandbox-lang";

  // Named places for the location form (and the "near ..." line under a map preview).
  const PLACES = [
    { key: "tiananmen", lat: 39.9055, lon: 116.3976 },
    { key: "people-square", lat: 31.2304, lon: 121.4737 },
    { key: "canton-tower", lat: 23.1066, lon: 113.3245 },
    { key: "shenzhen-civic", lat: 22.5431, lon: 114.0579 },
    { key: "west-lake", lat: 30.2420, lon: 120.1500 },
    { key: "potala", lat: 29.6578, lon: 91.1169 },
  ];
  const STICKERS = ["👍", "❤️", "😂", "🙏", "👋", "🚗", "🚦", "😡"];
  const VOICE_CLIPS = [{ key: "short", seconds: 2 }, { key: "medium", seconds: 5 }, { key: "long", seconds: 12 }];

  const state = { userId: null, user: null, stream: null, streamBroken: false, messages: new Map(), views: new Map(),
    commands: [], actionTimer: null, menuButton: null, lang: "en", texts: {}, locationButton: null, smsSeen: null,
    loading: 0 };

  // --- words ------------------------------------------------------------------------------

  function t(key, args) {
    let text = state.texts[key] || key;
    for (const [name, value] of Object.entries(args || {})) text = text.split("{$" + name + "}").join(String(value));
    return text;
  }

  function applyTexts() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.title = t("sandbox-title");
    for (const el of document.querySelectorAll("[data-t]")) {
      if (el.id === "chat-title" && state.user) continue;
      el.textContent = t(el.dataset.t);
    }
    for (const el of document.querySelectorAll("[data-t-placeholder]")) el.placeholder = t(el.dataset.tPlaceholder);
    for (const el of document.querySelectorAll("[data-t-title]")) el.title = t(el.dataset.tTitle);
    for (const el of document.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t(el.dataset.tLabel));
    renderPlaces();
    renderPickers();
    for (const view of state.views.values()) upsertMessage(view, { keepScroll: true });
  }

  async function setLanguage(lang) {
    state.texts = await api("GET", "/texts?lang=" + encodeURIComponent(lang));
    state.lang = state.texts.lang;
    try { localStorage.setItem(LANG_KEY, state.lang); } catch (error) { /* private mode: not remembered */ }
    if (!state.userId) $("new-language").value = state.lang === "zh" ? "zh-hans" : "en";
    applyTexts();
  }

  function initialLanguage() {
    let stored = null;
    try { stored = localStorage.getItem(LANG_KEY); } catch (error) { stored = null; }
    if (stored) return stored;
    const preferred = (navigator.languages && navigator.languages[0]) || navigator.language || "en";
    return preferred.toLowerCase().startsWith("zh") ? "zh" : "en";
  }

  // --- the citizen API --------------------------------------------------------------------

  async function api(method, path, body) {
    const options = { method, headers: {} };
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(API + path, options);
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  // The server renders messages with Telegram's tags only; this second pass keeps it that way.
  function safeFragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const walk = (node) => {
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === Node.ELEMENT_NODE) {
          if (!ALLOWED_TAGS.has(child.tagName)) {
            child.replaceWith(document.createTextNode(child.outerHTML));
            continue;
          }
          for (const attr of Array.from(child.attributes)) {
            const keep = (child.tagName === "A" && (attr.name === "href" && /^(https?:|tg:|mailto:)/i.test(attr.value)
              || attr.name === "rel" || attr.name === "target"))
              || (child.tagName === "CODE" && attr.name === "class" && /^language-[\w+#.-]+$/.test(attr.value));
            if (!keep) child.removeAttribute(attr.name);
          }
          walk(child);
        } else if (child.nodeType !== Node.TEXT_NODE) {
          child.remove();
        }
      }
    };
    walk(template.content);
    return template.content;
  }

  function toast(text, alert) {
    const box = $("toast");
    box.textContent = text;
    box.className = alert ? "alert" : "";
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.hidden = true; }, alert ? 4000 : 2200);
  }

  function timeOf(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString(state.lang === "zh" ? "zh-CN" : [],
      { hour: "2-digit", minute: "2-digit" });
  }

  // --- media: map previews, voice notes, stickers ----------------------------------------

  function nearestPlace(lat, lon) {
    let best = null;
    let bestKm = Infinity;
    for (const place of PLACES) {
      const dLat = (place.lat - lat) * 111;
      const dLon = (place.lon - lon) * 111 * Math.cos((lat * Math.PI) / 180);
      const km = Math.hypot(dLat, dLon);
      if (km < bestKm) { best = place; bestKm = km; }
    }
    return bestKm <= 5 ? best : null;
  }

  function svg(name, attrs, parent) {
    const el = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
    if (parent) parent.appendChild(el);
    return el;
  }

  // An offline map preview: streets, a park and a river drawn from the coordinates (the same place
  // always looks the same), the pin in the middle. Nothing is fetched.
  function mapPreview(lat, lon, label) {
    let seed = Math.floor(Math.abs(lat * 1e4) * 7919 + Math.abs(lon * 1e4) * 104729) % 2147483647 || 1;
    const random = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
    const W = 260;
    const H = 150;
    const map = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "map", role: "img",
      "aria-label": label });
    svg("rect", { x: 0, y: 0, width: W, height: H, fill: "#eef1e6" }, map);
    svg("rect", { x: 20 + random() * 120, y: 10 + random() * 60, width: 50 + random() * 40, height: 30 + random() * 30,
      rx: 6, fill: "#cfe6b8" }, map);
    const riverY = 20 + random() * 110;
    svg("path", { d: `M0 ${riverY} C ${W / 3} ${riverY - 40 + random() * 80}, ${(2 * W) / 3} ${riverY - 40 + random() * 80},`
      + ` ${W} ${riverY + random() * 30 - 15}`, stroke: "#a9cdef", "stroke-width": 9, fill: "none" }, map);
    for (let i = 0; i < 5; i += 1) {
      const x = random() * W;
      svg("line", { x1: x, y1: 0, x2: x + random() * 60 - 30, y2: H, stroke: "#ffffff", "stroke-width": i === 0 ? 7 : 4 }, map);
      const y = random() * H;
      svg("line", { x1: 0, y1: y, x2: W, y2: y + random() * 40 - 20, stroke: "#ffffff", "stroke-width": i === 1 ? 7 : 4 }, map);
    }
    svg("circle", { cx: W / 2, cy: H / 2 + 2, r: 5, fill: "rgba(0,0,0,.18)" }, map);
    svg("path", { d: `M${W / 2} ${H / 2} c -9 -12 -13 -17 -13 -24 a 13 13 0 0 1 26 0 c 0 7 -4 12 -13 24 z`,
      fill: "#e53935", stroke: "#b71c1c", "stroke-width": 1 }, map);
    svg("circle", { cx: W / 2, cy: H / 2 - 24, r: 4.5, fill: "#ffffff" }, map);
    return map;
  }

  function renderLocation(location, bubble) {
    const box = document.createElement("div");
    box.className = "location";
    const place = nearestPlace(location.latitude, location.longitude);
    const coordinates = location.latitude.toFixed(5) + ", " + location.longitude.toFixed(5);
    box.appendChild(mapPreview(location.latitude, location.longitude,
      t("sandbox-map", { place: place ? t("sandbox-place-" + place.key) : coordinates })));
    const caption = document.createElement("div");
    caption.className = "location-caption";
    if (place) {
      const near = document.createElement("div");
      near.className = "near";
      near.textContent = t("sandbox-location-near", { place: t("sandbox-place-" + place.key) });
      caption.appendChild(near);
    }
    const coords = document.createElement("div");
    coords.className = "coords";
    coords.textContent = "📍 " + coordinates;
    caption.appendChild(coords);
    box.appendChild(caption);
    bubble.appendChild(box);
  }

  function duration(seconds) {
    return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  function renderVoice(voice, bubble) {
    const box = document.createElement("div");
    box.className = "voice";
    box.setAttribute("aria-label", t("sandbox-voice-message", { duration: duration(voice.duration) }));
    const play = document.createElement("button");
    play.type = "button";
    play.className = "play";
    play.textContent = "▶";
    play.setAttribute("aria-label", t("sandbox-play"));
    const wave = document.createElement("div");
    wave.className = "wave";
    let seed = voice.duration * 31 + (voice.file_unique_id || "").length;
    for (let i = 0; i < 28; i += 1) {
      seed = (seed * 16807) % 2147483647;
      const bar = document.createElement("span");
      bar.style.height = 4 + (seed % 18) + "px";
      wave.appendChild(bar);
    }
    const length = document.createElement("span");
    length.className = "duration";
    length.textContent = duration(voice.duration);
    play.addEventListener("click", () => {  // no sound in the sandbox: the bars play through
      const bars = Array.from(wave.children);
      const step = (voice.duration * 1000) / bars.length;
      bars.forEach((bar, i) => { bar.classList.remove("played"); setTimeout(() => bar.classList.add("played"), step * (i + 1)); });
    });
    box.append(play, wave, length);
    bubble.appendChild(box);
  }

  function renderMedia(message, bubble) {
    const media = message.media || {};
    if (media.photo) {
      const img = document.createElement("img");
      img.alt = t("sandbox-photo-alt");
      img.src = API + "/files/" + encodeURIComponent(media.photo[media.photo.length - 1].file_id);
      bubble.appendChild(img);
    } else if (media.location) {
      renderLocation(media.location, bubble);
    } else if (media.sticker) {
      const div = document.createElement("div");
      div.className = "sticker";
      div.setAttribute("role", "img");
      div.setAttribute("aria-label", t("sandbox-sticker", { emoji: media.sticker.emoji || "" }));
      div.textContent = media.sticker.emoji || "🖼";
      bubble.appendChild(div);
    } else if (media.voice) {
      renderVoice(media.voice, bubble);
    } else if (media.document) {
      const link = document.createElement("a");
      link.href = API + "/files/" + encodeURIComponent(media.document.file_id);
      link.textContent = "📄 " + (media.document.file_name || t("sandbox-document"));
      link.target = "_blank";
      bubble.appendChild(link);
    }
  }

  // --- messages and keyboards -------------------------------------------------------------

  function renderInlineKeyboard(message, bubble) {
    const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
    if (!rows.length || message.deleted) return;
    const keyboard = document.createElement("div");
    keyboard.className = "inline-keyboard";
    for (const row of rows) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        let element;
        if (button.web_app && /^https?:/i.test(button.web_app.url || "")) {
          element = document.createElement("button");  // a Mini App opens in the phone-sized frame
          element.type = "button";
          element.className = "web-app";
          element.title = t("sandbox-open-mini-app");
          element.addEventListener("click", () => openWebApp(button.web_app.url, "inline"));
        } else if (button.pay) {
          element = document.createElement("button");  // Telegram Payments: pay the invoice (sandbox/payments.py)
          element.type = "button";
          element.className = "pay";
          element.addEventListener("click", () => payInvoice(message.message_id));
        } else if (button.url && /^(https?:|tg:)/i.test(button.url)) {
          element = document.createElement("a");
          element.href = button.url;
          element.target = "_blank";
          element.rel = "noopener noreferrer";
        } else {
          element = document.createElement("button");
          element.type = "button";
          element.addEventListener("click", () => pressInline(message.message_id, button));
        }
        element.textContent = button.text;
        line.appendChild(element);
      }
      keyboard.appendChild(line);
    }
    bubble.appendChild(keyboard);
  }

  function renderMessage(message) {
    const bubble = document.createElement("div");
    bubble.className = "message " + (message.from === "bot" ? "bot" : "user") + (message.deleted ? " deleted" : "")
      + (message.kind === "sticker" ? " sticker-message" : "") + (message.kind === "location" ? " location-message" : "");
    bubble.dataset.messageId = message.message_id;
    bubble.dataset.kind = message.kind;
    if (message.deleted) {
      bubble.textContent = t("sandbox-message-deleted");
      return bubble;
    }
    renderMedia(message, bubble);
    if (message.text) {
      const body = document.createElement("div");
      body.className = "text";
      body.appendChild(safeFragment(message.html));
      for (const spoiler of body.querySelectorAll("tg-spoiler")) {
        spoiler.addEventListener("click", () => spoiler.classList.add("revealed"));
      }
      bubble.appendChild(body);
    }
    renderInlineKeyboard(message, bubble);
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = (message.edited ? t("sandbox-edited") + " · " : "") + timeOf(message.date);
    bubble.appendChild(meta);
    return bubble;
  }

  function upsertMessage(message, options) {
    const list = $("messages");
    const existing = state.messages.get(message.message_id);
    const bubble = renderMessage(message);
    if (existing) existing.replaceWith(bubble); else list.appendChild(bubble);
    state.messages.set(message.message_id, bubble);
    state.views.set(message.message_id, message);
    if (!(options && options.keepScroll)) list.scrollTop = list.scrollHeight;
    updateEmpty();
  }

  // Telegram shows a bot's chat that has nothing in it yet with what the bot does and a START button.
  function updateEmpty() {
    const empty = state.userId !== null && state.messages.size === 0;
    $("empty-chat").hidden = !empty;
    $("messages").hidden = empty;
    $("start-bar").hidden = !empty;
  }

  function renderReplyKeyboard(markup) {
    const box = $("reply-keyboard");
    box.replaceChildren();
    const rows = (markup && markup.keyboard) || [];
    box.hidden = rows.length === 0;
    for (const row of rows) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = button.text;
        if (button.request_location) {
          element.classList.add("request-location");  // asks for a location, as Telegram's client does
          element.addEventListener("click", () => openLocationForm(button.text));
        } else {
          element.addEventListener("click", () => pressReply(button.text));
        }
        line.appendChild(element);
      }
      box.appendChild(line);
    }
  }

  function showAction(action) {
    const key = "sandbox-action-" + action.replace(/_/g, "-");
    const label = state.texts[key] ? t(key) : action.replace(/_/g, " ") + "…";
    $("chat-status").textContent = t("sandbox-bot-is", { action: label });
    clearTimeout(state.actionTimer);
    state.actionTimer = setTimeout(() => { $("chat-status").textContent = ""; }, 5000);
  }

  function handleEvent(event) {
    if (event.type === "message" || event.type === "edit" || event.type === "delete") {
      upsertMessage(event.message);
      if (event.type === "message" && event.message.from === "bot") {
        $("chat-status").textContent = "";
        refreshChat().catch(() => {});  // the next event or the periodic refresh tries again
      }
    } else if (event.type === "chat_action") {
      showAction(event.action);
    } else if (event.type === "callback_answer") {
      const answer = event.answer || {};
      if (answer.text) toast(answer.text, answer.show_alert);
    }
  }

  async function refreshChat() {
    if (state.userId === null) return;
    const chat = await api("GET", "/chats/" + state.userId);
    renderReplyKeyboard(chat.reply_keyboard);
  }

  function openWebApp(url, source) {
    if (!state.user) return;
    window.SandboxWebApp.open({
      userId: state.userId, languageCode: state.user.language_code || "", url, source,
      onError: (message) => toast(message, true),
    });
  }

  // The chat's menu button: the bot's Mini App (setChatMenuButton), or nothing beside the commands.
  async function loadMenuButton() {
    const button = await api("GET", "/chats/" + state.userId + "/menu_button");
    const element = $("webapp-menu-button");
    state.menuButton = button.type === "web_app" ? button : null;
    element.hidden = state.menuButton === null;
    if (state.menuButton) element.textContent = state.menuButton.text;
  }

  async function loadCommands() {
    const language = (state.user && state.user.language_code) || "";
    const data = await api("GET", "/commands?language_code=" + encodeURIComponent(language.split("-")[0]) +
      "&chat_id=" + state.userId);
    state.commands = data.commands;
    $("menu-button").disabled = data.commands.length === 0;
  }

  function toggleMenu() {
    const menu = $("command-menu");
    if (!menu.hidden) { menu.hidden = true; return; }
    closePanels();
    menu.replaceChildren();
    for (const command of state.commands) {
      const item = document.createElement("button");
      item.type = "button";
      const name = document.createElement("span");
      name.className = "cmd";
      name.textContent = "/" + command.command;
      item.append(name, document.createTextNode(command.description));
      item.addEventListener("click", () => { menu.hidden = true; sendText("/" + command.command); });
      menu.appendChild(item);
    }
    menu.hidden = false;
  }

  // --- citizens ---------------------------------------------------------------------------

  function setView(view) {
    $("layout").dataset.view = view;
  }

  // A name as Telegram shows it: Chinese names family name first, with no space (张伟); others "First Last".
function displayName(user) {
  const parts = [user.first_name, user.last_name].filter(Boolean);
  return /[\u3400-\u9fff]/.test(parts.join("")) ? parts.reverse().join("") : parts.join(" ");
}

async function selectCitizen(user) {
    const loading = ++state.loading;
    state.userId = user.id;
    state.user = user;
    state.messages.clear();
    state.views.clear();
    closePanels();
    $("messages").replaceChildren();
    $("reply-keyboard").hidden = true;
    $("chat-title").textContent = displayName(user) +
      (user.username ? " (@" + user.username + ")" : "") + " · " + (user.language_code || t("sandbox-no-language"));
    for (const id of ["message-input", "send-button", "location-button", "photo-input", "attach-button",
      "sticker-button", "voice-button"]) $(id).disabled = false;
    for (const item of document.querySelectorAll("#citizen-list li")) {
      item.classList.toggle("selected", Number(item.dataset.userId) === user.id);
    }
    setView("chat");
    if (state.stream) state.stream.close();
    const history = await api("GET", "/chats/" + user.id + "/messages");
    if (loading !== state.loading) return;
    for (const message of history.messages) upsertMessage(message);
    updateEmpty();
    openStream(user.id, history.seq);
    await refreshChat();
    await loadCommands();
    await loadMenuButton();
    if (window.matchMedia("(min-width: 701px)").matches) $("message-input").focus();
  }

  // The chat's live events. If the connection drops (the sandbox restarted), the browser
  // reconnects by itself; then the history is read again, so nothing sent meanwhile is missed.
  function openStream(userId, after) {
    const stream = new EventSource(API + "/chats/" + userId + "/stream?after=" + after);
    state.stream = stream;
    state.streamBroken = false;
    stream.onmessage = (event) => handleEvent(JSON.parse(event.data));
    stream.addEventListener("reset", () => { stream.close(); loadCitizens().catch(() => {}); });
    stream.onerror = () => { state.streamBroken = true; };
    stream.onopen = () => {
      if (!state.streamBroken || state.stream !== stream) return;
      stream.close();
      loadCitizens().catch(() => {});
      if (state.user && state.userId === userId) selectCitizen(state.user).catch(() => {});
    };
  }

  async function loadCitizens() {
    const data = await api("GET", "/users?limit=200");
    const list = $("citizen-list");
    list.replaceChildren();
    $("citizen-empty").hidden = data.users.length > 0;
    for (const user of data.users) {
      const item = document.createElement("li");
      item.dataset.userId = user.id;
      const avatar = document.createElement("span");
      avatar.className = "avatar";
      avatar.setAttribute("aria-hidden", "true");
      avatar.textContent = (user.first_name || "?").slice(0, 1).toUpperCase();
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = displayName(user);
      const lang = document.createElement("span");
      lang.className = "lang";
      lang.textContent = user.language_code || "";
      item.append(avatar, name, lang);
      item.classList.toggle("selected", user.id === state.userId);
      item.addEventListener("click", () => selectCitizen(user).catch((error) => toast(error.message, true)));
      list.appendChild(item);
    }
  }

  // --- acting as the citizen --------------------------------------------------------------

  async function sendText(text) {
    if (!text.trim() || state.userId === null) return;
    try {
      await api("POST", "/chats/" + state.userId + "/text", { text });
      $("command-menu").hidden = true;
    } catch (error) { toast(error.message, true); }
  }

  async function pressInline(messageId, button) {
    try {
      await api("POST", "/chats/" + state.userId + "/press", { message_id: messageId, callback_data: button.callback_data });
    } catch (error) { toast(error.message, true); }
  }

  async function payInvoice(messageId) {
    const outcome = window.confirm(t("sandbox-pay-confirm")) ? "success" : "declined";
    try {
      const result = await api("POST", "/chats/" + state.userId + "/pay", { message_id: messageId, outcome });
      if (result.status === "paid") toast(t("sandbox-pay-paid"));
      else if (result.status === "refused") toast(t("sandbox-pay-refused", { reason: result.error_message || "" }), true);
      else if (result.status === "timeout") toast(t("sandbox-pay-timeout"), true);
      else toast(t("sandbox-pay-declined"), true);
    } catch (error) { toast(error.message, true); }
  }

  async function pressReply(text, extra) {
    try {
      await api("POST", "/chats/" + state.userId + "/reply_button", Object.assign({ text }, extra || {}));
      await refreshChat();
    } catch (error) { toast(error.message, true); }
  }

  // --- panels: attachments, location, stickers, voice --------------------------------------

  function closePanels(except) {
    for (const id of ["attach-menu", "location-form", "sticker-picker", "voice-picker", "command-menu"]) {
      if (id !== except) $(id).hidden = true;
    }
    $("attach-button").setAttribute("aria-expanded", String(except === "attach-menu"));
  }

  function togglePanel(id) {
    const opening = $(id).hidden;
    closePanels(opening ? id : undefined);
    $(id).hidden = !opening;
    return opening;
  }

  function renderPlaces() {
    const box = $("place-list");
    box.replaceChildren();
    for (const place of PLACES) {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.dataset.place = place.key;
      chip.textContent = t("sandbox-place-" + place.key);
      chip.setAttribute("aria-pressed", String(Number($("latitude").value) === place.lat
        && Number($("longitude").value) === place.lon));
      chip.addEventListener("click", () => {
        $("latitude").value = place.lat;
        $("longitude").value = place.lon;
        for (const other of box.children) other.setAttribute("aria-pressed", String(other === chip));
      });
      box.appendChild(chip);
    }
  }

  function renderPickers() {
    const stickers = $("sticker-picker");
    stickers.replaceChildren();
    for (const emoji of STICKERS) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sticker-choice";
      button.textContent = emoji;
      button.setAttribute("aria-label", t("sandbox-sticker", { emoji }));
      button.addEventListener("click", () => sendSticker(emoji));
      stickers.appendChild(button);
    }
    const voice = $("voice-picker");
    voice.replaceChildren();
    const hint = document.createElement("div");
    hint.className = "hint";
    hint.textContent = t("sandbox-voice-pick");
    voice.appendChild(hint);
    for (const clip of VOICE_CLIPS) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "voice-choice";
      button.dataset.seconds = clip.seconds;
      button.textContent = "🎤 " + t("sandbox-voice-" + clip.key) + " · " + t("sandbox-voice-seconds", { seconds: clip.seconds });
      button.addEventListener("click", () => sendVoice(clip.seconds));
      voice.appendChild(button);
    }
  }

  function openLocationForm(replyButton) {
    state.locationButton = replyButton || null;
    closePanels("location-form");
    $("location-form").hidden = false;
    renderPlaces();
    $("location-send").focus();
  }

  async function sendSticker(emoji) {
    closePanels();
    try { await api("POST", "/chats/" + state.userId + "/sticker", { emoji }); } catch (error) { toast(error.message, true); }
  }

  async function sendVoice(seconds) {
    closePanels();
    try { await api("POST", "/chats/" + state.userId + "/voice", { duration: seconds }); } catch (error) { toast(error.message, true); }
  }

  // --- the phone panel (SMS) -------------------------------------------------------------

  async function loadSms() {
    const filter = $("sms-filter").value.trim();
    const data = await api("GET", "/sms" + (filter ? "?phone=" + encodeURIComponent(filter) : ""));
    const list = $("sms-list");
    list.replaceChildren();
    if (!data.sms.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = t("sandbox-sms-empty");
      list.appendChild(empty);
    }
    for (const sms of data.sms) {
      const item = document.createElement("li");
      const phone = document.createElement("span");
      phone.className = "phone";
      phone.textContent = sms.phone;
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = timeOf(sms.at);
      const text = document.createElement("div");
      text.className = "text";
      text.textContent = sms.text;
      item.append(time, phone, text);
      list.appendChild(item);
    }
    // A new SMS also shows as a phone's notification, wherever the page is (a code while chatting).
    const newest = data.sms.length ? data.sms[0] : null;
    if (!filter && newest) {
      if (state.smsSeen !== null && newest.id > state.smsSeen) showSmsBanner(newest);
      state.smsSeen = Math.max(state.smsSeen || 0, newest.id);
    } else if (!filter && state.smsSeen === null) {
      state.smsSeen = 0;
    }
  }

  function showSmsBanner(sms) {
    const banner = $("sms-banner");
    banner.replaceChildren();
    const title = document.createElement("div");
    title.className = "title";
    title.textContent = "✉️ " + t("sandbox-sms-new", { phone: sms.phone });
    const text = document.createElement("div");
    text.className = "text";
    text.textContent = sms.text;
    banner.append(title, text);
    banner.hidden = false;
    clearTimeout(showSmsBanner.timer);
    showSmsBanner.timer = setTimeout(() => { banner.hidden = true; }, 12000);
  }

  // --- wiring -----------------------------------------------------------------------------

  $("new-citizen-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const user = await api("POST", "/users", {
        first_name: $("new-first-name").value.trim(), last_name: $("new-last-name").value.trim() || null,
        username: $("new-username").value.trim() || null, language_code: $("new-language").value,
      });
      const language = $("new-language").value;
      event.target.reset();
      $("new-language").value = language;
      await loadCitizens();
      await selectCitizen(user);
    } catch (error) { toast(error.message, true); }
  });

  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("message-input");
    const text = input.value;
    input.value = "";
    await sendText(text);
  });

  $("photo-input").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    closePanels();
    if (!file || state.userId === null) return;
    const form = new FormData();
    form.append("photo", file, file.name);
    try { await api("POST", "/chats/" + state.userId + "/photo", form); } catch (error) { toast(error.message, true); }
    event.target.value = "";
  });

  $("attach-button").addEventListener("click", () => togglePanel("attach-menu"));
  $("sticker-button").addEventListener("click", () => togglePanel("sticker-picker"));
  $("voice-button").addEventListener("click", () => togglePanel("voice-picker"));
  $("location-button").addEventListener("click", () => openLocationForm(null));
  $("location-cancel").addEventListener("click", () => { $("location-form").hidden = true; state.locationButton = null; });
  $("location-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const where = { latitude: Number($("latitude").value), longitude: Number($("longitude").value) };
    const button = state.locationButton;
    closePanels();
    state.locationButton = null;
    if (button) {
      await pressReply(button, where);
      return;
    }
    try {
      await api("POST", "/chats/" + state.userId + "/location", where);
    } catch (error) { toast(error.message, true); }
  });
  for (const id of ["latitude", "longitude"]) {
    $(id).addEventListener("input", () => {
      for (const chip of $("place-list").children) chip.setAttribute("aria-pressed", "false");
    });
  }

  $("start-button").addEventListener("click", () => sendText("/start"));
  $("back-button").addEventListener("click", () => { closePanels(); setView("list"); });
  $("language-switch").addEventListener("click", () => {
    setLanguage(state.lang === "zh" ? "en" : "zh").catch((error) => toast(error.message, true));
  });
  $("sms-banner").addEventListener("click", () => { $("sms-banner").hidden = true; });
  $("menu-button").addEventListener("click", toggleMenu);
  $("webapp-menu-button").addEventListener("click", () => {
    if (state.menuButton) openWebApp(state.menuButton.web_app.url, "menu");
  });
  $("sms-filter").addEventListener("input", () => { loadSms().catch(() => {}); });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("webapp-overlay").hidden) return;
    if (event.key === "Escape") closePanels();
  });

  setLanguage(initialLanguage())
    .catch((error) => toast(error.message, true))
    .finally(() => { document.body.dataset.ready = "1"; });
  loadCitizens().catch((error) => toast(error.message, true));
  loadSms().catch(() => {});
  setInterval(() => {
    loadSms().catch(() => {});
    if (state.userId !== null) {
      loadCommands().catch(() => {});
      loadMenuButton().catch(() => {});
    }
  }, 3000);
})();
