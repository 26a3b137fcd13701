"""The citizen bot's router tree, built afresh for each dispatcher (a router belongs to one).

Order matters: errors first, then the commands and menu buttons that work everywhere, the
citizen services, and last the fallback for whatever no feature handled (unknown commands,
stale buttons, free text for the NLU). Modules without handlers (faq, licenses, deliveries) only
register features; importing them here is what registers them.
"""

from __future__ import annotations

from aiogram import Router

from bot.routers import (
    appeals,
    business,
    common,
    complaints,
    deliveries,
    elicense,
    errors,
    fallback,
    faq,
    groups,
    handoff,
    identity,
    licenses,
    move_car,
    notifications,
    payments,
    points_study,
    profile,
    vehicles,
    violations,
)

FEATURE_MODULES = (deliveries, faq, licenses)  # features reached by GoCb and intents only


def build_routers() -> Router:
    root = Router(name="citizen-bot")
    # Everything the assistant shows is personal: the services answer in private chats only.
    citizen = Router(name="private-chats")
    citizen.message.filter(groups.PRIVATE)
    citizen.callback_query.filter(groups.PRIVATE_BUTTON)
    citizen.include_routers(
        common.build_router(),
        handoff.build_router(),
        notifications.build_router(),
        identity.build_router(),
        profile.build_router(),
        elicense.build_router(),
        vehicles.build_router(),
        violations.build_router(),
        payments.build_router(),
        business.build_router(),
        complaints.build_router(),
        appeals.build_router(),
        move_car.build_router(),
        points_study.build_router(),
        fallback.build_router(),
    )
    root.include_routers(errors.build_router(), groups.build_router(), citizen)
    return root
