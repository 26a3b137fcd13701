"""Dispatch through the actions, with an injected clock: a new complaint lands in its department
with the topic's deadlines, staff re-route it with a reason, the deadline nears (flagged) and
passes (escalated to the department's supervisor), and the late answer says it is late."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from actions import complaints, dispatch
from actions.complaints import ComplaintDraft
from actions.services import Services
from core.config import Settings
from core.language import Language
from push.render import render
from storage.models import Citizen, ComplaintStatus, ComplaintTopic, GeoPoint, Notification, NotificationType
from tests.conftest import FixedClock, clocked_services

START = datetime(2026, 11, 21, 1, 30, tzinfo=UTC)


@pytest.fixture
async def env(
    mongo_url: str, redis_url: str, make_settings: Callable[..., Settings]
) -> AsyncIterator[tuple[Services, FixedClock]]:
    async with clocked_services(mongo_url, redis_url, make_settings(), prefix="unit_dispatch", now=START) as pair:
        yield pair


def citizen() -> Citizen:
    return Citizen(
        id_number="11010519491231002X",
        name="张三",
        phone="13812345678",
        mailing_address="北京市",
        postal_code="100000",
        city="beijing",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


async def file(services: Services, topic: ComplaintTopic, place: str, location: GeoPoint | None = None) -> str:
    draft = ComplaintDraft(topic=topic, place_text=place, location=location, description="The signal is dark all week.")
    return (await complaints.submit(services, citizen(), draft, chat_id=7, language=Language.EN)).ticket_id


async def test_routing_by_topic_and_district_and_rerouting(env: tuple[Services, FixedClock]) -> None:
    services, _ = env
    jam = await file(services, ComplaintTopic.CONGESTION, "朝阳区建国路")
    near = await file(services, ComplaintTopic.CONGESTION, "the big crossing", GeoPoint(lat=39.959, lon=116.299))
    signal = await file(services, ComplaintTopic.ROAD_FACILITIES, "Haidian Huangzhuang")
    got = {}
    for t in (jam, near, signal):
        found = await services.repos.complaints.by_ticket(t)
        assert found is not None
        got[t] = (found.department, found.district)
    assert got[jam] == ("brigade-chaoyang", "chaoyang")
    assert got[near] == ("brigade-haidian", "haidian")
    assert got[signal][0] == "signals"
    # A supervisor's rule changes where the next one goes.
    await dispatch.set_rule(services, ComplaintTopic.ROAD_FACILITIES, "haidian", "roadworks", "sue")
    second = await services.repos.complaints.by_ticket(await file(services, ComplaintTopic.ROAD_FACILITIES, "海淀黄庄"))
    assert second is not None and second.department == "roadworks"
    # Re-routing needs a reason and an existing, different department; the history keeps it.
    with pytest.raises(dispatch.DispatchError) as no_reason:
        await dispatch.reroute(services, signal, "roadworks", "ann", "  ")
    assert no_reason.value.code == "empty_reason"
    with pytest.raises(dispatch.DispatchError) as unknown:
        await dispatch.reroute(services, signal, "nowhere", "ann", "wrong desk")
    assert unknown.value.code == "no_department"
    moved = await dispatch.reroute(services, signal, "roadworks", "ann", "It is a road-works sign")
    assert moved.department == "roadworks"
    last = moved.history[-1]
    assert (last.action, last.actor, last.department, last.text) == (
        "rerouted",
        "ann",
        "roadworks",
        "It is a road-works sign",
    )
    queue = await services.repos.dispatch.queue([ComplaintStatus.NEW], "roadworks")
    assert {c.ticket_id for c in queue} == {signal, second.ticket_id}


async def test_a_deadline_nears_then_passes_and_escalates(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    assert await dispatch.set_supervisor(services, "parking", "sue") is False  # not created yet
    ticket = await file(services, ComplaintTopic.ILLEGAL_PARKING, "东城区南池子大街")
    assert await dispatch.set_supervisor(services, "parking", "sue")
    stored = await services.repos.complaints.by_ticket(ticket)
    assert stored is not None and stored.department == "parking"
    assert stored.acknowledge_by == START + timedelta(hours=4) and stored.answer_by == START + timedelta(hours=24)

    quiet = await dispatch.check_deadlines(services, now=START + timedelta(hours=1))
    assert (quiet.warned, quiet.escalated) == ([], [])
    # Nearing: the last quarter of the 4 h allowed (shorter than COMPLAINT_DEADLINE_WARNING's 6 h).
    nearing = await dispatch.check_deadlines(services, now=START + timedelta(hours=3, minutes=1))
    assert nearing.warned == [ticket] and nearing.escalated == []
    again = await dispatch.check_deadlines(services, now=START + timedelta(hours=3, minutes=30))
    assert again.warned == []  # flagged once
    passed = await dispatch.check_deadlines(services, now=START + timedelta(hours=5))
    assert passed.escalated == [ticket]
    escalated = await services.repos.complaints.by_ticket(ticket)
    assert escalated is not None and escalated.escalated_to == "sue"
    assert escalated.escalated_at == START + timedelta(hours=5)
    assert [e.action for e in escalated.history][-2:] == ["deadline_near", "escalated"]
    assert (await dispatch.check_deadlines(services, now=START + timedelta(hours=9))).escalated == []  # once

    # Answered late: the citizen is told, and told it is late.
    clock.now = START + timedelta(hours=6)
    await complaints.change_status(services, ticket, ComplaintStatus.ACKNOWLEDGED, "ann", "We are on it.")
    docs = [
        Notification.from_doc(d)
        async for d in services.repos.notifications.collection.find(
            {"citizen_id_number": citizen().id_number, "type": NotificationType.COMPLAINT_UPDATED.value}
        )
    ]
    assert len(docs) == 1 and docs[0].payload.get("late") is True
    for lang, words in ((Language.EN, "later than we promised"), (Language.ZH, "晚于我们承诺")):
        text = render(docs[0], lang, services.catalog, today=clock.now.date()).text
        assert words in text and ticket in text


async def test_an_answer_on_time_is_not_called_late(env: tuple[Services, FixedClock]) -> None:
    services, clock = env
    ticket = await file(services, ComplaintTopic.OTHER, "somewhere")
    clock.now = START + timedelta(hours=2)
    await complaints.resolve(services, ticket, "ann", "Fixed.")
    docs = [d async for d in services.repos.notifications.collection.find({"citizen_id_number": citizen().id_number})]
    assert len(docs) == 1 and "late" not in docs[0]["payload"]
    assert (await dispatch.check_deadlines(services, now=START + timedelta(days=30))).escalated == []  # resolved
