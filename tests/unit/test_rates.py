"""The dashboard's rates (actions/rates.py) against a fixture computed by hand.

The fixture (shared with tests/staff/test_dashboard.py): eight reports filed in March 2020
(Beijing time), looked at on 2020-04-20; each has a response deadline 2 days and a resolution
deadline 15 days after filing.

| # | filed  | dept     | district | first response    | status       | rating | due | in time | c-or-d | resolved |
|---|--------|----------|----------|-------------------|--------------|--------|-----|---------|--------|----------|
| 1 | 03-02  | signals  | chaoyang | +1 d (ack)        | resolved     | 5      | 1   | 1       | 1      | 1        |
| 2 | 03-03  | signals  | chaoyang | +3 d (reply)      | closed (res.)| 2      | 1   | 0       | 1      | 1        |
| 3 | 03-04  | signals  | haidian  | none              | new          | -      | 1   | 0       | 1      | 0        |
| 4 | 03-10  | parking  | haidian  | +2 d exactly      | closed (no)  | 4      | 1   | 1       | 1      | 0        |
| 5 | 03-16  | parking  | chaoyang | +1 h (in progress)| resolved     | -      | 1   | 1       | 1      | 1        |
| 6 | 03-17  | (topic congestion) | - | +1 d            | in_progress  | -      | 1   | 1       | 1      | 0        |
| 7 | 03-30  | (topic congestion) | - | none            | new          | -      | 1   | 0       | 1      | 0        |
| 8 | 04-19  | signals  | chaoyang | none              | new          | -      | 0   | 0       | 0      | 0        |

(#7: due 04-01, past; its resolution deadline 04-14 is past too. #8 is in April and not yet due:
neither answered nor past a deadline.) #2 was resolved then closed; #4 was closed without being
resolved.

March, all:       response 4/7, resolution 3/7, satisfaction 2/3 (ratings 5, 2, 4).
March, signals:   response 1/3, resolution 2/3, satisfaction 1/2.
March, parking:   response 2/2, resolution 1/2, satisfaction 1/1.
March, congestion (no department: by topic): response 1/2, resolution 0/2, satisfaction none.
March, chaoyang:  response 2/3, resolution 3/3, satisfaction 1/2.
March, haidian:   response 1/2, resolution 0/2, satisfaction 1/1.
March, unknown district: response 1/2, resolution 0/2.
April, all:       1 report, nothing due: every rate None.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from actions import rates
from core.dates import LOCAL_TZ
from storage.models import Complaint, ComplaintEvent, ComplaintStatus, ComplaintTopic, Handoff, HandoffState

NOW = datetime(2020, 4, 20, 12, 0, tzinfo=LOCAL_TZ)
S = ComplaintStatus


def report(
    n: int,
    filed: datetime,
    *,
    department: str | None,
    district: str | None,
    topic: ComplaintTopic = ComplaintTopic.ROAD_FACILITIES,
    events: Sequence[tuple[timedelta, str, ComplaintStatus | None]] = (),
    status: ComplaintStatus = S.NEW,
    rating: int | None = None,
    place_text: str | None = None,
    cluster_id: str | None = None,
) -> Complaint:
    return Complaint(
        ticket_id=f"C200301-{n:04d}",
        citizen_id_number="110101199001011234",
        topic=topic,
        description="fixture",
        status=status,
        rating=rating,
        department=department,
        district=district,
        place_text=place_text,
        cluster_id=cluster_id,
        history=[ComplaintEvent(at=filed, actor="citizen", action="created")]
        + [ComplaintEvent(at=filed + after, actor="sue", action=action, status=st) for after, action, st in events],
        created_at=filed,
        updated_at=filed,
        acknowledge_by=filed + timedelta(days=2),
        answer_by=filed + timedelta(days=15),
    )


def day(month: int, d: int, hour: int = 10) -> datetime:
    return datetime(2020, month, d, hour, 0, tzinfo=LOCAL_TZ)


def fixture() -> list[Complaint]:
    ack, res, close, prog = S.ACKNOWLEDGED, S.RESOLVED, S.CLOSED, S.IN_PROGRESS
    return [
        report(
            1,
            day(3, 2),
            department="signals",
            district="chaoyang",
            events=[(timedelta(days=1), "status_changed", ack), (timedelta(days=5), "status_changed", res)],
            status=res,
            rating=5,
        ),
        report(
            2,
            day(3, 3),
            department="signals",
            district="chaoyang",
            events=[
                (timedelta(days=3), "reply", None),
                (timedelta(days=4), "status_changed", res),
                (timedelta(days=6), "status_changed", close),
            ],
            status=close,
            rating=2,
        ),
        report(3, day(3, 4), department="signals", district="haidian"),
        report(
            4,
            day(3, 10),
            department="parking",
            district="haidian",
            events=[(timedelta(days=2), "status_changed", ack), (timedelta(days=3), "status_changed", close)],
            status=close,
            rating=4,
        ),
        report(
            5,
            day(3, 16),
            department="parking",
            district="chaoyang",
            events=[(timedelta(hours=1), "status_changed", prog), (timedelta(days=2), "status_changed", res)],
            status=res,
        ),
        report(
            6,
            day(3, 17),
            department=None,
            district=None,
            topic=ComplaintTopic.CONGESTION,
            events=[(timedelta(days=1), "status_changed", prog)],
            status=prog,
        ),
        report(7, day(3, 30), department=None, district=None, topic=ComplaintTopic.CONGESTION),
        report(8, day(4, 19), department="signals", district="chaoyang"),
    ]


def rates_of(rows: list[rates.Row], period: str, kind: str, key: str) -> tuple[object, ...]:
    row = next(r for r in rows if (r.period, r.kind, r.key) == (period, kind, key))
    c = row.counts
    return (c.answered_in_time, c.due), (c.resolved, c.closed_or_due), (c.satisfied, c.rated)


def test_rates_by_department_or_topic_against_the_hand_computed_fixture() -> None:
    rows = rates.tabulate(fixture(), NOW, rates.Granularity.MONTH, rates.GroupBy.DEPARTMENT)
    assert rates_of(rows, "2020-03", "all", "") == ((4, 7), (3, 7), (2, 3))
    assert rates_of(rows, "2020-03", "department", "signals") == ((1, 3), (2, 3), (1, 2))
    assert rates_of(rows, "2020-03", "department", "parking") == ((2, 2), (1, 2), (1, 1))
    assert rates_of(rows, "2020-03", "topic", "congestion") == ((1, 2), (0, 2), (0, 0))
    total = next(r for r in rows if r.period == "2020-03" and r.kind == "all").counts
    assert total.reports == 7
    assert round(total.response_rate or 0, 4) == round(4 / 7, 4)
    assert round(total.resolution_rate or 0, 4) == round(3 / 7, 4)
    assert round(total.satisfaction_rate or 0, 4) == round(2 / 3, 4)
    april = next(r for r in rows if r.period == "2020-04" and r.kind == "all").counts
    assert april.reports == 1
    assert (april.response_rate, april.resolution_rate, april.satisfaction_rate) == (None, None, None)
    # Periods oldest first; in each, the total then the groups, most reports first.
    assert [(r.period, r.kind) for r in rows][:2] == [("2020-03", "all"), ("2020-03", "department")]


def test_rates_by_district_against_the_hand_computed_fixture() -> None:
    rows = rates.tabulate(fixture(), NOW, rates.Granularity.MONTH, rates.GroupBy.DISTRICT)
    assert rates_of(rows, "2020-03", "district", "chaoyang") == ((2, 3), (3, 3), (1, 2))
    assert rates_of(rows, "2020-03", "district", "haidian") == ((1, 2), (0, 2), (1, 1))
    assert rates_of(rows, "2020-03", "district", "") == ((1, 2), (0, 2), (0, 0))


def test_weeks_are_iso_weeks_in_local_time() -> None:
    rows = rates.tabulate(fixture(), NOW, rates.Granularity.WEEK, rates.GroupBy.DEPARTMENT)
    periods = [r.period for r in rows if r.kind == "all"]
    # 2020-03-02 is a Monday (W10); 03-30 is W14; 04-19 a Sunday (W16).
    assert periods == ["2020-W10", "2020-W11", "2020-W12", "2020-W14", "2020-W16"]
    assert rates_of(rows, "2020-W10", "all", "") == ((1, 3), (2, 3), (1, 2))
    # 23:30 on Sunday in Beijing is still that week, though it is Sunday 15:30 UTC.
    assert rates.period_key(datetime(2020, 3, 8, 23, 30, tzinfo=LOCAL_TZ), rates.Granularity.WEEK) == "2020-W10"
    # 16:30 UTC on 31 March is 00:30 on 1 April in Beijing: April's.
    assert rates.period_key(datetime(2020, 3, 31, 16, 30, tzinfo=UTC), rates.Granularity.MONTH) == "2020-04"


def test_district_from_the_place_when_dispatch_set_none() -> None:
    named = report(9, day(3, 5), department=None, district=None, place_text="朝阳区建国路88号")
    english = report(10, day(3, 5), department=None, district=None, place_text="Haidian, Zhongguancun St")
    nowhere = report(11, day(3, 5), department=None, district=None, place_text="somewhere")
    assert rates.district_key(named) == "chaoyang"
    assert rates.district_key(english) == "haidian"
    assert rates.district_key(nowhere) == ""


def test_csv_has_the_header_and_the_hand_computed_figures() -> None:
    rows = rates.tabulate(fixture(), NOW, rates.Granularity.MONTH, rates.GroupBy.DEPARTMENT)
    text = rates.to_csv(rows, {("all", ""): "All reports", ("department", "signals"): "Signals"})
    lines = text.split("\r\n")
    assert lines[0].split(",") == list(rates.CSV_COLUMNS)
    assert "2020-03,all,All reports,7,7,4,57.1,7,3,42.9,3,2,66.7" in lines
    assert "2020-03,department,Signals,3,3,1,33.3,3,2,66.7,2,1,50.0" in lines
    assert "2020-03,topic,congestion,2,2,1,50.0,2,0,0.0,0,0," in lines
    assert "2020-04,all,All reports,1,0,0,,0,0,,0,0," in lines


def test_desk_figures_first_response_and_csat() -> None:
    def handoff(minute: int, first: int | None, rating: int | None) -> Handoff:
        start = day(3, 2) + timedelta(minutes=minute)
        return Handoff(
            chat_id=minute,
            state=HandoffState.CLOSED,
            created_at=start,
            waiting_since=start,
            first_response_at=start + timedelta(seconds=first) if first is not None else None,
            rating=rating,
        )

    figures = rates.desk_figures(
        [handoff(0, 30, 5), handoff(1, 90, 4), handoff(2, 60, 1), handoff(3, None, None), handoff(4, 300, None)],
        rates.Granularity.MONTH,
    )
    assert len(figures) == 1
    march = figures[0]
    assert march.conversations == 4
    assert march.median_first_response == 75  # 30, 60, 90, 300
    assert march.p90_first_response == 300
    assert (march.satisfied, march.rated) == (2, 3)


def test_task_of_the_month_candidates_with_their_trend() -> None:
    def clustered(n: int, filed: datetime, cluster: str) -> Complaint:
        return report(n, filed, department=None, district=None, cluster_id=cluster, place_text="Ring road exit 3")

    complaints = [
        clustered(1, day(2, 10), "A"),
        clustered(2, day(3, 1), "A"),
        clustered(3, day(3, 2), "A"),
        clustered(4, day(2, 3), "B"),
        clustered(5, day(2, 4), "B"),
        clustered(6, day(2, 5), "B"),
        clustered(7, day(3, 20), "B"),
        clustered(8, day(3, 21), "B"),
        clustered(9, day(3, 22), "C"),  # one report this month: not a candidate
        clustered(10, day(3, 5), "D"),
        clustered(11, day(3, 6), "D"),
        clustered(12, day(3, 7), "D"),
    ]
    found = rates.candidates_from(complaints, date(2020, 3, 1))
    assert [(c.cluster_id, c.size, c.previous, c.trend) for c in found] == [
        ("D", 3, 0, 3),
        ("A", 2, 1, 1),
        ("B", 2, 3, -1),
    ]
