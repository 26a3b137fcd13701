"""One term per state (issue 18): a complaint's state reads the same to the citizen (chat, pushes)
and to staff, in each language; the Chinese citizen side called "new" 已受理 while staff used 已受理
for "acknowledged"."""

from __future__ import annotations

import pytest

from core.i18n import Catalog
from core.language import LANGUAGES
from storage.models import ComplaintStatus

CATALOG = Catalog()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_complaint_state_has_one_term_for_citizens_and_staff(lang: str) -> None:
    terms = {}
    for status in ComplaintStatus:
        dashed = status.value.replace("_", "-")
        citizen = str(CATALOG.text(lang, f"complaints-status-{dashed}"))
        assert str(CATALOG.text(lang, f"staff-complaint-status-{dashed}")) == citizen, status
        assert str(CATALOG.text(lang, f"push-complaint-status-{status.value}")).startswith(citizen), status
        terms[status] = citizen
    assert len(set(terms.values())) == len(terms)  # and no two states share one


def test_the_chinese_terms_and_the_deadline_line() -> None:
    assert str(CATALOG.text("zh", "complaints-status-new")) == "待受理"
    assert str(CATALOG.text("zh", "complaints-status-acknowledged")) == "已受理"
    line = f"{CATALOG.text('zh', 'complaints-status-new')} · {CATALOG.text('zh', 'complaints-deadline-acknowledge', at='2026-12-02 10:00')}"
    assert line == "待受理 · 应于 2026-12-02 10:00 前受理"
