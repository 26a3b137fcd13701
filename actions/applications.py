"""Business handling: renew a driver's license by mail, door-to-door replacement plates.

Renewal by mail (seed 000; issue 4):

* Allowed from ``RENEWAL_WINDOW_DAYS`` (90) days before the license expires; after expiry only
  with a physical exam result on file that is at most ``EXAM_RESULT_VALID_DAYS`` old (the
  hospitals transmit results online), and not once the license has been expired for more than
  ``EXPIRED_LIMIT_DAYS`` (then it is cancelled and must be restored at the office).
* Not for a revoked, detained, temporarily detained or suspended license (the paper license is
  held or the right to drive is withdrawn): the office handles those.
* One open renewal per citizen. The application is accepted at once and a license-mail delivery
  starts at stage ``accepted`` to the confirmed (or changed) address.

Replacement plates (seed 002): for a vehicle registered in the citizen's name and in normal
registration status; one open request per plate and none while plates for it are on the way.
A courier collects the materials first, so the delivery record is created when the materials are
collected (``record_materials_collected``), not at the request: nothing claims a stage that has
not happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from actions.notify import notify
from actions.services import Services, today_of
from actions.vehicles import owned_vehicle
from storage.models import (
    ApplicationStatus,
    Citizen,
    Delivery,
    DeliveryKind,
    DeliveryStage,
    DriverLicense,
    NotificationType,
    PlateDeliveryRequest,
    PlateRequestReason,
    RegistrationStatus,
    RenewalApplication,
    StageEntry,
    new_id,
)

RENEWAL_WINDOW_DAYS = 90
EXAM_RESULT_VALID_DAYS = 180
EXPIRED_LIMIT_DAYS = 365


# --- input -----------------------------------------------------------------------------------------


# --- renewal ---------------------------------------------------------------------------------------


class RenewalBlock(StrEnum):
    NO_LICENSE = "no_license"
    REVOKED = "revoked"
    DETAINED = "detained"
    TEMPORARILY_DETAINED = "temporarily_detained"
    SUSPENDED = "suspended"
    TOO_EARLY = "too_early"
    EXPIRED_NO_EXAM = "expired_no_exam"
    EXPIRED_TOO_LONG = "expired_too_long"
    OPEN_APPLICATION = "open_application"


@dataclass(frozen=True)
class RenewalCheck:
    blocks: list[RenewalBlock]
    valid_to: date | None = None
    window_opens: date | None = None  # first day a renewal may be applied for
    days_left: int = 0  # negative once expired

    @property
    def ok(self) -> bool:
        return not self.blocks


def exam_result_usable(lic: DriverLicense, today: date) -> bool:
    on_file = lic.exam_result_on_file
    return on_file is not None and on_file <= today and (today - on_file).days <= EXAM_RESULT_VALID_DAYS


def renewal_eligibility(lic: DriverLicense, today: date) -> RenewalCheck:
    """Whether this license may be renewed by mail on ``today``, and every reason why not."""
    days_left = lic.days_left(today)
    window_opens = lic.valid_to - timedelta(days=RENEWAL_WINDOW_DAYS)

    def check(blocks: list[RenewalBlock]) -> RenewalCheck:
        return RenewalCheck(blocks=blocks, valid_to=lic.valid_to, window_opens=window_opens, days_left=days_left)

    if lic.revoked_on is not None:
        return check([RenewalBlock.REVOKED])
    blocks: list[RenewalBlock] = []
    if lic.detention is not None:
        blocks.append(RenewalBlock.DETAINED)
    if lic.temporary_detention is not None:
        blocks.append(RenewalBlock.TEMPORARILY_DETAINED)
    if lic.suspension is not None and today <= lic.suspension.until:
        blocks.append(RenewalBlock.SUSPENDED)
    if days_left > RENEWAL_WINDOW_DAYS:
        blocks.append(RenewalBlock.TOO_EARLY)
    elif days_left < 0:
        if -days_left > EXPIRED_LIMIT_DAYS:
            blocks.append(RenewalBlock.EXPIRED_TOO_LONG)
        elif not exam_result_usable(lic, today):
            blocks.append(RenewalBlock.EXPIRED_NO_EXAM)
    return check(blocks)


@dataclass(frozen=True)
class RenewalStart:
    check: RenewalCheck
    license: DriverLicense | None
    open_application: RenewalApplication | None


async def start_renewal(services: Services, citizen: Citizen) -> RenewalStart:
    """The eligibility of the citizen's license, including an application already open."""
    lic = await services.repos.licenses.by_id_number(citizen.id_number)
    if lic is None:
        return RenewalStart(RenewalCheck(blocks=[RenewalBlock.NO_LICENSE]), None, None)
    check = renewal_eligibility(lic, today_of(services))
    existing = await services.repos.applications.open_renewal(citizen.id_number)
    if existing is not None:
        check = RenewalCheck(
            blocks=[RenewalBlock.OPEN_APPLICATION, *check.blocks],
            valid_to=check.valid_to,
            window_opens=check.window_opens,
            days_left=check.days_left,
        )
    return RenewalStart(check, lic, existing)


