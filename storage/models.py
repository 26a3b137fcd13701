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
    APPEAL_DECIDED = "appeal_decided"
    PAYMENT = "payment"  # a receipt, or a payment that did not complete (never held, never turned off)
    ANNOUNCEMENT = "announcement"  # the bureau to a segment of citizens (actions/announcements.py)
    MOVE_CAR_REQUEST = "move_car_request"  # someone asks the owner to move a vehicle (actions/move_car.py)
    MOVE_CAR_ANSWER = "move_car_answer"  # the owner answered a move-my-car request


class NotificationPreferences(BaseModel):
    disabled_types: list[NotificationType] = Field(default_factory=list)
    quiet_hours: bool = True  # hold non-urgent notifications from 22:00 to 07:00 LOCAL_TZ

    def wants(self, kind: NotificationType) -> bool:
        return kind == NotificationType.PAYMENT or kind not in self.disabled_types


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


class OffenceKind(StrEnum):
    """Serious offences on a driver's record that bar study-to-reduce-points in their cycle
    (actions/points_study.py; catalog ``points-study-reason-<value>``)."""

    DRINK_DRIVING = "drink_driving"  # 饮酒后驾驶
    HIT_AND_RUN = "hit_and_run"  # 肇事逃逸


class OffenceRecord(BaseModel):
    kind: OffenceKind
    on: Day


class PointsReduction(BaseModel):
    """Points taken off the current cycle by a passed study and exam (学法减分), once per quiz."""

    quiz_id: str
    points: int = Field(ge=1, le=12)
    on: Day
    at: UtcDatetime


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
    # Study to reduce points (学法减分): serious offences on record, and the reductions granted.
    offences: list[OffenceRecord] = Field(default_factory=list)
    points_reductions: list[PointsReduction] = Field(default_factory=list)
    # Violations whose points were recorded against this license (each once: actions/payments/handling.py).
    deducted_violations: list[str] = Field(default_factory=list)

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
    CANCELLED = "cancelled"  # withdrawn: the citizen's appeal was accepted (nothing to pay, no points)


class AppealState(StrEnum):
    """A violation's appeal (``Appeal``, collection ``appeals``): filed and waiting for staff, or decided."""

    PENDING = "pending"
    ACCEPTED = "accepted"  # the violation is cancelled
    REJECTED = "rejected"  # the violation stands (staff give the reason)


class ViolationSource(StrEnum):
    CAMERA = "camera"
    OFFICER = "officer"


class ViolationEventKind(StrEnum):
    HANDLED = "handled"  # the decision accepted: points recorded against the license
    PAID = "paid"


class ViolationEvent(BaseModel):
    """One line of a violation's history (shown to the citizen: the receipt of a payment)."""

    at: UtcDatetime
    kind: ViolationEventKind
    points: int | None = None
    order_id: str | None = None
    provider: str | None = None  # a PaymentProviderKind value
    fine_fen: int | None = None
    surcharge_fen: int | None = None
    charge_id: str | None = None  # Telegram's telegram_payment_charge_id, or the gateway's transaction id
    provider_charge_id: str | None = None  # Telegram's provider_payment_charge_id


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
    # Handling and payment (actions/payments/): who accepted the decision (the license the points
    # went to; its number is the holder's ID number), the decision's day (the late-payment clock
    # starts there), the payment order holding it (one at a time), what was paid, and its history.
    handled_by: str | None = None
    decided_on: Day | None = None
    payment_order_id: str | None = None
    paid_fine_fen: int | None = Field(default=None, ge=0)
    paid_surcharge_fen: int | None = Field(default=None, ge=0)
    history: list[ViolationEvent] = Field(default_factory=list)

    @property
    def fine_fen(self) -> int:
        """The fine in fen (money is counted in integer fen, never floats)."""
        return self.fine_yuan * 100

    def decision_day(self) -> date | None:
        """The day of the penalty decision: stored when the citizen accepts it; for a record from
        before, the day it was processed; an officer's ticket is decided on the spot (the day it
        occurred); an unhandled camera record has none yet (None)."""
        if self.decided_on is not None:
            return self.decided_on
        if self.processed_at is not None:
            return self.processed_at.astimezone(LOCAL_TZ).date()
        if self.source == ViolationSource.OFFICER:
            return self.occurred_at.astimezone(LOCAL_TZ).date()
        return None

    # Appeal (actions/appeals.py): the latest appeal's id and state. While one is pending the
    # violation cannot be paid and the late-payment surcharge clock stands still; the days it
    # stood still for appeals already decided are kept in ``appeal_paused_days``.
    appeal_id: str | None = None
    appeal_state: AppealState | None = None
    appeal_filed_at: UtcDatetime | None = None
    appeal_paused_days: int = Field(default=0, ge=0)
    cancelled_at: UtcDatetime | None = None  # the appeal was accepted (status CANCELLED)

    @property
    def appeal_pending(self) -> bool:
        """An appeal is open: not payable, surcharge clock paused (``surcharge_paused_days``)."""
        return self.appeal_state == AppealState.PENDING

    def surcharge_paused_days(self, today: date) -> int:
        """Days the late-payment surcharge clock stood still for appeals up to ``today`` (LOCAL_TZ):
        those of decided appeals, plus the days the pending one has been open while the clock ran
        (from its filing day, or from the decision day when that came later; none before there
        is a decision: the clock has not started)."""
        paused = self.appeal_paused_days
        if self.appeal_pending and self.appeal_filed_at is not None:
            paused += appeal_pause(self.appeal_filed_at.astimezone(LOCAL_TZ).date(), self.decision_day(), today)
        return paused


