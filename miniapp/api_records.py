"""Timelines of the citizen's deliveries, applications and complaints, and their notification
preferences (the same ones as the chat's /notifications)."""

from __future__ import annotations

from aiohttp import web

from actions import complaints as complaint_actions
from actions import profile
from actions.applications import my_applications
from actions.deliveries import awaiting_collection, my_deliveries, my_delivery, timeline
from core.i18n import Catalog
from core.identifiers import normalize_ticket_id
from core.language import Language
from miniapp.auth import Viewer, for_citizen
from miniapp.http import JSON, answer, fail, moment, runtime, say
from storage.models import (
    PHOTO_REF_PREFIX,
    ApplicationStatus,
    Complaint,
    Delivery,
    DeliveryKind,
    DeliveryStage,
    NotificationPreferences,
    NotificationType,
)

COMPLAINTS_LISTED = 20


def _delivery(catalog: Catalog, lang: Language, d: Delivery) -> JSON:
    kind = d.kind.value.replace("_", "-")
    title = (
        say(catalog, lang, "miniapp-delivery-plate", plate=d.plate or "")
        if d.kind == DeliveryKind.PLATE_DELIVERY
        else say(catalog, lang, "miniapp-delivery-license")
    )
    next_step = None
    if d.stage in (DeliveryStage.OUT_FOR_DELIVERY, DeliveryStage.DELIVERED):
        next_step = say(catalog, lang, f"deliveries-next-{kind}-{d.stage.value.replace('_', '-')}")
    return {
        "id": d.id,
        "title": title,
        "done": d.delivered,
        "stage": say(catalog, lang, f"deliveries-stage-{d.stage.value}"),
        "courier": say(catalog, lang, f"deliveries-courier-{d.courier.value}") if d.courier is not None else None,
        "tracking_number": d.tracking_number,
        "address": d.address,
        "updated": moment(d.updated_at),
        "next": next_step,
        "steps": [
            {
                "label": say(catalog, lang, f"deliveries-stage-{step.stage.value}"),
                "at": moment(step.at),
                "done": step.at is not None,
                "current": step.current,
            }
            for step in timeline(d)
        ],
    }


@for_citizen
async def deliveries(request: web.Request, v: Viewer) -> web.StreamResponse:
    """Deliveries on their way first, then delivered ones; and plate requests still waiting for
    the courier to collect the materials."""
    services = runtime(request).services
    catalog = services.catalog
    items = await my_deliveries(services, v.citizen)
    waiting = await awaiting_collection(services, v.citizen)
    return answer(
        {
            "deliveries": [_delivery(catalog, v.lang, d) for d in items],
            "awaiting": [
                {
                    "plate": r.plate,
                    "requested": moment(r.created_at),
                    "text": say(catalog, v.lang, "miniapp-delivery-awaiting", plate=r.plate),
                }
                for r in waiting
            ],
        }
    )


@for_citizen
async def delivery(request: web.Request, v: Viewer) -> web.StreamResponse:
    services = runtime(request).services
    found = await my_delivery(services, v.citizen, request.match_info["id"])
    if found is None:
        fail(404, "not_found", say(services.catalog, v.lang, "miniapp-delivery-unknown"))
    return answer({"delivery": _delivery(services.catalog, v.lang, found)})


def _status_steps(
    catalog: Catalog, lang: Language, status: ApplicationStatus, created: JSON | None, updated: JSON | None
) -> list[JSON]:
    """Submitted -> accepted -> completed (or where it stopped: rejected, cancelled)."""
    order = [ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.COMPLETED]
    stopped = status in (ApplicationStatus.REJECTED, ApplicationStatus.CANCELLED)
    reached = order.index(status) if status in order else 0
    steps = []
    for n, step in enumerate(order):
        if stopped and n > 0:
            break
        steps.append(
            {
                "label": say(catalog, lang, f"business-status-{step.value}"),
                "done": n <= reached,
                "current": n == reached and not stopped,
                "at": created if n == 0 else (updated if n == reached else None),
            }
        )
    if stopped:
        steps.append(
            {
                "label": say(catalog, lang, f"business-status-{status.value}"),
                "done": True,
                "current": True,
                "at": updated,
            }
        )
    return steps


@for_citizen
async def applications(request: web.Request, v: Viewer) -> web.StreamResponse:
    services = runtime(request).services
    catalog = services.catalog
    found = await my_applications(services, v.citizen)
    items: list[JSON] = []
    for r in found.renewals:
        created, updated = moment(r.created_at), moment(r.updated_at)
        items.append(
            {
                "id": r.id,
                "title": say(catalog, v.lang, "miniapp-application-renewal", license_class=r.license_class.value),
                "status": say(catalog, v.lang, f"business-status-{r.status.value}"),
                "created": created,
                "delivery_id": r.delivery_id,
                "steps": _status_steps(catalog, v.lang, r.status, created, updated),
            }
        )
    for p in found.plate_requests:
        created, updated = moment(p.created_at), moment(p.updated_at)
        items.append(
            {
                "id": p.id,
                "title": say(
                    catalog,
                    v.lang,
                    "miniapp-application-plates",
                    plate=p.plate,
                    reason=say(catalog, v.lang, f"business-plate-reason-{p.reason.value}"),
                ),
                "status": say(catalog, v.lang, f"business-status-{p.status.value}"),
                "created": created,
                "delivery_id": p.delivery_id,
                "steps": _status_steps(catalog, v.lang, p.status, created, updated),
            }
        )
    items.sort(key=lambda item: item["created"]["iso"] if item["created"] else "", reverse=True)
    return answer({"applications": items})


