"""Frequently asked questions, answered from the seeds (see actions/faq.py)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from actions.faq import FAQ_TOPICS, FaqTopic, elicense_schedule
from actions.services import today_of
from bot.context import Ctx, feature
from bot.ui.callbacks import GoCb
from bot.ui.format import day
from bot.ui.keyboards import buttons, feature_rows

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


def follow_up_markup(ctx: Ctx, topic: FaqTopic) -> InlineKeyboardMarkup:
    rows = feature_rows(ctx.t, FOLLOW_UPS.get(topic.feature, ()))
    return buttons(*rows, [(ctx.t("faq-button-more"), GoCb(feature="faq"))])


@feature("faq", title="faq-menu", section="consult", order=10)
async def faq_menu(ctx: Ctx) -> None:
    await ctx.say(
        "faq-title", buttons(*[[(ctx.t(topic.title_id), GoCb(feature=topic.feature))] for topic in FAQ_TOPICS])
    )


async def answer(ctx: Ctx, topic: FaqTopic) -> None:
    await ctx.send(ctx.t(topic.answer_id), follow_up_markup(ctx, topic))


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


def _register(topic: FaqTopic) -> None:
    async def run(ctx: Ctx) -> None:
        if topic.feature == "faq_cities":
            await answer_cities(ctx, topic)
        else:
            await answer(ctx, topic)

    run.__name__ = topic.feature
    feature(topic.feature, title=topic.title_id, intents=(topic.intent,) if topic.intent else ())(run)


for _topic in FAQ_TOPICS:
    _register(_topic)
