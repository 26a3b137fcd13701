"use strict";
// The sandbox chat page: vanilla JS, no build step. Talks to the citizen API next to it.
(function () {
  const BASE = document.querySelector('meta[name="sandbox-base"]').content;
  const API = BASE + "api";
  const ALLOWED_TAGS = new Set(["B", "STRONG", "I", "EM", "U", "INS", "S", "STRIKE", "DEL", "CODE", "PRE", "A",
    "TG-SPOILER", "BLOCKQUOTE"]);
  const $ = (id) => document.getElementById(id);

  const state = { userId: null, user: null, stream: null, messages: new Map(), commands: [], actionTimer: null,
    menuButton: null };

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
    return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function renderMedia(message, bubble) {
    const media = message.media || {};
    if (media.photo) {
      const img = document.createElement("img");
      img.alt = "photo";
      img.src = API + "/files/" + encodeURIComponent(media.photo[media.photo.length - 1].file_id);
      bubble.appendChild(img);
    } else if (media.location) {
      const div = document.createElement("div");
      div.textContent = "📍 " + media.location.latitude.toFixed(5) + ", " + media.location.longitude.toFixed(5);
      bubble.appendChild(div);
    } else if (media.sticker) {
      const div = document.createElement("div");
      div.className = "sticker";
      div.textContent = media.sticker.emoji || "🖼";
      bubble.appendChild(div);
    } else if (media.voice) {
      const div = document.createElement("div");
      div.textContent = "🎤 voice message, " + media.voice.duration + " s";
      bubble.appendChild(div);
    } else if (media.document) {
      const link = document.createElement("a");
      link.href = API + "/files/" + encodeURIComponent(media.document.file_id);
      link.textContent = "📄 " + (media.document.file_name || "document");
      link.target = "_blank";
      bubble.appendChild(link);
    }
  }

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
          element.addEventListener("click", () => openWebApp(button.web_app.url, "inline"));
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
    bubble.className = "message " + (message.from === "bot" ? "bot" : "user") + (message.deleted ? " deleted" : "");
    bubble.dataset.messageId = message.message_id;
    if (message.deleted) {
      bubble.textContent = "message deleted";
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
    meta.textContent = (message.edited ? "edited · " : "") + timeOf(message.date);
    bubble.appendChild(meta);
    return bubble;
  }

  function upsertMessage(message) {
    const list = $("messages");
    const existing = state.messages.get(message.message_id);
    const bubble = renderMessage(message);
    if (existing) existing.replaceWith(bubble); else list.appendChild(bubble);
    state.messages.set(message.message_id, bubble);
    list.scrollTop = list.scrollHeight;
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
        element.addEventListener("click", () => pressReply(button.text));
        line.appendChild(element);
      }
      box.appendChild(line);
    }
  }

  function showAction(action) {
    const labels = { typing: "typing…", upload_photo: "sending a photo…", upload_document: "sending a file…",
      find_location: "choosing a location…", record_voice: "recording voice…" };
    $("chat-status").textContent = "bot is " + (labels[action] || action.replace(/_/g, " ") + "…");
    clearTimeout(state.actionTimer);
    state.actionTimer = setTimeout(() => { $("chat-status").textContent = ""; }, 5000);
  }

  function handleEvent(event) {
    if (event.type === "message" || event.type === "edit" || event.type === "delete") {
      upsertMessage(event.message);
      if (event.type === "message" && event.message.from === "bot") {
        $("chat-status").textContent = "";
        refreshChat();
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

  async function selectCitizen(user) {
    state.userId = user.id;
    state.user = user;
    state.messages.clear();
    $("messages").replaceChildren();
    $("chat-title").textContent = [user.first_name, user.last_name].filter(Boolean).join(" ") +
      (user.username ? " (@" + user.username + ")" : "") + " · " + (user.language_code || "no language");
    for (const id of ["message-input", "send-button", "location-button", "photo-input"]) $(id).disabled = false;
    for (const item of document.querySelectorAll("#citizen-list li")) {
      item.classList.toggle("selected", Number(item.dataset.userId) === user.id);
    }
    if (state.stream) state.stream.close();
    const history = await api("GET", "/chats/" + user.id + "/messages");
    for (const message of history.messages) upsertMessage(message);
    state.stream = new EventSource(API + "/chats/" + user.id + "/stream?after=" + history.seq);
    state.stream.onmessage = (event) => handleEvent(JSON.parse(event.data));
    state.stream.addEventListener("reset", () => { state.stream.close(); loadCitizens(); });
    await refreshChat();
    await loadCommands();
    await loadMenuButton();
    $("message-input").focus();
  }

  async function loadCitizens() {
    const data = await api("GET", "/users?limit=200");
    const list = $("citizen-list");
    list.replaceChildren();
    for (const user of data.users) {
      const item = document.createElement("li");
      item.dataset.userId = user.id;
      const name = document.createElement("span");
      name.textContent = [user.first_name, user.last_name].filter(Boolean).join(" ");
      const lang = document.createElement("span");
      lang.className = "lang";
      lang.textContent = user.language_code || "";
      item.append(name, lang);
      item.classList.toggle("selected", user.id === state.userId);
      item.addEventListener("click", () => selectCitizen(user));
      list.appendChild(item);
    }
  }

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

  async function pressReply(text) {
    try {
      await api("POST", "/chats/" + state.userId + "/reply_button", { text });
    } catch (error) { toast(error.message, true); }
  }

  async function loadSms() {
    const filter = $("sms-filter").value.trim();
    const data = await api("GET", "/sms" + (filter ? "?phone=" + encodeURIComponent(filter) : ""));
    const list = $("sms-list");
    list.replaceChildren();
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
  }

  $("new-citizen-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const user = await api("POST", "/users", {
        first_name: $("new-first-name").value.trim(), last_name: $("new-last-name").value.trim() || null,
        username: $("new-username").value.trim() || null, language_code: $("new-language").value,
      });
      event.target.reset();
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
    if (!file || state.userId === null) return;
    const form = new FormData();
    form.append("photo", file, file.name);
    try { await api("POST", "/chats/" + state.userId + "/photo", form); } catch (error) { toast(error.message, true); }
    event.target.value = "";
  });

  $("location-button").addEventListener("click", () => { $("location-form").hidden = !$("location-form").hidden; });
  $("location-cancel").addEventListener("click", () => { $("location-form").hidden = true; });
  $("location-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/chats/" + state.userId + "/location",
        { latitude: Number($("latitude").value), longitude: Number($("longitude").value) });
      $("location-form").hidden = true;
    } catch (error) { toast(error.message, true); }
  });

  $("menu-button").addEventListener("click", toggleMenu);
  $("webapp-menu-button").addEventListener("click", () => {
    if (state.menuButton) openWebApp(state.menuButton.web_app.url, "menu");
  });
  $("sms-filter").addEventListener("input", loadSms);
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
