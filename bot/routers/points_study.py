"""Study to reduce points (学法减分): eligibility with every reason and remedy, then a short
bilingual reading and an exam with inline buttons; a pass takes points off the current cycle and
the license card is shown again. Rules: actions/points_study.py.

The exam is a form (bot/forms.py): its key is the exam's id, the questions and answers so far are
in the form's data, and each answer button names the exam and the question, so a press for an
older exam or question, or the same press delivered twice, changes nothing. The points are taken
off once per exam however often the last answer arrives."""

from __future__ import annotations

from datetime import date

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from actions import points_study
from actions.licenses import license_status
from actions.points_study import Blocker, Eligibility, ExamResult, Outcome
from bot import forms
from bot.context import Ctx, feature
from bot.guards import bound_citizen, require_citizen
from bot.routers.licenses import render_report
from bot.ui.callbacks import GoCb, StudyCb
from bot.ui.format import day
from bot.ui.keyboards import buttons, feature_rows, main_menu
from core.i18n import Translator
from storage.data import StudyQuestion

OPTION_LETTERS = "ABCDEFGHIJ"


class StudyForm(StatesGroup):
    exam = State()


def build_router() -> Router:
    router = Router(name="points-study")
    router.callback_query.register(on_answer, StudyCb.filter(), StateFilter(StudyForm.exam))
    router.callback_query.register(on_stale_answer, StudyCb.filter())
    router.message.register(on_exam_message, StateFilter(StudyForm.exam), forms.NOT_COMMAND)
    return router


def reason_text(t: Translator, blocker: Blocker) -> str:
    args = {k: day(v) if isinstance(v, date) else v for k, v in blocker.args.items()}
    return t(f"points-study-reason-{blocker.reason.value.replace('_', '-')}", **args)


def render_eligibility(t: Translator, found: Eligibility) -> tuple[str, InlineKeyboardMarkup | None]:
    """Eligible: the points, what a pass takes off, the reading and the button to start; not:
    every reason with its remedy, and buttons to the features that help."""
    if found.license is None:
        return t("points-study-reason-no-license"), None
    rules = found.rules
    points_line = t(
        "points-study-points",
        points=found.points,
        reduced=found.reduced_in_cycle,
        max=rules.max_per_cycle,
        cycle_end=day(found.cycle_end) if found.cycle_end else "",
    )
    if not found.eligible:
        lines = [t("points-study-blocked", count=len(found.blockers)), points_line, ""]
        lines.extend(f"• {reason_text(t, b)}" for b in found.blockers)
        rows = feature_rows(t, [b.feature for b in found.blockers])
        return "\n".join(lines), buttons(*rows) if rows else None
    bank = points_study.bank()
    lines = [
        t("points-study-eligible", per_pass=found.per_pass, left=found.reducible),
        points_line,
        "",
        f"<b>{bank.title.get(t.lang)}</b>",
        *(p.get(t.lang) for p in bank.paragraphs),
        "",
        t("points-study-source", source=bank.source.get(t.lang)),
        t("points-study-exam-intro", questions=rules.questions, pass_mark=rules.pass_mark),
    ]
    markup = buttons([(t("points-study-button-start"), GoCb(feature="points_study", arg="start"))])
    return "\n".join(lines), markup


@feature("points_study", title="points-study-menu", section="business", intents=("points_study",), order=45)
async def points_study_feature(ctx: Ctx) -> None:
    citizen = await require_citizen(ctx, resume="points_study")
    if citizen is None:
        return
    found = await points_study.check(ctx.services, citizen.id_number)
    if ctx.arg == "start" and found.eligible:
        await _start_exam(ctx)
        return
    text, markup = render_eligibility(ctx.t, found)
    await ctx.send(text, markup)


def question_text(t: Translator, n: int, total: int, question: StudyQuestion) -> str:
    lines = [t("points-study-question", n=n + 1, total=total), f"<b>{question.question.get(t.lang)}</b>"]
    lines.extend(f"{OPTION_LETTERS[i]}. {option.get(t.lang)}" for i, option in enumerate(question.options))
    return "\n".join(lines)


def question_markup(quiz: str, n: int, question: StudyQuestion) -> InlineKeyboardMarkup:
    return buttons(
        [(OPTION_LETTERS[i], StudyCb(quiz=quiz, n=n, a=i)) for i in range(len(question.options))],
    )


async def _start_exam(ctx: Ctx) -> None:
    rules = points_study.StudyRules.of(ctx.services.settings)
    ids = points_study.draw(rules.questions)
    await forms.begin(ctx, "points_study", StudyForm.exam, data={"questions": ids, "answers": []})
    await ctx.clear_buttons()
    await _ask(ctx, ids, 0)


async def _ask(ctx: Ctx, ids: list[str], n: int) -> None:
    question = points_study.questions_of([ids[n]])[0]
    quiz = await forms.submission_key(ctx)
    await ctx.send(question_text(ctx.t, n, len(ids), question), question_markup(quiz, n, question))


