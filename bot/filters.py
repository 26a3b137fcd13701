"""The bot's filters, all of them coroutines.

aiogram runs a filter that is not a coroutine function through a thread pool (``asyncio.to_thread``
in ``CallableObject.call``) on every update it is checked for: a MagicFilter (``F.text``), a bare
FSM ``State`` or ``StatesGroup``, a lambda. That hop cost 7 % of the app's CPU (issue 10). Here the
same checks are async ``Filter`` objects: ``Magic(F.text)`` resolves the MagicFilter in the event
loop, and form states are matched with aiogram's ``StateFilter``.
``tests/handlers/test_no_sync_filters.py`` checks every handler and filter of the router tree.
"""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class Magic(Filter):
    """A MagicFilter checked in the event loop: passes when it resolves to something truthy (a
    dict it resolves to is handed to the handler, as aiogram does)."""

    __slots__ = ("magic",)

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> bool | dict[str, Any]:
        result = self.magic.resolve(event)
        if isinstance(result, dict):
            return result
        return bool(result)

    def __str__(self) -> str:
        return f"Magic({self.magic!r})"


TEXT = Magic(F.text)  # a typed message
NOT_TEXT = Magic(~F.text)  # a photo, a location, a sticker...
COMMAND = Magic(F.text.startswith("/"))
NOT_COMMAND = Magic(~F.text.startswith("/"))  # any message but a command (text, photo, location, ...)
FORM_TEXT = Magic(F.text & ~F.text.startswith("/"))  # a typed answer to a form
HAS_DATA = Magic(F.data)  # a button press with a payload

PRIVATE = Magic(F.chat.type == ChatType.PRIVATE)  # a message in a private chat
NOT_PRIVATE = Magic(~(F.chat.type == ChatType.PRIVATE))
PRIVATE_BUTTON = Magic(F.message.chat.type == ChatType.PRIVATE)  # a button under a message in a private chat
NOT_PRIVATE_BUTTON = Magic(~(F.message.chat.type == ChatType.PRIVATE))
