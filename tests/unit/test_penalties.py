"""The late-payment surcharge (Administrative Penalty Law art. 67 and 72), amounts in integer fen,
the signed gateway notifications, and the payment catalogs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.payments.gateway import SignatureError, sign, signed_headers, verify
from actions.payments.orders import Outcome, Refusal
from actions.payments.receipt import outcome_text, receipt
from actions.penalties import (
    PAYMENT_PERIOD_DAYS,
    amount_due,
    days_late,
    format_fen,
    late_surcharge_fen,
)
from core.i18n import default_catalog
from core.language import Language
from storage.models import (
    Bilingual,
    PaymentLine,
    PaymentOrder,
    PaymentOrderStatus,
    PaymentProviderKind,
    Violation,
    ViolationSource,
    ViolationStatus,
)

DECIDED = date(2026, 3, 1)
fines = st.integers(min_value=0, max_value=2_000_000)  # up to ¥20,000 in fen
days = st.integers(min_value=0, max_value=3650)


# --- the rule ---------------------------------------------------------------------------------------------


def test_the_first_fifteen_days_are_free_and_the_sixteenth_costs_three_percent() -> None:
    assert days_late(DECIDED, DECIDED + timedelta(days=15)) == 0
    assert days_late(DECIDED, DECIDED + timedelta(days=16)) == 1
    assert late_surcharge_fen(20_000, 1) == 600  # ¥200: ¥6 a day
    assert amount_due(20_000, DECIDED, DECIDED + timedelta(days=16)).surcharge_fen == 600
    assert amount_due(20_000, DECIDED, DECIDED + timedelta(days=15)).surcharge_fen == 0


def test_the_surcharge_never_exceeds_the_fine() -> None:
    assert late_surcharge_fen(20_000, 33) == 19_800  # 99 %
    assert late_surcharge_fen(20_000, 34) == 20_000  # 102 %, capped
    assert late_surcharge_fen(20_000, 1000) == 20_000


def test_an_undecided_violation_and_an_appeal_pause() -> None:
    assert amount_due(10_000, None, DECIDED + timedelta(days=400)).surcharge_fen == 0
    # 20 days after the decision, 10 of them under appeal: 10 days elapsed, still within the period.
    assert days_late(DECIDED, DECIDED + timedelta(days=20), paused_days=10) == 0
    assert days_late(DECIDED, DECIDED + timedelta(days=30), paused_days=10) == 5


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        late_surcharge_fen(-1, 3)
    with pytest.raises(ValueError):
        days_late(DECIDED, DECIDED, paused_days=-1)
    with pytest.raises(ValueError):
        format_fen(-5)


@given(fine=fines, late=days)
def test_surcharge_is_three_percent_a_day_capped_at_the_fine(fine: int, late: int) -> None:
    surcharge = late_surcharge_fen(fine, late)
    assert isinstance(surcharge, int) and 0 <= surcharge <= fine
    assert surcharge == min(fine, fine * 3 * late // 100)
    # Never more than the exact 3 % a day, and less than one fen below it (rounded down).
    exact = fine * 3 * late / 100
    assert surcharge <= exact and (surcharge == fine or exact - surcharge < 1)


@given(fine=fines, a=days, b=days)
def test_surcharge_grows_with_the_days(fine: int, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert late_surcharge_fen(fine, low) <= late_surcharge_fen(fine, high)


@given(fine=fines, elapsed=days, paused=st.integers(min_value=0, max_value=400))
def test_days_late_counts_from_the_sixteenth_day_without_the_paused_ones(fine: int, elapsed: int, paused: int) -> None:
    today = DECIDED + timedelta(days=elapsed)
    late = days_late(DECIDED, today, paused)
    assert late == max(0, elapsed - paused - PAYMENT_PERIOD_DAYS)
    due = amount_due(fine, DECIDED, today, paused)
    assert due.total_fen == fine + due.surcharge_fen and due.days_late == late
    assert due.surcharge_fen <= amount_due(fine, DECIDED, today).surcharge_fen  # a pause never costs more


@given(amount=st.integers(min_value=0, max_value=10**12))
def test_fen_are_shown_as_yuan_with_two_decimals_exactly(amount: int) -> None:
    shown = format_fen(amount)
    yuan, fen = shown.replace(",", "").split(".")
    assert int(yuan) * 100 + int(fen) == amount and len(fen) == 2


def test_the_violation_knows_its_decision_day() -> None:
    base = Violation(
        plate="京A12345",
        occurred_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
        place=Bilingual(en="x", zh="x"),
        code="1625",
        behaviour=Bilingual(en="x", zh="x"),
        fine_yuan=200,
        points=6,
        source=ViolationSource.CAMERA,
        recorded_by="CAM-1",
    )
    assert base.fine_fen == 20_000 and base.decision_day() is None  # a camera's: decided when handled
    officer = base.model_copy(update={"source": ViolationSource.OFFICER})
    assert officer.decision_day() == date(2026, 3, 1)  # a ticket: decided on the spot
    handled = base.model_copy(
        update={"status": ViolationStatus.PROCESSED, "processed_at": datetime(2026, 3, 5, 2, tzinfo=UTC)}
    )
    assert handled.decision_day() == date(2026, 3, 5)


# --- the gateway's signatures -----------------------------------------------------------------------------


@given(body=st.binary(max_size=300))
def test_a_signed_request_verifies_and_any_change_does_not(body: bytes) -> None:
    headers = signed_headers("bureau", "key", body)
    assert verify(headers, body, key="key", window=300).nonce == headers["X-Nonce"]
    with pytest.raises(SignatureError):
        verify(headers, body + b"x", key="key", window=300)
    with pytest.raises(SignatureError):
        verify(headers, body, key="other", window=300)
    with pytest.raises(SignatureError):
        verify({**headers, "X-Nonce": headers["X-Nonce"] + "0"}, body, key="key", window=300)


def test_a_stale_timestamp_is_refused() -> None:
    stale = signed_headers("bureau", "key", b"{}", timestamp=1_000_000)
    with pytest.raises(SignatureError):
        verify(stale, b"{}", key="key", window=300)
    assert verify(stale, b"{}", key="key", window=300, now=1_000_100).timestamp == 1_000_000
    assert sign("k", "1", "n", b"a") != sign("k", "1", "n", b"b")


# --- the words --------------------------------------------------------------------------------------------


def _order(**changes: object) -> PaymentOrder:
    now = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    order = PaymentOrder(
        id="P261201-ABCDEF0123",
        citizen_id_number="110102198708182939",
        provider=PaymentProviderKind.GATEWAY,
        lines=[
            PaymentLine(
                violation_id="v1",
                plate="京A12345",
                behaviour=Bilingual(en="Speeding", zh="超速"),
                fine_fen=20_000,
                surcharge_fen=4_500,
                days_late=15,
            ),
            PaymentLine(
                violation_id="v2",
                plate="京A12345",
                behaviour=Bilingual(en="Parking", zh="违停"),
                fine_fen=5_000,
                surcharge_fen=0,
            ),
        ],
        total_fen=29_500,
        status=PaymentOrderStatus.PAID,
        created_at=now,
        updated_at=now,
        expires_at=now,
        paid_at=now,
        paid_fen=29_500,
        charge_id="T123",
    )
    return order.model_copy(update=changes)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_refusal_and_outcome_has_words_in_both_languages(lang: str) -> None:
    catalog = default_catalog()
    t = catalog.translator(Language(lang))
    for refusal in Refusal:
        assert catalog.has(lang, f"payments-refused-{refusal.value}"), refusal
    for outcome in Outcome:
        text = outcome_text(t, _order(), outcome, lang, points=3)
        assert "P261201-ABCDEF0123" in text or "T123" in text
    shown = receipt(t, _order(), lang, points=3)
    assert "295.00" in shown and "45.00" in shown and "T123" in shown and "16:30" in shown  # local time
    assert "110102198708182939" not in shown


# --- the demo data ----------------------------------------------------------------------------------------


def test_the_demo_payers_have_each_situation_and_the_readme_names_them() -> None:
    from pathlib import Path

    from actions.payments.orders import due_today
    from storage.seed import build_demo_data, payment_demo_people

    today = date(2026, 12, 1)
    data = build_demo_data(today)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    people = payment_demo_people()
    for name, id_number in people.values():
        assert f"| {name} | `{id_number}` |" in readme
    several = [v for v in data.violations if v.id.startswith("demo-v-pay-several-")]
    by_status = {s: [v for v in several if v.status == s] for s in ViolationStatus}
    dues = [due_today(v, today) for v in several if v.status != ViolationStatus.PAID]
    assert by_status[ViolationStatus.UNPROCESSED] and by_status[ViolationStatus.PROCESSED]
    assert by_status[ViolationStatus.PAID] and by_status[ViolationStatus.PAID][0].history[-1].charge_id
    assert any(d.surcharge_fen == 0 for d in dues) and any(d.surcharge_fen > 0 for d in dues)
    officer = next(v for v in several if v.source == ViolationSource.OFFICER)
    assert officer.status == ViolationStatus.UNPROCESSED and officer.decision_day() is not None
    assert due_today(officer, today).surcharge_fen == 11_250  # ¥150, 25 days late: 75 %
    near = {lic.id_number: lic for lic in data.licenses}[people["near_limit"][1]]
    assert near.points == 9
