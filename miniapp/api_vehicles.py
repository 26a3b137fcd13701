"""Vehicles with their live status and the e-license authorisations their owner gave (grant and
revoke), and the violations of all of them, filtered by plate and status, with totals."""

from __future__ import annotations

import re
from datetime import date

from aiohttp import web

from actions import vehicles as actions
from actions.services import today_of
from actions.vehicles import GrantOutcome, VehicleStatus
from actions.violations import lookup_violations
from core.i18n import Catalog
from core.identifiers import mask_id_number, normalize_plate
from core.language import Language
from miniapp.auth import Viewer, for_citizen
from miniapp.http import JSON, answer, fail, moment, runtime, say
from storage.models import Violation, ViolationStatus

APP_PAGE_SIZE = 20
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{8,40}")


def _vehicle(catalog: Catalog, lang: Language, status: VehicleStatus, today: date) -> JSON:
    v = status.vehicle
    view: JSON = {
        "plate": v.plate,
        "brand": v.brand.get(lang),
        "model": v.model,
        "type": say(catalog, lang, f"miniapp-vehicle-type-{v.vehicle_type.value}"),
        "new_energy": v.new_energy,
        "owned": status.owned,
        "registration": {
            "ok": v.registration_status.value == "normal",
            "label": say(catalog, lang, f"miniapp-registration-{v.registration_status.value}"),
        },
        "inspection": {
            "state": status.inspection.value,
            "until": v.inspection_valid_until.isoformat(),
            "days": status.inspection_days,
            "label": say(
                catalog,
                lang,
                f"miniapp-inspection-{status.inspection.value}",
                date=v.inspection_valid_until.isoformat(),
                days=status.inspection_days,
            ),
        },
        "open_violations": status.open_violations,
        "accidents": [
            {
                "when": moment(a.occurred_at),
                "place": a.place.get(lang),
                "status": say(catalog, lang, f"miniapp-accident-{a.status.value}"),
            }
            for a in status.open_accidents
        ],
        "mortgage": (
            {"lender": v.mortgage.lender.get(lang), "since": v.mortgage.registered_on.isoformat()}
            if v.mortgage is not None
            else None
        ),
        "authorisations": [],
    }
    if status.owned:
        view["authorisations"] = [
            {
                "id": a.id,
                "name": a.grantee_name,
                "id_number": mask_id_number(a.grantee_id_number),
                "valid_from": a.valid_from.isoformat(),
                "valid_to": a.valid_to.isoformat(),
                "active": a.valid_from <= today,
            }
            for a in actions.current_authorisations(v, today)
        ]
    return view


@for_citizen
async def vehicles(request: web.Request, v: Viewer) -> web.StreamResponse:
    services = runtime(request).services
    today = today_of(services)
    found = await actions.vehicle_statuses(services, v.citizen)
    return answer(
        {
            "vehicles": [_vehicle(services.catalog, v.lang, s, today) for s in found],
            "today": today.isoformat(),
            "limits": {
                "max_start_ahead_days": actions.MAX_START_AHEAD_DAYS,
                "max_active": actions.MAX_ACTIVE_AUTHORISATIONS,
                "name_max": actions.NAME_MAX_LENGTH,
            },
        }
    )


def _plate(request: web.Request, v: Viewer) -> str:
    plate = normalize_plate(request.match_info["plate"])
    if plate is None:
        fail(404, "not_owner", say(runtime(request).services.catalog, v.lang, "miniapp-auth-not-owner"))
    return plate


async def _json(request: web.Request, v: Viewer) -> JSON:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        fail(400, "bad_body", say(runtime(request).services.catalog, v.lang, "miniapp-error-bad-body"))
    return body


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


GRANT_PROBLEMS: dict[GrantOutcome, tuple[str, str]] = {
    GrantOutcome.NOT_OWNER: ("", "miniapp-auth-not-owner"),
    GrantOutcome.SELF: ("id_number", "miniapp-auth-self"),
    GrantOutcome.BAD_ID: ("id_number", "miniapp-auth-bad-id"),
    GrantOutcome.NAME_MISMATCH: ("name", "miniapp-auth-name-mismatch"),
    GrantOutcome.DUPLICATE: ("id_number", "miniapp-auth-duplicate"),
    GrantOutcome.LIMIT: ("", "miniapp-auth-limit"),
}


