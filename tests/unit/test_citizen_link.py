"""The handoff's buttons (messenger/citizen_link.py), sent by the bot and by the staff console:
each payload fits Telegram's 64 bytes and reaches a handler of the bot."""

from __future__ import annotations

from core.i18n import Catalog
from messenger.citizen_link import (
    COMPLAINT_FEATURE,
    HandoffCb,
    leave_message_keyboard,
    rating_keyboard,
    stop_keyboard,
)


def test_the_complaint_button_runs_a_registered_feature() -> None:
    import bot.factory  # noqa: F401  (registers every feature)
    from bot.context import FEATURES

    assert COMPLAINT_FEATURE in FEATURES


def test_every_button_packs_a_handoff_payload_within_64_bytes() -> None:
    t = Catalog().translator("zh")
    markups = [
        stop_keyboard(t),
        leave_message_keyboard(t, waiting=True),
        leave_message_keyboard(t, waiting=False),
        rating_keyboard("6790f1c2a4b5d6e7f8a9b0c1"),
    ]
    actions = set()
    for markup in markups:
        for row in markup.inline_keyboard:
            for button in row:
                assert button.callback_data is not None and len(button.callback_data.encode()) <= 64
                actions.add(HandoffCb.unpack(button.callback_data).action)
    assert actions == {"stop", "complaint", "callback", "rate"}
    stars = [b.text for b in rating_keyboard("h1").inline_keyboard[0]]
    assert stars == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]  # as the complaint rating's buttons read
    waiting = leave_message_keyboard(t, waiting=True).inline_keyboard
    assert [HandoffCb.unpack(row[0].callback_data or "").action for row in waiting] == ["complaint", "callback", "stop"]
