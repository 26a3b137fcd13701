"""The Bot API look-alike: ``/bot{token}/{method}`` and ``/file/bot{token}/{path}``.

Answers use Telegram's shapes: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.formatting import EntityParseError, parse_text, utf16_len
from sandbox.state import (
    JSON,
    BotState,
    ChatState,
    SandboxState,
    StoredMessage,
    WebhookConfig,
    stop_webhook_workers,
    wait_signal,
)

TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024
MESSAGE_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument", "sendlocation"})
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
CONFLICT_POLLER = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


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
            await _read_multipart(await request.multipart(), values, uploads)
        elif content_type == "application/x-www-form-urlencoded":
            form = await request.post()
            for key in form:
                values[key] = form.getone(key)
    return Params(values, uploads)


async def _read_multipart(reader: aiohttp.MultipartReader, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
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


Handler = Callable[["BotApi", BotState, Params], Awaitable[Any]]


class BotApi:
    """Bot API method implementations on top of :class:`SandboxState`."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.http: aiohttp.ClientSession | None = None
        self.methods: dict[str, Handler] = {
            "getme": BotApi.get_me,
            "logout": BotApi.log_out,
            "close": BotApi.log_out,
            "getupdates": BotApi.get_updates,
            "setwebhook": BotApi.set_webhook,
            "deletewebhook": BotApi.delete_webhook,
            "getwebhookinfo": BotApi.get_webhook_info,
            "sendmessage": BotApi.send_message,
            "sendphoto": BotApi.send_photo,
            "senddocument": BotApi.send_document,
            "sendlocation": BotApi.send_location,
            "editmessagetext": BotApi.edit_message_text,
            "editmessagereplymarkup": BotApi.edit_message_reply_markup,
            "deletemessage": BotApi.delete_message,
            "answercallbackquery": BotApi.answer_callback_query,
            "sendchataction": BotApi.send_chat_action,
            "setmycommands": BotApi.set_my_commands,
            "getmycommands": BotApi.get_my_commands,
            "deletemycommands": BotApi.delete_my_commands,
            "getfile": BotApi.get_file,
            "getchat": BotApi.get_chat,
        }

    # --- HTTP entry points -------------------------------------------------------------------

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
        return await handler(self, bot, params)

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

    # --- helpers ----------------------------------------------------------------------------

    def _chat(self, params: Params) -> ChatState:
        chat = self.state.find_chat(params.chat_ref())
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _ensure_reachable(self, chat: ChatState) -> None:
        if chat.type == "private" and self.state.citizens[chat.id].blocked_bot:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _flood_check(self, bot: BotState, chat: ChatState, params: Params) -> None:
        retry_after = bot.limiter.acquire(
            chat.id,
            is_group=chat.type == "group",
            paid_broadcast=params.flag("allow_paid_broadcast"),
            now=time.monotonic(),
        )
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def _formatted(
        self, params: Params, text_key: str, entities_key: str, limit: int, too_long: str
    ) -> tuple[str, list[JSON], str | None]:
        raw = params.text(text_key) or ""
        parse_mode = params.text("parse_mode")
        explicit = params.json(entities_key)
        if explicit:
            if not isinstance(explicit, list) or not all(isinstance(e, dict) and "type" in e for e in explicit):
                raise bad_request(f"can't parse {entities_key} JSON object")
            text, entities = raw, explicit
        else:
            try:
                text, entities = parse_text(raw, parse_mode)
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
            except ValueError:
                raise bad_request(f"unsupported parse_mode {parse_mode}") from None
        if utf16_len(text) > limit:
            raise bad_request(too_long)
        return text, entities, parse_mode

    @staticmethod
    def _validate_markup(markup: Any) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request('can\'t parse inline keyboard button: field "inline_keyboard" must be an Array')
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not button.get("text"):
                        raise bad_request(
                            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                        )
                    data = button.get("callback_data")
                    if data is not None and not (1 <= len(str(data).encode()) <= 64):
                        raise bad_request("BUTTON_DATA_INVALID")
                    kinds = {
                        "callback_data",
                        "url",
                        "switch_inline_query",
                        "switch_inline_query_current_chat",
                        "web_app",
                        "login_url",
                        "callback_game",
                        "pay",
                        "copy_text",
                        "switch_inline_query_chosen_chat",
                    }
                    if not kinds & button.keys():
                        raise bad_request(
                            "can't parse inline keyboard button: InlineKeyboardButton must have exactly one optional field"
                        )
            return markup
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request("can't parse reply keyboard markup JSON object")
            normalised = [
                [button if isinstance(button, dict) else {"text": str(button)} for button in row] for row in rows
            ]
            return {**markup, "keyboard": normalised}
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise bad_request("can't parse reply keyboard markup JSON object")

    def _reply_to(self, chat: ChatState, params: Params) -> int | None:
        reply_parameters = params.json("reply_parameters")
        allow_missing = params.flag("allow_sending_without_reply")
        if isinstance(reply_parameters, dict):
            target = reply_parameters.get("message_id")
            allow_missing = bool(reply_parameters.get("allow_sending_without_reply", allow_missing))
        else:
            target = params.integer("reply_to_message_id")
        if target is None:
            return None
        try:
            target_id = int(target)
        except (TypeError, ValueError):
            raise bad_request("message to be replied not found") from None
        message = chat.messages.get(target_id)
        if message is None or message.deleted:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return target_id

    def _deliver(
        self,
        bot: BotState,
        chat: ChatState,
        kind: str,
        params: Params,
        *,
        text: str = "",
        entities: list[JSON] | None = None,
        raw_text: str | None = None,
        parse_mode: str | None = None,
        media: JSON | None = None,
    ) -> JSON:
        """Shared tail of every send method: checks, flood limits, storage, event, stats."""
        reply_markup = self._validate_markup(params.json("reply_markup"))
        reply_to = self._reply_to(chat, params)
        self._flood_check(bot, chat, params)
        message = StoredMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            from_bot=True,
            sender=bot.user,
            date=int(time.time()),
            kind=kind,
            text=text,
            entities=entities or [],
            raw_text=raw_text,
            parse_mode=parse_mode,
            reply_markup=reply_markup,
            reply_to_message_id=reply_to,
            media=media,
        )
        chat.messages[message.message_id] = message
        if reply_markup is not None:
            if "keyboard" in reply_markup:
                chat.reply_keyboard = reply_markup
            elif reply_markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        chat.last_action = None
        chat.add_event("message", {"message": message.to_view()})
        stats = self.state.stats
        now = time.time()
        stats.messages_sent += 1
        if stats.first_send_at is None:
            stats.first_send_at = now
        stats.last_send_at = now
        return self.state.message_telegram(chat, message)

    def _input_file(self, params: Params, field: str, *, folder: str, extension: str, mime_type: str) -> JSON:
        """Resolve a file parameter: an upload (direct or ``attach://``) or an existing file_id."""
        upload = params.uploads.get(field)
        value = params.text(field)
        if upload is None and value is not None and value.startswith("attach://"):
            upload = params.uploads.get(value[len("attach://") :])
            if upload is None:
                raise bad_request(f"file for {field} not found in the request")
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            ext = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else extension
            stored = self.state.store_file(
                upload.data,
                folder=folder,
                extension=ext,
                mime_type=upload.content_type or mime_type,
                file_name=upload.filename,
            )
            return {"file": stored}
        if value is None:
            raise bad_request(f"there is no {field} in the request")
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        stored_file = self.state.files.get(value)
        if stored_file is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return {"file": stored_file}

    # --- methods ----------------------------------------------------------------------------

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
        chat = self._chat(params)
        return {**self.state.chat_json(chat), "accent_color_id": 0, "max_reaction_count": 11}

    async def get_updates(self, bot: BotState, params: Params) -> list[JSON]:
        if bot.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = params.integer("offset")
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(min(params.integer("timeout") or 0, 50), 0)
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            bot.allowed_updates = [str(item) for item in allowed] or None
        if offset is not None:
            if offset < 0:
                while len(bot.updates) > -offset:
                    bot.updates.popleft()
            else:
                while bot.updates and bot.updates[0]["update_id"] < offset:
                    bot.updates.popleft()
        bot.poll_generation += 1
        generation = bot.poll_generation
        bot.signal.fire()  # an older getUpdates still waiting is terminated with 409, like Telegram
        deadline = time.monotonic() + timeout
        while True:
            if bot.updates or timeout == 0 or self.state.closing:
                return [bot.updates[i] for i in range(min(limit, len(bot.updates)))]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            await wait_signal(bot.signal.waiter(), remaining)
            if bot.poll_generation != generation:
                raise ApiError(409, CONFLICT_POLLER)
            if bot.webhook is not None:
                raise ApiError(409, CONFLICT_WEBHOOK)

    async def set_webhook(self, bot: BotState, params: Params) -> bool:
        url = params.text("url") or ""
        if url == "":
            await self.delete_webhook(bot, params)
            return True
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.text("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("bad webhook: Secret token contains unallowed characters")
        allowed = params.json("allowed_updates")
        max_connections = min(max(params.integer("max_connections") or 40, 1), 100)
        pending = list(bot.updates) if not params.flag("drop_pending_updates") else []
        if bot.webhook_queue is not None and not params.flag("drop_pending_updates"):
            while not bot.webhook_queue.empty():
                pending.append(bot.webhook_queue.get_nowait())
        stop_webhook_workers(bot)
        bot.updates.clear()
        bot.webhook = WebhookConfig(
            url=url,
            secret_token=secret,
            max_connections=max_connections,
            allowed_updates=[str(a) for a in allowed] if isinstance(allowed, list) and allowed else None,
        )
        queue: asyncio.Queue[JSON] = asyncio.Queue()
        for update in sorted(pending, key=lambda u: u["update_id"]):
            queue.put_nowait(update)
        bot.webhook_queue = queue
        bot.webhook_workers = [
            asyncio.create_task(self._webhook_worker(bot, bot.webhook, queue)) for _ in range(max_connections)
        ]
        bot.signal.fire()  # a poller still waiting learns about the webhook
        return True

    async def delete_webhook(self, bot: BotState, params: Params) -> bool:
        stop_webhook_workers(bot)
        queue = bot.webhook_queue
        bot.webhook = None
        bot.webhook_queue = None
        if params.flag("drop_pending_updates"):
            bot.updates.clear()
        elif queue is not None:
            while not queue.empty():
                bot.updates.append(queue.get_nowait())
        return True

    async def get_webhook_info(self, bot: BotState, params: Params) -> JSON:
        hook = bot.webhook
        if hook is None:
            return {"url": "", "has_custom_certificate": False, "pending_update_count": len(bot.updates)}
        pending = (bot.webhook_queue.qsize() if bot.webhook_queue is not None else 0) + bot.webhook_in_flight
        info: JSON = {
            "url": hook.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": hook.max_connections,
            "ip_address": "127.0.0.1",
        }
        if hook.allowed_updates:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        return info

    async def _webhook_worker(self, bot: BotState, hook: WebhookConfig, queue: asyncio.Queue[JSON]) -> None:
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        epoch = bot.epoch
        while True:
            update = await queue.get()
            bot.webhook_in_flight += 1
            delay = 0.1
            try:
                while True:
                    error = await self._post_update(bot, hook, headers, update)
                    if error is None:
                        self.state.stats.webhook_deliveries += 1
                        break
                    self.state.stats.webhook_failures += 1
                    hook.last_error_date = int(time.time())
                    hook.last_error_message = error
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10.0)
            except asyncio.CancelledError:
                # The webhook was changed or deleted mid-delivery: keep the update for whoever is next
                # (unless the sandbox was reset meanwhile).
                if bot.epoch == epoch:
                    if bot.webhook_queue is not None and bot.webhook_queue is not queue:
                        bot.webhook_queue.put_nowait(update)
                    else:
                        bot.updates.appendleft(update)
                raise
            finally:
                bot.webhook_in_flight -= 1

    async def _post_update(
        self, bot: BotState, hook: WebhookConfig, headers: dict[str, str], update: JSON
    ) -> str | None:
        if self.http is None or self.http.closed:
            self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        try:
            async with self.http.post(hook.url, data=json.dumps(update), headers=headers) as response:
                if response.status >= 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                reply = await self._read_webhook_reply(response)
                if reply is not None:
                    await self._webhook_reply(bot, reply)
                return None
        except (aiohttp.ClientError, TimeoutError) as error:
            return f"Connection failed: {type(error).__name__}"

    @staticmethod
    async def _read_webhook_reply(response: aiohttp.ClientResponse) -> Params | None:
        """A method the receiver returned in its answer (JSON, or multipart as aiogram sends it)."""
        values: dict[str, Any] = {}
        uploads: dict[str, Upload] = {}
        if response.content_type == "multipart/form-data":
            await _read_multipart(aiohttp.MultipartReader(response.headers, response.content), values, uploads)
        elif response.content_type == "application/json":
            try:
                body = json.loads(await response.read() or b"{}")
            except ValueError:
                return None
            if isinstance(body, dict):
                values = body
        if not isinstance(values.get("method"), str):
            return None
        return Params(values, uploads)

    async def _webhook_reply(self, bot: BotState, params: Params) -> None:
        """Telegram runs a method returned in the webhook answer; its result goes nowhere."""
        method = str(params.values.pop("method")).lower()
        self.state.stats.method_calls[method] += 1
        try:
            await self.call(bot.token, method, params)
            self.state.stats.status_codes[200] += 1
        except ApiError as error:
            self.state.stats.status_codes[error.code] += 1

    async def send_message(self, bot: BotState, params: Params) -> JSON:
        chat = self._chat(params)
        self._ensure_reachable(chat)
        text, entities, parse_mode = self._formatted(params, "text", "entities", MAX_TEXT, "message is too long")
        if not text.strip():
            raise bad_request("message text is empty")
        return self._deliver(
            bot, chat, "text", params, text=text, entities=entities, raw_text=params.text("text"), parse_mode=parse_mode
        )

    async def send_photo(self, bot: BotState, params: Params) -> JSON:
        chat = self._chat(params)
        self._ensure_reachable(chat)
        caption, entities, parse_mode = self._formatted(
            params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long"
        )
        stored = self._input_file(params, "photo", folder="photos", extension="jpg", mime_type="image/jpeg")["file"]
        width, height = image_size(stored.data)
        photo = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
                "width": width,
                "height": height,
            }
        ]
        return self._deliver(
            bot,
            chat,
            "photo",
            params,
            text=caption,
            entities=entities,
            raw_text=params.text("caption"),
            parse_mode=parse_mode,
            media={"photo": photo},
        )

    async def send_document(self, bot: BotState, params: Params) -> JSON:
        chat = self._chat(params)
        self._ensure_reachable(chat)
        caption, entities, parse_mode = self._formatted(
            params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long"
        )
        stored = self._input_file(
            params, "document", folder="documents", extension="bin", mime_type="application/octet-stream"
        )["file"]
        document: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "mime_type": stored.mime_type,
        }
        if stored.file_name:
            document["file_name"] = stored.file_name
        return self._deliver(
            bot,
            chat,
            "document",
            params,
            text=caption,
            entities=entities,
            raw_text=params.text("caption"),
            parse_mode=parse_mode,
            media={"document": document},
        )

    async def send_location(self, bot: BotState, params: Params) -> JSON:
        chat = self._chat(params)
        self._ensure_reachable(chat)
        latitude = params.number("latitude", required=True)
        longitude = params.number("longitude", required=True)
        assert latitude is not None and longitude is not None
        if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
            raise bad_request("wrong latitude or longitude")
        return self._deliver(
            bot, chat, "location", params, media={"location": {"latitude": latitude, "longitude": longitude}}
        )

    def _editable(self, params: Params) -> tuple[ChatState, StoredMessage]:
        if params.has("inline_message_id"):
            raise bad_request("inline messages are not supported by the sandbox")
        chat = self._chat(params)
        message_id = params.integer("message_id", required=True)
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def _apply_edit(self, chat: ChatState, message: StoredMessage) -> JSON:
        message.version += 1
        message.edit_date = int(time.time())
        chat.add_event("edit", {"message": message.to_view()})
        return self.state.message_telegram(chat, message)

    async def edit_message_text(self, bot: BotState, params: Params) -> JSON:
        chat, message = self._editable(params)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text, entities, parse_mode = self._formatted(params, "text", "entities", MAX_TEXT, "MESSAGE_TOO_LONG")
        if not text.strip():
            raise bad_request("message text is empty")
        markup = self._validate_markup(params.json("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if text == message.text and entities == message.entities and markup == message.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.text, message.entities = text, entities
        message.raw_text, message.parse_mode = params.text("text"), parse_mode
        message.reply_markup = markup
        return self._apply_edit(chat, message)

    async def edit_message_reply_markup(self, bot: BotState, params: Params) -> JSON:
        chat, message = self._editable(params)
        markup = self._validate_markup(params.json("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        if markup == message.reply_markup or (markup is None and message.reply_markup is None):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.reply_markup = markup
        return self._apply_edit(chat, message)

    async def delete_message(self, bot: BotState, params: Params) -> bool:
        chat = self._chat(params)
        message_id = params.integer("message_id", required=True)
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        message.version += 1
        chat.add_event("delete", {"message": message.to_view()})
        return True

    async def answer_callback_query(self, bot: BotState, params: Params) -> bool:
        query_id = params.text("callback_query_id", required=True)
        record = self.state.callbacks.get(query_id or "")
        if record is None or record.answered:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.text("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {
            "text": text,
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
            "cache_time": params.integer("cache_time") or 0,
        }
        chat = self.state.chats.get(record.chat_id)
        if chat is not None:
            chat.add_event(
                "callback_answer",
                {
                    "callback_query_id": record.id,
                    "message_id": record.message_id,
                    "data": record.data,
                    "answer": record.answer,
                },
            )
        return True

    async def send_chat_action(self, bot: BotState, params: Params) -> bool:
        chat = self._chat(params)
        self._ensure_reachable(chat)
        action = params.text("action", required=True)
        known = {
            "typing",
            "upload_photo",
            "record_video",
            "upload_video",
            "record_voice",
            "upload_voice",
            "upload_document",
            "choose_sticker",
            "find_location",
            "record_video_note",
            "upload_video_note",
        }
        if action not in known:
            raise bad_request("wrong parameter action in request")
        chat.last_action = {"action": action, "at": time.time()}
        chat.add_event("chat_action", {"action": action})
        return True

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


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG from its header; (0, 0) when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                index += 1
                continue
            marker = data[index + 1]
            length = int.from_bytes(data[index + 2 : index + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                return int.from_bytes(data[index + 7 : index + 9], "big"), int.from_bytes(
                    data[index + 5 : index + 7], "big"
                )
            index += 2 + length
    return 0, 0


async def close_webhooks(state: SandboxState, api: BotApi) -> None:
    for bot in state.bots.values():
        stop_webhook_workers(bot)
    if api.http is not None:
        await api.http.close()
        api.http = None
