"""No handler or filter of the bot runs in a thread: aiogram hands a callable that is not a
coroutine function (a MagicFilter such as ``F.text``, a bare FSM ``State``, a lambda) to
``asyncio.to_thread`` on every update it is checked for (issue 10: 7 % of the app's CPU).

Before bot/filters.py, 55 filters of the tree were such (5 on routers, 50 on handlers).
"""

from __future__ import annotations

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import CallableObject

from actions.services import Services
from bot.factory import build_dispatcher
from bot.routers import build_routers


def synchronous(router: Router) -> list[str]:
    """Every handler and filter of ``router`` and its sub-routers that aiogram would run in a thread."""
    found: list[str] = []

    def check(where: str, item: CallableObject) -> None:
        if not item.awaitable:
            found.append(f"{where}: {item.callback!r}")

    for name, observer in router.observers.items():
        # The observer's own handler is never called (only its filters are checked).
        for event_filter in observer._handler.filters or []:
            check(f"{router.name} {name} (router filter)", event_filter)
        for handler in observer.handlers:
            label = f"{router.name} {name} {getattr(handler.callback, '__name__', handler.callback)}"
            check(label, handler)
            for event_filter in handler.filters or []:
                check(f"{label} filter", event_filter)
    for sub in router.sub_routers:
        found.extend(synchronous(sub))
    return found


def test_the_router_tree_has_no_synchronous_handler_or_filter() -> None:
    assert synchronous(build_routers()) == []


def test_the_dispatcher_has_no_synchronous_handler_or_filter(services: Services) -> None:
    dp: Dispatcher = build_dispatcher(services)
    assert dp.sub_routers and synchronous(dp) == []
