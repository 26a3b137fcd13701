"""Auto-assignment (issue 17; off by default: HANDOFF_AUTO_ASSIGN): waiting citizens, longest
wait first, go round robin to the available agents (the console says who is online), each
holding at most HANDOFF_AGENT_CAPACITY conversations. One process assigns at a time (a short
Redis lock); each assignment is an ordinary atomic claim, so an agent's own claim in between
is never lost. The round robin goes on after the agent served last (kept in Redis), so a
quiet queue still spreads citizens over everyone."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from redis.exceptions import RedisError

from actions.handoff.agent import claim
from actions.handoff.link import CitizenLink
from actions.handoff.markers import CALLBACK_TOPIC, publish
from actions.services import Services
from storage.models import StaffUser

log = structlog.get_logger(__name__)

ASSIGN_LOCK_SECONDS = 30


@dataclass(frozen=True)
class Assignment:
    handoff_id: str
    agent: str


def round_robin(agents: list[str], after: str | None) -> list[str]:
    """``agents`` (sorted) starting with the one after ``after``."""
    ordered = sorted(agents)
    if after is None:
        return ordered
    later = [a for a in ordered if a > after]
    return later + [a for a in ordered if a <= after]


async def auto_assign(services: Services, link: CitizenLink, available: list[StaffUser]) -> list[Assignment]:
    """Hand waiting citizens to ``available`` agents within their capacity. Does nothing unless
    HANDOFF_AUTO_ASSIGN is on, or while another process is assigning."""
    settings = services.settings
    if not settings.handoff_auto_assign or not available:
        return []
    redis, keys = services.redis, services.keys
    try:
        if not await redis.set(keys.handoff_assign_lock(), "1", nx=True, ex=ASSIGN_LOCK_SECONDS):
            return []
    except RedisError:
        log.warning("auto-assignment skipped: Redis unreachable")
        return []
    done: list[Assignment] = []
    try:
        waiting = [h for h in await services.repos.handoffs.queue() if h.topic != CALLBACK_TOPIC]
        if not waiting:
            return []
        load = await services.repos.handoffs.load_by_agent()
        by_name = {a.username: a for a in available if not a.disabled}
        capacity = settings.handoff_agent_capacity
        last = await redis.get(keys.handoff_assign_cursor())
        after = last.decode() if isinstance(last, bytes) else last
        for handoff in waiting:
            candidates = [a for a in round_robin(list(by_name), after) if load.get(a, 0) < capacity]
            if not candidates:
                break
            agent = by_name[candidates[0]]
            result = await claim(services, link, handoff.id, agent)
            if result.handoff is None:
                continue  # claimed by hand meanwhile
            load[agent.username] = load.get(agent.username, 0) + 1
            after = agent.username
            await redis.set(keys.handoff_assign_cursor(), after)
            await publish(services, handoff.id, {"type": "assigned", "agent": agent.username})
            done.append(Assignment(handoff.id, agent.username))
            log.info("handoff assigned", handoff_id=handoff.id, agent=agent.username)
    finally:
        try:
            await redis.delete(keys.handoff_assign_lock())
        except RedisError:
            log.warning("could not release the auto-assignment lock")
    return done