async def on_answer(query: CallbackQuery, callback_data: StudyCb, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    ids: list[str] = list(data.get("questions") or [])
    answers: list[int] = list(data.get("answers") or [])
    quiz = await forms.submission_key(ctx)
    if callback_data.quiz != quiz or callback_data.n != len(answers) or callback_data.n >= len(ids):
        await query.answer(ctx.t("points-study-answer-old"))  # another exam's or an answered question
        return
    question = points_study.questions_of([ids[callback_data.n]])[0]
    if callback_data.a >= len(question.options):
        await query.answer()
        return
    await query.answer()
    answers.append(callback_data.a)
    await ctx.state.update_data(answers=answers)
    right = callback_data.a == question.answer
    feedback = ctx.t(
        "points-study-right" if right else "points-study-wrong",
        answer=f"{OPTION_LETTERS[question.answer]}. {question.options[question.answer].get(ctx.lang)}",
        why=question.explanation.get(ctx.lang),
    )
    # The question stays, with what was chosen and why, in place of its buttons.
    await ctx.update_message(f"{question_text(ctx.t, callback_data.n, len(ids), question)}\n\n{feedback}")
    if len(answers) < len(ids):
        await _ask(ctx, ids, len(answers))
        return
    await _finish(ctx, quiz, ids, answers)


async def _finish(ctx: Ctx, quiz: str, ids: list[str], answers: list[int]) -> None:
    citizen = await require_citizen(ctx)
    if citizen is None:
        await forms.end(ctx)
        return
    result = await points_study.finish(ctx.services, citizen.id_number, quiz, ids, answers)
    # Recorded durably (once per exam), then told, then the form ends.
    await _tell_result(ctx, result)
    await forms.end(ctx)


async def _tell_result(ctx: Ctx, result: ExamResult, note: str = "") -> None:
    t = ctx.t
    rules = result.eligibility.rules
    match result.outcome:
        case Outcome.REDUCED:
            lic = result.license
            text = t(
                "points-study-passed",
                correct=result.correct,
                total=result.total,
                reduced=result.reduced,
                points=lic.points if lic else 0,
            )
            await ctx.send(forms.with_note(note, text), buttons([(t("license-menu"), GoCb(feature="license"))]))
            report = await license_status(ctx.services, lic.id_number, ctx.lang) if lic else None
            if report is not None:  # the license card, with the points as they are now
                await ctx.send(render_report(t, report))
        case Outcome.FAILED:
            text = t("points-study-failed", correct=result.correct, total=result.total, pass_mark=rules.pass_mark)
            again = buttons([(t("points-study-button-again"), GoCb(feature="points_study", arg="start"))])
            await ctx.send(forms.with_note(note, text), again)
        case Outcome.NOT_ELIGIBLE:
            answer, markup = render_eligibility(t, result.eligibility)
            intro = t("points-study-passed-not-reduced", correct=result.correct, total=result.total)
            await ctx.send(forms.with_note(note, f"{intro}\n\n{answer}"), markup)


async def on_stale_answer(query: CallbackQuery, callback_data: StudyCb, ctx: Ctx) -> None:
    """An answer pressed when no exam is open (finished, cancelled, expired): a finished exam
    that reduced points is told again; otherwise that the exam is over."""
    await query.answer()
    citizen = await bound_citizen(ctx)
    lic = await ctx.services.repos.licenses.by_id_number(citizen.id_number) if citizen else None
    if lic is not None and any(r.quiz_id == callback_data.quiz for r in lic.points_reductions):
        await ctx.say("points-study-already-recorded", buttons([(ctx.t("license-menu"), GoCb(feature="license"))]))
        return
    if await forms.announce_expired(ctx):
        return
    await ctx.say("points-study-exam-over", buttons([(ctx.t("points-study-menu"), GoCb(feature="points_study"))]))


async def on_exam_message(message: Message, ctx: Ctx) -> None:
    """Text during the exam: answers are given with the buttons; the current question again."""
    data = await ctx.state.get_data()
    ids: list[str] = list(data.get("questions") or [])
    answers: list[int] = list(data.get("answers") or [])
    if len(answers) >= len(ids):
        await forms.end(ctx)
        await ctx.say("points-study-exam-over", main_menu(ctx.t))
        return
    await ctx.say("points-study-use-buttons")
    await _ask(ctx, ids, len(answers))


@forms.receipt("points_study")
async def exam_receipt(ctx: Ctx, opened: forms.OpenForm, note: str) -> bool:
    """The reduction the exam ``opened.key`` recorded, told again; False if it recorded none."""
    citizen = await bound_citizen(ctx)
    lic = await ctx.services.repos.licenses.by_id_number(citizen.id_number) if citizen else None
    if lic is None or not any(r.quiz_id == opened.key for r in lic.points_reductions):
        return False
    await ctx.send(forms.with_note(note, ctx.t("points-study-already-recorded")))
    return True
