"use strict";
// The report form: topic chips, the place (typed, and/or the device's location with consent), up
// to 5 photos uploaded one by one, a description; Preview, then Submit with Telegram's MainButton.
// The server issues the draft and files it once (the same Submit twice gives the same ticket).
(function () {
  const A = window.MiniApp;
  const { el, t } = A;
  const MAX_SIDE = 1600;  // photos are scaled down on the phone before they are sent

  async function shrink(file) {
    if (!window.createImageBitmap || file.size < 400 * 1024) return file;
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1.5 * 1024 * 1024) return file;
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
      return blob || file;
    } catch (e) {
      return file;  // the server checks what it gets
    }
  }

  A.pages.report = async function (view) {
    let draft = await A.api("POST", "report/drafts");
    const limits = draft.limits;
    const state = { topic: "", location: null, photos: [], step: "form", submitting: false };

    // --- the form -------------------------------------------------------------------------------------
    const topicError = el("p", { class: "field-error", id: "topic-error", hidden: true });
    const topics = el("fieldset", { class: "topics", "aria-describedby": "topic-error" },
      el("legend", { text: t("miniapp-report-topic") }),
      el("div", { class: "chips" }, draft.topics.map((topic) => el("label", { class: "chip-radio" },
        el("input", { type: "radio", name: "topic", value: topic.value, onchange: () => { state.topic = topic.value; topicError.hidden = true; A.haptic("select"); dirty(); } }),
        el("span", { text: topic.label })))),
      topicError);
    const place = A.input("report-place", t("miniapp-report-place"), { autocomplete: "off", maxlength: String(limits.place_max) },
      t("miniapp-report-place-hint"));
    const locationLine = el("p", { class: "location", id: "report-location", "aria-live": "polite" });
    const locationButton = el("button", { type: "button", class: "secondary", id: "report-locate", text: t("miniapp-report-locate"), onclick: locate });
    const placeBlock = el("fieldset", {}, el("legend", { text: t("miniapp-report-where") }), place.node,
      el("p", { class: "hint", text: t("miniapp-report-locate-why") }), locationButton, locationLine);
    const photoInput = el("input", { type: "file", id: "report-photos", accept: "image/jpeg,image/png,image/webp", multiple: true, class: "visually-hidden" });
    const photoList = el("ul", { class: "thumbs", id: "report-thumbs", "aria-label": t("miniapp-report-photos-list") });
    const photoCount = el("p", { class: "hint", id: "report-photo-count", "aria-live": "polite" });
    const photoError = el("p", { class: "field-error", id: "photos-error", hidden: true });
    const photoBlock = el("fieldset", {}, el("legend", { text: t("miniapp-report-photos") }),
      el("label", { for: "report-photos", class: "button secondary", text: t("miniapp-report-add-photos") }), photoInput,
      photoCount, photoList, photoError);
    const description = A.input("report-description", t("miniapp-report-description"),
      { tag: "textarea", rows: "5", maxlength: String(limits.description_max) },
      t("miniapp-report-description-hint", { min: limits.description_min, max: limits.description_max }));
    const counter = el("p", { class: "hint counter", id: "report-counter", "aria-live": "off" });
    const form = el("form", { class: "form", id: "report-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); preview(); } },
      topics, placeBlock, photoBlock, description.node, counter);
    const controls = { topic: { input: null, error: topicError }, place, description, photos: { input: null, error: photoError } };

    function dirty() {
      A.confirmClose(!!(state.topic || place.input.value.trim() || description.input.value.trim() || state.location || state.photos.length));
    }
    function count() {
      const n = description.input.value.length;
      counter.textContent = t("miniapp-report-counter", { n, max: limits.description_max });
      photoCount.textContent = t("miniapp-report-photo-count", { n: state.photos.length, max: limits.max_photos });
    }
    form.addEventListener("input", () => { count(); dirty(); });

    function fields() {
      return { topic: state.topic, place: place.input.value, description: description.input.value, location: state.location };
    }

    // --- location ----------------------------------------------------------------------------------
    function located(lat, lon, accuracy) {
      state.location = { lat, lon };
      locationLine.replaceChildren(
        el("span", { text: "📍 " + t("miniapp-location-value", { lat: lat.toFixed(5), lon: lon.toFixed(5) }) +
          (accuracy ? " " + t("miniapp-location-accuracy", { m: Math.round(accuracy) }) : "") }), " ",
        el("button", { type: "button", class: "link", text: t("miniapp-report-location-remove"), onclick: () => {
          state.location = null; locationLine.textContent = ""; dirty();
        } }));
      A.haptic("light");
      dirty();
    }
    function notLocated(messageId) {
      locationLine.textContent = t(messageId);
    }
    function locate() {
      locationLine.textContent = t("miniapp-report-locating");
      const tg = A.tg;
      if (tg && tg.LocationManager && tg.isVersionAtLeast("8.0")) {
        tg.LocationManager.init(() => {
          if (!tg.LocationManager.isLocationAvailable) { browserLocate(); return; }
          tg.LocationManager.getLocation((where) => {
            if (where) located(where.latitude, where.longitude, where.horizontal_accuracy);
            else notLocated("miniapp-report-location-denied");
          });
        });
      } else {
        browserLocate();
      }
    }
    function browserLocate() {
      if (!navigator.geolocation) { notLocated("miniapp-report-location-unavailable"); return; }
      navigator.geolocation.getCurrentPosition(
        (p) => located(p.coords.latitude, p.coords.longitude, p.coords.accuracy),
        () => notLocated("miniapp-report-location-denied"), { enableHighAccuracy: true, timeout: 15000 });
    }

    // --- photos ------------------------------------------------------------------------------------
    photoInput.addEventListener("change", async () => {
      const files = Array.from(photoInput.files || []);
      photoInput.value = "";
      for (const file of files) {
        if (state.photos.length >= limits.max_photos) { A.toast(t("miniapp-photo-limit", { max: limits.max_photos }), "error"); break; }
        const preview = URL.createObjectURL(file);
        const item = el("li", { class: "thumb uploading" },
          el("img", { src: preview, alt: t("miniapp-report-photo-alt", { n: state.photos.length + 1 }) }),
          el("span", { class: "hint", text: t("miniapp-report-uploading") }));
        photoList.appendChild(item);
        try {
          const body = await shrink(file);
          const blob = body instanceof Blob && body.type ? body : new Blob([body], { type: file.type || "application/octet-stream" });
          const result = await A.api("POST", "report/drafts/" + draft.key + "/photos", blob);
          const entry = { id: result.photo.id, url: preview };
          state.photos.push(entry);
          item.className = "thumb";
          item.dataset.photoId = entry.id;
          item.replaceChildren(item.firstChild, el("button", { type: "button", class: "link destructive", text: t("miniapp-report-photo-remove"),
            "aria-label": t("miniapp-report-photo-remove-label", { n: state.photos.length }), onclick: () => removePhoto(entry, item) }));
          A.haptic("light");
        } catch (error) {
          item.remove();
          URL.revokeObjectURL(preview);
          A.haptic("error");
          A.toast(error.message, "error");
          if (error.code === "draft_expired") { expired(error.message); return; }
        }
        count();
        dirty();
      }
    });
    async function removePhoto(entry, item) {
      try {
        await A.api("DELETE", "report/drafts/" + draft.key + "/photos/" + encodeURIComponent(entry.id));
      } catch (error) {
        if (error.status !== 404) { A.toast(error.message, "error"); return; }
      }
      state.photos = state.photos.filter((p) => p !== entry);
      item.remove();
      URL.revokeObjectURL(entry.url);
      count();
      dirty();
      photoInput.focus();
    }

    // --- steps -------------------------------------------------------------------------------------
    const formView = [el("h1", { text: t("miniapp-report-title") }), el("p", { class: "hint", text: t("miniapp-report-intro") }), form];

    function showForm() {
      state.step = "form";
      A.onBack = null;
      view.replaceChildren(...formView);
      A.main.set({ text: t("miniapp-report-preview"), onClick: preview });
      view.querySelector("h1").focus();
    }

    async function preview() {
      A.main.progress(true);
      try {
        const shown = await A.api("POST", "report/drafts/" + draft.key + "/preview", fields());
        A.main.progress(false);
        A.showFieldErrors({}, controls);
        showPreview(shown);
      } catch (error) {
        A.main.progress(false);
        A.haptic("error");
        if (error.code === "draft_expired") { expired(error.message); return; }
        if (Object.keys(error.fields).length) A.showFieldErrors(error.fields, controls);
        else A.toast(error.message, "error");
      }
    }

    function showPreview(shown) {
      state.step = "preview";
      A.onBack = () => { if (state.step === "preview") { showForm(); return true; } return false; };
      const where = [shown.place, shown.location ? t("miniapp-location-value", { lat: shown.location.lat.toFixed(5), lon: shown.location.lon.toFixed(5) }) : null]
        .filter(Boolean).join(" · ");
      view.replaceChildren(
        el("h1", { text: t("miniapp-report-preview-title") }),
        el("dl", { class: "fields card", id: "report-preview" },
          A.field(t("miniapp-report-topic"), shown.topic),
          A.field(t("miniapp-report-where"), where),
          shown.plate ? A.field(t("miniapp-complaint-plate"), shown.plate) : null,
          A.field(t("miniapp-report-description"), shown.description),
          A.field(t("miniapp-report-photos"), t("miniapp-report-photo-count", { n: shown.photos, max: limits.max_photos }))),
        state.photos.length ? el("div", { class: "photos" }, state.photos.map((p, n) =>
          el("img", { src: p.url, class: "photo", alt: t("miniapp-report-photo-alt", { n: n + 1 }) }))) : null,
        el("p", { class: "hint", text: t("miniapp-report-preview-hint") }),
        el("button", { type: "button", class: "secondary", text: t("miniapp-report-edit"), onclick: showForm }),
      );
      view.querySelector("h1").tabIndex = -1;
      view.querySelector("h1").focus();
      A.main.set({ text: t("miniapp-report-submit"), onClick: submit });
    }

    async function submit() {
      if (state.submitting) return;
      state.submitting = true;
      A.main.progress(true);
      try {
        const filed = await A.api("POST", "report/drafts/" + draft.key + "/submit", fields());
        showDone(filed);
      } catch (error) {
        A.main.progress(false);
        A.haptic("error");
        if (error.code === "draft_expired") expired(error.message);
        else if (Object.keys(error.fields).length) { showForm(); A.showFieldErrors(error.fields, controls); }
        else A.toast(error.message, "error");
      } finally {
        state.submitting = false;
      }
    }

    function showDone(filed) {
      state.step = "done";
      A.onBack = null;
      A.confirmClose(false);
      A.main.hide();
      A.haptic("success");
      view.replaceChildren(
        el("h1", { text: t("miniapp-report-done-title") }),
        el("section", { class: "card done", id: "report-done", "data-ticket": filed.ticket },
          el("p", { class: "big", text: t("miniapp-complaint-ticket", { ticket: filed.ticket }) }),
          el("p", { text: filed.message }),
          el("p", { class: "hint", text: t("miniapp-report-done-chat") })),
        el("button", { type: "button", class: "primary", text: t("miniapp-report-open-complaint"), onclick: () => A.go("complaint", [filed.ticket], { replace: true }) }),
        A.tg ? el("button", { type: "button", class: "secondary", text: t("miniapp-close"), onclick: () => A.tg.close() }) : null,
      );
      view.querySelector("h1").tabIndex = -1;
      view.querySelector("h1").focus();
    }

    function expired(message) {
      A.main.hide();
      view.replaceChildren(
        el("h1", { text: t("miniapp-report-title") }),
        el("p", { class: "notice error", role: "alert", text: message }),
        el("button", { type: "button", class: "primary", text: t("miniapp-report-start-again"), onclick: async () => {
          draft = await A.api("POST", "report/drafts");
          state.photos = [];
          photoList.replaceChildren();
          count();
          showForm();
        } }),
      );
    }

    count();
    showForm();
    A.cleanup.push(() => { for (const p of state.photos) URL.revokeObjectURL(p.url); });
  };
})();
