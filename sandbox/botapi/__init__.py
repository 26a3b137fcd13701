"""The Bot API look-alike: ``/bot{token}/{method}`` and ``/file/bot{token}/{path}``.

Answers use Telegram's shapes: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}``.

- `api`: the entry points, method dispatch and injected faults;
- `params`: request parameters and the errors;
- `sending`: what send and edit methods share (checks, flood limits, storing a bot message);
- `messages`, `updates`, `info`: the methods, by family.
"""

from sandbox.botapi.api import BotApi
from sandbox.botapi.params import ApiError, Params, Upload, bad_request, read_params, too_many_requests
from sandbox.botapi.sending import image_size

__all__ = [
    "ApiError",
    "BotApi",
    "Params",
    "Upload",
    "bad_request",
    "image_size",
    "read_params",
    "too_many_requests",
]
