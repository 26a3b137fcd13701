"""The late-payment surcharge on a traffic fine (加处罚款), in integer fen.

Source: Administrative Penalty Law of the People's Republic of China (《中华人民共和国行政处罚法》,
revised 2021-01-22), article 67: a party pays the fine within 15 days of receiving the penalty
decision; article 72 (1): a party who does not pay when due is charged an additional 3 % of the
fine for each day ("每日按罚款数额的百分之三加处罚款"), and the additional amount never exceeds
the fine itself ("加处罚款的数额不得超出罚款的数额").

So, counting the decision's day as day 0: days 1-15 are free, the surcharge runs from the 16th
day on, 3 % of the fine per day, capped at the fine (reached on day 49: 34 days x 3 % = 102 %).
Days during which an appeal was open do not count (the clock stands still while the decision is
disputed: ``paused_days``). Amounts are whole fen, rounded down (never in the bureau's favour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PAYMENT_PERIOD_DAYS = 15  # art. 67: pay within 15 days of the decision
SURCHARGE_PERCENT_PER_DAY = 3  # art. 72 (1): 3 % of the fine per day late


def days_late(decided_on: date, today: date, paused_days: int = 0) -> int:
    """Days past the 15-day payment period on ``today`` (0 while within it), not counting the
    ``paused_days`` an appeal kept the clock still."""
    if paused_days < 0:
        raise ValueError("paused_days must be >= 0")
    elapsed = (today - decided_on).days - paused_days
    return max(0, elapsed - PAYMENT_PERIOD_DAYS)


def late_surcharge_fen(fine_fen: int, days: int) -> int:
    """The surcharge for ``days`` days late on a fine of ``fine_fen``: 3 % a day, at most the fine."""
    if fine_fen < 0 or days < 0:
        raise ValueError("fine and days must be >= 0")
    return min(fine_fen, fine_fen * SURCHARGE_PERCENT_PER_DAY * days // 100)


@dataclass(frozen=True)
class Due:
    """What a violation costs on a day: the fine, the surcharge and the days late."""

    fine_fen: int
    surcharge_fen: int
    days_late: int

    @property
    def total_fen(self) -> int:
        return self.fine_fen + self.surcharge_fen


def amount_due(fine_fen: int, decided_on: date | None, today: date, paused_days: int = 0) -> Due:
    """The amount due on ``today`` for a fine decided on ``decided_on`` (None: not decided yet,
    it is decided today when the citizen accepts it: no surcharge)."""
    late = days_late(decided_on, today, paused_days) if decided_on is not None else 0
    return Due(fine_fen=fine_fen, surcharge_fen=late_surcharge_fen(fine_fen, late), days_late=late)


def format_fen(amount_fen: int) -> str:
    """``12345`` -> ``"123.45"`` (yuan with two decimals, from integer fen; no float involved)."""
    if amount_fen < 0:
        raise ValueError("amount must be >= 0")
    yuan, fen = divmod(amount_fen, 100)
    return f"{yuan:,}.{fen:02d}"
