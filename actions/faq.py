"""FAQ data that is not plain text: the e-license opening schedule by batch (from the city
schedule data), and the FAQ topics (feature name, catalog ids) in menu order.

The answers themselves are catalog messages (``locales/*/faq.ftl``) that follow the seeds:
000 (driver physical exams near home: 141 community/township hospitals and 51 county-level and
above; renewal on the app, license mailed; the 12123 hotline's four categories), 001/002
(e-licenses for vehicles, electronic deregistration certificates, door-to-door plates) and 003
(the electronic driver's license has the same legal effect as the paper one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from actions.services import Services
from storage.models import ELicenseCity


@dataclass(frozen=True)
class FaqTopic:
    feature: str
    intent: str | None
    title_id: str
    answer_id: str


FAQ_TOPICS: tuple[FaqTopic, ...] = (
    FaqTopic("faq_elicense", "faq_elicense_validity", "faq-elicense-title", "faq-elicense-answer"),
    FaqTopic("faq_exam", "faq_health_exam", "faq-exam-title", "faq-exam-answer"),
    FaqTopic("faq_renewal", "faq_license_renewal", "faq-renewal-title", "faq-renewal-answer"),
    FaqTopic("faq_plates", "faq_plate_delivery", "faq-plates-title", "faq-plates-answer"),
    FaqTopic("faq_cities", None, "faq-cities-title", "faq-cities-answer"),
    FaqTopic("faq_dereg", None, "faq-dereg-title", "faq-dereg-answer"),
    FaqTopic("faq_hotline", None, "faq-hotline-title", "faq-hotline-answer"),
)


@dataclass(frozen=True)
class Batch:
    batch: int
    opens_on: date
    is_open: bool
    cities: list[ELicenseCity]


def group_batches(cities: list[ELicenseCity], today: date) -> list[Batch]:
    """Cities grouped by batch, in batch order; a batch opens on its earliest city's date."""
    ordered = sorted(cities, key=lambda c: (c.batch, c.opens_on, c.city))
    result: list[Batch] = []
    for number, members in groupby(ordered, key=lambda c: c.batch):
        group = list(members)
        opens_on = min(c.opens_on for c in group)
        result.append(Batch(batch=number, opens_on=opens_on, is_open=today >= opens_on, cities=group))
    return result


async def elicense_schedule(services: Services, today: date) -> list[Batch]:
    return group_batches(await services.repos.elicense.cities(), today)
