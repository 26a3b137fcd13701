"use strict";
// Pages: home, "link your identity first", the e-license with its QR code, violations, vehicles
// with their authorisations (and the form that grants one), notification preferences.
(function () {
  const A = window.MiniApp;
  const { el, t } = A;

  function chip(text, kind) {
    return el("span", { class: "chip " + (kind || ""), text });
  }

  function field(label, value) {
    return el("div", { class: "field" }, el("dt", { text: label }), el("dd", { text: value }));
  }

  // --- home ----------------------------------------------------------------------------------------

  A.pages.home = async function (view) {
    const me = await A.api("GET", "me");
    A.me = me;
    const s = me.summary;
    const tile = (route, icon, title, detail, extra) => el("li", {},
      el("button", { type: "button", class: "tile", "data-route": route, onclick: () => A.go(route) },
        el("span", { class: "icon", "aria-hidden": "true", text: icon }),
        el("span", { class: "tile-text" }, el("span", { class: "tile-title", text: title }),
          detail ? el("span", { class: "tile-detail", text: detail }) : null),
        extra || null));
    const badge = (n, label) => (n ? el("span", { class: "badge", text: String(n), "aria-label": label }) : null);
    view.replaceChildren(
      el("h1", { text: t("miniapp-home-hello", { name: me.citizen.name }) }),
      el("p", { class: "hint", text: t("miniapp-home-identity", { id: me.citizen.id_number, phone: me.citizen.phone }) }),
      el("ul", { class: "tiles", "aria-label": t("miniapp-home-services") },
        tile("elicense", "🪪", t("miniapp-elicense-title"),
          s.elicense_issued ? t("miniapp-home-elicense-issued") : t("miniapp-home-elicense-none")),
        tile("violations", "📋", t("miniapp-violations-title"),
          s.violations_unprocessed ? t("miniapp-home-violations", { count: s.violations_unprocessed, fine: s.fine_due_yuan })
            : t("miniapp-home-violations-none"),
          badge(s.violations_unprocessed, t("miniapp-home-violations-badge", { count: s.violations_unprocessed }))),
        tile("vehicles", "🚗", t("miniapp-vehicles-title"), t("miniapp-home-vehicles", { count: s.vehicles })),
        tile("report", "📍", t("miniapp-report-title"), t("miniapp-home-report")),
        tile("deliveries", "📦", t("miniapp-deliveries-title"),
          s.deliveries_open ? t("miniapp-home-deliveries", { count: s.deliveries_open }) : t("miniapp-home-deliveries-none")),
        tile("complaints", "📂", t("miniapp-complaints-title"), t("miniapp-home-complaints")),
        tile("applications", "🧾", t("miniapp-applications-title"), t("miniapp-home-applications")),
        tile("notifications", "🔔", t("miniapp-notifications-title"), t("miniapp-home-notifications"))),
    );
  };

  // --- link first ----------------------------------------------------------------------------------

  A.pages.link = async function (view) {
    const session = await A.api("GET", "session");
    if (session.linked) { A.go("home", [], { replace: true }); return; }
    view.replaceChildren(
      el("h1", { text: t("miniapp-link-title") }),
      el("p", { text: t("miniapp-link-intro") }),
      el("ol", { class: "steps" },
        el("li", { text: t("miniapp-link-step-1") }),
        el("li", { text: t("miniapp-link-step-2") }),
        el("li", { text: t("miniapp-link-step-3") })),
      el("p", { class: "hint", text: t("miniapp-link-privacy") }),
      A.tg ? el("button", { type: "button", class: "primary", text: t("miniapp-link-back-to-chat"), onclick: () => A.tg.close() }) : null,
    );
  };

  // --- the e-license ---------------------------------------------------------------------------------

  A.pages.elicense = async function (view) {
    const data = await A.api("GET", "elicense");
    if (!data.issued) {
      view.replaceChildren(
        el("h1", { text: t("miniapp-elicense-title") }),
        el("p", { class: "notice", text: data.verdict }),
        data.reasons.length ? el("ul", { class: "reasons" }, data.reasons.map((r) =>
          el("li", {}, el("strong", { text: r.status + ": " }), r.text))) : null,
        el("p", { class: "hint", text: t("miniapp-elicense-apply-in-chat") }),
      );
      return;
    }
    const card = data.card;
    const img = el("img", { id: "qr-image", class: "qr", alt: "" });
    const digits = el("p", { id: "qr-digits", class: "digits", "aria-live": "off" });
    const countdown = el("p", { id: "qr-countdown", class: "hint", "aria-hidden": "true" });
    const box = el("section", { class: "qr-box", "aria-labelledby": "qr-heading" },
      el("h2", { id: "qr-heading", text: t("miniapp-elicense-code-title") }), img, digits, countdown,
      el("button", { type: "button", class: "secondary", text: t("miniapp-elicense-new-code"), onclick: () => refresh(true) }));
    view.replaceChildren(
      el("h1", { text: t("miniapp-elicense-title") }),
      box,
      el("section", { class: "card license", "aria-label": t("miniapp-elicense-card") },
        el("p", { class: "card-title", text: t("miniapp-elicense-card-title") }),
        el("dl", { class: "fields" },
          field(t("miniapp-elicense-name"), card.name),
          field(t("miniapp-elicense-class"), card.license_class),
          field(t("miniapp-elicense-number"), card.number),
          field(t("miniapp-elicense-validity"), t("miniapp-range", { from: A.day(card.valid_from), to: A.day(card.valid_to) })),
          field(t("miniapp-elicense-points"), t("miniapp-elicense-points-value", { points: card.points, max: card.points_max }))),
        el("p", { class: "chips", "aria-label": t("miniapp-elicense-status") },
          card.statuses.map((s) => chip(s.label, s.ok ? "ok" : "bad"))),
        el("p", { class: card.usable ? "banner-good" : "banner-warn", text: card.usable ? t("miniapp-elicense-usable") : t("miniapp-elicense-not-usable") }),
        el("p", { class: "hint", text: t("miniapp-elicense-cycle", { date: A.day(card.cycle_end) }) })),
    );

    let timer = null;
    let ticker = null;
    let expiresAt = 0;
    let seconds = data.code_seconds;
    let stopped = false;
    A.cleanup.push(() => { stopped = true; clearTimeout(timer); clearInterval(ticker); });

    function tick() {
      const left = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
      countdown.textContent = t("miniapp-elicense-refreshes", { seconds: left });
    }

    async function refresh(byHand) {
      clearTimeout(timer);
      let code;
      try {
        code = await A.api("POST", "elicense/code");
      } catch (error) {
        if (stopped) return;
        countdown.textContent = error.message;
        timer = setTimeout(() => refresh(false), 3000);
        return;
      }
      if (stopped) return;
      seconds = code.seconds;
      expiresAt = Date.now() + code.expires_in * 1000;
      img.src = code.qr;
      img.alt = t("miniapp-elicense-qr-alt", { code: code.code });
      box.dataset.code = code.code;
      digits.textContent = code.code.slice(0, 4) + " " + code.code.slice(4);
      digits.setAttribute("aria-label", t("miniapp-elicense-digits-label", { code: code.code.split("").join(" ") }));
      tick();
      if (byHand) A.haptic("light");
      A.announce(t("miniapp-elicense-new-code-ready"));
      // Renewed before it expires: a few seconds ahead (a quarter of a short lifetime).
      const lead = Math.min(5, Math.max(1, seconds / 4));
      timer = setTimeout(() => refresh(false), Math.max(500, (code.expires_in - lead) * 1000));
    }
    ticker = setInterval(tick, 1000);
    await refresh(false);
  };

  // --- violations ------------------------------------------------------------------------------------

  A.pages.violations = async function (view, plateArg) {
    const filter = { plate: plateArg || "", status: "" };
    const list = el("ol", { class: "cards", id: "violation-list", "aria-label": t("miniapp-violations-list") });
    const totals = el("section", { class: "card totals", id: "violation-totals", "aria-live": "polite" });
    const more = el("button", { type: "button", class: "secondary", id: "violations-more", text: t("miniapp-more"), hidden: true });
    const plateSelect = el("select", { id: "filter-plate" });
    const statusSelect = el("select", { id: "filter-status" },
      ["", "open", "unprocessed", "processed", "paid"].map((value) =>
        el("option", { value, text: t("miniapp-violations-filter-" + (value || "all")) })));
    let page = 0;
    let queue = Promise.resolve();

    // One load at a time: a filter change (a reset) and "more" pressed just after it would both
    // fetch the first page and show it twice.
    function load(reset) {
      const next = queue.then(() => loadNow(reset));
      queue = next.catch(() => {});
      return next;
    }

    async function loadNow(reset) {
      if (reset) { page = 0; list.replaceChildren(); }
      const query = new URLSearchParams({ page: String(page) });
      if (filter.plate) query.set("plate", filter.plate);
      if (filter.status) query.set("status", filter.status);
      const data = await A.api("GET", "violations?" + query);
      if (reset) {
        plateSelect.replaceChildren(el("option", { value: "", text: t("miniapp-violations-all-plates") }),
          data.plates.map((p) => el("option", { value: p, text: p, selected: p === data.filter.plate })));
        const x = data.totals;
        totals.dataset.total = x.total;
        totals.dataset.unprocessed = x.unprocessed;
        totals.dataset.fine = x.fine_due_yuan;
        totals.dataset.points = x.points_pending;
        totals.replaceChildren(
          el("p", { class: "big", text: t("miniapp-violations-total", { count: x.total }) }),
          el("dl", { class: "fields row" },
            field(t("miniapp-violations-unprocessed"), String(x.unprocessed)),
            field(t("miniapp-violations-fine-due"), A.money(x.fine_due_yuan)),
            field(t("miniapp-violations-points-pending"), String(x.points_pending))),
        );
        if (!data.items.length) list.appendChild(el("li", { class: "empty", text: t("miniapp-violations-none") }));
      }
      for (const v of data.items) {
        list.appendChild(el("li", { class: "card violation", "data-id": v.id },
          el("p", { class: "card-title" }, el("span", { text: v.behaviour }), " ", chip(v.status_label,
            v.status === "paid" || v.status === "cancelled" ? "ok" : v.status === "processed" ? "warn" : "bad")),
          el("dl", { class: "fields" },
            field(t("miniapp-violations-when"), v.when.local),
            field(t("miniapp-violations-where"), v.place),
            field(t("miniapp-violations-plate"), v.plate),
            field(t("miniapp-violations-penalty"), t("miniapp-violations-penalty-value", { fine: A.money(v.fine_yuan), points: v.points }))),
          el("p", { class: "next-step", text: v.todo }),
          v.payable ? el("button", { type: "button", class: "secondary pay", text: t("miniapp-pay-button"),
            onclick: () => payViolation(v).catch(showFailure) }) : null));
      }
      more.hidden = !data.has_next;
      page += 1;
    }

    plateSelect.addEventListener("change", () => { filter.plate = plateSelect.value; load(true).catch(showFailure); });
    statusSelect.addEventListener("change", () => { filter.status = statusSelect.value; load(true).catch(showFailure); });
    more.addEventListener("click", () => load(false).catch(showFailure));
    function showFailure(error) { A.toast(error.message, "error"); }

    // Handle and pay one violation (miniapp/api_payments.py): the decision, then the gateway's page.
    async function payViolation(v) {
      const ids = [v.id];
      const decided = await A.api("POST", "payments/quote", { violation_ids: ids });
      if (!(await A.confirm(decided.summary))) return;
      const order = await A.api("POST", "payments", { violation_ids: ids, key: formKey() });
      const tg = window.Telegram && window.Telegram.WebApp;
      if (tg && tg.openLink) tg.openLink(order.pay_url); else window.open(order.pay_url, "_blank", "noopener");
      A.toast(t("miniapp-pay-opened"));
      load(true).catch(showFailure);
    }

    view.replaceChildren(
      el("h1", { text: t("miniapp-violations-title") }),
      el("form", { class: "filters", onsubmit: (e) => e.preventDefault() },
        el("label", { for: "filter-plate", text: t("miniapp-violations-filter-plate") }), plateSelect,
        el("label", { for: "filter-status", text: t("miniapp-violations-filter-status") }), statusSelect),
      totals, list, more,
    );
    await load(true);
  };

  // --- vehicles and authorisations --------------------------------------------------------------------

  A.pages.vehicles = async function (view) {
    const data = await A.api("GET", "vehicles");
    const cards = data.vehicles.map((v) => {
      const auths = v.owned ? el("section", { class: "auths", "aria-label": t("miniapp-auth-title", { plate: v.plate }) },
        el("h3", { text: t("miniapp-auth-heading") }),
        v.authorisations.length ? el("ul", {}, v.authorisations.map((a) => el("li", {},
          el("span", { text: t("miniapp-auth-item", { name: a.name, id: a.id_number, from: A.day(a.valid_from), to: A.day(a.valid_to) }) }),
          " ", chip(a.active ? t("miniapp-auth-active") : t("miniapp-auth-later"), a.active ? "ok" : ""),
          el("button", { type: "button", class: "link destructive", text: t("miniapp-auth-revoke"),
            "aria-label": t("miniapp-auth-revoke-label", { name: a.name, plate: v.plate }),
            onclick: () => revoke(v.plate, a) }))))
          : el("p", { class: "hint", text: t("miniapp-auth-none") }),
        el("button", { type: "button", class: "secondary", text: t("miniapp-auth-new"),
          "aria-label": t("miniapp-auth-new-label", { plate: v.plate }), onclick: () => A.go("grant", [v.plate]) }))
        : el("p", { class: "hint", text: t("miniapp-vehicle-added") });
      return el("li", { class: "card vehicle", "data-plate": v.plate },
        el("h2", { class: "card-title", text: v.plate + " · " + v.brand + " " + v.model }),
        el("p", { class: "chips" }, chip(v.type), v.new_energy ? chip(t("miniapp-vehicle-new-energy"), "ok") : null,
          chip(v.registration.label, v.registration.ok ? "ok" : "bad")),
        el("dl", { class: "fields" },
          field(t("miniapp-vehicle-inspection"), v.inspection.label),
          field(t("miniapp-vehicle-violations"), v.open_violations ? t("miniapp-vehicle-violations-open", { count: v.open_violations })
            : t("miniapp-vehicle-violations-none")),
          field(t("miniapp-vehicle-mortgage"), v.mortgage ? t("miniapp-vehicle-mortgage-value", { lender: v.mortgage.lender, date: v.mortgage.since })
            : t("miniapp-vehicle-mortgage-none")),
          v.accidents.length ? field(t("miniapp-vehicle-accidents"), v.accidents.map((a) => a.when.day + " " + a.place + " · " + a.status).join("; ")) : null),
        v.open_violations ? el("button", { type: "button", class: "link", text: t("miniapp-vehicle-see-violations"),
          onclick: () => A.go("violations", [v.plate]) }) : null,
        auths);
    });
    view.replaceChildren(
      el("h1", { text: t("miniapp-vehicles-title") }),
      cards.length ? el("ul", { class: "cards" }, cards) : el("p", { class: "notice", text: t("miniapp-vehicles-none") }),
    );

    async function revoke(plate, auth) {
      if (!await A.confirm(t("miniapp-auth-revoke-confirm", { name: auth.name, plate }))) return;
      try {
        const done = await A.api("DELETE", "vehicles/" + encodeURIComponent(plate) + "/authorisations/" + encodeURIComponent(auth.id));
        A.haptic("success");
        A.toast(done.message);
        A.refresh();
      } catch (error) {
        A.haptic("error");
        A.toast(error.message, "error");
      }
    }
  };

  function isoDay(date) {
    return date.getFullYear() + "-" + String(date.getMonth() + 1).padStart(2, "0") + "-" + String(date.getDate()).padStart(2, "0");
  }

  function formKey() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // A labelled input with its error line (aria-describedby), as every form of the app has.
  A.input = function (id, label, attrs, hint) {
    const error = el("p", { class: "field-error", id: id + "-error", hidden: true });
    const hintLine = hint ? el("p", { class: "hint", id: id + "-hint", text: hint }) : null;
    const input = el(attrs && attrs.tag === "textarea" ? "textarea" : "input",
      Object.assign({ id, name: id, "aria-describedby": [hint ? id + "-hint" : "", id + "-error"].join(" ").trim() }, attrs || {}, { tag: null }));
    input.addEventListener("input", () => {  // a field being corrected: its old error goes
      if (!error.hidden) { error.hidden = true; input.setAttribute("aria-invalid", "false"); }
    });
    return { input, error, node: el("div", { class: "control" }, el("label", { for: id, text: label }), hintLine, input, error) };
  };

  A.showFieldErrors = function (fields, controls) {
    let first = null;
    for (const [name, control] of Object.entries(controls)) {
      const message = fields[name];
      control.error.hidden = !message;
      control.error.textContent = message || "";
      if (control.input) control.input.setAttribute("aria-invalid", message ? "true" : "false");
      if (message && !first) first = control.input || control.error;
    }
    if (first) first.focus();
  };

  A.pages.grant = async function (view, plate) {
    const vehicles = await A.api("GET", "vehicles");
    const today = new Date(vehicles.today + "T00:00:00");
    const maxStart = new Date(today.getTime() + vehicles.limits.max_start_ahead_days * 86400000);
    const key = formKey();
    const idNumber = A.input("grant-id", t("miniapp-auth-id"), { autocomplete: "off", maxlength: "18", inputmode: "text", spellcheck: "false" });
    const name = A.input("grant-name", t("miniapp-auth-name"), { autocomplete: "off", maxlength: String(vehicles.limits.name_max) });
    const from = A.input("grant-from", t("miniapp-auth-from"), { type: "date", value: vehicles.today, min: vehicles.today, max: isoDay(maxStart) });
    const to = A.input("grant-to", t("miniapp-auth-to"), { type: "date", min: vehicles.today }, t("miniapp-auth-period-hint"));
    const period = { input: null, error: el("p", { class: "field-error", id: "grant-period-error", hidden: true }) };
    const presets = el("p", { class: "chips", role: "group", "aria-label": t("miniapp-auth-presets") },
      [7, 30, 365].map((days) => el("button", { type: "button", class: "chip-button", text: t("miniapp-auth-preset-" + days), onclick: () => {
        const start = new Date((from.input.value || vehicles.today) + "T00:00:00");
        const end = new Date(start.getTime() + (days - 1) * 86400000);
        if (days === 365) end.setTime(new Date(start.getFullYear() + 1, start.getMonth(), start.getDate() - 1).getTime());
        to.input.value = isoDay(end);
        A.haptic("select");
      } })));
    const form = el("form", { class: "form", novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(); } },
      idNumber.node, name.node, from.node, to.node, presets, period.error);
    form.addEventListener("input", () => A.confirmClose(!!(idNumber.input.value || name.input.value || to.input.value)));
    view.replaceChildren(el("h1", { text: t("miniapp-auth-form-title", { plate }) }), el("p", { class: "hint", text: t("miniapp-auth-form-intro") }), form);
    A.main.set({ text: t("miniapp-auth-submit"), onClick: submit });

    async function submit() {
      A.main.progress(true);
      try {
        const result = await A.api("POST", "vehicles/" + encodeURIComponent(plate) + "/authorisations", {
          key, id_number: idNumber.input.value, name: name.input.value, valid_from: from.input.value, valid_to: to.input.value,
        });
        A.confirmClose(false);
        A.haptic("success");
        A.toast(result.message);
        A.back();
      } catch (error) {
        A.main.progress(false);
        A.haptic("error");
        if (Object.keys(error.fields).length) {
          A.showFieldErrors(error.fields, { id_number: idNumber, name, period });
          if (error.fields.period) { period.error.hidden = false; to.input.focus(); }
        } else {
          A.toast(error.message, "error");
        }
      }
    }
  };

  // --- notification preferences ------------------------------------------------------------------------

  A.pages.notifications = async function (view) {
    const data = await A.api("GET", "notifications");
    const boxes = data.types.map((item) => el("li", {}, el("label", { class: "switch" },
      el("input", { type: "checkbox", name: "type", value: item.value, checked: item.on }), el("span", { text: item.label }))));
    const quiet = el("input", { type: "checkbox", id: "quiet-hours", checked: data.quiet_hours });
    const form = el("form", { class: "form", onsubmit: (e) => e.preventDefault() },
      el("fieldset", {}, el("legend", { text: t("miniapp-notifications-types") }), el("ul", { class: "switches" }, boxes)),
      el("fieldset", {}, el("legend", { text: t("miniapp-notifications-quiet") }),
        el("label", { class: "switch" }, quiet, el("span", { text: t("miniapp-notifications-quiet-label") }))));
    form.addEventListener("change", async () => {
      const off = Array.from(form.querySelectorAll("input[name=type]")).filter((b) => !b.checked).map((b) => b.value);
      try {
        const saved = await A.api("PUT", "notifications", { off, quiet_hours: quiet.checked });
        A.haptic("select");
        A.toast(saved.message);
      } catch (error) {
        A.toast(error.message, "error");
      }
    });
    view.replaceChildren(el("h1", { text: t("miniapp-notifications-title") }), el("p", { class: "hint", text: t("miniapp-notifications-intro") }), form);
  };

  A.chip = chip;
  A.field = field;
})();
