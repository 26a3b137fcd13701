"""One repository per aggregate, gathered in ``Repositories``.

repos = Repositories.from_db(db)
await repos.ensure_indexes()
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, fields

from pymongo.asynchronous.database import AsyncDatabase

from .announcements import AnnouncementRepository
from .appeals import AppealRepository
from .applications import ApplicationRepository
from .backoffice_events import BackofficeEventRepository, ReceivedEvent, StoredEvent, event_key
from .base import MongoDoc, Repository
from .canned import CannedReplyRepository, CannedShortcutTaken
from .citizens import BindingConflict, BindResult, CitizenRepository
from .complaints import ClusterSummary, ComplaintRepository
from .conversations import ConversationRepository
from .deliveries import DeliveryRepository
from .departments import ComplaintDispatchRepository, DepartmentRepository, RoutingRuleRepository
from .elicense import ELicenseRepository
from .handoffs import HandoffRepository
from .licenses import LicenseRepository
from .move_requests import MoveRequesterRepository, MoveRequestRepository
from .notifications import NotificationRepository
from .payments import PaymentOrderRepository
from .photos import PhotoRepository
from .public import PublicRequestRepository
from .rates import RatesRepository
from .staff import StaffExists, StaffRepository
from .vehicles import VehicleRepository
from .violations import ViolationPage, ViolationRepository

__all__ = [
    "AnnouncementRepository",
    "AppealRepository",
    "ApplicationRepository",
    "BackofficeEventRepository",
    "BindResult",
    "BindingConflict",
    "CannedReplyRepository",
    "CannedShortcutTaken",
    "CitizenRepository",
    "ClusterSummary",
    "ComplaintDispatchRepository",
    "ComplaintRepository",
    "ConversationRepository",
    "DeliveryRepository",
    "DepartmentRepository",
    "ELicenseRepository",
    "HandoffRepository",
    "LicenseRepository",
    "MoveRequestRepository",
    "MoveRequesterRepository",
    "NotificationRepository",
    "PaymentOrderRepository",
    "PhotoRepository",
    "PublicRequestRepository",
    "RatesRepository",
    "ReceivedEvent",
    "Repositories",
    "Repository",
    "RoutingRuleRepository",
    "StaffExists",
    "StaffRepository",
    "StoredEvent",
    "VehicleRepository",
    "ViolationPage",
    "ViolationRepository",
    "event_key",
]


@dataclass(frozen=True)
class Repositories:
    db: AsyncDatabase[MongoDoc]
    citizens: CitizenRepository
    licenses: LicenseRepository
    vehicles: VehicleRepository
    violations: ViolationRepository
    complaints: ComplaintRepository
    deliveries: DeliveryRepository
    notifications: NotificationRepository
    conversations: ConversationRepository
    handoffs: HandoffRepository
    elicense: ELicenseRepository
    staff: StaffRepository
    applications: ApplicationRepository
    backoffice_events: BackofficeEventRepository
    photos: PhotoRepository
    canned: CannedReplyRepository
    appeals: AppealRepository
    payment_orders: PaymentOrderRepository
    departments: DepartmentRepository
    routing_rules: RoutingRuleRepository
    dispatch: ComplaintDispatchRepository
    rates: RatesRepository
    public: PublicRequestRepository
    announcements: AnnouncementRepository
    move_requests: MoveRequestRepository
    move_requesters: MoveRequesterRepository

    @classmethod
    def from_db(cls, db: AsyncDatabase[MongoDoc]) -> Repositories:
        return cls(
            db=db,
            citizens=CitizenRepository(db),
            licenses=LicenseRepository(db),
            vehicles=VehicleRepository(db),
            violations=ViolationRepository(db),
            complaints=ComplaintRepository(db),
            deliveries=DeliveryRepository(db),
            notifications=NotificationRepository(db),
            conversations=ConversationRepository(db),
            handoffs=HandoffRepository(db),
            elicense=ELicenseRepository(db),
            staff=StaffRepository(db),
            applications=ApplicationRepository(db),
            backoffice_events=BackofficeEventRepository(db),
            photos=PhotoRepository(db),
            canned=CannedReplyRepository(db),
            appeals=AppealRepository(db),
            payment_orders=PaymentOrderRepository(db),
            departments=DepartmentRepository(db),
            routing_rules=RoutingRuleRepository(db),
            dispatch=ComplaintDispatchRepository(db),
            rates=RatesRepository(db),
            public=PublicRequestRepository(db),
            announcements=AnnouncementRepository(db),
            move_requests=MoveRequestRepository(db),
            move_requesters=MoveRequesterRepository(db),
        )

    def all(self) -> list[Repository]:
        return [value for f in fields(self) if isinstance(value := getattr(self, f.name), Repository)]

    async def ensure_indexes(self) -> None:
        """Create every repository's indexes (idempotent; safe at every start)."""
        await asyncio.gather(*(repo.ensure_indexes() for repo in self.all()))
