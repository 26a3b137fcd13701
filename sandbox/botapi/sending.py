"""What the send and edit methods share: finding the chat, the checks Telegram makes (blocked bot,
flood limits, markup, reply target, text length) and storing a bot message with its event."""

from __future__ import annotations

import time
from typing import Any

from sandbox.botapi.params import ApiError, Params, bad_request, too_many_requests
from sandbox.formatting import EntityParseError, parse_text, utf16_len
from sandbox.records import JSON, BotState, ChatState, StoredMessage
from sandbox.state import SandboxState


def chat_of(state: SandboxState, params: Params) -> ChatState:
    """The chat ``chat_id`` names; 400 when there is none."""
    chat = state.find_chat(params.chat_ref())
    if chat is None:
        raise bad_request("chat not found")
    return chat


def ensure_reachable(state: SandboxState, chat: ChatState) -> None:
    """403 when the citizen of a private chat blocked the bot."""
    if chat.type == "private" and state.citizens[chat.id].blocked_bot:
        raise ApiError(403, "Forbidden: bot was blocked by the user")


def flood_check(bot: BotState, chat: ChatState, params: Params) -> None:
    retry_after = bot.limiter.acquire(
        chat.id,
        is_group=chat.type == "group",
        paid_broadcast=params.flag("allow_paid_broadcast"),
        now=time.monotonic(),
    )
    if retry_after is not None:
        raise too_many_requests(retry_after)


def formatted(
    params: Params, text_key: str, entities_key: str, limit: int, too_long: str
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


def validate_markup(markup: Any) -> JSON | None:
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
        normalised = [[button if isinstance(button, dict) else {"text": str(button)} for button in row] for row in rows]
        return {**markup, "keyboard": normalised}
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def reply_target(chat: ChatState, params: Params) -> int | None:
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


def deliver(
    state: SandboxState,
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
    reply_markup = validate_markup(params.json("reply_markup"))
    reply_to = reply_target(chat, params)
    flood_check(bot, chat, params)
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
    state.feed.add(
        "message",
        chat.id,
        message_id=message.message_id,
        paid=params.flag("allow_paid_broadcast"),
        reply_markup=reply_markup if reply_markup is not None and "inline_keyboard" in reply_markup else None,
    )
    stats = state.stats
    now = time.time()
    stats.messages_sent += 1
    if stats.first_send_at is None:
        stats.first_send_at = now
    stats.last_send_at = now
    return state.message_telegram(chat, message)


def input_file(state: SandboxState, params: Params, field: str, *, folder: str, extension: str, mime_type: str) -> JSON:
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
        stored = state.store_file(
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
    stored_file = state.files.get(value)
    if stored_file is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return {"file": stored_file}


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