def appeal_pause(filed: date, decided_on: date | None, today: date) -> int:
    """Days an appeal filed on ``filed`` kept the surcharge clock (started on ``decided_on``) still
    up to ``today``, both ends counted; 0 when the clock has not started."""
    if decided_on is None:
        return 0
    return max(0, (today - max(filed, decided_on)).days + 1)


class Appeal(Document):
    """Collection ``appeals``: a citizen disputes a violation (行政复议前的申诉 in 12123): a reason and up
    to 5 photos (Telegram file ids), decided by staff in the console's work queue."""

    id: str = Field(alias="_id", default_factory=new_id)
    violation_id: str
    plate: str
    citizen_id_number: str
    chat_id: int | None = None
    language: Language = Language.ZH
    reason: str = Field(min_length=1, max_length=1000)
    photos: list[str] = Field(default_factory=list, max_length=5)
    state: AppealState = AppealState.PENDING
    filed_at: UtcDatetime
    decided_by: str | None = None
    decided_at: UtcDatetime | None = None
    decision_reason: str | None = None
    submission_key: str | None = None  # the citizen's form (idempotency key): filed once per form


# --- payments ------------------------------------------------------------------------------------


class PaymentProviderKind(StrEnum):
    TELEGRAM = "telegram"  # Telegram Payments: an invoice in the chat
    GATEWAY = "gateway"  # the bureau's payment gateway: a payment page, a signed notification


class PaymentOrderStatus(StrEnum):
    CREATED = "created"  # invoice sent / gateway order created: waiting for the citizen to pay
    AUTHORIZED = "authorized"  # Telegram: pre_checkout_query approved, the charge is being made
    PAID = "paid"
    DECLINED = "declined"  # the provider said the payment failed
    EXPIRED = "expired"  # abandoned: not paid within PAYMENT_ORDER_TTL (reconciled)
    REFUND_DUE = "refund_due"  # money arrived for violations that were no longer payable: to be refunded


OPEN_ORDER_STATUSES = (PaymentOrderStatus.CREATED, PaymentOrderStatus.AUTHORIZED)


class PaymentLine(BaseModel):
    """One violation of an order, with the amounts verified when the order was made (fen)."""

    violation_id: str
    plate: str
    behaviour: Bilingual
    points: int = Field(default=0, ge=0, le=12)
    fine_fen: int = Field(ge=0)
    surcharge_fen: int = Field(ge=0)
    days_late: int = Field(default=0, ge=0)

    @property
    def amount_fen(self) -> int:
        return self.fine_fen + self.surcharge_fen


