"""Bot API methods on the bot itself and what it reads: getMe, logOut / close, getChat,
setMyCommands / getMyCommands / deleteMyCommands and getFile."""

from __future__ import annotations

import json
import re

from sandbox.botapi.params import Params, bad_request
from sandbox.botapi.sending import chat_of
from sandbox.records import JSON, BotState
from sandbox.state import SandboxState


class InfoMethods:
    """The bot's identity, the chats and files it reads, and its command menus."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def get_me(self, bot: BotState, params: Params) -> JSON:
        return {
            **bot.user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def log_out(self, bot: BotState, params: Params) -> bool:
        return True

    async def get_chat(self, bot: BotState, params: Params) -> JSON:
        chat = chat_of(self.state, params)
        return {**self.state.chat_json(chat), "accent_color_id": 0, "max_reaction_count": 11}

    @staticmethod
    def _commands_key(params: Params) -> tuple[str, str]:
        scope = params.json("scope")
        scope_key = (
            json.dumps(scope, sort_keys=True) if isinstance(scope, dict) and scope.get("type") != "default" else ""
        )
        return scope_key, params.text("language_code") or ""

    async def set_my_commands(self, bot: BotState, params: Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise (
                bad_request("commands is empty")
                if commands is None
                else bad_request("can't parse commands JSON object")
            )
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned: list[JSON] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand")
            name = str(command.get("command", "")).lstrip("/")
            description = str(command.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request(
                    "command description is empty" if not description else "BOT_COMMAND_DESCRIPTION_INVALID"
                )
            cleaned.append({"command": name, "description": description})
        bot.commands[self._commands_key(params)] = cleaned
        return True

    async def get_my_commands(self, bot: BotState, params: Params) -> list[JSON]:
        return bot.commands.get(self._commands_key(params), [])

    async def delete_my_commands(self, bot: BotState, params: Params) -> bool:
        bot.commands.pop(self._commands_key(params), None)
        return True

    async def get_file(self, bot: BotState, params: Params) -> JSON:
        file_id = params.text("file_id", required=True)
        stored = self.state.files.get(file_id or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_telegram()