@dataclass(frozen=True)
class RenewalSubmitted:
    start: RenewalStart
    application: RenewalApplication | None = None
    delivery: Delivery | None = None
    repeated: bool = False  # stored by an earlier submission of the same form (its key)


async def submit_renewal(
    services: Services,
    citizen: Citizen,
    *,
    mailing_address: str,
    postal_code: str,
    key: str | None = None,
) -> RenewalSubmitted:
    """Re-check, then store the application and its license-mail delivery (stage accepted).

    ``key``: the citizen's form (idempotency key, unique on the stored application); the same form
    submitted again (a redelivered update after a crash) returns the first application, ``repeated``."""
    if key is not None and (earlier := await renewal_submitted(services, citizen, key)) is not None:
        return earlier
    start = await start_renewal(services, citizen)
    if not start.check.ok or start.license is None:
        return RenewalSubmitted(start)
    now = services.clock()
    application = RenewalApplication(
        citizen_id_number=citizen.id_number,
        license_class=start.license.license_class,
        mailing_address=mailing_address,
        postal_code=postal_code,
        phone=citizen.phone,
        exam_result_on_file=start.license.exam_result_on_file,
        status=ApplicationStatus.ACCEPTED,
        delivery_id=new_id(),
        created_at=now,
        updated_at=now,
        submission_key=key,
    )
    stored, created = await services.repos.applications.create_renewal(application)
    delivery = await services.repos.deliveries.insert_once(_license_mail(stored))
    return RenewalSubmitted(start, stored, delivery, repeated=not created)


async def renewal_submitted(services: Services, citizen: Citizen, key: str) -> RenewalSubmitted | None:
    """The application the citizen's form ``key`` stored (``repeated``), if any, with its delivery
    (stored now if the process died between the two writes)."""
    earlier = await services.repos.applications.renewal_by_submission_key(key, citizen.id_number)
    if earlier is None:
        return None
    delivery = await services.repos.deliveries.insert_once(_license_mail(earlier))
    return RenewalSubmitted(await start_renewal(services, citizen), earlier, delivery, repeated=True)


def _license_mail(application: RenewalApplication) -> Delivery:
    """The license-mail delivery an accepted renewal starts (its id is the application's
    ``delivery_id``, so it is written once)."""
    assert application.delivery_id is not None
    return Delivery(
        _id=application.delivery_id,
        kind=DeliveryKind.LICENSE_MAIL,
        citizen_id_number=application.citizen_id_number,
        stage=DeliveryStage.ACCEPTED,
        stages=[StageEntry(stage=DeliveryStage.ACCEPTED, at=application.created_at)],
        address=f"{application.mailing_address} ({application.postal_code})",
        application_id=application.id,
        created_at=application.created_at,
        updated_at=application.created_at,
    )


# --- replacement plates ----------------------------------------------------------------------------


class PlateBlock(StrEnum):
    NOT_OWNER = "not_owner"
    NOT_NORMAL = "not_normal"  # seized, stolen, scrapped, deregistered
    OPEN_REQUEST = "open_request"
    DELIVERY_UNDER_WAY = "delivery_under_way"


@dataclass(frozen=True)
class PlateCheck:
    block: PlateBlock | None
    open_request: PlateDeliveryRequest | None = None
    delivery: Delivery | None = None
    registration_status: RegistrationStatus | None = None


