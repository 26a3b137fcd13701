"""Electronic driver's license: eligibility, apply, special-case review, show with a live code.
Rules: actions/elicense.py."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from actions import elicense
from actions.elicense import ELicenseCard, Eligibility, ReviewOutcome, ReviewRequest, Verdict
from bot import forms
from bot.context import Ctx, feature
from bot.guards import bound_citizen, require_citizen
from bot.routers.licenses import status_label, step_text
from bot.ui.callbacks import GoCb
from bot.ui.format import day, local_day
from bot.ui.keyboards import Button, buttons, feature_rows, web_app_row
from core.i18n import Translator
from core.identifiers import mask_id_number
from storage.models import LicenseStatus


class ReviewForm(StatesGroup):
    reason = State()


def build_router() -> Router:
    router = Router(name="elicense")
    router.message.register(on_review_reason, StateFilter(ReviewForm.reason), forms.FORM_TEXT)
    return router


def render_eligibility(t: Translator, found: Eligibility) -> tuple[str, InlineKeyboardMarkup | None]:
    """The answer to "can I get an e-license?": the verdict, every reason with its remedy, buttons."""
    lines: list[str] = []
    rows: list[list[Button]] = []
    match found.verdict:
        case Verdict.NO_LICENSE:
            return t("elicense-no-license"), None
        case Verdict.ALREADY_ISSUED:
            return t("elicense-already-issued"), buttons([(t("elicense-menu-show"), GoCb(feature="elicense_show"))])
        case Verdict.ELIGIBLE:
            return t("elicense-eligible"), buttons([(t("elicense-apply-button"), GoCb(feature="elicense_apply"))])
        case Verdict.CITY_NOT_OPEN:
            city = found.city
            if city is not None and found.opens_on is not None:
                lines.append(
                    t(
                        "elicense-city-not-open",
                        city=city.name.get(t.lang),
                        date=day(found.opens_on),
                    )
                )
            else:
                lines.append(t("elicense-city-unknown"))
            if found.remedies:
                lines.append("")
                lines.append(t("elicense-also-blocked", count=len(found.remedies)))
        case Verdict.BLOCKED:
            lines.append(t("elicense-blocked", count=len(found.remedies)))
    for remedy in found.remedies:
        lines.append(t("elicense-remedy-line", status=status_label(t, remedy.status), step=step_text(t, remedy)))
    # "Renew by mail" leads nowhere while the license is held or revoked (it would only refuse).
    held = any(r.status in RENEWAL_REFUSED for r in found.remedies)
    rows.extend(feature_rows(t, [r.feature for r in found.remedies if not (held and r.feature == "renewal")]))
    if found.can_request_review:
        lines.append("")
        lines.append(t("elicense-review-offer"))
        rows.append([(t("elicense-review-button"), GoCb(feature="elicense_review"))])
    return "\n".join(lines), buttons(*rows) if rows else None


RENEWAL_REFUSED = (LicenseStatus.DETAINED, LicenseStatus.TEMPORARILY_DETAINED, LicenseStatus.REVOKED)


@feature("elicense_check", title="elicense-menu-check", section="inquiry", intents=("elicense_eligibility",), order=30)
async def check(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    found = await elicense.check_eligibility(ctx.services, citizen.id_number, ctx.lang)
    text, markup = render_eligibility(ctx.t, found)
    await ctx.send(text, markup)


@feature("elicense_apply", title="elicense-menu-apply", section="business", intents=("elicense_apply",), order=20)
async def apply(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    result = await elicense.apply(ctx.services, citizen.id_number, ctx.lang)
    if result.issued:
        await ctx.say("elicense-issued", buttons([(ctx.t("elicense-menu-show"), GoCb(feature="elicense_show"))]))
        return
    text, markup = render_eligibility(ctx.t, result.eligibility)
    await ctx.send(text, markup)


@feature("elicense_review", title="elicense-review-button")
async def review(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    found = await elicense.check_eligibility(ctx.services, citizen.id_number, ctx.lang)
    if not found.can_request_review:
        text, markup = render_eligibility(ctx.t, found)
        await ctx.send(text, markup)
        return
    pending = await ctx.services.repos.elicense.pending_for(citizen.id_number)
    if pending is not None:
        await ctx.say("elicense-review-pending", None, date=local_day(pending.requested_at))
        return
    await forms.begin(ctx, "elicense_review", ReviewForm.reason)
    await ctx.say("elicense-review-ask", None, min=elicense.REVIEW_REASON_MIN, max=elicense.REVIEW_REASON_MAX)


async def on_review_reason(message: Message, ctx: Ctx) -> None:
    text = message.text or ""
    if (hint := elicense.explain_review_reason(text)) is not None:
        await ctx.say(hint, None, min=elicense.REVIEW_REASON_MIN, max=elicense.REVIEW_REASON_MAX)
        return
    citizen = await require_citizen(ctx)
    if citizen is None:
        await forms.end(ctx)
        return
    key = await forms.submission_key(ctx)
    result = await elicense.request_review(ctx.services, citizen.id_number, text, ctx.lang, key=key)
    # Stored durably (once per form), then told, then the form ends: a crash in between, and the
    # redelivered message finds this review and tells it again.
    match result.outcome:
        case ReviewOutcome.CREATED:
            await _tell_review_sent(ctx, result)
        case ReviewOutcome.ALREADY_PENDING:
            assert result.review is not None
            await ctx.say("elicense-review-pending", None, date=local_day(result.review.requested_at))
        case _:
            found = await elicense.check_eligibility(ctx.services, citizen.id_number, ctx.lang)
            answer, markup = render_eligibility(ctx.t, found)
            await ctx.send(answer, markup)
    await forms.end(ctx)


async def _tell_review_sent(ctx: Ctx, result: ReviewRequest, note: str = "") -> None:
    if result.repeated and not note:
        note = ctx.t("forms-already-submitted")
    await ctx.send(forms.with_note(note, ctx.t("elicense-review-sent", office=result.office_name)))


@forms.receipt("elicense_review")
async def review_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The review the form ``opened.key`` requested, told as sent; False if none was stored."""
    citizen = await bound_citizen(ctx)
    found = await elicense.review_submitted(ctx.services, citizen.id_number, opened.key, ctx.lang) if citizen else None
    if found is None:
        return False
    await _tell_review_sent(ctx, found, note)
    return True


