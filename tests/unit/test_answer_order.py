"""Issue 18: the resolved-complaint push shows the bureau's answer before it asks for a rating."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.i18n import default_catalog
from core.language import Language
from push.render import render
from storage.models import Notification, NotificationType


@pytest.mark.parametrize(
    ("lang", "resolved", "ask"),
    [(Language.EN, "was resolved.", "How satisfied"), (Language.ZH, "已办结。", "满意吗")],
)
def test_the_answer_comes_before_the_rating_question(lang: Language, resolved: str, ask: str) -> None:
    now = datetime(2026, 11, 21, 3, tzinfo=UTC)
    n = Notification(
        type=NotificationType.COMPLAINT_RATING_REQUEST,
        citizen_id_number="x",
        dedupe_key="k",
        created_at=now,
        updated_at=now,
        payload={"ticket_id": "C261121-0001", "text": "Bollards were installed."},
    )
    text = render(n, lang, default_catalog(), today=date(2026, 11, 21)).text
    first, answer, question = text.split("\n")
    assert first.endswith(resolved) and ask not in first
    assert "Bollards were installed." in answer
    assert ask in question