async def check_plate_request(services: Services, citizen: Citizen, plate: str) -> PlateCheck:
    vehicle = await owned_vehicle(services, citizen, plate)
    if vehicle is None:
        return PlateCheck(PlateBlock.NOT_OWNER)
    if vehicle.registration_status != RegistrationStatus.NORMAL:
        return PlateCheck(PlateBlock.NOT_NORMAL, registration_status=vehicle.registration_status)
    existing = await services.repos.applications.open_plate_request(plate)
    if existing is not None:
        return PlateCheck(PlateBlock.OPEN_REQUEST, open_request=existing)
    under_way = await services.repos.deliveries.open_for(DeliveryKind.PLATE_DELIVERY, citizen.id_number, plate=plate)
    if under_way is not None:
        return PlateCheck(PlateBlock.DELIVERY_UNDER_WAY, delivery=under_way)
    return PlateCheck(None)


@dataclass(frozen=True)
class PlateSubmitted:
    check: PlateCheck
    request: PlateDeliveryRequest | None = None
    repeated: bool = False  # stored by an earlier submission of the same form (its key)


async def submit_plate_request(
    services: Services,
    citizen: Citizen,
    *,
    plate: str,
    reason: PlateRequestReason,
    address: str,
    postal_code: str,
    key: str | None = None,
) -> PlateSubmitted:
    """Re-check, then store the request (status submitted; the courier collects the materials).

    ``key``: the citizen's form (idempotency key, unique on the stored request); the same form
    submitted again (a redelivered update after a crash) returns the first request, ``repeated``."""
    if key is not None and (earlier := await plate_request_submitted(services, citizen, key)) is not None:
        return earlier
    check = await check_plate_request(services, citizen, plate)
    if check.block is not None:
        return PlateSubmitted(check)
    now = services.clock()
    request = PlateDeliveryRequest(
        citizen_id_number=citizen.id_number,
        plate=plate,
        reason=reason,
        address=f"{address} ({postal_code})",
        phone=citizen.phone,
        created_at=now,
        updated_at=now,
        submission_key=key,
    )
    stored, created = await services.repos.applications.create_plate_request(request)
    return PlateSubmitted(check, stored, repeated=not created)


async def plate_request_submitted(services: Services, citizen: Citizen, key: str) -> PlateSubmitted | None:
    """The plate request the citizen's form ``key`` stored (``repeated``), if any."""
    earlier = await services.repos.applications.plate_request_by_submission_key(key, citizen.id_number)
    return PlateSubmitted(PlateCheck(None), earlier, repeated=True) if earlier is not None else None


async def record_materials_collected(
    services: Services, request_id: str, *, at: datetime | None = None
) -> Delivery | None:
    """The courier collected the materials of a plate request: accept it, start its delivery at
    ``materials_collected`` and tell the citizen (for the courier/staff integration). Idempotent:
    a request that already has a delivery returns that delivery; None if unknown or not open."""
    request = await services.repos.applications.plate_request(request_id)
    if request is None:
        return None
    if request.delivery_id is not None:
        return await services.repos.deliveries.by_id(request.delivery_id)
    if request.status != ApplicationStatus.SUBMITTED:
        return None
    when = at or services.clock()
    delivery = Delivery(
        kind=DeliveryKind.PLATE_DELIVERY,
        citizen_id_number=request.citizen_id_number,
        stage=DeliveryStage.MATERIALS_COLLECTED,
        stages=[StageEntry(stage=DeliveryStage.MATERIALS_COLLECTED, at=when)],
        plate=request.plate,
        address=request.address,
        application_id=request.id,
        created_at=when,
        updated_at=when,
    )
    await services.repos.deliveries.insert(delivery)
    await services.repos.applications.set_plate_request_status(
        request.id, ApplicationStatus.ACCEPTED, when, delivery_id=delivery.id
    )
    await notify(
        services,
        citizen_id_number=request.citizen_id_number,
        type=NotificationType.PLATE_DELIVERY,
        payload={"delivery_id": delivery.id, "plate": request.plate, "stage": delivery.stage.value},
        dedupe_key=f"plate_delivery:{delivery.id}:{delivery.stage.value}",
    )
    return delivery


@dataclass(frozen=True)
class MyApplications:
    renewals: list[RenewalApplication]
    plate_requests: list[PlateDeliveryRequest]


async def my_applications(services: Services, citizen: Citizen, *, limit: int = 10) -> MyApplications:
    """The citizen's own renewal applications and replacement-plate requests, newest first."""
    renewals = await services.repos.applications.renewals_for(citizen.id_number, limit=limit)
    plates = await services.repos.applications.plate_requests_for(citizen.id_number, limit=limit)
    return MyApplications(renewals=renewals, plate_requests=plates)