class PaymentOrder(Document):
    """Collection ``payment_orders``: one payment of one or more violations (``_id`` = the order
    id the providers are given: Telegram's invoice payload, the gateway's merchant order id)."""

    id: str = Field(alias="_id")
    citizen_id_number: str
    chat_id: int | None = None
    language: Language = Language.ZH
    provider: PaymentProviderKind
    lines: list[PaymentLine] = Field(min_length=1)
    total_fen: int = Field(gt=0)
    status: PaymentOrderStatus = PaymentOrderStatus.CREATED
    created_at: UtcDatetime
    updated_at: UtcDatetime
    expires_at: UtcDatetime  # not paid by then: reconciled (asked at the gateway), then expired
    pay_url: str | None = None  # the gateway's payment page
    paid_at: UtcDatetime | None = None
    paid_fen: int | None = None
    charge_id: str | None = None  # telegram_payment_charge_id, or the gateway's transaction id
    provider_charge_id: str | None = None  # Telegram's provider_payment_charge_id
    applied: bool = False  # the violations are marked paid (done after PAID; reconcile finishes it)
    refund_violation_ids: list[str] = Field(default_factory=list)  # paid here, but not payable any more
    submission_key: str | None = None  # the citizen's confirmation (idempotency key): one order per press

    @property
    def violation_ids(self) -> list[str]:
        return [line.violation_id for line in self.lines]

    @property
    def surcharge_fen(self) -> int:
        return sum(line.surcharge_fen for line in self.lines)


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
    department: str | None = None  # "dispatched"/"rerouted": the department it went to (Department.id)


class ComplaintFollower(BaseModel):
    """Someone who, about to report the same problem nearby, followed this complaint ("+1", issue
    15): told as its reporter is (a linked citizen, or a chat whose phone was verified), or only
    counted (anonymous: ``citizen_id_number`` and ``chat_id`` None)."""

    key: str  # one "+1" per person: "c:<ID number>", "u:<hash of the Telegram user id>"
    citizen_id_number: str | None = None
    chat_id: int | None = None
    language: Language = Language.ZH
    at: UtcDatetime


class Complaint(Document):
    """Collection ``complaints``; ``_id`` = ticket id (C261121-0042)."""

    ticket_id: str = Field(alias="_id")
    # The linked reporter's ID number; None for a report filed without a linked identity (issue 15):
    # then ``contact_phone`` (verified with a one-time code) and ``chat_id`` receive the answer, or,
    # ``anonymous``, nothing about the reporter is kept and no answer is promised.
    citizen_id_number: str | None = None
    contact_phone: str | None = None
    anonymous: bool = False
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
    followers: list[ComplaintFollower] = Field(default_factory=list)  # "+1"s (issue 15)
    created_at: UtcDatetime
    updated_at: UtcDatetime
    acknowledge_by: UtcDatetime
    answer_by: UtcDatetime
    # Dispatch (actions/dispatch.py): the department whose queue holds it, its district (from the
    # place), when it was flagged as nearing a deadline and when escalated (to whom: a supervisor).
    department: str | None = None
    district: str | None = None
    deadline_warned_at: UtcDatetime | None = None
    escalated_at: UtcDatetime | None = None
    escalated_to: str | None = None


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
    # Whom it is for: a citizen (by ID number, delivered to their bound chat), or, for a reporter
    # without a linked identity (issue 15), ``direct_chat_id`` in ``direct_language``.
    citizen_id_number: str | None = None
    direct_chat_id: int | None = None
    direct_language: Language | None = None
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
    department: str | None = None  # the department whose complaints queue they work (Department.id)


# --- dispatch (actions/dispatch.py) ----------------------------------------------------------------


class Department(Document):
    """Collection ``departments``; ``_id`` = a slug ("signals", "brigade-chaoyang")."""

    id: str = Field(alias="_id")
    name: Bilingual
    district: str | None = None  # a district brigade's district (storage/data/districts.json)
    supervisor: str | None = None  # the staff username escalations go to
    created_at: UtcDatetime


