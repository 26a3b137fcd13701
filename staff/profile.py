"""A citizen's profile for staff (issue 17, `/staff/citizen/<chat>`): who they are (masked), their
language, past conversations with people and call-back requests, complaints and e-license
reviews, each linked to its page."""

from __future__ import annotations

from aiohttp import web

from core.identifiers import mask_id_number, mask_name, mask_phone
from staff.http import render, requires, runtime
from storage.models import StaffRole


def setup(router: web.UrlDispatcher) -> None:
    """Register the profile page on the staff app."""

    @requires(StaffRole.AGENT)
    async def profile_page(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        try:
            chat_id = int(request.match_info["chat_id"])
        except ValueError:
            raise web.HTTPNotFound(text="no such citizen") from None
        handoffs = await services.repos.handoffs.by_chat(chat_id, limit=30)
        citizen = await services.repos.citizens.by_chat_id(chat_id)
        id_number = citizen.id_number if citizen is not None else None
        if id_number is None:
            id_number = next((h.citizen_id_number for h in handoffs if h.citizen_id_number), None)
        if not handoffs and citizen is None:
            raise web.HTTPNotFound(text="no such citizen")
        complaints = await services.repos.complaints.by_citizen(id_number, limit=30) if id_number else []
        reviews = await services.repos.elicense.by_citizen(id_number, limit=30) if id_number else []
        names = [str(h.context.get("telegram_name")) for h in handoffs if h.context.get("telegram_name")]
        identity = None
        if citizen is not None:
            identity = {
                "name": mask_name(citizen.name),
                "id_number": mask_id_number(citizen.id_number),
                "phone": mask_phone(citizen.phone),
                "city": citizen.city,
                "language": citizen.telegram.language if citizen.telegram else None,
            }
        return render(
            request,
            "profile.html",
            telegram_name=names[0] if names else "",
            identity=identity,
            language=(identity or {}).get("language") or (handoffs[0].language if handoffs else None),
            handoffs=handoffs,
            complaints=complaints,
            reviews=reviews,
        )

    router.add_get("/citizen/{chat_id}", profile_page)
