"""The citizen API under ``/api/``: act as Telegram users, read chats, inject faults, read stats.

Answers are plain JSON objects; errors are ``{"error": "..."}`` with a 4xx status.
"""

from __future__ import annotations

from aiohttp import web

from sandbox.citizen.acting import ActingApi
from sandbox.citizen.bot_side import BotSideApi
from sandbox.citizen.chats import ChatsApi
from sandbox.citizen.control import ControlApi
from sandbox.citizen.people import PeopleApi
from sandbox.citizen.webapp import WebAppApi
from sandbox.state import SandboxState


class CitizenApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.people = PeopleApi(state)
        self.chats = ChatsApi(state)
        self.acting = ActingApi(state)
        self.bot_side = BotSideApi(state)
        self.control = ControlApi(state)
        self.webapp = WebAppApi(state)

    def routes(self) -> list[web.RouteDef]:
        people, chats, acting, bot_side, control = self.people, self.chats, self.acting, self.bot_side, self.control
        return [
            web.get("/api/users", people.list_users),
            web.post("/api/users", people.create_user),
            web.post("/api/users/bulk", people.create_users_bulk),
            web.get("/api/users/{user_id}", people.get_user),
            web.post("/api/users/{user_id}/block", people.block),
            web.post("/api/users/{user_id}/unblock", people.unblock),
            web.post("/api/groups", people.create_group),
            web.get("/api/chats/{chat_id}", chats.get_chat),
            web.get("/api/chats/{chat_id}/messages", chats.get_messages),
            web.get("/api/chats/{chat_id}/events", chats.get_events),
            web.get("/api/chats/{chat_id}/stream", chats.stream),
            web.post("/api/chats/{chat_id}/text", acting.send_text),
            web.post("/api/chats/{chat_id}/location", acting.send_location),
            web.post("/api/chats/{chat_id}/photo", acting.send_photo),
            web.post("/api/chats/{chat_id}/sticker", acting.send_sticker),
            web.post("/api/chats/{chat_id}/voice", acting.send_voice),
            web.post("/api/chats/{chat_id}/document", acting.send_document),
            web.post("/api/chats/{chat_id}/press", acting.press_button),
            web.post("/api/chats/{chat_id}/reply_button", acting.press_reply_button),
            web.get("/api/chats/{chat_id}/menu_button", self.webapp.menu_button),
            web.post("/api/webapp/launch", self.webapp.launch),
            web.get("/api/webapp/themes", self.webapp.themes),
            web.get("/api/callbacks/{callback_query_id}", bot_side.get_callback),
            web.get("/api/files/{file_id}", bot_side.get_file),
            web.get("/api/commands", bot_side.get_commands),
            web.get("/api/bots", bot_side.get_bots),
            web.get("/api/faults", control.list_faults),
            web.post("/api/faults", control.add_fault),
            web.delete("/api/faults", control.clear_faults),
            web.get("/api/stats", control.get_stats),
            web.get("/api/feed", control.get_feed),
            web.get("/api/sms", control.list_sms),
            web.post("/api/sms", control.add_sms),
            web.post("/api/reset", control.reset),
            web.get("/api/limits", control.get_limits),
            web.put("/api/limits", control.put_limits),
        ]
