"""Bot API methods on the bot itself and what it reads: getMe, logOut / close, getChat,
setMyCommands / getMyCommands / deleteMyCommands, setChatMenuButton / getChatMenuButton and getFile."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from sandbox.botapi.params import Params, bad_request
from sandbox.botapi.sending import chat_of
from sandbox.records import JSON, BotState, ChatState
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

    def _menu_chat(self, params: Params) -> ChatState | None:
        """The private chat ``chat_id`` names (None: the default scope)."""
        if not params.has("chat_id"):
            return None
        chat = chat_of(self.state, params)
        if chat.type != "private":
            raise bad_request("chat not found")  # Telegram: menu buttons are for private chats
        return chat

    async def set_chat_menu_button(self, bot: BotState, params: Params) -> bool:
        """The menu button of one private chat, or of everyone's (the default scope). ``default``
        (or none) removes a chat's own button; a Mini App's address may be http:// here (Telegram
        itself opens only https://)."""
        chat = self._menu_chat(params)
        button = params.json("menu_button")
        if button is None:
            button = {"type": "default"}
        if not isinstance(button, dict):
            raise bad_request("can't parse menu button JSON object")
        kind = button.get("type")
        if kind == "web_app":
            text = str(button.get("text") or "")
            web_app = button.get("web_app")
            url = str(web_app.get("url") or "") if isinstance(web_app, dict) else ""
            if not text:
                raise bad_request("menu button text is empty")
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise bad_request("BUTTON_URL_INVALID")
            button = {"type": "web_app", "text": text, "web_app": {"url": url}}
        elif kind not in ("commands", "default"):
            raise bad_request("can't parse menu button JSON object")
        key = chat.id if chat is not None else 0
        if kind == "default":
            bot.menu_buttons.pop(key, None)
        else:
            bot.menu_buttons[key] = button
        return True

    async def get_chat_menu_button(self, bot: BotState, params: Params) -> JSON:
        chat = self._menu_chat(params)
        return effective_menu_button(bot, chat.id if chat is not None else None)

    async def get_file(self, bot: BotState, params: Params) -> JSON:
        file_id = params.text("file_id", required=True)
        stored = self.state.files.get(file_id or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_telegram()


def effective_menu_button(bot: BotState, chat_id: int | None) -> JSON:
    """What the chat shows: its own button, else the default scope's, else the command list."""
    if chat_id is not None and chat_id in bot.menu_buttons:
        return bot.menu_buttons[chat_id]
    return bot.menu_buttons.get(0, {"type": "commands"})
