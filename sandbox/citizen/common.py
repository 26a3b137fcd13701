"""What the citizen API's handlers share: the error answer (``{"error": "..."}`` with a 4xx status),
reading JSON bodies and numbers, finding chats, citizens and senders, and the views they answer with."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from sandbox.botapi import ApiError
from sandbox.records import JSON, ChatState, Citizen
from sandbox.state import SandboxState

MAX_WAIT = 60.0


class CitizenError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def fail(message: str, status: int = 400) -> CitizenError:
    return CitizenError(status, message)


@web.middleware
async def citizen_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except CitizenError as error:
        return web.json_response({"error": error.message}, status=error.status)
    except ApiError as error:
        return web.json_response({"error": error.description}, status=error.code)


async def json_body(request: web.Request) -> JSON:
    if not request.can_read_body:
        return {}
    try:
        body = json.loads(await request.text() or "{}")
    except ValueError:
        raise fail("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise fail("the body must be a JSON object")
    return body


def as_int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise fail(f"{name} must be an integer") from None


def as_float(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise fail(f"{name} must be a number") from None


def wait_timeout(request: web.Request) -> float:
    return max(0.0, min(as_float(request.query.get("timeout", "0"), "timeout"), MAX_WAIT))


def chat_of(state: SandboxState, request: web.Request) -> ChatState:
    """The chat of the ``chat_id`` in the path; 404 when there is none."""
    chat = state.chats.get(as_int(request.match_info["chat_id"], "chat_id"))
    if chat is None:
        raise fail("chat not found", 404)
    return chat


def citizen_of(state: SandboxState, user_id: Any) -> Citizen:
    citizen = state.citizens.get(as_int(user_id, "user_id"))
    if citizen is None:
        raise fail("user not found", 404)
    return citizen


def sender_of(state: SandboxState, chat: ChatState, body: JSON) -> Citizen:
    """Who writes: the citizen of a private chat, or ``from_user_id`` (a member) in a group."""
    if chat.type == "private":
        return state.citizens[chat.id]
    if "from_user_id" not in body:
        raise fail("from_user_id is required in a group")
    citizen = citizen_of(state, body["from_user_id"])
    if citizen.id not in chat.members:
        raise fail("the user is not a member of this group")
    return citizen


def sent(chat: ChatState, message_view: JSON) -> web.Response:
    return web.json_response({"message": message_view, "seq": chat.seq})


def chat_view(state: SandboxState, chat: ChatState) -> JSON:
    action = chat.last_action
    if action is not None and time.time() - action["at"] > 5:
        action = None
    return {
        "id": chat.id,
        "type": chat.type,
        "title": chat.title,
        "members": sorted(chat.members),
        "telegram": state.chat_json(chat),
        "reply_keyboard": chat.reply_keyboard,
        "chat_action": action,
        "seq": chat.seq,
        "message_count": len(chat.messages),
    }
