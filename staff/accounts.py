"""Sign-in locks for supervisors (`/staff/accounts`): every staff account with the locks on it
(from one source address, or from everywhere) and the source addresses refused for failing
across accounts; a button lifts a lock. Each lift is logged with who did it (no secrets)."""

from __future__ import annotations

import ipaddress

import structlog
from aiohttp import web

from staff.auth import Lockout
from staff.http import me, redirect, render, requires, runtime, translator
from storage.models import StaffRole

log = structlog.get_logger(__name__)


def setup(router: web.UrlDispatcher) -> None:
    """Register the sign-in lock pages on the staff app."""

    @requires(StaffRole.SUPERVISOR)
    async def accounts_page(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        lockout = Lockout(services)
        staff = await services.repos.staff.list_all()
        locks = await lockout.account_locks([user.username for user in staff])
        return render(
            request,
            "accounts.html",
            staff=staff,
            locks=locks,
            addresses=await lockout.address_locks(),
            limits=lockout.limits(),
            minutes=-(-services.settings.staff_lockout_seconds // 60),
        )

    @requires(StaffRole.SUPERVISOR)
    async def unlock_account(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        user = await services.repos.staff.by_username(request.match_info["username"])
        if user is None:
            raise web.HTTPNotFound(text="no such account")
        failures = await Lockout(services).unlock_account(user.username)
        log.info("staff sign-in unlocked", account=user.username, by=me(request).username, failures=failures)
        raise redirect("/staff/accounts", translator(request)("staff-unlocked", name=user.username))

    @requires(StaffRole.SUPERVISOR)
    async def unlock_address(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        given = str(form.get("address", ""))
        try:
            network = ipaddress.ip_network(given, strict=True)
        except ValueError:
            raise web.HTTPBadRequest(text="not an address") from None
        address = str(network.network_address) if network.num_addresses == 1 else str(network)
        failures = await Lockout(runtime(request).services).unlock_address(address)
        log.info("staff sign-in address released", address=address, by=me(request).username, failures=failures)
        raise redirect("/staff/accounts", translator(request)("staff-address-released", address=address))

    router.add_get("/accounts", accounts_page)
    router.add_post("/accounts/{username}/unlock", unlock_account)
    router.add_post("/addresses/unlock", unlock_address)
