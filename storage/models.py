"""Typed models for every aggregate the bureau's assistant stores in MongoDB.

Conventions:

* Every model maps to one MongoDB document; ``_id`` is exposed under a descriptive name
  (``id_number``, ``plate``, ``ticket_id``, or ``id``) through a field alias. Load with
  ``Model.from_doc(doc)`` and store with ``model.to_doc()``.
* Datetimes are timezone-aware and normalised to UTC (``UtcDatetime``); the driver runs with
  ``tz_aware=True``. Calendar dates (``Day``) are stored as ISO strings ``"2026-11-21"``, which
  sort and compare correctly in queries (BSON has no date-only type). The bureau's local time
  zone is ``LOCAL_TZ``.
* Conditions that depend on the calendar (a license expired, an exam overdue) are not stored:
  they are derived from the stored dates with ``today`` (``DriverLicense.statuses(today)``) so
  data never goes stale. Administrative facts (revoked, suspended, detained) are stored.
* Bilingual data (places, violation behaviours, city and office names) uses ``Bilingual``;
  user-facing wording of statuses and reasons lives in the message catalogs, keyed by the enum
  values.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

from bson import ObjectId
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
)

from core import dates
from core.language import Language

LOCAL_TZ = dates.LOCAL_TZ  # the bureau's time zone (core/dates.py); models use it for local days


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware datetime, normalised to UTC (naive datetimes are rejected)."""

Day = Annotated[date, PlainSerializer(lambda d: d.isoformat(), return_type=str)]
"""A calendar date, stored as an ISO string ``YYYY-MM-DD``."""


def day_key(d: date) -> str:
    """The stored form of a ``Day``, for queries (``{"valid_to": {"$lt": day_key(today)}}``)."""
    return d.isoformat()


def new_id() -> str:
    """A new string id (an ObjectId in hex: unique, roughly time-ordered)."""
    return str(ObjectId())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Bilingual(BaseModel):
    model_config = ConfigDict(frozen=True)

    en: str
    zh: str

    def get(self, language: Language | str) -> str:
        return self.zh if language == Language.ZH else self.en


