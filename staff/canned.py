"""Canned replies for supervisors (issue 17, `/staff/canned`): per language, each with the "/"
shortcut agents type in the reply box; create, edit, delete (actions/handoff/canned.py)."""

from __future__ import annotations

from aiohttp import web

from actions.handoff import canned
from core.language import LANGUAGES
from core.language import parse as parse_language
from staff.http import me, redirect, render, requires, runtime, translator
from storage.models import StaffRole


def setup(router: web.UrlDispatcher) -> None:
    """Register the canned-reply pages on the staff app."""

    async def page(request: web.Request, *, status: int = 200, error: str | None = None) -> web.Response:
        replies = await canned.all_replies(runtime(request).services)
        return render(
            request,
            "canned.html",
            status=status,
            replies=replies,
            languages=LANGUAGES,
            error=error,
            form=dict(await request.post()) if error else {},
        )

    @requires(StaffRole.SUPERVISOR)
    async def canned_page(request: web.Request) -> web.StreamResponse:
        return await page(request)

    @requires(StaffRole.SUPERVISOR)
    async def canned_create(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        language = parse_language(str(form.get("language", "")))
        if language is None:
            raise web.HTTPBadRequest(text="unknown language")
        try:
            await canned.create(
                runtime(request).services,
                me(request),
                language=language,
                shortcut=str(form.get("shortcut", "")),
                text=str(form.get("text", "")),
            )
        except canned.CannedError as exc:
            return await page(request, status=422, error=f"staff-canned-error-{exc.code}")
        raise redirect("/staff/canned", translator(request)("staff-canned-saved"))

    @requires(StaffRole.SUPERVISOR)
    async def canned_update(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        try:
            await canned.update(
                runtime(request).services,
                me(request),
                request.match_info["id"],
                shortcut=str(form.get("shortcut", "")),
                text=str(form.get("text", "")),
            )
        except canned.CannedError as exc:
            return await page(request, status=422, error=f"staff-canned-error-{exc.code}")
        raise redirect("/staff/canned", translator(request)("staff-canned-saved"))

    @requires(StaffRole.SUPERVISOR)
    async def canned_delete(request: web.Request) -> web.StreamResponse:
        await canned.delete(runtime(request).services, me(request), request.match_info["id"])
        raise redirect("/staff/canned", translator(request)("staff-canned-deleted"))

    router.add_get("/canned", canned_page)
    router.add_post("/canned", canned_create)
    router.add_post("/canned/{id}", canned_update)
    router.add_post("/canned/{id}/delete", canned_delete)