def _complaint(catalog: Catalog, lang: Language, c: Complaint) -> JSON:
    history: list[JSON] = []
    for event in c.history:  # staff's private notes are not the citizen's to see
        if event.action == "created":
            text = say(catalog, lang, "miniapp-complaint-filed")
        elif event.action == "status_changed" and event.status is not None:
            text = say(catalog, lang, f"complaints-status-{event.status.value.replace('_', '-')}")
            if event.text:
                text = f"{text}: {event.text}"
        elif event.action == "reply" and event.text:
            text = say(catalog, lang, "miniapp-complaint-reply", text=event.text)
        elif event.action == "rated" and c.rating is not None:
            text = say(catalog, lang, "miniapp-complaint-rated", stars=c.rating)
        else:
            continue
        history.append({"at": moment(event.at), "text": text})
    return {
        "ticket": c.ticket_id,
        "topic": say(catalog, lang, f"complaints-topic-{c.topic.value.replace('_', '-')}"),
        "status": say(catalog, lang, f"complaints-status-{c.status.value.replace('_', '-')}"),
        "done": c.status.value in ("resolved", "closed"),
        "place": c.place_text,
        "location": c.location.model_dump() if c.location is not None else None,
        "description": c.description,
        "plate": c.plate,
        "photos": len(c.photos),
        # Photos uploaded from the Mini App can be shown here; the chat's are Telegram's files.
        "app_photos": [p.removeprefix(PHOTO_REF_PREFIX) for p in c.photos if p.startswith(PHOTO_REF_PREFIX)],
        "created": moment(c.created_at),
        "acknowledge_by": moment(c.acknowledge_by),
        "answer_by": moment(c.answer_by),
        "rating": c.rating,
        "history": history,
    }


@for_citizen
async def complaints(request: web.Request, v: Viewer) -> web.StreamResponse:
    services = runtime(request).services
    page = await complaint_actions.list_own(services, v.citizen, page_size=COMPLAINTS_LISTED)
    return answer({"complaints": [_complaint(services.catalog, v.lang, c) for c in page.items], "more": page.has_more})


@for_citizen
async def complaint(request: web.Request, v: Viewer) -> web.StreamResponse:
    """One of the citizen's complaints; someone else's ticket answers as an unknown one."""
    services = runtime(request).services
    ticket = normalize_ticket_id(request.match_info["ticket"])
    found = await complaint_actions.own_complaint(services, v.citizen, ticket) if ticket is not None else None
    if found is None:
        fail(404, "not_found", say(services.catalog, v.lang, "miniapp-complaint-unknown"))
    return answer({"complaint": _complaint(services.catalog, v.lang, found)})


def _preferences(catalog: Catalog, lang: Language, prefs: NotificationPreferences) -> JSON:
    return {
        "types": [
            {"value": t.value, "label": say(catalog, lang, f"push-type-{t.value}"), "on": prefs.wants(t)}
            for t in profile.CHOOSABLE_NOTIFICATIONS
        ],
        "quiet_hours": prefs.quiet_hours,
    }


@for_citizen
async def get_notifications(request: web.Request, v: Viewer) -> web.StreamResponse:
    services = runtime(request).services
    prefs = v.citizen.telegram.preferences if v.citizen.telegram is not None else NotificationPreferences()
    return answer(_preferences(services.catalog, v.lang, prefs))


@for_citizen
async def put_notifications(request: web.Request, v: Viewer) -> web.StreamResponse:
    """Body: ``{"off": [types switched off], "quiet_hours": bool}`` (the whole choice)."""
    services = runtime(request).services
    catalog = services.catalog
    try:
        body = await request.json()
    except ValueError:
        body = None
    choosable = {t.value for t in profile.CHOOSABLE_NOTIFICATIONS}
    off = body.get("off") if isinstance(body, dict) else None
    quiet = body.get("quiet_hours") if isinstance(body, dict) else None
    if not isinstance(off, list) or not isinstance(quiet, bool) or not all(x in choosable for x in off):
        fail(400, "bad_body", say(catalog, v.lang, "miniapp-error-bad-body"))
    prefs = NotificationPreferences(disabled_types=[NotificationType(x) for x in dict.fromkeys(off)], quiet_hours=quiet)
    if not await profile.set_notification_preferences(services, v.user.id, prefs):
        fail(403, "not_linked", say(catalog, v.lang, "miniapp-error-not-linked"))
    return answer(
        {**_preferences(catalog, v.lang, prefs), "message": say(catalog, v.lang, "miniapp-notifications-saved")}
    )
