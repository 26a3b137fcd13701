"""Study to reduce points (学法减分) through the sandbox: the reading and a 10-question exam with
buttons, a pass that takes a point off and shows the license card, a fail that changes nothing,
and every reason a demo citizen is refused (each demo person in the README's table)."""

from __future__ import annotations

import asyncio

import pytest

from actions.points_study import Reason
from sandbox.client import ChatMessage, SandboxClient, SandboxUser
from storage.data import StudyQuestion, points_study_bank
from storage.seed import study_and_appeal_demo
from tests.conftest import RunningApp, services_of
from tests.e2e.helpers import citizen, open_feature

pytestmark = pytest.mark.e2e

STUDY, _ = study_and_appeal_demo()
LETTERS = "ABCDEFGHIJ"


def question_of(message: ChatMessage, lang: str) -> StudyQuestion:
    """The bank's question shown in ``message`` (by its text)."""
    text = message.plain_text
    return next(q for q in points_study_bank().questions if q.question.get(lang) in text)


async def take_exam(
    sb: SandboxClient, user: SandboxUser, reading: ChatMessage, lang: str, wrong: int
) -> tuple[ChatMessage, list[str]]:
    """Start the exam under ``reading`` and answer it, the first ``wrong`` questions wrongly: the
    result message and the feedback lines seen."""
    start = "📝 Start the exam" if lang == "en" else "📝 开始考试"
    marker = "Question 1 of 10" if lang == "en" else "第1题，共10题"
    await sb.press_button(user.id, reading.message_id, reading.callback_data_of(start))
    current = await sb.wait_bot_message(user.id, contains=marker)
    feedback: list[str] = []
    for n in range(10):
        question = question_of(current, lang)
        answer = question.answer if n >= wrong else (question.answer + 1) % len(question.options)
        await sb.press_button(user.id, current.message_id, current.callback_data_of(LETTERS[answer]))
        judged = await sb.wait_bot_message(user.id)  # the question, edited with the verdict
        assert judged.message_id == current.message_id and judged.edited
        feedback.append(judged.plain_text)
        if n < 9:
            nxt = f"Question {n + 2} of 10" if lang == "en" else f"第{n + 2}题，共10题"
            current = await sb.wait_bot_message(user.id, contains=nxt)
    result = await sb.wait_bot_message(user.id, contains="10")
    return result, feedback


async def test_eligible_citizen_fails_then_passes_and_the_card_shows_one_point_less(
    sb: SandboxClient, app: RunningApp
) -> None:
    person = STUDY["eligible"]
    services = services_of(app)
    before = await services.repos.licenses.by_id_number(person.id_number)
    assert before is not None and before.points >= 1
    user = await citizen(sb, app, person.id_number, "en")
    reading = await open_feature(sb, user, "📝 Business handling", "📚 Study to reduce points")
    text = reading.plain_text
    assert "You can study to reduce points" in text and "Study: safe driving and the 12-point system" in text
    assert "answer at least 9 correctly" in text and "No. 163" in text
    # Two wrong: 8 of 10 fails, nothing changes.
    failed, feedback = await take_exam(sb, user, reading, "en", wrong=2)
    assert "You answered 8 of 10 correctly; 9 are needed to pass" in failed.plain_text
    assert feedback[0].count("❌ Not right") == 1 and "✅ Right" in feedback[5]
    unchanged = await services.repos.licenses.by_id_number(person.id_number)
    assert unchanged is not None and unchanged.points == before.points and unchanged.points_reductions == []
    # Again, all right: one point off, and the license card with it.
    retry = "🔁 Try the exam again"
    await sb.press_button(user.id, failed.message_id, failed.callback_data_of(retry))
    first = await sb.wait_bot_message(user.id, contains="Question 1 of 10")
    passed, _ = await _answer_all(sb, user, first, "en")
    assert "You passed: 10 of 10 correct. 1 point was taken off" in passed.plain_text
    assert f"it now has {before.points - 1} points" in passed.plain_text
    card = await sb.wait_bot_message(user.id, contains="Your driver's license")
    assert f"Points: {before.points - 1} of 12" in card.plain_text
    assert "Points taken off by study this cycle: 1" in card.plain_text
    after = await services.repos.licenses.by_id_number(person.id_number)
    assert after is not None and after.points == before.points - 1 and len(after.points_reductions) == 1
    # The last answer pressed again (a redelivered press): nothing more is taken off.
    await sb.send_text(user.id, "/menu")
    await sb.wait_bot_message(user.id, contains="What can I help")
    again_after = await services.repos.licenses.by_id_number(person.id_number)
    assert again_after is not None and again_after.points == after.points


