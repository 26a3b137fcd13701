"""Deliveries of mailed licenses and replacement plates: stages, courier, tracking number."""

from __future__ import annotations

from actions.deliveries import awaiting_collection, my_deliveries, my_delivery, my_delivery_by_tracking, timeline
from bot.context import Ctx, feature
from bot.guards import require_citizen
from bot.ui.callbacks import GoCb
from bot.ui.format import dashed, local_day, local_time
from bot.ui.keyboards import Button, buttons, menu_button, web_app_row
from core.addresses import mask_address
from core.identifiers import normalize_tracking_number
from storage.models import Delivery, DeliveryKind, DeliveryStage, PlateDeliveryRequest


def delivery_title(ctx: Ctx, delivery: Delivery) -> str:
    if delivery.kind == DeliveryKind.PLATE_DELIVERY:
        return ctx.t("deliveries-kind-plate", plate=delivery.plate or "")
    return ctx.t("deliveries-kind-license")


def render_delivery(ctx: Ctx, delivery: Delivery) -> str:
    t = ctx.t
    lines: list[str] = [
        f"<b>{delivery_title(ctx, delivery)}</b>",
        t("deliveries-current", stage=t(f"deliveries-stage-{delivery.stage.value}")),
    ]
    if delivery.courier is not None and delivery.tracking_number:
        lines.append(
            t(
                "deliveries-courier",
                courier=t(f"deliveries-courier-{delivery.courier.value}"),
                tracking=delivery.tracking_number,
            )
        )
    else:
        lines.append(t("deliveries-no-tracking"))
    lines.append(t("deliveries-address", address=mask_address(delivery.address)))
    lines.append(t("deliveries-timeline"))
    for step in timeline(delivery):
        stage = t(f"deliveries-stage-{step.stage.value}")
        if step.at is not None:
            lines.append(t("deliveries-step-done", at=local_time(step.at), stage=stage))
        else:
            lines.append(t("deliveries-step-todo", stage=stage))
    if delivery.stage in (DeliveryStage.OUT_FOR_DELIVERY, DeliveryStage.DELIVERED):
        lines.append(t(f"deliveries-next-{dashed(delivery.kind.value)}-{dashed(delivery.stage.value)}"))
    return "\n".join(lines)


def render_summary(ctx: Ctx, delivery: Delivery) -> str:
    return ctx.t(
        "deliveries-summary",
        title=delivery_title(ctx, delivery),
        stage=ctx.t(f"deliveries-stage-{delivery.stage.value}"),
        at=local_time(delivery.updated_at),
    )


def render_request(ctx: Ctx, request: PlateDeliveryRequest) -> str:
    return ctx.t("deliveries-awaiting-collection", plate=request.plate, at=local_time(request.created_at))


@feature("deliveries", title="deliveries-menu", section="inquiry", intents=("delivery_status",), order=40)
async def deliveries(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    for raw in ctx.entities.get("tracking_number", []):
        tracking = normalize_tracking_number(raw)
        if tracking is None:
            continue
        found = await my_delivery_by_tracking(ctx.services, citizen, tracking)
        if found is not None:
            await ctx.send(
                render_delivery(ctx, found), buttons([(ctx.t("deliveries-button-all"), GoCb(feature="deliveries"))])
            )
            return
        await ctx.say("deliveries-tracking-unknown", None, tracking=tracking)
    items = await my_deliveries(ctx.services, citizen)
    waiting = await awaiting_collection(ctx.services, citizen)
    if not items and not waiting:
        await ctx.say("deliveries-none", menu_button(ctx.t))
        return
    open_items = [d for d in items if not d.delivered]
    done = [d for d in items if d.delivered]
    parts: list[str] = [ctx.t("deliveries-title", count=len(open_items) + len(waiting))]
    parts += [render_request(ctx, r) for r in waiting]
    parts += [render_delivery(ctx, d) for d in open_items]
    if done:
        parts.append(ctx.t("deliveries-done-title") + "\n" + "\n".join(render_summary(ctx, d) for d in done))
    settings = ctx.services.settings
    rows: list[list[Button]] = [
        web_app_row(ctx.t, settings, "miniapp-button-track-one", "delivery", d.id, title=delivery_title(ctx, d))
        for d in open_items
    ] + [
        [
            (
                ctx.t("deliveries-button-view", title=delivery_title(ctx, d), at=local_day(d.updated_at)),
                GoCb(feature="delivery_view", arg=d.id),
            )
        ]
        for d in done
    ]
    await ctx.send("\n\n".join(parts), buttons(*rows) if any(rows) else None)


@feature("delivery_view", title="deliveries-menu")
async def delivery_view(ctx: Ctx) -> None:
    """One delivery by id (the buttons of delivery notifications)."""
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    found = await my_delivery(ctx.services, citizen, ctx.arg) if ctx.arg else None
    if found is None:
        await ctx.say("deliveries-unknown", buttons([(ctx.t("deliveries-button-all"), GoCb(feature="deliveries"))]))
        return
    await ctx.send(
        render_delivery(ctx, found),
        buttons(
            web_app_row(ctx.t, ctx.services.settings, "miniapp-button-track", "delivery", found.id),
            [(ctx.t("deliveries-button-all"), GoCb(feature="deliveries"))],
        ),
    )