class Document(BaseModel):
    """Base of the stored models: alias ``_id``, strict field names, round-trips to BSON."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", use_enum_values=False)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        return cls.model_validate(doc)

    def to_doc(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="python")


# --- citizens ------------------------------------------------------------------------------------


class NotificationType(StrEnum):
    LICENSE_MAILED = "license_mailed"
    LICENSE_DELIVERED = "license_delivered"
    PLATE_DELIVERY = "plate_delivery"
    ELICENSE_REVIEW_DECIDED = "elicense_review_decided"
    COMPLAINT_UPDATED = "complaint_updated"
    COMPLAINT_RATING_REQUEST = "complaint_rating_request"
    VIOLATION_RECORDED = "violation_recorded"
    LICENSE_EXPIRY_REMINDER = "license_expiry_reminder"
    PHYSICAL_EXAM_REMINDER = "physical_exam_reminder"
    INSPECTION_REMINDER = "inspection_reminder"
    ACCOUNT_REBOUND = "account_rebound"


class NotificationPreferences(BaseModel):
    disabled_types: list[NotificationType] = Field(default_factory=list)
    quiet_hours: bool = True  # hold non-urgent notifications from 22:00 to 07:00 LOCAL_TZ

    def wants(self, kind: NotificationType) -> bool:
        return kind not in self.disabled_types


class TelegramBinding(BaseModel):
    user_id: int
    chat_id: int
    language: Language = Language.ZH
    bound_at: UtcDatetime
    unreachable: bool = False  # 403 blocked / 400 chat not found: stop sending
    unreachable_reason: str | None = None
    unreachable_since: UtcDatetime | None = None
    preferences: NotificationPreferences = Field(default_factory=NotificationPreferences)


class Citizen(Document):
    """A person known to the bureau (collection ``citizens``, ``_id`` = ID number)."""

    id_number: str = Field(alias="_id")
    name: str
    phone: str
    mailing_address: str
    postal_code: str
    city: str  # an ELicenseCity id, e.g. "beijing"
    telegram: TelegramBinding | None = None
    created_at: UtcDatetime


# --- driver licenses -----------------------------------------------------------------------------


class LicenseClass(StrEnum):
    A1 = "A1"
    A2 = "A2"
    A3 = "A3"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    D = "D"
    E = "E"
    F = "F"


class LicenseStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    DETAINED = "detained"
    TEMPORARILY_DETAINED = "temporarily_detained"
    EXAM_OVERDUE = "exam_overdue"  # physical exam overdue
    PERIODIC_EXAM_OVERDUE = "periodic_exam_overdue"
    STOP_USE_ANNOUNCED = "stop_use_announced"


class LicenseReason(StrEnum):
    """Why a license was suspended, revoked, detained or announced stop-use (catalog:
    ``license-reason-<value>``)."""

    POINTS_LIMIT_REACHED = "points_limit_reached"
    DRUNK_DRIVING = "drunk_driving"
    SERIOUS_SPEEDING = "serious_speeding"
    HIT_AND_RUN = "hit_and_run"
    FRAUDULENT_APPLICATION = "fraudulent_application"
    COURT_ORDER = "court_order"
    ACCIDENT_INVESTIGATION = "accident_investigation"
    UNPAID_FINES = "unpaid_fines"
    HEALTH_CONDITION = "health_condition"
    LICENSE_LOST_REPLACED = "license_lost_replaced"


class Suspension(BaseModel):
    until: Day
    reason: LicenseReason
    since: Day


class Detention(BaseModel):
    """扣押 (detained) or 暂扣 (temporarily detained): the paper license is held."""

    since: Day
    reason: LicenseReason


class Office(BaseModel):
    """A vehicle management office (reference data: ``storage.data.office``)."""

    id: str
    city: str
    name: Bilingual


class DriverLicense(Document):
    """Collection ``licenses``; ``_id`` = license number = the holder's ID number."""

    ELICENSE_BLOCKERS: ClassVar[tuple[LicenseStatus, ...]] = (
        LicenseStatus.EXPIRED,
        LicenseStatus.REVOKED,
        LicenseStatus.DETAINED,
        LicenseStatus.TEMPORARILY_DETAINED,
        LicenseStatus.EXAM_OVERDUE,
        LicenseStatus.PERIODIC_EXAM_OVERDUE,
        LicenseStatus.STOP_USE_ANNOUNCED,
    )

    id_number: str = Field(alias="_id")
    license_class: LicenseClass
    first_issued: Day
    valid_from: Day
    valid_to: Day
    issuing_city: str
    issuing_office: str  # an Office id
    # Administrative facts (stored):
    suspension: Suspension | None = None
    revoked_on: Day | None = None
    revoked_reason: LicenseReason | None = None
    detention: Detention | None = None
    temporary_detention: Detention | None = None
    stop_use_announced_on: Day | None = None
    stop_use_reason: LicenseReason | None = None
    # 12-point scoring cycle: points deducted so far in the cycle that started on cycle_start.
    points: int = Field(default=0, ge=0, le=12)
    cycle_start: Day
    # Examinations: physical exam (体检) and periodic examination (审验).
    next_physical_exam_due: Day | None = None
    next_periodic_exam_due: Day | None = None
    exam_result_on_file: Day | None = None  # date of a physical exam result on file
    elicense_issued_at: UtcDatetime | None = None

    def statuses(self, today: date) -> list[LicenseStatus]:
        """Every status that applies on ``today`` (``[VALID]`` when none of the others do)."""
        found: list[LicenseStatus] = []
        if today > self.valid_to:
            found.append(LicenseStatus.EXPIRED)
        if self.suspension is not None and today <= self.suspension.until:
            found.append(LicenseStatus.SUSPENDED)
        if self.revoked_on is not None:
            found.append(LicenseStatus.REVOKED)
        if self.detention is not None:
            found.append(LicenseStatus.DETAINED)
        if self.temporary_detention is not None:
            found.append(LicenseStatus.TEMPORARILY_DETAINED)
        if self.next_physical_exam_due is not None and today > self.next_physical_exam_due:
            found.append(LicenseStatus.EXAM_OVERDUE)
        if self.next_periodic_exam_due is not None and today > self.next_periodic_exam_due:
            found.append(LicenseStatus.PERIODIC_EXAM_OVERDUE)
        if self.stop_use_announced_on is not None:
            found.append(LicenseStatus.STOP_USE_ANNOUNCED)
        return found or [LicenseStatus.VALID]

    def elicense_blockers(self, today: date) -> list[LicenseStatus]:
        """The statuses that prevent an electronic license (seed 003: within validity, not
        detained/temporarily detained, not exam or periodic-exam overdue, not stop-use; a
        revoked license is not within validity)."""
        return [s for s in self.statuses(today) if s in self.ELICENSE_BLOCKERS]

    def days_left(self, today: date) -> int:
        return (self.valid_to - today).days

    @property
    def elicense_issued(self) -> bool:
        return self.elicense_issued_at is not None


