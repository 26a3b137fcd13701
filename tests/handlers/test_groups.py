"""The assistant in a group chat: nothing personal is ever shown there (a linked citizen's
/menu in a group used to open their driver's license for the whole group to read)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.types import Chat, Message, MessageEntity, Update

from storage.seed import DEMO_IDENTITIES
from tests.handlers.chat import Person
from tests.handlers.conftest import Bind, MakePerson

GROUP = Chat(id=-100123, type="supergroup", title="Neighbours")
ZHANG = DEMO_IDENTITIES[0]


def in_group(who: Person, text: str, update_id: int) -> Update:
    entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))] if text[:1] == "/" else None
    message = Message(
        message_id=update_id, date=datetime.now(UTC), chat=GROUP, from_user=who.user, text=text, entities=entities
    )
    return Update(update_id=update_id, message=message)


async def test_a_command_in_a_group_points_to_a_private_chat(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, ZHANG)
    replies = await alice.feed(in_group(alice, "/menu", 900_001))
    assert replies.texts == [
        "I answer in a private chat only, where what I show you stays yours: open a chat with me and send /start there."
    ]
    assert all(m.chat.id == GROUP.id for m in replies.sent) and not any(m.reply_markup for m in replies.sent)


async def test_group_talk_is_not_answered(person: MakePerson, bind: Bind) -> None:
    alice = person()
    await bind(alice, ZHANG)
    for n, text in enumerate(("my license", "查一下我的驾驶证", "京A12345")):
        assert (await alice.feed(in_group(alice, text, 900_100 + n))).calls == []


async def test_private_chats_still_work(person: MakePerson) -> None:
    assert (await person().send("/help")).text.startswith("How to use this assistant")
