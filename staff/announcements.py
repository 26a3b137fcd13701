"""Announcements (issue 15, supervisors): write a message in English and Chinese for a segment
(everyone, a city, a district, the owners of a vehicle type, the holders of a licence class), see
it as citizens will and how many it reaches, then send it through the push pipeline or cancel it
(a draft, or whatever has not gone yet). The rules are in actions/announcements.py."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from actions import announcements as actions
from core.language import Language
from staff.http import me, redirect, render, requires, runtime, translator, ui_lang
from staff.labels import plain
from storage.data import city as city_of
from storage.data.dispatch import district_names
from storage.models import Announcement, AnnouncementState, SegmentKind, StaffRole


def segment_label(request: web.Request, kind: SegmentKind, value: str | None) -> str:
    """A segment as a person reads it (never a stored code)."""
    t = translator(request)
    lang = ui_lang(request)
    if kind == SegmentKind.EVERYONE or value is None:
        return str(t("announcement-segment-everyone"))
    if kind == SegmentKind.CITY:
        found = city_of(value)
        return str(t("announcement-segment-city", name=found.name.get(lang) if found else "—"))
    if kind == SegmentKind.DISTRICT:
        name = district_names().get(value)
        return str(t("announcement-segment-district", name=name.get(lang) if name else "—"))
    if kind == SegmentKind.VEHICLE_TYPE:
        return str(t("announcement-segment-vehicle", name=t(f"miniapp-vehicle-type-{value}")))
    return str(t("announcement-segment-license", name=value))


def segment_options(request: web.Request) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group label, [(form value "kind:value", label)]) for the segment select."""
    t = translator(request)
    groups: list[tuple[str, list[tuple[str, str]]]] = [
        (str(t("announcement-segment-everyone")), [("everyone:", str(t("announcement-segment-everyone")))])
    ]
    for kind, label in (
        (SegmentKind.CITY, "announcement-group-city"),
        (SegmentKind.DISTRICT, "announcement-group-district"),
        (SegmentKind.VEHICLE_TYPE, "announcement-group-vehicle"),
        (SegmentKind.LICENSE_CLASS, "announcement-group-license"),
    ):
        groups.append(
            (
                str(t(label)),
                [(f"{kind.value}:{value}", segment_label(request, kind, value)) for value in actions.choices(kind)],
            )
        )
    return groups


def setup(router: web.UrlDispatcher) -> None:
    """Register the announcement pages on the staff app."""

    async def list_page(request: web.Request, *, error: str | None = None, form: Any = None) -> web.Response:
        services = runtime(request).services
        items = await services.repos.announcements.recent()
        return render(
            request,
            "announcements.html",
            status=400 if error else 200,
            items=items,
            labels={a.id: segment_label(request, a.segment, a.value) for a in items},
            options=segment_options(request),
            error=error,
            form=form or {},
            max_text=actions.MAX_TEXT,
        )

    @requires(StaffRole.SUPERVISOR)
    async def announcements_page(request: web.Request) -> web.StreamResponse:
        return await list_page(request)

    @requires(StaffRole.SUPERVISOR)
    async def create(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        fields = {k: str(form.get(k, "")) for k in ("text_en", "text_zh", "segment")}
        kind, _, value = fields["segment"].partition(":")
        try:
            made = await actions.draft(
                runtime(request).services,
                en=fields["text_en"],
                zh=fields["text_zh"],
                kind=kind,
                value=value or None,
                actor=me(request).username,
            )
        except actions.AnnouncementRefused as refused:
            return await list_page(request, error=str(refused.args[0]), form=fields)
        raise redirect(f"/staff/announcements/{made.id}")

    async def found(request: web.Request) -> Announcement:
        announcement = await runtime(request).services.repos.announcements.by_id(request.match_info["id"])
        if announcement is None:
            raise web.HTTPNotFound(text="no such announcement")
        return announcement

    @requires(StaffRole.SUPERVISOR)
    async def detail(request: web.Request) -> web.StreamResponse:
        services = runtime(request).services
        announcement = await found(request)
        done = await actions.progress(services, announcement.id)
        return render(
            request,
            "announcement.html",
            a=announcement,
            segment=segment_label(request, announcement.segment, announcement.value),
            previews={lang: plain(actions.preview(services.catalog, announcement, lang)) for lang in Language},
            sent=done.get("sent", 0),
            waiting=sum(n for state, n in done.items() if state not in ("sent", "dead")),
            failed=done.get("dead", 0),
            States=AnnouncementState,
        )

    @requires(StaffRole.SUPERVISOR)
    async def send(request: web.Request) -> web.StreamResponse:
        announcement = await found(request)
        t = translator(request)
        sent = await actions.send(runtime(request).services, announcement.id, me(request).username)
        message = "announcement-sending" if sent is not None else "announcement-not-draft"
        raise redirect(f"/staff/announcements/{announcement.id}", t(message))

    @requires(StaffRole.SUPERVISOR)
    async def cancel(request: web.Request) -> web.StreamResponse:
        announcement = await found(request)
        t = translator(request)
        cancelled = await actions.cancel(runtime(request).services, announcement.id, me(request).username)
        if cancelled is None:
            raise redirect(f"/staff/announcements/{announcement.id}", t("announcement-cancel-refused"))
        raise redirect(
            f"/staff/announcements/{announcement.id}", t("announcement-cancelled-flash", count=cancelled.withdrawn)
        )

    router.add_get("/announcements", announcements_page)
    router.add_post("/announcements", create)
    router.add_get("/announcements/{id}", detail)
    router.add_post("/announcements/{id}/send", send)
    router.add_post("/announcements/{id}/cancel", cancel)
