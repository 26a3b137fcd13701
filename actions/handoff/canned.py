"""Canned replies (issue 17): per language, each with a "/" shortcut agents type in the reply
box; supervisors create, edit and delete them. The first time they are asked for, the catalog's
five replies are stored as the starting set in both languages."""

from __future__ import annotations

import re

import structlog

from actions.services import Services
from core.language import LANGUAGES, Language
from storage.models import CannedReply, StaffUser
from storage.repositories import CannedShortcutTaken

log = structlog.get_logger(__name__)

DEFAULTS: dict[str, str] = {  # shortcut -> catalog message
    "hello": "handoff-canned-greeting",
    "wait": "handoff-canned-moment",
    "info": "handoff-canned-more-info",
    "else": "handoff-canned-anything-else",
    "bye": "handoff-canned-goodbye",
}
SHORTCUT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")
MAX_TEXT = 4000


class CannedError(ValueError):
    """A canned reply that cannot be stored; ``code`` names why (a catalog suffix)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


async def ensure_defaults(services: Services) -> None:
    if await services.repos.canned.count() > 0:
        return
    now = services.clock()
    await services.repos.canned.insert_defaults(
        [
            CannedReply(
                language=lang,
                shortcut=shortcut,
                text=str(services.catalog.text(lang.value, msg_id)),
                updated_by="system",
                updated_at=now,
            )
            for lang in LANGUAGES
            for shortcut, msg_id in DEFAULTS.items()
        ]
    )


async def for_language(services: Services, language: Language) -> list[CannedReply]:
    await ensure_defaults(services)
    return await services.repos.canned.for_language(language)


async def all_replies(services: Services) -> list[CannedReply]:
    await ensure_defaults(services)
    return await services.repos.canned.all()


def _checked(shortcut: str, text: str) -> tuple[str, str]:
    shortcut = shortcut.strip().lstrip("/").lower()
    text = text.strip()
    if not SHORTCUT_RE.fullmatch(shortcut):
        raise CannedError("shortcut")
    if not text or len(text) > MAX_TEXT:
        raise CannedError("text")
    return shortcut, text


async def create(services: Services, by: StaffUser, *, language: Language, shortcut: str, text: str) -> CannedReply:
    shortcut, text = _checked(shortcut, text)
    reply = CannedReply(
        language=language, shortcut=shortcut, text=text, updated_by=by.username, updated_at=services.clock()
    )
    try:
        await services.repos.canned.insert(reply)
    except CannedShortcutTaken:
        raise CannedError("taken") from None
    log.info("canned reply created", shortcut=shortcut, language=language.value, by=by.username)
    return reply


async def update(services: Services, by: StaffUser, reply_id: str, *, shortcut: str, text: str) -> CannedReply:
    shortcut, text = _checked(shortcut, text)
    try:
        updated = await services.repos.canned.update(
            reply_id, shortcut=shortcut, text=text, updated_by=by.username, now=services.clock()
        )
    except CannedShortcutTaken:
        raise CannedError("taken") from None
    if updated is None:
        raise CannedError("missing")
    log.info("canned reply edited", shortcut=shortcut, by=by.username)
    return updated


async def delete(services: Services, by: StaffUser, reply_id: str) -> bool:
    deleted = await services.repos.canned.delete(reply_id)
    if deleted:
        log.info("canned reply deleted", reply_id=reply_id, by=by.username)
    return deleted