class RoutingRule(Document):
    """Collection ``routing_rules``: complaints on ``topic`` (None: any) in ``district`` (None: any)
    go to ``department``; the most specific rule wins (``core.dispatch.choose``)."""

    id: str = Field(alias="_id")  # "<topic or *>:<district or *>"
    topic: ComplaintTopic | None = None
    district: str | None = None
    department: str
    updated_by: str = "system"
    updated_at: UtcDatetime


# --- the 12345 dashboard (actions/rates.py) -----------------------------------------------------------


class TrackedTask(Document):
    """Collection ``tracked_tasks``: a complaint cluster a supervisor promoted to a "Task of the
    Month"; ``_id`` = "<YYYY-MM>:<cluster id>" (promoted once per month)."""

    id: str = Field(alias="_id")
    month: str  # YYYY-MM
    cluster_id: str
    topic: ComplaintTopic
    place_text: str | None = None
    size: int = Field(ge=0)  # reports in the cluster that month when it was promoted
    previous: int = Field(ge=0)  # and the month before
    promoted_by: str  # staff username
    promoted_at: UtcDatetime


class SegmentKind(StrEnum):
    """Whom an announcement is for (actions/announcements.py)."""

    EVERYONE = "everyone"
    CITY = "city"  # Citizen.city
    DISTRICT = "district"  # the district of the mailing address (core.dispatch.district_of)
    VEHICLE_TYPE = "vehicle_type"  # owns a vehicle of this type
    LICENSE_CLASS = "license_class"  # holds a licence of this class


class AnnouncementState(StrEnum):
    DRAFT = "draft"  # previewed and counted, not sent
    SENDING = "sending"  # in the outbox; the push pipeline delivers it at Telegram's limits
    CANCELLED = "cancelled"  # withdrawn: what was not sent yet never will be


class Announcement(Document):
    """Collection ``announcements``: a supervisor's bilingual message to a segment of citizens."""

    id: str = Field(alias="_id", default_factory=new_id)
    text: Bilingual
    segment: SegmentKind
    value: str | None = None  # the city, district, vehicle type or licence class
    state: AnnouncementState = AnnouncementState.DRAFT
    created_by: str
    created_at: UtcDatetime
    recipients: int = 0  # counted when drafted, then when sent
    sent_by: str | None = None
    sent_at: UtcDatetime | None = None
    cancelled_by: str | None = None
    cancelled_at: UtcDatetime | None = None
    withdrawn: int = 0  # notifications taken back from the outbox by the cancel


# --- move my car (一键挪车, actions/move_car.py) ---------------------------------------------------


class MoveState(StrEnum):
    NOTIFIED = "notified"  # the owner (and authorised drivers) were told; no answer yet
    UNREACHABLE = "unreachable"  # unknown plate, or nobody reachable: the requester calls 122
    COMING = "coming"
    NOT_MINE = "not_mine"
    ABUSE = "abuse"  # reported as malicious by the owner: counts towards a block


class MoveRequest(Document):
    """Collection ``move_requests``: a citizen asks the owner of ``plate`` to move it. Neither side's
    name or phone number is ever shown to the other; ``recipients`` are the owner and authorised
    drivers who were notified (ID numbers, never shown)."""

    id: str = Field(alias="_id", default_factory=new_id)
    plate: str
    requester_id_number: str
    place_text: str | None = None
    location: GeoPoint | None = None
    photos: list[str] = Field(default_factory=list, max_length=3)  # Telegram file ids
    reason: str = Field(min_length=1, max_length=200)
    state: MoveState = MoveState.NOTIFIED
    recipients: list[str] = Field(default_factory=list)
    rounds: int = 1  # times the recipients were notified (re-notify after MOVE_CAR_RENOTIFY_AFTER)
    filed_at: UtcDatetime
    notified_at: UtcDatetime
    answered_at: UtcDatetime | None = None
    submission_key: str | None = None  # the requester's form: filed once per form


class MoveRequester(Document):
    """Collection ``move_requesters``: abuse reports against a requester and the block they lead to."""

    id_number: str = Field(alias="_id")
    abuse_reports: int = 0  # since the block was last lifted
    blocked: bool = False
    blocked_at: UtcDatetime | None = None
    lifted_by: str | None = None
    lifted_at: UtcDatetime | None = None
