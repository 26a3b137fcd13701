"""Move my car (一键挪车) in the console: requesters blocked after owners' abuse reports
(``MOVE_CAR_BLOCK_AFTER``), with who they are (masked) and when; staff lift a block
(`actions.move_car.lift_block`: the reports start again from zero)."""

from __future__ import annotations

import hashlib

from aiohttp import web

from actions import move_car
from staff.http import me, redirect, render, requires, runtime, translator
from staff.workqueues import who
from storage.models import StaffRole

PAGE = "/staff/move-car"


def reference(id_number: str) -> str:
    """An opaque reference to a blocked requester for the page's forms (no ID number in the page)."""
    return hashlib.sha256(id_number.encode()).hexdigest()[:20]


def setup(router: web.UrlDispatcher) -> None:
    """Register the move-my-car page on the staff app."""

    @requires(StaffRole.AGENT)
    async def blocked_page(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        blocked = await services.repos.move_requesters.blocked()
        citizens = await services.repos.citizens.by_id_numbers([b.id_number for b in blocked])
        rows = [
            {
                "ref": reference(b.id_number),
                "person": who(citizens.get(b.id_number), b.id_number),
                "reports": b.abuse_reports,
                "blocked_at": b.blocked_at,
            }
            for b in blocked
        ]
        return render(request, "move_car.html", rows=rows, block_after=services.settings.move_car_block_after)

    @requires(StaffRole.AGENT)
    async def lift(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        t = translator(request)
        ref = request.match_info["ref"]
        blocked = await services.repos.move_requesters.blocked()
        found = next((b for b in blocked if reference(b.id_number) == ref), None)
        if found is None:
            raise redirect(PAGE, t("staff-move-not-blocked"))
        lifted = await move_car.lift_block(services, found.id_number, staff=me(request).username)
        raise redirect(PAGE, t("staff-move-lifted" if lifted else "staff-move-not-blocked"))

    router.add_get("/move-car", blocked_page)
    router.add_post("/move-car/{ref}/lift", lift)
