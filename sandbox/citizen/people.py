"""Citizen API: citizens (one, in bulk, listed, blocking and unblocking the bot) and groups."""

from __future__ import annotations

from aiohttp import web

from sandbox.citizen.common import as_int, chat_view, citizen_of, fail, json_body
from sandbox.state import SandboxState

MAX_BULK = 200_000


class PeopleApi:
    """Creating and reading citizens and groups."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def list_users(self, request: web.Request) -> web.Response:
        limit = max(1, min(as_int(request.query.get("limit", "200"), "limit"), 10_000))
        citizens = list(self.state.citizens.values())
        newest = citizens[-limit:][::-1]
        return web.json_response({"total": len(citizens), "users": [c.to_view() for c in newest]})

    async def create_user(self, request: web.Request) -> web.Response:
        body = await json_body(request)
        first_name = str(body.get("first_name") or "").strip()
        if not first_name:
            raise fail("first_name is required")
        try:
            citizen = self.state.create_citizen(
                first_name,
                last_name=body.get("last_name"),
                username=body.get("username"),
                language_code=body.get("language_code"),
                user_id=as_int(body["id"], "id") if body.get("id") is not None else None,
            )
        except ValueError as error:
            raise fail(str(error), 409) from None
        return web.json_response(citizen.to_view(), status=201)

    async def create_users_bulk(self, request: web.Request) -> web.Response:
        body = await json_body(request)
        count = as_int(body.get("count"), "count")
        if not 1 <= count <= MAX_BULK:
            raise fail(f"count must be between 1 and {MAX_BULK}")
        prefix = str(body.get("first_name") or "Citizen")
        language = body.get("language_code")
        create = self.state.create_citizen
        ids = [create(f"{prefix} {i + 1}", language_code=language).id for i in range(count)]
        return web.json_response({"count": count, "first_id": ids[0], "last_id": ids[-1], "ids": ids}, status=201)

    async def get_user(self, request: web.Request) -> web.Response:
        return web.json_response(citizen_of(self.state, request.match_info["user_id"]).to_view())

    async def block(self, request: web.Request) -> web.Response:
        citizen = citizen_of(self.state, request.match_info["user_id"])
        self.state.set_blocked(citizen, True)
        return web.json_response(citizen.to_view())

    async def unblock(self, request: web.Request) -> web.Response:
        citizen = citizen_of(self.state, request.match_info["user_id"])
        self.state.set_blocked(citizen, False)
        return web.json_response(citizen.to_view())

    async def create_group(self, request: web.Request) -> web.Response:
        body = await json_body(request)
        title = str(body.get("title") or "").strip()
        if not title:
            raise fail("title is required")
        members = [as_int(member, "member_ids") for member in body.get("member_ids") or []]
        try:
            chat = self.state.create_group(title, members)
        except KeyError as error:
            raise fail(f"user {error.args[0]} not found", 404) from None
        return web.json_response(chat_view(self.state, chat), status=201)