async def _answer_all(
    sb: SandboxClient, user: SandboxUser, current: ChatMessage, lang: str
) -> tuple[ChatMessage, ChatMessage]:
    for n in range(10):
        question = question_of(current, lang)
        await sb.press_button(user.id, current.message_id, current.callback_data_of(LETTERS[question.answer]))
        if n < 9:
            nxt = f"Question {n + 2} of 10" if lang == "en" else f"第{n + 2}题，共10题"
            current = await sb.wait_bot_message(user.id, contains=nxt)
    contains = "You passed" if lang == "en" else "考试合格"
    return await sb.wait_bot_message(user.id, contains=contains), current


async def test_an_answer_pressed_twice_counts_once_in_chinese(sb: SandboxClient, app: RunningApp) -> None:
    person = STUDY["eligible"]
    user = await citizen(sb, app, person.id_number, "zh")
    reading = await open_feature(sb, user, "📝 业务办理", "📚 学法减分")
    assert "您可以参加学法减分" in reading.plain_text and "学习：安全驾驶与记分制度" in reading.plain_text
    await sb.press_button(user.id, reading.message_id, reading.callback_data_of("📝 开始考试"))
    first = await sb.wait_bot_message(user.id, contains="第1题，共10题")
    question = question_of(first, "zh")
    data = first.callback_data_of(LETTERS[question.answer])
    # A double tap: both presses reach the bot before it takes the buttons off.
    ids = await asyncio.gather(
        sb.press_button(user.id, first.message_id, data), sb.press_button(user.id, first.message_id, data)
    )
    await sb.wait_bot_message(user.id, contains="第2题，共10题")
    answers: list[object] = []
    for _ in range(50):
        answers = [await sb.callback_answer(i) for i in ids]
        if all(a is not None for a in answers):
            break
        await asyncio.sleep(0.1)
    assert any("已经作答" in str(a) for a in answers)  # the second counted nothing
    await sb.send_text(user.id, "/cancel")  # leave the exam: nothing recorded
    await sb.wait_bot_message(user.id)


REFUSALS: dict[str, str] = {
    "no_points": "no points in this cycle",
    "points_limit": "12 points are reached",
    "probation": "probation period",
    "drink_driving": "drink-driving is on your record",
    "hit_and_run": "leaving the scene of an accident is on your record",
    "unhandled_violations": "2 violations of your vehicles are not handled yet",
    "cycle_limit": "already taken off 6 points in this cycle",
}
REFUSALS_ZH: dict[str, str] = {
    "no_points": "本记分周期内没有记分",
    "points_limit": "累积记分已达12分",
    "probation": "实习期",
    "drink_driving": "饮酒后驾驶记录",
    "hit_and_run": "肇事逃逸记录",
    "unhandled_violations": "还有2条交通违法未处理",
    "cycle_limit": "已通过学法减分扣减6分",
}


@pytest.mark.parametrize("situation", list(REFUSALS))
async def test_every_ineligibility_reason_is_told_with_its_remedy(
    sb: SandboxClient, app: RunningApp, situation: str
) -> None:
    assert Reason(situation)  # the demo situation is a reason of the rules
    person = STUDY[situation]
    user = await citizen(sb, app, person.id_number, "en")
    answer = await open_feature(sb, user, "📝 Business handling", "📚 Study to reduce points")
    assert "You cannot study to reduce points now, for this reason" in answer.plain_text
    assert REFUSALS[situation] in answer.plain_text
    assert "📝 Start the exam" not in [b for row in answer.buttons for b in row]
    if situation == "unhandled_violations":
        assert "🚦 Violations" in [b for row in answer.buttons for b in row]
    zh_user = await citizen(sb, app, person.id_number, "zh")
    zh = await open_feature(sb, zh_user, "📝 业务办理", "📚 学法减分")
    assert "您目前不能参加学法减分" in zh.plain_text and REFUSALS_ZH[situation] in zh.plain_text


# --- free text (the real Rasa model) ---------------------------------------------------------------


@pytest.mark.nlu
@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "can I study to reduce points", "You cannot study to reduce points now"),
        ("zh", "学法减分", "您目前不能参加学法减分"),
    ],
)
async def test_free_text_points_study(
    sandbox: SandboxClient, running_app: RunningApp, lang: str, text: str, expected: str
) -> None:
    user = await citizen(sandbox, running_app, STUDY["no_points"].id_number, lang)
    await sandbox.send_text(user.id, text)
    answer = await sandbox.wait_bot_message(user.id, timeout=20)
    assert expected in answer.plain_text
