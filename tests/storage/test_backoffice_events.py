"""The back-office events store (stored once per key and event id, then marked applied) and the
repository methods the push pipeline and the events API read through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.models import Citizen, Complaint, ComplaintStatus, ComplaintTopic
from storage.repositories import ReceivedEvent, Repositories, event_key

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def received(key_id: str, event_id: str) -> ReceivedEvent:
    return ReceivedEvent(key_id=key_id, event={"event_id": event_id, "type": "license_mailed", "x": 1})


async def test_each_event_is_stored_once_per_key(repos: Repositories) -> None:
    store = repos.backoffice_events
    batch = [received("ems", "e1"), received("ems", "e2"), received("ems", "e1"), received("sf", "e1")]
    assert await store.store_new(batch, NOW) == [True, True, False, True]
    assert await store.store_new([received("ems", "e2"), received("ems", "e3")], NOW) == [False, True]
    assert await store.store_new([], NOW) == []
    assert await store.count() == 4
    stored = await store.by_id(event_key("ems", "e1"))
    assert stored is not None
    assert (stored.key_id, stored.event_id, stored.type, stored.event["x"]) == ("ems", "e1", "license_mailed", 1)
    assert stored.received_at == NOW and stored.applied_at is None


async def test_unapplied_events_are_the_interrupted_ones(repos: Repositories) -> None:
    store = repos.backoffice_events
    await store.store_new([received("ems", "a"), received("ems", "b"), received("ems", "c")], NOW)
    await store.mark_applied(event_key("ems", "a"), NOW, notified=1)
    await store.mark_applied(event_key("ems", "c"), NOW, notified=0, refused="not allowed")
    ids = [event_key("ems", e) for e in ("a", "b", "c", "zz")]
    assert await store.unapplied(ids) == {event_key("ems", "b")}
    assert await store.unapplied([]) == set()
    refused = await store.by_id(event_key("ems", "c"))
    assert refused is not None and (refused.notified, refused.refused) == (0, "not allowed")
    assert refused.applied_at == NOW


async def test_citizens_by_id_numbers(repos: Repositories) -> None:
    people = [
        Citizen(
            id_number=n,
            name="x",
            phone="13800000000",
            mailing_address="-",
            postal_code="100000",
            city="beijing",
            created_at=NOW,
        )
        for n in ("11010519491231002X", "110101199003070015")
    ]
    await repos.citizens.insert_many(people)
    found = await repos.citizens.by_id_numbers(["11010519491231002X", "110101199003070015", "unknown"])
    assert sorted(found) == ["110101199003070015", "11010519491231002X"]
    assert found["11010519491231002X"].id_number == "11010519491231002X"
    assert await repos.citizens.by_id_numbers([]) == {}


async def test_a_status_change_with_a_ref_is_recorded_once(repos: Repositories) -> None:
    complaint = Complaint(
        ticket_id="C261121-0001",
        citizen_id_number="11010519491231002X",
        topic=ComplaintTopic.CONGESTION,
        place_text="中山路",
        description="Jammed every weekday at 16:30.",
        status=ComplaintStatus.NEW,
        created_at=NOW,
        updated_at=NOW,
        acknowledge_by=NOW + timedelta(hours=24),
        answer_by=NOW + timedelta(days=7),
    )
    await repos.complaints.insert(complaint)
    changes = repos.complaints
    first = await changes.change_status("C261121-0001", ComplaintStatus.IN_PROGRESS, actor="bo", now=NOW, ref="ev-1")
    again = await changes.change_status("C261121-0001", ComplaintStatus.IN_PROGRESS, actor="bo", now=NOW, ref="ev-1")
    assert first is not None and first.history[-1].ref == "ev-1"
    assert again is None  # recorded already
    other = await changes.change_status("C261121-0001", ComplaintStatus.RESOLVED, actor="bo", now=NOW, ref="ev-2")
    assert other is not None and [e.ref for e in other.history] == ["ev-1", "ev-2"]
