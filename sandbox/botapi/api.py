"""The Bot API look-alike's entry points: ``/bot{token}/{method}`` (each method dispatched to its
family: messages, updates, info) and ``/file/bot{token}/{path}``, with injected faults answered
before anything else."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.botapi.info import InfoMethods
from sandbox.botapi.messages import MessageMethods
from sandbox.botapi.params import ApiError, Params, read_params
from sandbox.botapi.updates import UpdateMethods
from sandbox.records import JSON, BotState
from sandbox.state import SandboxState

TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$")

Handler = Callable[[BotState, Params], Awaitable[Any]]

# Methods that change nothing a restarted sandbox keeps (getUpdates marks what it confirms itself).
READ_ONLY = frozenset(
    {"getme", "getupdates", "getwebhookinfo", "getmycommands", "getchatmenubutton", "getfile", "getchat"}
)


class BotApi:
    """Bot API method implementations on top of :class:`SandboxState`."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        messages = MessageMethods(state)
        self.updates = UpdateMethods(state, self.call)
        info = InfoMethods(state)
        self.methods: dict[str, Handler] = {
            "getme": info.get_me,
            "logout": info.log_out,
            "close": info.log_out,
            "getupdates": self.updates.get_updates,
            "setwebhook": self.updates.set_webhook,
            "deletewebhook": self.updates.delete_webhook,
            "getwebhookinfo": self.updates.get_webhook_info,
            "sendmessage": messages.send_message,
            "sendphoto": messages.send_photo,
            "senddocument": messages.send_document,
            "sendlocation": messages.send_location,
            "editmessagetext": messages.edit_message_text,
            "editmessagereplymarkup": messages.edit_message_reply_markup,
            "deletemessage": messages.delete_message,
            "answercallbackquery": self.updates.answer_callback_query,
            "sendchataction": messages.send_chat_action,
            "setmycommands": info.set_my_commands,
            "getmycommands": info.get_my_commands,
            "deletemycommands": info.delete_my_commands,
            "setchatmenubutton": info.set_chat_menu_button,
            "getchatmenubutton": info.get_chat_menu_button,
            "getfile": info.get_file,
            "getchat": info.get_chat,
        }

    async def handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"].lower()
        self.state.stats.method_calls[method] += 1
        try:
            result = await self.call(token, method, await read_params(request))
            body: JSON = {"ok": True, "result": result}
            status = 200
        except ApiError as error:
            body, status = error.to_json(), error.code
        stats = self.state.stats  # read again: a reset may have replaced it during a long poll
        if status == 429:
            stats.too_many_requests += 1
        stats.status_codes[status] += 1
        return web.json_response(body, status=status)

    async def call(self, token: str, method: str, params: Params) -> Any:
        if not TOKEN_RE.match(token):
            raise ApiError(401, "Unauthorized")
        handler = self.methods.get(method)
        if handler is None:
            raise ApiError(404, "Not Found")
        bot = self.state.bot_for_token(token)
        self._check_faults(method, params)
        try:
            return await handler(bot, params)
        finally:
            if method not in READ_ONLY:
                self.state.touch()

    async def download(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN_RE.match(token):
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        stored = self.state.files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    def _check_faults(self, method: str, params: Params) -> None:
        faults = self.state.faults
        if not faults:
            return
        chat_id = params.values.get("chat_id")
        for fault in faults:
            if fault.method not in (method, "*"):
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.remove(fault)
            parameters = {"retry_after": fault.retry_after} if fault.retry_after is not None else None
            raise ApiError(fault.status, fault.description, parameters)

    async def close(self) -> None:
        """Stop the webhook workers and close their HTTP session (the sandbox app's cleanup)."""
        await self.updates.close()
