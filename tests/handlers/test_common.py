"""Commands that work everywhere, menu navigation, language, stale buttons, free text without NLU,
and the update pipeline's guards (de-duplication, flood throttle), through the real dispatcher."""

from __future__ import annotations

import math

from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SendMessage

from actions.services import Services
from tests.handlers.chat import button_rows, buttons
from tests.handlers.conftest import MakePerson
from tests.handlers.mocked_bot import MockedBot

MAIN_MENU_EN = [
    ["🔎 Information inquiry", "📝 Business handling"],
    ["💬 Consultations & complaints", "✏️ Information changes"],
    ["👤 Talk to a person", "🌐 Language / 语言"],
]
SECTIONS_ZH = ["🔎 信息查询", "📝 业务办理", "💬 咨询投诉", "✏️ 信息变更"]


class OldButtonCb(CallbackData, prefix="oldfeature"):
    """A payload from a button of an earlier version of the bot that nothing handles any more."""

    value: str


async def test_start_greets_by_name_with_the_main_menu(person: MakePerson) -> None:
    alice = person("Alice")
    replies = await alice.send("/start")
    [greeting] = replies.sent
    assert greeting.text is not None and greeting.text.startswith("Hello, Alice! I am the traffic management assistant")
    assert "<i>" not in greeting.text and '"Can I get an electronic license?"' in greeting.text
    assert button_rows(greeting.reply_markup) == MAIN_MENU_EN


async def test_start_in_chinese_for_a_chinese_client(person: MakePerson) -> None:
    wei = person("小伟", language_code="zh-hans")
    replies = await wei.send("/start")
    assert replies.text.startswith("小伟，您好！我是交通管理局的智能客服助手。")
    assert buttons(replies.last)[:4] == SECTIONS_ZH


async def test_help_in_both_languages(person: MakePerson) -> None:
    replies = await person().send("/help")
    assert replies.text.startswith("How to use this assistant\n")
    assert "/cancel — leave the current form" in replies.text
    assert "/notifications — choose which notifications you get" in replies.text and "/unbind — unlink" in replies.text
    assert button_rows(replies.last.reply_markup) == MAIN_MENU_EN
    zh = await person(language_code="zh-CN").send("/help")
    assert zh.text.startswith("使用说明\n") and "/cancel 退出当前表单" in zh.text
    assert "/notifications 设置接收哪些通知" in zh.text and "/unbind 解除本账号绑定的身份" in zh.text


async def test_menu_command_shows_the_service_categories(person: MakePerson) -> None:
    replies = await person().send("/menu")
    assert replies.texts == ["What can I help you with? Choose a service category:"]
    assert button_rows(replies.last.reply_markup) == MAIN_MENU_EN


async def test_cancel_with_no_form_open(person: MakePerson) -> None:
    replies = await person().send("/cancel")
    assert replies.texts == ["There is nothing to cancel. Here is the menu:"]
    assert buttons(replies.last)[0] == "🔎 Information inquiry"
    zh = await person(language_code="zh-hans").send("/cancel")
    assert zh.texts == ["当前没有需要取消的操作。以下是菜单："]


async def test_section_buttons_edit_the_menu_in_place(person: MakePerson) -> None:
    alice = person()
    menu = (await alice.send("/menu")).last
    opened = await alice.press(menu, "🔎 Information inquiry")
    assert not opened.sent and len(opened.answers) == 1  # the press is acknowledged, nothing new is sent
    [section] = opened.edited
    assert section.message_id == menu.message_id
    assert section.text == "🔎 Information inquiry: what would you like to look up?"
    flat = buttons(section)
    assert {"🪪 Driver's license", "🚗 My vehicles", "🚦 Violations"} <= set(flat)
    assert flat[-1] == "⬅️ Back to the menu"
    back = await alice.press(section, "⬅️ Back to the menu")
    assert back.last.message_id == menu.message_id
    assert back.last.text == "What can I help you with? Choose a service category:"
    assert button_rows(back.last.reply_markup) == MAIN_MENU_EN


async def test_section_navigation_in_chinese(person: MakePerson) -> None:
    wei = person(language_code="zh-hans")
    menu = (await wei.send("/menu")).last
    assert menu.text == "请问需要办理什么业务？请选择服务类别："
    section = (await wei.press(menu, "💬 咨询投诉")).last
    assert section.message_id == menu.message_id
    assert section.text == "💬 咨询投诉：咨询问题或提交投诉。"
    assert {"📝 我要投诉", "📂 我的投诉"} <= set(buttons(section))


