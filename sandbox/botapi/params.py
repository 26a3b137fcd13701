"""Bot API requests: parameters from the query string and a JSON, urlencoded or multipart body, and
the errors answered in Telegram's shape (``{"ok": false, "error_code": N, "description": ...}``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.records import JSON

MAX_UPLOAD = 50 * 1024 * 1024


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


@dataclass(slots=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


class Params:
    """Bot API parameters from the query string and a JSON, urlencoded or multipart body.

    aiogram sends form fields as strings, with numbers, booleans and nested objects JSON-encoded,
    so every accessor converts from either representation."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str, *, required: bool = False) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_ref(self) -> int | str:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            if text.startswith("@"):
                return text
            raise bad_request("chat not found") from None


async def read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = json.loads(await request.text() or "{}")
            except ValueError:
                raise bad_request("can't parse JSON request") from None
            if not isinstance(body, dict):
                raise bad_request("JSON request must be an object")
            values.update(body)
        elif content_type == "multipart/form-data":
            await read_multipart(await request.multipart(), values, uploads)
        elif content_type == "application/x-www-form-urlencoded":
            form = await request.post()
            for key in form:
                values[key] = form.getone(key)
    return Params(values, uploads)


async def read_multipart(reader: aiohttp.MultipartReader, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            data = await part.read(decode=False)
            if len(data) > MAX_UPLOAD:
                raise ApiError(413, "Request Entity Too Large")
            uploads[part.name] = Upload(part.filename, part.headers.get("Content-Type", ""), bytes(data))
        else:
            values[part.name] = await part.text()
