"""The request that needed a linked identity resumes after linking (issue 18: "I got a parking
ticket but I wasn't there, how do I appeal?" asked before linking is answered once the citizen has
linked, instead of "your personal services are available from the menu").

A feature that needs the citizen's identity names itself when it asks them to link
(``require_citizen(ctx, resume="appeal")``); the identity form runs it again right after a
successful link (``resume_request``). Remembered for as long as a form lives (FORM_TTL): a link
made much later does not bring back an old question.
"""

from __future__ import annotations

import json
from dataclasses import replace

import structlog
from redis.exceptions import RedisError

from bot.context import FEATURES, Ctx
from core.metrics import ERRORS
from storage.redis import as_text

log = structlog.get_logger(__name__)


async def remember_request(ctx: Ctx, feature: str, arg: str = "") -> None:
    """Remember that ``feature`` (with ``arg``) waits for the citizen to link their identity."""
    services = ctx.services
    try:
        await services.redis.set(
            services.keys.resume_after_link(ctx.user.id),
            json.dumps({"feature": feature, "arg": arg}),
            ex=services.settings.form_ttl,
        )
    except RedisError:
        ERRORS.labels("redis-resume").inc()


async def resume_request(ctx: Ctx) -> bool:
    """Run the request that waited for the link, if any (once): True when one was run."""
    services = ctx.services
    try:
        raw = as_text(await services.redis.getdel(services.keys.resume_after_link(ctx.user.id)))
    except RedisError:
        ERRORS.labels("redis-resume").inc()
        return False
    if not raw:
        return False
    try:
        waiting = json.loads(raw)
        feature = FEATURES.get(str(waiting.get("feature")))
        arg = str(waiting.get("arg") or "")
    except (ValueError, AttributeError):
        return False
    if feature is None:
        return False
    log.info("resuming a request after linking", feature=feature.name)
    await feature.fn(replace(ctx, arg=arg, entities={}))
    return True
