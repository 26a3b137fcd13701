"""The citizen API under ``/api/`` (see sandbox/README.md): act as Telegram users, read chats,
inject faults, read stats.

- `api`: the route table;
- `common`: errors, body and number parsing, chat / citizen / sender lookups, views;
- `people`, `chats`, `acting`, `bot_side`, `control`: the handlers, by concern.
"""

from sandbox.citizen.api import CitizenApi
from sandbox.citizen.common import CitizenError, citizen_errors

__all__ = ["CitizenApi", "CitizenError", "citizen_errors"]
