"""The supervisor's side: take over a conversation (waiting, with an agent, or one the bot is
having), and the board: every active conversation with its waits, and the chats the bot talked
in recently."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from redis.exceptions import RedisError

from actions.handoff.agent import joined
from actions.handoff.citizen import build_context
from actions.handoff.link import CitizenLink
from actions.handoff.markers import CALLBACK_TOPIC, PREVIEW_MAX
from actions.services import Services
from actions.transcripts import mask_identifiers
from core.identifiers import PLATE_RE, mask_name
from core.language import Language
from core.language import parse as parse_language
from storage.models import Handoff, HandoffState, StaffUser, TurnRole
from storage.repositories.conversations import ChatActivity

_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_HTML_TAG = re.compile(r"<[^>]*>")


async def take_over(services: Services, link: CitizenLink, handoff_id: str, supervisor: StaffUser) -> Handoff | None:
    """A supervisor takes an active conversation, waiting or with another agent."""
    handoff = await services.repos.handoffs.take_over(handoff_id, supervisor.username, services.clock())
    if handoff is not None:
        await joined(services, link, handoff, supervisor)
    return handoff


async def take_over_chat(services: Services, link: CitizenLink, chat_id: int, supervisor: StaffUser) -> Handoff | None:
    """A supervisor steps into a conversation the bot is having (bot -> waiting -> with_agent)."""
    existing = await services.repos.handoffs.active_for_chat(chat_id)
    if existing is None:
        last = await services.repos.conversations.recent_turns(chat_id, limit=1)
        user_id = last[0].user_id if last and last[0].user_id else chat_id
        citizen = await services.repos.citizens.by_telegram_user(user_id)
        lang = await citizen_language(services, chat_id=chat_id, user_id=user_id)
        context = await build_context(services, user_id=user_id, lang=lang)
        existing, _ = await services.repos.handoffs.open(
            chat_id=chat_id,
            actor=supervisor.username,
            now=services.clock(),
            user_id=user_id,
            citizen_id_number=citizen.id_number if citizen else None,
            language=Language(lang),
            topic="supervisor",
            context=context,
        )
    return await take_over(services, link, existing.id, supervisor)


async def citizen_language(services: Services, *, chat_id: int, user_id: int) -> Language:
    """The language the bot speaks with this citizen: the one they chose (/language) or last
    wrote in, as the bot keeps them in Redis; else the language of the bot's last words in the
    chat (a citizen who only sent commands and pressed buttons was answered in their Telegram
    language); else English, the bot's own default."""
    try:
        chosen, last = await services.redis.mget(
            services.keys.language_chosen(user_id), services.keys.language_last(user_id)
        )
    except RedisError:
        chosen = last = None
    for value in (chosen, last):
        if (known := parse_language(value.decode() if isinstance(value, bytes) else value)) is not None:
            return known
    said = await services.repos.conversations.last_text_turn(chat_id, role=TurnRole.BOT)
    if said is not None and said.text:
        return written_in(said.text)
    return Language.EN


def written_in(text: str) -> Language:
    """The language of one of the bot's own messages. Not `core.language.detect` (any
    ideograph makes a citizen's message Chinese): the English catalog quotes Chinese examples
    ("e.g. 张伟", an address in 北京市...). The script that carries most of the text decides,
    with plates and HTML tags set aside; a Chinese character weighs about two Latin letters
    (every catalog message is on the right side of that line, the bilingual language buttons
    aside: tests/unit/test_handoff_language.py)."""
    rest = PLATE_RE.sub(" ", _HTML_TAG.sub(" ", text))
    return Language.ZH if 2 * len(_IDEOGRAPH.findall(rest)) > len(_LATIN_LETTER.findall(rest)) else Language.EN


# --- the board --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveRow:
    handoff: Handoff
    wait_seconds: int
    first_response_seconds: int | None  # None: no answer yet
    late: bool  # no first answer within the target, or answered after it


@dataclass(frozen=True)
class Overview:
    queue_length: int
    agents_online: list[str] = field(default_factory=list)
    rows: list[ActiveRow] = field(default_factory=list)


async def overview(services: Services, agents_online: list[str]) -> Overview:
    now = services.clock()
    target = services.settings.handoff_first_response_target
    rows: list[ActiveRow] = []
    queue_length = 0
    for handoff in await services.repos.handoffs.active():
        start = handoff.waiting_since or handoff.created_at
        if handoff.state == HandoffState.WAITING and handoff.topic != CALLBACK_TOPIC:
            queue_length += 1
        if handoff.first_response_at is not None:
            first: int | None = int((handoff.first_response_at - start).total_seconds())
            late = first is not None and first > target
        else:
            first = None
            late = (now - start).total_seconds() > target
        rows.append(ActiveRow(handoff, int((now - start).total_seconds()), first, late))
    return Overview(queue_length=queue_length, agents_online=agents_online, rows=rows)


async def recent_bot_chats(services: Services, *, minutes: int = 30, limit: int = 50) -> list[ChatActivity]:
    """Chats the bot talked in recently (for a supervisor to step into), latest first."""
    since = services.clock() - timedelta(minutes=minutes)
    return await services.repos.conversations.recent_chats(since=since, limit=limit)


@dataclass(frozen=True)
class BotChatRow:
    """A chat the bot is having, as the supervisor sees it: who (masked, never a chat id), in
    which language, what they said last (masked), when, and how many turns."""

    chat_id: int
    citizen: str | None  # the linked citizen's masked name; None: not linked
    language: Language
    last_said: str
    last_kind: str  # what the last message was (a TurnKind value)
    last: datetime
    turns: int


async def bot_chat_rows(services: Services, chats: list[ChatActivity]) -> list[BotChatRow]:
    ids = [c.chat_id for c in chats]
    citizens = await services.repos.citizens.by_chat_ids(ids)
    said = await services.repos.conversations.last_turns_of(ids, role=TurnRole.CITIZEN)
    rows = []
    for chat in chats:
        citizen = citizens.get(chat.chat_id)
        turn = said.get(chat.chat_id)
        text = mask_identifiers(turn.text or "") if turn is not None else ""
        if citizen is not None and citizen.telegram is not None:
            language = citizen.telegram.language
        else:
            language = await citizen_language(services, chat_id=chat.chat_id, user_id=chat.chat_id)
        rows.append(
            BotChatRow(
                chat_id=chat.chat_id,
                citizen=mask_name(citizen.name) if citizen is not None else None,
                language=language,
                last_said=text[:PREVIEW_MAX],
                last_kind=turn.kind.value if turn is not None else "text",
                last=chat.last,
                turns=chat.turns,
            )
        )
    return rows
