"""Repositories against a real SecantusDB: indexes, binding, tickets, paging, clusters, outbox."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from pymongo.errors import DuplicateKeyError

from core.geo import normalize_place
from core.identifiers import normalize_ticket_id
from core.language import Language
from storage.models import (
    Bilingual,
    Citizen,
    Complaint,
    ComplaintStatus,
    ComplaintTopic,
    GeoPoint,
    HandoffState,
    Notification,
    NotificationState,
    NotificationType,
    TurnRole,
    Violation,
    ViolationSource,
    ViolationStatus,
)
from storage.repositories import Repositories

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 21)


def citizen(id_number: str, name: str = "张三") -> Citizen:
    return Citizen(
        id_number=id_number,
        name=name,
        phone="13800138000",
        mailing_address="北京市人民路1号",
        postal_code="100001",
        city="beijing",
        created_at=NOW,
    )


async def test_indexes_created_idempotently(repos: Repositories) -> None:
    await repos.ensure_indexes()
    await repos.ensure_indexes()
    for repo in repos.all():
        info = await repo.collection.index_information()
        for index in repo.INDEXES:
            assert index.document["name"] in info, (repo.COLLECTION, index.document["name"])
    info = await repos.citizens.collection.index_information()
    assert info["telegram_user_unique"]["unique"] is True


async def test_binding_is_one_to_one(repos: Repositories) -> None:
    await repos.citizens.insert_many([citizen("11010519491231002X"), citizen("110105198708182939", "李四")])
    first = await repos.citizens.bind("11010519491231002X", user_id=1, chat_id=1, language=Language.EN, now=NOW)
    assert first.previous_binding is None and first.previous_id_number is None
    assert (await repos.citizens.by_telegram_user(1)).id_number == "11010519491231002X"  # type: ignore[union-attr]

    # Another account binds the same identity: the old account is released and reported.
    second = await repos.citizens.bind("11010519491231002X", user_id=2, chat_id=2, language=Language.ZH, now=NOW)
    assert second.previous_binding is not None and second.previous_binding.user_id == 1
    assert await repos.citizens.by_telegram_user(1) is None

    # The same account moves to another identity: the first identity is released.
    third = await repos.citizens.bind("110105198708182939", user_id=2, chat_id=2, language=Language.ZH, now=NOW)
    assert third.previous_id_number == "11010519491231002X"
    assert (await repos.citizens.by_id_number("11010519491231002X")).telegram is None  # type: ignore[union-attr]

    # The unique index itself refuses a second identity for one Telegram account.
    with pytest.raises(DuplicateKeyError):
        await repos.citizens.collection.update_one(
            {"_id": "11010519491231002X"}, {"$set": {"telegram": {"user_id": 2, "chat_id": 2}}}
        )

    unbound = await repos.citizens.unbind(2)
    assert unbound is not None and unbound.id_number == "110105198708182939"
    assert await repos.citizens.by_telegram_user(2) is None
    assert await repos.citizens.unbind(2) is None
    with pytest.raises(KeyError):
        await repos.citizens.bind("440104197410287054", user_id=3, chat_id=3, language=Language.ZH, now=NOW)


async def test_ticket_allocation_unique_under_concurrency(repos: Repositories) -> None:
    tickets = await asyncio.gather(*(repos.complaints.allocate_ticket_id(DAY) for _ in range(50)))
    assert len(set(tickets)) == 50
    assert sorted(tickets) == [f"C261121-{n:04d}" for n in range(1, 51)]
    assert all(normalize_ticket_id(t) == t for t in tickets)
    assert await repos.complaints.allocate_ticket_id(DAY + timedelta(days=1)) == "C261122-0001"


async def test_violation_paging_and_totals(repos: Repositories) -> None:
    violations = [
        Violation(
            _id=f"v{n:02d}",
            plate="京A12345" if n < 12 else "京AD12345",
            occurred_at=NOW - timedelta(days=n),
            place=Bilingual(en="Renmin Road", zh="人民路"),
            code="1039",
            behaviour=Bilingual(en="Parking", zh="违停"),
            fine_yuan=100,
            points=n % 3,
            status=(ViolationStatus.PAID, ViolationStatus.UNPROCESSED, ViolationStatus.PROCESSED)[n % 3],
            source=ViolationSource.CAMERA,
            recorded_by="CAM-1",
        )
        for n in range(15)
    ]
    await repos.violations.insert_many(violations)
    plates = ["京A12345", "京AD12345"]
    pages = [await repos.violations.page_by_plates(plates, page=p, page_size=4) for p in range(4)]
    assert [len(p.items) for p in pages] == [4, 4, 4, 3]
    seen = [v.id for p in pages for v in p.items]
    assert seen == [f"v{n:02d}" for n in range(15)]  # newest first, no overlap
    first = pages[0]
    assert (first.total, first.pages, first.has_next, pages[3].has_next) == (15, 4, True, False)
    assert first.unprocessed == 5
    assert first.fine_due_yuan == 1000  # 10 not paid
    assert first.points_pending == 5  # unprocessed have n % 3 == 1
    only = await repos.violations.page_by_plates(["京A12345"], statuses=[ViolationStatus.UNPROCESSED])
    assert only.total == 4 and all(v.status == ViolationStatus.UNPROCESSED for v in only.items)
    empty = await repos.violations.page_by_plates(["沪B00000"])
    assert (empty.total, empty.items, empty.fine_due_yuan) == (0, [], 0)
    assert await repos.violations.count_open_by_plate(["京A12345", "沪B00000"]) == {"京A12345": 8, "沪B00000": 0}


def complaint(
    ticket: str, *, topic: ComplaintTopic, place: str | None, location: GeoPoint | None, days_ago: int
) -> Complaint:
    created = NOW - timedelta(days=days_ago)
    return Complaint(
        ticket_id=ticket,
        citizen_id_number="11010519491231002X",
        topic=topic,
        place_text=place,
        place_key=normalize_place(place) if place else None,
        location=location,
        description="车辆违停占用自行车道",
        created_at=created,
        updated_at=created,
        acknowledge_by=created + timedelta(hours=24),
        answer_by=created + timedelta(days=7),
    )


async def test_cluster_query(repos: Repositories) -> None:
    here = GeoPoint(lat=39.9087, lon=116.3975)
    near = GeoPoint(lat=39.9087 + 0.003, lon=116.3975)  # ~330 m north
    far = GeoPoint(lat=39.9087 - 0.003, lon=116.3975)  # ~330 m south: ~670 m from "near"
    items = [
        complaint("C261101-0001", topic=ComplaintTopic.ILLEGAL_PARKING, place=None, location=here, days_ago=20),
        complaint("C261102-0001", topic=ComplaintTopic.ILLEGAL_PARKING, place=None, location=far, days_ago=19),
        complaint("C261103-0001", topic=ComplaintTopic.CONGESTION, place=None, location=here, days_ago=18),
        complaint("C261001-0001", topic=ComplaintTopic.ILLEGAL_PARKING, place=None, location=here, days_ago=51),
        complaint("C261104-0001", topic=ComplaintTopic.ILLEGAL_PARKING, place="南池子 路口", location=None, days_ago=3),
    ]
    await repos.complaints.insert_many(items)

    newest = complaint(
        "C261120-0001", topic=ComplaintTopic.ILLEGAL_PARKING, place="南池子路口!", location=near, days_ago=1
    )
    await repos.complaints.insert(newest)
    similar = await repos.complaints.similar(newest)
    # Near by location (within 500 m, 19 days apart) and same place text; not the far one, not
    # another topic, not the one 50 days earlier.
    assert [c.ticket_id for c in similar] == ["C261101-0001", "C261104-0001"]
    cluster_id = await repos.complaints.assign_cluster(newest)
    assert cluster_id == "C261101-0001"
    members = await repos.complaints.cluster_members(cluster_id)
    assert {m.ticket_id for m in members} == {"C261101-0001", "C261104-0001", "C261120-0001"}
    summaries = await repos.complaints.clusters(since=NOW - timedelta(days=30))
    assert [(s.cluster_id, s.size, s.topic) for s in summaries] == [("C261101-0001", 3, ComplaintTopic.ILLEGAL_PARKING)]


async def test_complaint_ownership_status_and_rating(repos: Repositories) -> None:
    c = complaint("C261121-0001", topic=ComplaintTopic.OTHER, place="x", location=None, days_ago=0)
    await repos.complaints.insert(c)
    assert c.citizen_id_number is not None
    assert await repos.complaints.by_ticket_for_citizen("C261121-0001", "110105198708182939") is None
    assert await repos.complaints.by_ticket_for_citizen("C261121-0001", c.citizen_id_number) is not None
    assert await repos.complaints.rate("C261121-0001", c.citizen_id_number, 5, None, NOW) is None  # not resolved
    resolved = await repos.complaints.change_status(
        "C261121-0001", ComplaintStatus.RESOLVED, actor="agent1", now=NOW, expected=[ComplaintStatus.NEW]
    )
    assert resolved is not None and resolved.history[-1].actor == "agent1"
    assert (
        await repos.complaints.change_status(
            "C261121-0001", ComplaintStatus.IN_PROGRESS, actor="a", now=NOW, expected=[ComplaintStatus.NEW]
        )
        is None
    )
    rated = await repos.complaints.rate("C261121-0001", c.citizen_id_number, 4, "谢谢", NOW)
    assert rated is not None and rated.rating == 4
    assert await repos.complaints.rate("C261121-0001", c.citizen_id_number, 1, None, NOW) is None  # once


async def test_outbox_transitions_are_atomic(repos: Repositories) -> None:
    n = Notification(
        type=NotificationType.LICENSE_MAILED,
        citizen_id_number="11010519491231002X",
        dedupe_key="evt-1",
        created_at=NOW,
        updated_at=NOW,
    )
    stored, created = await repos.notifications.create(n)
    assert created
    again, created_again = await repos.notifications.create(
        Notification(
            type=NotificationType.LICENSE_MAILED,
            citizen_id_number="11010519491231002X",
            dedupe_key="evt-1",
            created_at=NOW,
            updated_at=NOW,
        )
    )
    assert not created_again and again.id == stored.id
    assert [x.id for x in await repos.notifications.due(NOW)] == [n.id]
    assert await repos.notifications.mark_queued(n.id, NOW) is not None
    results = await asyncio.gather(*(repos.notifications.start_sending(n.id, 42, NOW) for _ in range(10)))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1 and winners[0].attempts == 1 and winners[0].state == NotificationState.SENDING
    failed = await repos.notifications.mark_failed(n.id, "500", NOW + timedelta(seconds=5), NOW)
    assert failed is not None and failed.state == NotificationState.FAILED
    assert await repos.notifications.due(NOW) == []
    assert [x.id for x in await repos.notifications.due(NOW + timedelta(seconds=6))] == [n.id]
    await repos.notifications.mark_queued(n.id, NOW)
    await repos.notifications.start_sending(n.id, 42, NOW)
    sent = await repos.notifications.mark_sent(n.id, 777, NOW)
    assert sent is not None and sent.telegram_message_id == 777 and sent.attempts == 2
    assert await repos.notifications.mark_sent(n.id, 778, NOW) is None
    counts = await repos.notifications.counts_by_state()
    assert counts[NotificationState.SENT] == 1 and counts[NotificationState.DEAD] == 0


async def test_conversation_turns_and_handoff_claim(repos: Repositories) -> None:
    for i in range(30):
        await repos.conversations.append_turn(
            chat_id=7,
            role=TurnRole.CITIZEN if i % 2 == 0 else TurnRole.BOT,
            at=NOW + timedelta(seconds=i),
            text=f"m{i}",
        )
    recent = await repos.conversations.recent_turns(7, limit=5)
    assert [t.text for t in recent] == ["m25", "m26", "m27", "m28", "m29"]
    assert await repos.conversations.collection.count_documents({"chat_id": 7}) == 30  # one document per turn

    handoff, created = await repos.handoffs.open(chat_id=7, actor="citizen", now=NOW)
    same, created_again = await repos.handoffs.open(chat_id=7, actor="citizen", now=NOW)
    assert created and not created_again and same.id == handoff.id
    claims = await asyncio.gather(
        repos.handoffs.claim(handoff.id, "alice", NOW), repos.handoffs.claim(handoff.id, "bob", NOW)
    )
    assert sum(c is not None for c in claims) == 1
    closed = await repos.handoffs.close(handoff.id, actor="alice", now=NOW, resolution_code="answered")
    assert closed is not None and closed.state == HandoffState.CLOSED
    assert [(t.from_state, t.to_state) for t in closed.transitions] == [
        (HandoffState.BOT, HandoffState.WAITING),
        (HandoffState.WAITING, HandoffState.WITH_AGENT),
        (HandoffState.WITH_AGENT, HandoffState.CLOSED),
    ]
    assert await repos.handoffs.active_for_chat(7) is None
    _, reopened = await repos.handoffs.open(chat_id=7, actor="citizen", now=NOW)
    assert reopened
