"""Frequently asked questions, answered from the seeds (see actions/faq.py)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from actions.applications import renewal_eligibility
from actions.faq import FAQ_TOPICS, FaqTopic, elicense_schedule
from actions.licenses import city_named_in, exam_places
from actions.services import today_of
from bot.context import Ctx, feature
from bot.guards import bound_citizen
from bot.ui.callbacks import GoCb
from bot.ui.format import day
from bot.ui.keyboards import buttons, feature_rows
from storage.data import city
from storage.models import DriverLicense

EXAMPLE_EXAM_CITY = "beijing"  # seed 000's figures: the example for a citizen of no known city

# After an answer, the services it leads to (shown only for features that exist).
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "faq_elicense": ("elicense_show", "elicense_check", "faq_cities"),
    "faq_exam": ("renewal",),
    "faq_renewal": ("renewal", "faq_exam"),
    "faq_plates": ("plate_delivery", "deliveries"),
    "faq_cities": ("elicense_check", "faq_elicense"),
    "faq_dereg": ("vehicles",),
    "faq_hotline": (),
}


def follow_up_markup(ctx: Ctx, topic: FaqTopic, *, renewable: bool = True) -> InlineKeyboardMarkup:
    """``renewable`` False: the citizen's license cannot be renewed by mail (detained, revoked...),
    so "Renew by mail" is not offered (it would only refuse)."""
    names = [name for name in FOLLOW_UPS.get(topic.feature, ()) if renewable or name != "renewal"]
    rows = feature_rows(ctx.t, names)
    return buttons(*rows, [(ctx.t("faq-button-more"), GoCb(feature="faq"))])


@feature("faq", title="faq-menu", section="consult", order=10)
async def faq_menu(ctx: Ctx) -> None:
    await ctx.say(
        "faq-title", buttons(*[[(ctx.t(topic.title_id), GoCb(feature=topic.feature))] for topic in FAQ_TOPICS])
    )


async def answer(ctx: Ctx, topic: FaqTopic) -> None:
    renewable = await _renewable(ctx) if "renewal" in FOLLOW_UPS.get(topic.feature, ()) else True
    await ctx.send(ctx.t(topic.answer_id), follow_up_markup(ctx, topic, renewable=renewable))


async def _license_of(ctx: Ctx) -> DriverLicense | None:
    citizen = await bound_citizen(ctx)
    return await ctx.services.repos.licenses.by_id_number(citizen.id_number) if citizen is not None else None


async def _renewable(ctx: Ctx, lic: DriverLicense | None = None) -> bool:
    """Whether "Renew by mail" leads somewhere: nobody linked yet (it asks to link), or the
    linked citizen's license may be renewed by mail today."""
    lic = lic or await _license_of(ctx)
    return lic is None or renewal_eligibility(lic, today_of(ctx.services)).ok


async def answer_cities(ctx: Ctx, topic: FaqTopic) -> None:
    today = today_of(ctx.services)
    batches = await elicense_schedule(ctx.services, today)
    lines = [ctx.t(topic.answer_id)]
    for batch in batches:
        names = ctx.t("faq-cities-separator").join(c.name.get(ctx.lang) for c in batch.cities)
        key = "faq-cities-batch-open" if batch.is_open else "faq-cities-batch-later"
        lines.append(ctx.t(key, batch=batch.batch, date=day(batch.opens_on), count=len(batch.cities), cities=names))
    if not batches:
        lines.append(ctx.t("faq-cities-none"))
    await ctx.send("\n\n".join(lines), follow_up_markup(ctx, topic))


async def answer_exam(ctx: Ctx, topic: FaqTopic) -> None:
    """Where to have the physical exam: the figures of the city the citizen named, else of the city
    that issued their license, else Beijing's as an example; the answer says which it is."""
    lic = await _license_of(ctx)
    city_id, basis = city_named_in(ctx.text), "named"
    if city_id is None and lic is not None:
        city_id, basis = lic.issuing_city, "issued"
    if city_id is None:
        city_id, basis = EXAMPLE_EXAM_CITY, "example"
    places = exam_places(city_id, ctx.lang)
    found = city(city_id)
    office_name = found.office.name.get(ctx.lang) if found is not None else ""
    lines = [ctx.t(topic.answer_id), ctx.t("faq-exam-city", basis=basis, office=office_name, **places)]
    if basis == "example":
        lines.append(ctx.t("faq-exam-city-ask"))
    await ctx.send("\n".join(lines), follow_up_markup(ctx, topic, renewable=await _renewable(ctx, lic)))


def _register(topic: FaqTopic) -> None:
    async def run(ctx: Ctx) -> None:
        if topic.feature == "faq_cities":
            await answer_cities(ctx, topic)
        elif topic.feature == "faq_exam":
            await answer_exam(ctx, topic)
        else:
            await answer(ctx, topic)

    run.__name__ = topic.feature
    feature(topic.feature, title=topic.title_id, intents=(topic.intent,) if topic.intent else ())(run)


for _topic in FAQ_TOPICS:
    _register(_topic)