# --- vehicles ------------------------------------------------------------------------------------


class VehicleType(StrEnum):
    SMALL_CAR = "small_car"
    LARGE_BUS = "large_bus"
    TRUCK = "truck"
    MOTORCYCLE = "motorcycle"


class RegistrationStatus(StrEnum):
    NORMAL = "normal"
    SEIZED = "seized"  # 查封 by a court
    STOLEN = "stolen"
    SCRAPPED = "scrapped"
    DEREGISTERED = "deregistered"


class AccidentStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class Mortgage(BaseModel):
    lender: Bilingual
    registered_on: Day


class Accident(BaseModel):
    id: str
    occurred_at: UtcDatetime
    place: Bilingual
    status: AccidentStatus


class VehicleAuthorisation(BaseModel):
    """The owner lets ``grantee_id_number`` use the vehicle's e-license from ``valid_from`` to
    ``valid_to`` (inclusive) unless revoked."""

    id: str = Field(default_factory=new_id)
    grantee_id_number: str
    grantee_name: str
    valid_from: Day
    valid_to: Day
    granted_at: UtcDatetime
    revoked_at: UtcDatetime | None = None
    submission_key: str | None = None  # the owner's form (idempotency key): granted once per form

    def active_on(self, today: date) -> bool:
        return self.revoked_at is None and self.valid_from <= today <= self.valid_to


class Vehicle(Document):
    """Collection ``vehicles``; ``_id`` = plate."""

    plate: str = Field(alias="_id")
    owner_id_number: str
    brand: Bilingual
    model: str
    vehicle_type: VehicleType
    new_energy: bool = False
    engine_number: str
    vin: str
    registered_on: Day
    registration_status: RegistrationStatus = RegistrationStatus.NORMAL
    inspection_valid_until: Day
    mortgage: Mortgage | None = None
    accidents: list[Accident] = Field(default_factory=list)
    authorisations: list[VehicleAuthorisation] = Field(default_factory=list)

    def inspection_overdue(self, today: date) -> bool:
        return today > self.inspection_valid_until

    def engine_number_matches(self, last6: str) -> bool:
        return len(last6) == 6 and self.engine_number.upper().endswith(last6.strip().upper())


# --- violations ----------------------------------------------------------------------------------


class ViolationStatus(StrEnum):
    UNPROCESSED = "unprocessed"
    PROCESSED = "processed"  # acknowledged, fine not yet paid
    PAID = "paid"


class ViolationSource(StrEnum):
    CAMERA = "camera"
    OFFICER = "officer"