async def test_language_switch_is_remembered(person: MakePerson) -> None:
    alice = person()
    choose = await alice.send("/language")
    assert choose.texts == ["Choose your language:"]
    assert button_rows(choose.last.reply_markup) == [["English", "中文"]]
    chinese = await alice.press(choose.last, "中文")
    assert len(chinese.answers) == 1
    assert chinese.texts == ["好的，之后我将用中文回复您。"]
    assert buttons(chinese.last)[:4] == SECTIONS_ZH
    # The choice beats both the Telegram client's language and the script of what is typed.
    assert (await alice.send("/help")).text.startswith("使用说明")
    assert "请使用菜单按钮" in (await alice.send("what is my fine")).text
    english = await alice.press(choose.last, "English")
    assert english.texts == ["I will answer in English from now on."]
    assert (await alice.send("/help")).text.startswith("How to use this assistant")


async def test_the_language_button_of_the_main_menu(person: MakePerson) -> None:
    alice = person()
    menu = (await alice.send("/menu")).last
    replies = await alice.press(menu, "🌐 Language / 语言")
    assert replies.sent[-1].text == "Choose your language:"


async def test_a_button_nothing_handles_any_more_is_answered_with_an_alert(person: MakePerson) -> None:
    alice = person()
    menu = (await alice.send("/menu")).last
    for data in ("oldfeature:1", OldButtonCb(value="x"), "go:a_feature_that_was_removed:"):
        replies = await alice.press_data(menu, data)
        assert not replies.shown, data
        [answer] = replies.answers
        assert answer.text == "This button is no longer active. Please use /menu." and answer.show_alert
    zh = person(language_code="zh-hans")
    replies = await zh.press_data((await zh.send("/menu")).last, "oldfeature:1")
    assert replies.answers[0].text == "此按钮已失效，请发送 /menu 重新开始。"


async def test_feature_and_menu_payloads_work_from_any_message(person: MakePerson) -> None:
    alice = person()
    greeting = (await alice.send("/start")).last
    helped = await alice.press_go(greeting, "help")
    assert helped.sent[-1].text is not None and helped.sent[-1].text.startswith("How to use this assistant")
    section = await alice.press_menu(greeting, "consult")
    assert section.last.message_id == greeting.message_id
    assert section.last.text == "💬 Consultations & complaints: ask a question or file a complaint."


async def test_unknown_command(person: MakePerson) -> None:
    replies = await person().send("/weather tomorrow")
    assert replies.texts == [
        "I don't know the command /weather. Try /menu for the services or /help for how to use me."
    ]


async def test_free_text_while_the_nlu_server_is_down(person: MakePerson) -> None:
    alice = person()
    replies = await alice.send("how many points do I have left?")
    assert replies.texts == [
        "I can't read free text right now, please use the menu: every service is available from its buttons."
    ]
    assert button_rows(replies.last.reply_markup) == MAIN_MENU_EN
    # The reply follows the script of the message.
    zh = await alice.send("我的驾驶证还能用多久")
    assert zh.texts == ["暂时无法识别文字消息，请使用菜单按钮：所有服务都可以通过按钮办理。"]


async def test_a_thumbs_up_sticker_is_thanks(person: MakePerson) -> None:
    replies = await person().send_sticker()  # 👍
    assert replies.texts == ["You're welcome! Anything else I can do for you?"]
    assert buttons(replies.last) == ["📋 Menu"]


async def test_a_redelivered_update_is_handled_once(person: MakePerson) -> None:
    alice = person()
    update = alice.message_update(text="/help")
    first = await alice.feed(update)
    assert first.text.startswith("How to use this assistant")
    again = await alice.feed(update)
    assert again.calls == []
    assert (await alice.send("/help")).text.startswith("How to use this assistant")  # a new update id is handled


async def test_a_message_telegram_refuses_is_not_retried_or_reported(person: MakePerson, bot: MockedBot) -> None:
    alice = person()
    bot.add_result_for(SendMessage, ok=False, error_code=403, description="Forbidden: bot was blocked by the user")
    replies = await alice.send("/help")
    assert [type(m) for m in replies.methods] == [SendMessage]  # no retry, no "something went wrong" message
    assert not replies.shown
    assert (await alice.send("/help")).text.startswith("How to use this assistant")  # the next one goes through


async def test_flood_is_throttled_with_one_notice(person: MakePerson, services: Services) -> None:
    limit = services.settings.throttle_messages
    alice, bob = person("Alice"), person("Bob")
    menu = None
    for _ in range(limit):
        replies = await alice.send("/menu")
        assert replies.texts == ["What can I help you with? Choose a service category:"]
        menu = replies.last
    assert menu is not None
    notice = await alice.send("/menu")
    seconds = math.ceil(services.settings.throttle_window)
    assert notice.texts == [
        f"You are sending messages very fast. Please wait {seconds} seconds; I'll answer again after that."
    ]
    assert (await alice.send("/menu")).calls == []  # dropped, and no second notice
    pressed = await alice.press(menu, "🔎 Information inquiry")
    assert not pressed.shown and len(pressed.answers) == 1  # the spinner stops, nothing else happens
    assert (await bob.send("/menu")).texts == ["What can I help you with? Choose a service category:"]
