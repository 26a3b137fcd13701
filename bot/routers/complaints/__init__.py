"""Complaints in the chat: the filing form (`filing`), status by ticket number and "my complaints"
(`status`), rating a resolved complaint (`rating`); what they share is written by `render`.

Features: ``complaint`` (file; intent complaint_file), ``my_complaints`` (list, or one ticket
when the NLU found a ``ticket_id``; intent complaint_status; arg = page), ``complaint_view``
(arg = ticket id), ``complaint_find`` (asks for a ticket number), ``complaint_rate`` (arg =
ticket id).
"""

from __future__ import annotations

from aiogram import Router

from bot.routers.complaints import filing, rating, status


def build_router() -> Router:
    router = Router(name="complaints")
    router.include_routers(filing.build_router(), status.build_router(), rating.build_router())
    return router
