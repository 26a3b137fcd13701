"""One repository per aggregate, gathered in ``Repositories``.

repos = Repositories.from_db(db)
await repos.ensure_indexes()
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, fields

from pymongo.asynchronous.database import AsyncDatabase

from .applications import ApplicationRepository
from .backoffice_events import BackofficeEventRepository, ReceivedEvent, StoredEvent, event_key
from .base import MongoDoc, Repository
from .canned import CannedReplyRepository, CannedShortcutTaken
from .citizens import BindingConflict, BindResult, CitizenRepository
from .complaints import ClusterSummary, ComplaintRepository
from .conversations import ConversationRepository
from .deliveries import DeliveryRepository
from .elicense import ELicenseRepository
from .handoffs import HandoffRepository
from .licenses import LicenseRepository
from .notifications import NotificationRepository
from .photos import PhotoRepository
from .staff import StaffExists, StaffRepository
from .vehicles import VehicleRepository
from .violations import ViolationPage, ViolationRepository

__all__ = [
    "ApplicationRepository",
    "BackofficeEventRepository",
    "BindResult",
    "BindingConflict",
    "CannedReplyRepository",
    "CannedShortcutTaken",
    "CitizenRepository",
    "ClusterSummary",
    "ComplaintRepository",
    "ConversationRepository",
    "DeliveryRepository",
    "ELicenseRepository",
    "HandoffRepository",
    "LicenseRepository",
    "NotificationRepository",
    "PhotoRepository",
    "ReceivedEvent",
    "Repositories",
    "Repository",
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
        )

    def all(self) -> list[Repository]:
        return [value for f in fields(self) if isinstance(value := getattr(self, f.name), Repository)]

    async def ensure_indexes(self) -> None:
        """Create every repository's indexes (idempotent; safe at every start)."""
        await asyncio.gather(*(repo.ensure_indexes() for repo in self.all()))