class Violation(Document):
    """Collection ``violations``."""

    id: str = Field(alias="_id", default_factory=new_id)
    plate: str
    occurred_at: UtcDatetime
    place: Bilingual
    code: str  # national violation code, e.g. "1352"
    behaviour: Bilingual
    fine_yuan: int = Field(ge=0)
    points: int = Field(ge=0, le=12)
    status: ViolationStatus = ViolationStatus.UNPROCESSED
    source: ViolationSource
    recorded_by: str  # camera id or officer number
    processed_at: UtcDatetime | None = None
    paid_at: UtcDatetime | None = None


# --- complaints ----------------------------------------------------------------------------------


class ComplaintTopic(StrEnum):
    ROAD_FACILITIES = "road_facilities"
    ILLEGAL_PARKING = "illegal_parking"
    CONGESTION = "congestion"
    OFFICER_CONDUCT = "officer_conduct"
    WINDOW_SERVICE = "window_service"
    APP_HOTLINE = "app_hotline"
    OTHER = "other"


class ComplaintStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class GeoPoint(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class ComplaintEvent(BaseModel):
    at: UtcDatetime
    actor: str  # "citizen", "system" or a staff username
    action: str  # "created", "status_changed", "reply", "note", "rated"
    status: ComplaintStatus | None = None
    text: str | None = None
    ref: str | None = None  # the request that made the change (a back-office event), to apply it once


class Complaint(Document):
    """Collection ``complaints``; ``_id`` = ticket id (C261121-0042)."""

    ticket_id: str = Field(alias="_id")
    citizen_id_number: str
    chat_id: int | None = None
    language: Language = Language.ZH
    topic: ComplaintTopic
    place_text: str | None = None
    place_key: str | None = None  # normalised place text, for clustering
    location: GeoPoint | None = None
    description: str = Field(min_length=1, max_length=2000)
    # Telegram file ids (the chat's form), or "photo:<id>" for a photo uploaded from the Mini App
    # (collection ``photos``: ``Photo``, see ``photo_ref``)
    photos: list[str] = Field(default_factory=list, max_length=5)
    plate: str | None = None
    status: ComplaintStatus = ComplaintStatus.NEW
    history: list[ComplaintEvent] = Field(default_factory=list)
    rating: int | None = Field(default=None, ge=1, le=5)
    rating_comment: str | None = None
    rating_key: str | None = None  # the rating form's idempotency key
    cluster_id: str | None = None
    submission_key: str | None = None  # the citizen's draft (idempotency key): filed once per draft
    created_at: UtcDatetime
    updated_at: UtcDatetime
    acknowledge_by: UtcDatetime
    answer_by: UtcDatetime


PHOTO_REF_PREFIX = "photo:"


def photo_ref(photo_id: str) -> str:
    """How a complaint names a photo uploaded from the Mini App (beside Telegram file ids)."""
    return PHOTO_REF_PREFIX + photo_id


class Photo(Document):
    """Collection ``photos``: a photo a citizen uploaded from the Mini App for a report. Kept with
    the draft that received it until the report is filed (``expires_at`` then cleared; a
    draft's photos that were never filed are removed after it expires)."""

    id: str = Field(alias="_id", default_factory=new_id)
    owner_id_number: str
    draft_key: str
    content_type: str  # image/jpeg, image/png or image/webp (checked from the bytes)
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    size: int = Field(gt=0)
    sha256: str
    data: bytes
    ticket_id: str | None = None  # the complaint it was filed with
    created_at: UtcDatetime
    expires_at: UtcDatetime | None = None


# --- deliveries ----------------------------------------------------------------------------------


class DeliveryKind(StrEnum):
    LICENSE_MAIL = "license_mail"
    PLATE_DELIVERY = "plate_delivery"


class DeliveryStage(StrEnum):
    # license_mail
    ACCEPTED = "accepted"
    PRINTED = "printed"
    MAILED = "mailed"
    IN_TRANSIT = "in_transit"
    # plate_delivery
    MATERIALS_COLLECTED = "materials_collected"
    APPROVED = "approved"
    PLATES_MADE = "plates_made"
    # both
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"


STAGES_BY_KIND: dict[DeliveryKind, tuple[DeliveryStage, ...]] = {
    DeliveryKind.LICENSE_MAIL: (
        DeliveryStage.ACCEPTED,
        DeliveryStage.PRINTED,
        DeliveryStage.MAILED,
        DeliveryStage.IN_TRANSIT,
        DeliveryStage.OUT_FOR_DELIVERY,
        DeliveryStage.DELIVERED,
    ),
    DeliveryKind.PLATE_DELIVERY: (
        DeliveryStage.MATERIALS_COLLECTED,
        DeliveryStage.APPROVED,
        DeliveryStage.PLATES_MADE,
        DeliveryStage.OUT_FOR_DELIVERY,
        DeliveryStage.DELIVERED,
    ),
}


class Courier(StrEnum):
    EMS = "EMS"
    SF = "SF"


class StageEntry(BaseModel):
    stage: DeliveryStage
    at: UtcDatetime


class Delivery(Document):
    """Collection ``deliveries``: a mailed license or a plate delivery."""

    id: str = Field(alias="_id", default_factory=new_id)
    kind: DeliveryKind
    citizen_id_number: str
    stage: DeliveryStage
    stages: list[StageEntry] = Field(default_factory=list)
    courier: Courier | None = None
    tracking_number: str | None = None
    plate: str | None = None
    address: str
    application_id: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @property
    def delivered(self) -> bool:
        return self.stage == DeliveryStage.DELIVERED


# --- e-license -----------------------------------------------------------------------------------


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ELicenseReview(Document):
    """Collection ``elicense_reviews``: a special-case request reviewed by the issuing office."""

    id: str = Field(alias="_id", default_factory=new_id)
    citizen_id_number: str
    issuing_office: str
    reason: str  # the citizen's explanation
    blockers: list[LicenseStatus] = Field(default_factory=list)  # at the time of the request
    status: ReviewStatus = ReviewStatus.PENDING
    requested_at: UtcDatetime
    decided_by: str | None = None
    decided_at: UtcDatetime | None = None
    decision_reason: str | None = None
    submission_key: str | None = None  # the citizen's form (idempotency key): requested once per form


class ELicenseCity(Document):
    """Collection ``elicense_cities``: when each city opens electronic driver's licenses."""

    city: str = Field(alias="_id")
    name: Bilingual
    province: str  # plate province character, e.g. "京"
    batch: int = Field(ge=1)
    opens_on: Day

    def is_open(self, today: date) -> bool:
        return today >= self.opens_on


# --- notifications (outbox) ----------------------------------------------------------------------


class NotificationState(StrEnum):
    PENDING = "pending"  # written, not yet handed to the stream
    QUEUED = "queued"  # in the Redis stream
    SENDING = "sending"  # a worker is sending it
    SENT = "sent"
    FAILED = "failed"  # retryable failure, retried after not_before
    DEAD = "dead"  # given up (reason in last_error)


class Notification(Document):
    """Collection ``notifications``: the outbox and source of truth for pushes."""

    id: str = Field(alias="_id", default_factory=new_id)
    type: NotificationType
    citizen_id_number: str
    payload: dict[str, Any] = Field(default_factory=dict)
    state: NotificationState = NotificationState.PENDING
    attempts: int = 0
    dedupe_key: str
    urgent: bool = False
    not_before: UtcDatetime | None = None
    chat_id: int | None = None  # the chat it was sent to
    telegram_message_id: int | None = None
    last_error: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    sent_at: UtcDatetime | None = None
    expires_at: UtcDatetime | None = None  # undelivered (citizen not bound) after this: dropped


# --- conversations and handoffs ------------------------------------------------------------------


class TurnRole(StrEnum):
    CITIZEN = "citizen"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class TurnKind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    LOCATION = "location"
    STICKER = "sticker"
    VOICE = "voice"
    CALLBACK = "callback"
    DOCUMENT = "document"


class ConversationTurn(Document):
    """Collection ``conversation_turns``: one document per turn."""

    id: str = Field(alias="_id", default_factory=new_id)
    chat_id: int
    user_id: int | None = None
    role: TurnRole
    kind: TurnKind = TurnKind.TEXT
    text: str | None = None
    at: UtcDatetime
    meta: dict[str, Any] = Field(default_factory=dict)  # intent, entities, file_id, agent ...


class HandoffState(StrEnum):
    BOT = "bot"
    WAITING = "waiting"
    WITH_AGENT = "with_agent"
    CLOSED = "closed"


class HandoffTransition(BaseModel):
    from_state: HandoffState
    to_state: HandoffState
    at: UtcDatetime
    actor: str  # "citizen", "bot", "system" or a staff username


class HandoffNote(BaseModel):
    at: UtcDatetime
    author: str
    text: str
    transfer_to: str | None = None  # a transfer's note for the receiving agent (their username)


class Handoff(Document):
    """Collection ``handoffs``: one document per episode (waiting -> with_agent -> closed);
    a chat with no active episode is with the bot."""

    id: str = Field(alias="_id", default_factory=new_id)
    chat_id: int
    user_id: int | None = None
    citizen_id_number: str | None = None
    language: Language = Language.ZH
    state: HandoffState
    agent: str | None = None  # staff username
    topic: str | None = None
    context: dict[str, Any] = Field(default_factory=dict)  # recent intents, entities
    transitions: list[HandoffTransition] = Field(default_factory=list)
    notes: list[HandoffNote] = Field(default_factory=list)
    created_at: UtcDatetime
    waiting_since: UtcDatetime | None = None
    claimed_at: UtcDatetime | None = None
    first_response_at: UtcDatetime | None = None
    closed_at: UtcDatetime | None = None
    resolution_code: str | None = None
    rating: int | None = Field(default=None, ge=1, le=5)
    submission_key: str | None = None  # a call-back request's form (idempotency key): one per form

    @property
    def active(self) -> bool:
        return self.state in (HandoffState.WAITING, HandoffState.WITH_AGENT)


class CannedReply(Document):
    """Collection ``canned_replies``: a reply agents insert with its "/" shortcut, per language
    (supervisors create and edit them in the console)."""

    id: str = Field(alias="_id", default_factory=new_id)
    language: Language
    shortcut: str = Field(min_length=1, max_length=30, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    text: str = Field(min_length=1, max_length=4000)
    updated_by: str
    updated_at: UtcDatetime


# --- applications --------------------------------------------------------------------------------


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN_APPLICATION_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED)


class RenewalApplication(Document):
    """Collection ``renewal_applications``: renew a driver's license by mail."""

    id: str = Field(alias="_id", default_factory=new_id)
    citizen_id_number: str
    license_class: LicenseClass
    mailing_address: str
    postal_code: str
    phone: str
    exam_result_on_file: Day | None = None
    status: ApplicationStatus = ApplicationStatus.SUBMITTED
    delivery_id: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    submission_key: str | None = None  # the citizen's form (idempotency key): applied once per form


class PlateRequestReason(StrEnum):
    LOST = "lost"
    DAMAGED = "damaged"
    RENEWAL = "renewal"


class PlateDeliveryRequest(Document):
    """Collection ``plate_delivery_requests``: door-to-door replacement plates."""

    id: str = Field(alias="_id", default_factory=new_id)
    citizen_id_number: str
    plate: str
    reason: PlateRequestReason
    address: str
    phone: str
    status: ApplicationStatus = ApplicationStatus.SUBMITTED
    delivery_id: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    submission_key: str | None = None  # the citizen's form (idempotency key): requested once per form


# --- staff ---------------------------------------------------------------------------------------


class StaffRole(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class StaffUser(Document):
    """Collection ``staff``; ``_id`` = username."""

    username: str = Field(alias="_id")
    password_hash: str
    role: StaffRole
    display_name: str
    disabled: bool = False
    created_at: UtcDatetime
