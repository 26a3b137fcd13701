"""Citizen API: what the bot set up, as a citizen or the chat page reads it - answers to callback
queries, files, the command menu a user would see, and the bots with their webhooks and backlogs."""

from __future__ import annotations

import json

from aiohttp import web

from sandbox.citizen.common import as_int, fail
from sandbox.state import SandboxState


class BotSideApi:
    """The bot's answers, files, command menus and identities."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def get_callback(self, request: web.Request) -> web.Response:
        record = self.state.callbacks.get(request.match_info["callback_query_id"])
        if record is None:
            raise fail("callback query not found", 404)
        return web.json_response(
            {
                "id": record.id,
                "chat_id": record.chat_id,
                "message_id": record.message_id,
                "data": record.data,
                "answered": record.answered,
                "answer": record.answer,
            }
        )

    async def get_file(self, request: web.Request) -> web.Response:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise fail("file not found", 404)
        return web.Response(
            body=stored.data,
            content_type=stored.mime_type,
            headers={"Content-Security-Policy": "default-src 'none'; sandbox"},
        )

    async def get_commands(self, request: web.Request) -> web.Response:
        bot = self.state.active_bot()
        if bot is None:
            return web.json_response({"commands": []})
        language = request.query.get("language_code", "")
        scopes: list[str] = []
        if "chat_id" in request.query:
            chat_id = as_int(request.query["chat_id"], "chat_id")
            scopes.append(json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True))
            chat = self.state.chats.get(chat_id)
            if chat is not None:
                kind = "all_private_chats" if chat.type == "private" else "all_group_chats"
                scopes.append(json.dumps({"type": kind}, sort_keys=True))
        scopes.append("")
        for scope in scopes:
            for lang in ([language] if language else []) + [""]:
                commands = bot.commands.get((scope, lang))
                if commands is not None:
                    return web.json_response({"commands": commands})
        return web.json_response({"commands": []})

    async def get_bots(self, request: web.Request) -> web.Response:
        bots = []
        for bot in self.state.bots.values():
            bots.append(
                {
                    **bot.user,
                    "active": bot.id == self.state.active_bot_id,
                    "webhook_url": bot.webhook.url if bot.webhook is not None else None,
                    "pending_updates": len(bot.updates) + (bot.webhook_queue.qsize() if bot.webhook_queue else 0),
                }
            )
        return web.json_response({"bots": bots})
