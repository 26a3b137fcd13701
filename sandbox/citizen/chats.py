"""Citizen API: reading a chat - its state, its messages, its events by long polling, and the
server-sent event stream the chat page listens to."""

from __future__ import annotations

import json
import time

from aiohttp import web

from sandbox.citizen.common import as_int, chat_of, chat_view, fail, wait_timeout
from sandbox.records import wait_signal
from sandbox.state import SandboxState


class ChatsApi:
    """A chat as a citizen (or the chat page) reads it."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def get_chat(self, request: web.Request) -> web.Response:
        return web.json_response(chat_view(self.state, chat_of(self.state, request)))

    async def get_messages(self, request: web.Request) -> web.Response:
        chat = chat_of(self.state, request)
        include_deleted = request.query.get("include_deleted", "") in ("1", "true")
        messages = [m.to_view() for m in chat.messages.values() if include_deleted or not m.deleted]
        return web.json_response({"messages": messages, "seq": chat.seq})

    async def get_events(self, request: web.Request) -> web.Response:
        chat_id = as_int(request.match_info["chat_id"], "chat_id")
        after = as_int(request.query.get("after", "0"), "after")
        deadline = time.monotonic() + wait_timeout(request)
        while True:
            chat = self.state.chats.get(chat_id)
            if chat is None:
                raise fail("chat not found", 404)
            if chat.seq > after or self.state.closing:
                events = chat.events_after(after)
                return web.json_response({"events": events, "cursor": chat.seq})
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return web.json_response({"events": [], "cursor": chat.seq})
            await wait_signal(chat.signal.waiter(), remaining)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events for one chat (the chat page's live view)."""
        chat_id = as_int(request.match_info["chat_id"], "chat_id")
        if chat_id not in self.state.chats:
            raise fail("chat not found", 404)
        after = as_int(request.query.get("after", request.headers.get("Last-Event-ID", "0")), "after")
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        while not self.state.closing:
            chat = self.state.chats.get(chat_id)
            if chat is None:
                await response.write(b"event: reset\ndata: {}\n\n")
                break
            if chat.seq > after:
                for event in chat.events_after(after):
                    payload = json.dumps(event, ensure_ascii=False)
                    await response.write(f"id: {event['seq']}\ndata: {payload}\n\n".encode())
                after = chat.seq
                continue
            if not await wait_signal(chat.signal.waiter(), 15.0):
                await response.write(b": keep-alive\n\n")
        return response
