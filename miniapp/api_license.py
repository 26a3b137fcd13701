"""``/app/api/texts``, ``/app/api/me``, and the e-license: its card and a fresh verification code
(with its QR code) that the page renews before it expires."""

from __future__ import annotations

from aiohttp import web

from actions import elicense
from actions.deliveries import my_deliveries
from actions.elicense import Verdict
from actions.licenses import POINTS_PER_CYCLE, cycle_end
from actions.services import today_of
from actions.vehicles import accessible_plates
from actions.violations import lookup_violations
from core.i18n import Catalog
from core.identifiers import mask_id_number, mask_phone
from core.language import Language
from core.language import parse as parse_language
from miniapp.auth import Viewer, for_citizen, launch, telegram_language
from miniapp.http import JSON, answer, day_text, fail, moment, page_texts, request_language, runtime, say
from miniapp.qr import qr_data_uri
from storage.models import LicenseStatus


async def texts(request: web.Request) -> web.StreamResponse:
    """The page's texts in ``?lang=`` (public: the same for everyone)."""
    lang = parse_language(request.query.get("lang")) or request_language(request)
    return web.json_response(
        {"lang": lang.value, "texts": page_texts(runtime(request).services.catalog, lang)},
        headers={"Cache-Control": "public, max-age=300"},
    )


async def session(request: web.Request) -> web.StreamResponse:
    """Whether the launch is valid, before anything personal: ``{linked, language}`` (401 when it
    is not valid). The page asks this first to choose between its pages and "link first"."""
    init = launch(request)
    assert init.user is not None
    citizen = await runtime(request).services.repos.citizens.by_telegram_user(init.user.id)
    return answer({"linked": citizen is not None, "telegram_language": telegram_language(init).value})


@for_citizen
async def me(request: web.Request, v: Viewer) -> web.StreamResponse:
    """The linked citizen (masked) and what the home page counts."""
    services = runtime(request).services
    citizen = v.citizen
    plates = await accessible_plates(services, citizen)
    violations = await lookup_violations(services, citizen, page_size=1, accessible=plates)
    deliveries = await my_deliveries(services, citizen)
    lic = await services.repos.licenses.by_id_number(citizen.id_number)
    city = await services.repos.elicense.city(citizen.city)
    binding_language = citizen.telegram.language.value if citizen.telegram is not None else None
    return answer(
        {
            "citizen": {
                "name": citizen.name,
                "id_number": mask_id_number(citizen.id_number),
                "phone": mask_phone(citizen.phone),
                "city": city.name.get(v.lang) if city is not None else None,
            },
            "language": binding_language,
            "summary": {
                "license_class": lic.license_class.value if lic is not None else None,
                "elicense_issued": bool(lic is not None and lic.elicense_issued),
                "vehicles": len(plates.all),
                "violations_unprocessed": violations.page.unprocessed if violations else 0,
                "fine_due_yuan": violations.page.fine_due_yuan if violations else 0,
                "deliveries_open": sum(1 for d in deliveries if not d.delivered),
            },
        }
    )


def _status(catalog: Catalog, lang: Language, status: LicenseStatus, blocking: bool) -> JSON:
    return {"value": status.value, "label": say(catalog, lang, f"license-status-{status.value}"), "ok": not blocking}


@for_citizen
async def elicense_card(request: web.Request, v: Viewer) -> web.StreamResponse:
    """The e-license card (no code: ``POST .../code`` gives one), or, when none is issued, why
    not and what to do."""
    services = runtime(request).services
    catalog = services.catalog
    lic = await services.repos.licenses.by_id_number(v.citizen.id_number)
    if lic is None or not lic.elicense_issued:
        found = await elicense.check_eligibility(services, v.citizen.id_number, v.lang)
        reasons = [
            {
                "status": say(catalog, v.lang, f"license-status-{r.status.value}"),
                "text": say(catalog, v.lang, r.msg_id, **{k: str(a) for k, a in r.args.items()}),
            }
            for r in found.remedies
        ]
        verdict = {
            Verdict.ELIGIBLE: "miniapp-elicense-eligible",
            Verdict.NO_LICENSE: "miniapp-elicense-no-license",
            Verdict.CITY_NOT_OPEN: "miniapp-elicense-city-not-open",
            Verdict.BLOCKED: "miniapp-elicense-blocked",
            Verdict.ALREADY_ISSUED: "miniapp-elicense-eligible",
        }[found.verdict]
        opens = day_text(found.opens_on) or ""
        return answer(
            {"issued": False, "verdict": say(catalog, v.lang, verdict, date=opens), "reasons": reasons},
        )
    today = today_of(services)
    blockers = lic.elicense_blockers(today)
    return answer(
        {
            "issued": True,
            "card": {
                "name": v.citizen.name,
                "license_class": lic.license_class.value,
                "number": mask_id_number(lic.id_number),
                "valid_from": lic.valid_from.isoformat(),
                "valid_to": lic.valid_to.isoformat(),
                "statuses": [_status(catalog, v.lang, s, s in blockers) for s in lic.statuses(today)],
                "usable": not blockers,
                "points": lic.points,
                "points_max": POINTS_PER_CYCLE,
                "cycle_end": cycle_end(lic).isoformat(),
                "issued_at": moment(lic.elicense_issued_at),
            },
            "code_seconds": elicense.code_seconds(services),
        }
    )


@for_citizen
async def elicense_code(request: web.Request, v: Viewer) -> web.StreamResponse:
    """A fresh verification code (the previous one stops working), its expiry and its QR code."""
    services = runtime(request).services
    card = await elicense.show(services, v.citizen.id_number)
    if card is None:
        fail(404, "not_issued", say(services.catalog, v.lang, "miniapp-elicense-not-issued"))
    remaining = (card.code_expires_at - services.clock()).total_seconds()
    return answer(
        {
            "code": card.code,
            "seconds": card.code_seconds,
            "expires_in": max(0.0, remaining),
            "expires_at": card.code_expires_at.isoformat(),
            "qr": qr_data_uri(card.code),
            "usable": not card.blockers,
        }
    )