def render_card(t: Translator, card: ELicenseCard) -> str:
    lic = card.license
    lines: list[str] = [
        t("elicense-card-title"),
        t(
            "elicense-card-line",
            license_class=lic.license_class.value,
            number=mask_id_number(lic.id_number),
            valid_from=day(lic.valid_from),
            valid_to=day(lic.valid_to),
        ),
        t("elicense-card-status", statuses=", ".join(status_label(t, s) for s in card.statuses)),
        t("elicense-card-points", points=card.points, cycle_end=day(card.cycle_end)),
    ]
    if card.blockers:
        lines.append(t("elicense-card-blocked", statuses=", ".join(status_label(t, s) for s in card.blockers)))
    else:
        lines.append(t("elicense-card-usable"))
    lines.append("")
    lines.append(t("elicense-card-code", code=card.code, seconds=card.code_seconds))
    return "\n".join(lines)


@feature("elicense_show", title="elicense-menu-show", section="business", order=21)
async def show(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        return
    card = await elicense.show(ctx.services, citizen.id_number)
    if card is None:
        await ctx.say("elicense-not-issued", buttons([(ctx.t("elicense-menu-check"), GoCb(feature="elicense_check"))]))
        return
    text = render_card(ctx.t, card)
    markup = buttons(
        web_app_row(ctx.t, ctx.services.settings, "miniapp-button-elicense", "elicense"),
        [(ctx.t("elicense-refresh-button"), GoCb(feature="elicense_show", arg="refresh"))],
    )
    if ctx.arg == "refresh" and isinstance(ctx.event, CallbackQuery):  # the card changes in place
        await ctx.update_message(text, markup)
    else:
        await ctx.send(text, markup)
