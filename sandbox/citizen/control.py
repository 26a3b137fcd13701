"""Citizen API: controlling the sandbox - injected faults, stats, SMS, reset and flood limits."""

from __future__ import annotations

import dataclasses
import time

from aiohttp import web

from sandbox.citizen.common import as_int, fail, json_body, wait_timeout
from sandbox.limits import SandboxLimits
from sandbox.records import JSON, Fault, SmsRecord, wait_signal
from sandbox.state import SandboxState

FEED_PAGE = 10_000  # entries per answer of GET /api/feed at most

DEFAULT_FAULT_DESCRIPTIONS = {
    400: "Bad Request: sandbox fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class ControlApi:
    """Faults, stats, SMS, reset and limits: the sandbox's own controls."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def list_faults(self, request: web.Request) -> web.Response:
        return web.json_response({"faults": [f.to_view() for f in self.state.faults]})

    async def add_fault(self, request: web.Request) -> web.Response:
        body = await json_body(request)
        method = str(body.get("method") or "").strip().lower()
        if not method:
            raise fail("method is required (a Bot API method name, or * for any)")
        count = as_int(body.get("count", 1), "count")
        status = as_int(body.get("status", 500), "status")
        if count < 1 or not 400 <= status <= 599:
            raise fail("count must be >= 1 and status within 400..599")
        retry_after = as_int(body["retry_after"], "retry_after") if body.get("retry_after") is not None else None
        description = body.get("description")
        if status == 429:
            retry_after = retry_after or 1
            description = description or f"Too Many Requests: retry after {retry_after}"
        elif status == 400 and description and not str(description).startswith("Bad Request"):
            description = f"Bad Request: {description}"
        description = str(description or DEFAULT_FAULT_DESCRIPTIONS.get(status, "Sandbox fault"))
        chat_id = as_int(body["chat_id"], "chat_id") if body.get("chat_id") is not None else None
        fault = Fault(method, count, status, description, retry_after, chat_id)
        self.state.faults.append(fault)
        return web.json_response(fault.to_view(), status=201)

    async def clear_faults(self, request: web.Request) -> web.Response:
        self.state.faults.clear()
        return web.json_response({"faults": []})

    async def get_stats(self, request: web.Request) -> web.Response:
        stats = self.state.stats
        answer: JSON = {
            "method_calls": dict(stats.method_calls),
            "status_codes": {str(code): count for code, count in stats.status_codes.items()},
            "too_many_requests": stats.too_many_requests,
            "messages_sent": stats.messages_sent,
            "first_send_at": stats.first_send_at,
            "last_send_at": stats.last_send_at,
            "updates_created": stats.updates_created,
            "webhook_deliveries": stats.webhook_deliveries,
            "webhook_failures": stats.webhook_failures,
            "users": len(self.state.citizens),
            "chats": len(self.state.chats),
        }
        if request.query.get("chats", "") in ("1", "true"):
            answer["received"] = {
                str(chat.id): [m.text for m in chat.messages.values() if m.from_bot]
                for chat in self.state.chats.values()
                if any(m.from_bot for m in chat.messages.values())
            }
        return web.json_response(answer)

    async def get_feed(self, request: web.Request) -> web.Response:
        """What the bots put into any chat after ``after`` (a feed sequence number), waiting up to
        ``timeout`` seconds for something new: ``{entries, cursor, first}``; ``first`` is the oldest
        sequence number still kept (a reader whose ``after + 1`` is below it missed entries)."""
        after = as_int(request.query.get("after", "0"), "after")
        limit = as_int(request.query.get("limit", str(FEED_PAGE)), "limit")
        if not 1 <= limit <= FEED_PAGE:
            raise fail(f"limit must be within 1..{FEED_PAGE}")
        deadline = time.monotonic() + wait_timeout(request)
        while True:
            feed = self.state.feed
            entries = feed.after(after, limit)
            remaining = deadline - time.monotonic()
            if entries or remaining <= 0 or self.state.closing:
                cursor = entries[-1]["seq"] if entries else max(after, feed.first_seq - 1)
                return web.json_response({"entries": entries, "cursor": cursor, "first": feed.first_seq})
            await wait_signal(feed.signal.waiter(), remaining)

    async def list_sms(self, request: web.Request) -> web.Response:
        phone = request.query.get("phone", "").strip()
        after = as_int(request.query.get("after_id", "0"), "after_id")
        deadline = time.monotonic() + wait_timeout(request)
        while True:
            found = [s for s in self.state.sms if s.id > after and (not phone or s.phone == phone)]
            remaining = deadline - time.monotonic()
            if found or remaining <= 0 or self.state.closing:
                return web.json_response({"sms": [s.to_view() for s in reversed(found)]})
            await wait_signal(self.state.sms_signal.waiter(), remaining)

    async def add_sms(self, request: web.Request) -> web.Response:
        body = await json_body(request)
        phone = str(body.get("phone") or "").strip()
        text = str(body.get("text") or "")
        if not phone or not text:
            raise fail("phone and text are required")
        record = SmsRecord(len(self.state.sms) + 1, phone, text, time.time())
        self.state.sms.append(record)
        self.state.sms_signal.fire()
        return web.json_response(record.to_view(), status=201)

    async def reset(self, request: web.Request) -> web.Response:
        self.state.reset()
        return web.json_response({"reset": True})

    async def get_limits(self, request: web.Request) -> web.Response:
        return web.json_response(dataclasses.asdict(self.state.limits))

    async def put_limits(self, request: web.Request) -> web.Response:
        body = await json_body(request)
        known = {f.name for f in dataclasses.fields(SandboxLimits)}
        unknown = set(body) - known
        if unknown:
            raise fail(f"unknown limit fields: {', '.join(sorted(unknown))}")
        current = self.state.limits
        for name, value in body.items():
            expected = type(getattr(current, name))
            if expected is bool and not isinstance(value, bool):
                raise fail(f"{name} must be true or false")
            if expected is not bool and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise fail(f"{name} must be a number")
            if expected is int and not float(value).is_integer():
                raise fail(f"{name} must be a whole number")
            body[name] = expected(value)
        try:
            limits = dataclasses.replace(current, **body)
        except (TypeError, ValueError) as error:
            raise fail(str(error)) from None
        self.state.set_limits(limits)
        return web.json_response(dataclasses.asdict(limits))