@for_citizen
async def grant(request: web.Request, v: Viewer) -> web.StreamResponse:
    """Authorise someone to use the e-license of the citizen's own vehicle. Body: ``key`` (the
    page's form: the same form sent twice grants once), ``id_number``, ``name``, ``valid_from``,
    ``valid_to`` (YYYY-MM-DD)."""
    services = runtime(request).services
    catalog = services.catalog
    plate = _plate(request, v)
    body = await _json(request, v)
    form = str(body.get("key") or "")
    if not FORM_KEY.fullmatch(form):
        fail(400, "bad_key", say(catalog, v.lang, "miniapp-error-bad-body"))
    start, end = _date(body.get("valid_from")), _date(body.get("valid_to"))
    if start is None or end is None:
        fail(
            422,
            "invalid",
            say(catalog, v.lang, "miniapp-form-fix"),
            fields={"period": say(catalog, v.lang, "miniapp-auth-period-format")},
        )
    result = await actions.grant_authorisation(
        services,
        v.citizen,
        plate,
        grantee_id_number=str(body.get("id_number") or ""),
        grantee_name=str(body.get("name") or ""),
        valid_from=start,
        valid_to=end,
        # Namespaced by the Telegram user: the page names its form, and cannot name another's.
        key=f"app{v.user.id}-{form}",
    )
    if result.outcome == GrantOutcome.GRANTED and result.authorisation is not None:
        auth = result.authorisation
        return answer(
            {
                "granted": True,
                "repeated": result.repeated,
                "message": say(catalog, v.lang, "miniapp-auth-granted", plate=result.plate or plate),
                "authorisation": {
                    "id": auth.id,
                    "name": auth.grantee_name,
                    "id_number": mask_id_number(auth.grantee_id_number),
                    "valid_from": auth.valid_from.isoformat(),
                    "valid_to": auth.valid_to.isoformat(),
                },
            },
            status=200 if result.repeated else 201,
        )
    if result.outcome == GrantOutcome.BAD_PERIOD and result.period_error is not None:
        problem = say(
            catalog,
            v.lang,
            f"miniapp-auth-period-{result.period_error.value}",
            today=today_of(services).isoformat(),
        )
        fail(422, "invalid", say(catalog, v.lang, "miniapp-form-fix"), fields={"period": problem})
    field, msg_id = GRANT_PROBLEMS[result.outcome]
    end_day = result.existing.valid_to.isoformat() if result.existing is not None else ""
    text = say(catalog, v.lang, msg_id, end=end_day)
    if not field:
        fail(409 if result.outcome == GrantOutcome.LIMIT else 404, result.outcome.value, text)
    fail(422, "invalid", say(catalog, v.lang, "miniapp-form-fix"), fields={field: text})


@for_citizen
async def revoke(request: web.Request, v: Viewer) -> web.StreamResponse:
    services = runtime(request).services
    plate = _plate(request, v)
    done = await actions.revoke_authorisation(services, v.citizen, plate, request.match_info["id"])
    if not done:
        fail(404, "not_found", say(services.catalog, v.lang, "miniapp-auth-revoke-unknown"))
    return answer({"revoked": True, "message": say(services.catalog, v.lang, "miniapp-auth-revoked", plate=plate)})


def _shown_state(violation: Violation) -> str:
    """The state a violation is shown in: "appealed" while an appeal is pending, else its status."""
    return "appealed" if violation.appeal_pending else violation.status.value


STATUS_FILTERS: dict[str, list[ViolationStatus] | None] = {
    "": None,
    "unprocessed": [ViolationStatus.UNPROCESSED],
    "processed": [ViolationStatus.PROCESSED],
    "paid": [ViolationStatus.PAID],
    "open": [ViolationStatus.UNPROCESSED, ViolationStatus.PROCESSED],
}


@for_citizen
async def violations(request: web.Request, v: Viewer) -> web.StreamResponse:
    """One page of the violations of all the citizen's vehicles (``?plate=``, ``?status=``
    unprocessed / processed / paid / open, ``?page=`` from 0), newest first, with the totals of
    what the filter matches: the chat's totals when nothing is filtered."""
    services = runtime(request).services
    catalog = services.catalog
    status = request.query.get("status", "")
    if status not in STATUS_FILTERS:
        fail(400, "bad_filter", say(catalog, v.lang, "miniapp-violations-bad-filter"))
    raw_plate = request.query.get("plate", "").strip()
    plate = normalize_plate(raw_plate) if raw_plate else None
    try:
        page = max(0, int(request.query.get("page", "0")))
    except ValueError:
        page = 0
    plates = await actions.accessible_plates(services, v.citizen)
    found = None
    if not raw_plate or plate is not None:
        found = await lookup_violations(
            services,
            v.citizen,
            plate=plate,
            page=min(page, 10_000),
            page_size=APP_PAGE_SIZE,
            accessible=plates,
            statuses=STATUS_FILTERS[status],
        )
    if found is None:  # not a plate, or not one of theirs: the same answer
        fail(404, "plate_unknown", say(catalog, v.lang, "miniapp-violations-plate-unknown"))
    result = found.page
    items = [
        {
            "id": x.id,
            "plate": x.plate,
            "when": moment(x.occurred_at),
            "place": x.place.get(v.lang),
            "behaviour": x.behaviour.get(v.lang),
            "fine_yuan": x.fine_yuan,
            "points": x.points,
            "status": x.status.value,
            # An open appeal is what the citizen needs to know first: not payable, surcharge paused.
            "status_label": say(catalog, v.lang, f"miniapp-violation-status-{_shown_state(x)}"),
            "todo": say(catalog, v.lang, f"miniapp-violation-todo-{_shown_state(x)}", fine=x.fine_yuan),
            # Handle and pay from the page (miniapp/api_payments.py): open, and no appeal pending.
            "payable": x.status in (ViolationStatus.UNPROCESSED, ViolationStatus.PROCESSED) and not x.appeal_pending,
        }
        for x in result.items
    ]
    return answer(
        {
            "plates": plates.all,
            "filter": {"plate": plate or "", "status": status},
            "totals": {
                "total": result.total,
                "unprocessed": result.unprocessed,
                "fine_due_yuan": result.fine_due_yuan,
                "points_pending": result.points_pending,
            },
            "page": result.page,
            "pages": found.pages,
            "has_next": result.has_next,
            "items": items,
        }
    )
