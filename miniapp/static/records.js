"use strict";
// Timelines: deliveries (a mailed license, replacement plates), applications, complaints.
(function () {
  const A = window.MiniApp;
  const { el, t, chip, field } = A;

  // An ordered list of steps: done (with when), the current one, and those still to come.
  function timeline(steps, label) {
    return el("ol", { class: "timeline", "aria-label": label }, steps.map((s) => el("li", {
      class: (s.done ? "done" : "todo") + (s.current ? " current" : ""), "aria-current": s.current ? "step" : null,
    },
    el("span", { class: "dot", "aria-hidden": "true" }),
    el("span", { class: "step-label", text: s.label }),
    el("span", { class: "step-when", text: s.at ? s.at.local : (s.done ? "" : t("miniapp-timeline-pending")) }))));
  }
  A.timeline = timeline;

  function deliveryCard(d) {
    return el("li", { class: "card delivery", "data-id": d.id },
      el("h2", { class: "card-title" }, el("span", { text: d.title }), " ", chip(d.stage, d.done ? "ok" : "warn")),
      el("dl", { class: "fields" },
        field(t("miniapp-delivery-courier"), d.courier && d.tracking_number ? d.courier + " · " + d.tracking_number : t("miniapp-delivery-no-tracking")),
        field(t("miniapp-delivery-address"), d.address)),
      timeline(d.steps, t("miniapp-delivery-progress")),
      d.next ? el("p", { class: "next-step", text: d.next }) : null);
  }

  A.pages.deliveries = async function (view) {
    const data = await A.api("GET", "deliveries");
    const waiting = data.awaiting.map((w) => el("li", { class: "card" }, el("p", { text: w.text })));
    const items = data.deliveries.map(deliveryCard);
    view.replaceChildren(
      el("h1", { text: t("miniapp-deliveries-title") }),
      items.length || waiting.length ? el("ol", { class: "cards" }, waiting, items) : el("p", { class: "notice", text: t("miniapp-deliveries-none") }),
    );
  };

  A.pages.delivery = async function (view, id) {
    const data = await A.api("GET", "deliveries/" + encodeURIComponent(id || ""));
    view.replaceChildren(
      el("h1", { text: t("miniapp-delivery-title") }),
      el("ol", { class: "cards" }, deliveryCard(data.delivery)),
      el("button", { type: "button", class: "secondary", text: t("miniapp-deliveries-all"), onclick: () => A.go("deliveries") }),
    );
  };

  A.pages.applications = async function (view) {
    const data = await A.api("GET", "applications");
    const items = data.applications.map((a) => el("li", { class: "card application" },
      el("h2", { class: "card-title" }, el("span", { text: a.title }), " ", chip(a.status)),
      timeline(a.steps, t("miniapp-application-progress")),
      a.delivery_id ? el("button", { type: "button", class: "link", text: t("miniapp-application-track"),
        onclick: () => A.go("delivery", [a.delivery_id]) }) : null));
    view.replaceChildren(
      el("h1", { text: t("miniapp-applications-title") }),
      items.length ? el("ol", { class: "cards" }, items) : el("p", { class: "notice", text: t("miniapp-applications-none") }),
    );
  };

  function complaintCard(c, open) {
    const photos = c.app_photos.map((id, n) => A.photoImage(id, t("miniapp-complaint-photo", { n: n + 1 })));
    const place = [c.place, c.location ? t("miniapp-location-value", { lat: c.location.lat.toFixed(5), lon: c.location.lon.toFixed(5) }) : null]
      .filter(Boolean).join(" · ");
    return el("li", { class: "card complaint", "data-ticket": c.ticket },
      el("h2", { class: "card-title" }, el("span", { text: t("miniapp-complaint-ticket", { ticket: c.ticket }) }), " ",
        chip(c.status, c.done ? "ok" : "warn")),
      el("dl", { class: "fields" },
        field(t("miniapp-complaint-topic"), c.topic),
        field(t("miniapp-complaint-place"), place || "—"),
        c.plate ? field(t("miniapp-complaint-plate"), c.plate) : null,
        field(t("miniapp-complaint-filed-at"), c.created.local),
        c.done ? null : field(t("miniapp-complaint-answer-by"), c.answer_by.local)),
      open ? el("p", { class: "description", text: c.description }) : null,
      open && photos.length ? el("div", { class: "photos" }, photos) : null,
      open ? timeline(c.history.map((h) => ({ label: h.text, at: h.at, done: true })), t("miniapp-complaint-history")) : null,
      open ? null : el("button", { type: "button", class: "link", text: t("miniapp-complaint-open"),
        "aria-label": t("miniapp-complaint-open-label", { ticket: c.ticket }), onclick: () => A.go("complaint", [c.ticket]) }));
  }

  A.pages.complaints = async function (view) {
    const data = await A.api("GET", "complaints");
    view.replaceChildren(
      el("h1", { text: t("miniapp-complaints-title") }),
      el("button", { type: "button", class: "secondary", text: t("miniapp-complaints-new"), onclick: () => A.go("report") }),
      data.complaints.length ? el("ol", { class: "cards" }, data.complaints.map((c) => complaintCard(c, false)))
        : el("p", { class: "notice", text: t("miniapp-complaints-none") }),
    );
  };

  A.pages.complaint = async function (view, ticket) {
    const data = await A.api("GET", "complaints/" + encodeURIComponent(ticket || ""));
    view.replaceChildren(
      el("h1", { text: t("miniapp-complaint-title") }),
      el("ol", { class: "cards" }, complaintCard(data.complaint, true)),
      el("button", { type: "button", class: "secondary", text: t("miniapp-complaints-all"), onclick: () => A.go("complaints") }),
    );
  };
})();
