"""Public status and open data (issue 15): complaints as Open311 GeoReport v2 service requests and
a ticket's public status, with **no personal data**.

What a public record holds, and nothing else (storage/repositories/public.py loads only these
fields): the ticket id, the service (the topic), open or closed, a status note from the catalogs
(never the staff's reply, which is addressed to a person), the department responsible, the dates
(filed, last changed, the answer date), the district as the address, and the location rounded to
two decimals (about 1 km). The citizen's description is **omitted**: masking catches ID numbers,
phones and codes, but not names, plates or house numbers written in free text. No photos, no
plate, no place words, no citizen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from actions import dispatch
from actions.services import Services
from core.dates import LOCAL_TZ
from core.identifiers import normalize_ticket_id
from core.language import Language
from storage.data.dispatch import district_names
from storage.models import ComplaintStatus, ComplaintTopic

OPEN = (ComplaintStatus.NEW, ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.IN_PROGRESS)
DEFAULT_WINDOW = timedelta(days=90)  # GeoReport v2: requests of the last 90 days by default
MAX_RESULTS = 1000  # GeoReport v2: at most 1000 requests in one answer

# GeoReport v2 service request fields, in the order the spec lists them.
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


class BadQuery(ValueError):
    """A GeoReport query parameter that cannot be read (the message says which)."""


def iso(at: datetime | None) -> str | None:
    """W3C / ISO 8601 with the bureau's offset, e.g. 2020-03-02T10:00:00+08:00."""
    return at.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if at is not None else None


def coarse(value: Any) -> float | None:
    """A coordinate rounded to 2 decimals (about a kilometre)."""
    return round(float(value), 2) if isinstance(value, int | float) else None


@dataclass(frozen=True)
class PublicText:
    """What the public record says in one language."""

    services: dict[str, str]  # topic -> service name
    notes: dict[str, str]  # status -> status note
    agencies: dict[str, str]  # department id -> name
    bureau: str
    address: str  # with {district}


async def texts(services: Services, lang: Language) -> PublicText:
    catalog = services.catalog
    departments = await dispatch.departments(services)
    return PublicText(
        services={
            t.value: str(catalog.text(lang, f"complaints-topic-{t.value.replace('_', '-')}")) for t in ComplaintTopic
        },
        notes={s.value: str(catalog.text(lang, f"open311-note-{s.value.replace('_', '-')}")) for s in ComplaintStatus},
        agencies={d.id: d.name.get(lang) for d in departments},
        bureau=str(catalog.text(lang, "open311-agency-bureau")),
        address=str(catalog.text(lang, "open311-address", district="{district}")),
    )


def service_request(doc: dict[str, Any], text: PublicText, lang: Language) -> dict[str, Any]:
    """One complaint (its public fields) as a GeoReport v2 service request."""
    status = ComplaintStatus(doc["status"])
    topic = str(doc.get("topic", ComplaintTopic.OTHER.value))
    district = district_names().get(str(doc.get("district") or ""))
    location = doc.get("location") or {}
    return {
        "service_request_id": doc["_id"],
        "status": "open" if status in OPEN else "closed",
        "status_notes": text.notes[status.value],
        "service_name": text.services.get(topic, text.services[ComplaintTopic.OTHER.value]),
        "service_code": topic,
        "description": None,  # omitted: see the module's docstring
        "agency_responsible": text.agencies.get(str(doc.get("department") or ""), text.bureau),
        "service_notice": None,
        "requested_datetime": iso(doc.get("created_at")),
        "updated_datetime": iso(doc.get("updated_at")),
        "expected_datetime": iso(doc.get("answer_by")) if status in OPEN else None,
        "address": text.address.replace("{district}", district.get(lang)) if district is not None else None,
        "address_id": None,
        "zipcode": None,
        "lat": coarse(location.get("lat")),
        "long": coarse(location.get("lon")),
        "media_url": None,
    }


async def service_list(services: Services, lang: Language) -> list[dict[str, Any]]:
    """GeoReport v2 ``services``: one service per complaint topic."""
    catalog = services.catalog
    return [
        {
            "service_code": t.value,
            "service_name": str(catalog.text(lang, f"complaints-topic-{t.value.replace('_', '-')}")),
            "description": str(catalog.text(lang, f"open311-service-{t.value.replace('_', '-')}")),
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": str(catalog.text(lang, "open311-group")),
        }
        for t in ComplaintTopic
    ]


def _date(text: str, *, end: bool) -> datetime:
    """A GeoReport date: full ISO 8601 (without an offset: the bureau's local time), or a day
    (an ``end_date`` day is included whole)."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), LOCAL_TZ)
        at = datetime.fromisoformat(text)
    except ValueError:
        raise BadQuery(f"not a W3C date: {text[:40]!r}") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=LOCAL_TZ)


def ticket_ids(raw: str) -> list[str]:
    ids = [normalize_ticket_id(part) for part in raw.split(",") if part.strip()]
    return [i for i in ids if i is not None][:MAX_RESULTS]


async def requests(services: Services, query: dict[str, str], lang: Language) -> list[dict[str, Any]]:
    """GeoReport v2 ``requests``: by ``service_request_id`` (comma-separated; the other filters are
    then ignored, as the spec says), else by ``service_code``, ``status`` (open, closed),
    ``start_date`` and ``end_date`` (default: the last 90 days), newest first, at most 1000."""
    text = await texts(services, lang)
    if query.get("service_request_id"):
        docs = await services.repos.public.by_tickets(ticket_ids(query["service_request_id"]))
        return [service_request(d, text, lang) for d in docs]
    now = services.clock()
    until = _date(query["end_date"], end=True) if query.get("end_date") else now + timedelta(seconds=1)
    since = _date(query["start_date"], end=False) if query.get("start_date") else until - DEFAULT_WINDOW
    if since >= until:
        raise BadQuery("start_date is after end_date")
    topics: list[ComplaintTopic] | None = None
    if query.get("service_code"):
        known = {t.value: t for t in ComplaintTopic}
        codes = [c.strip() for c in query["service_code"].split(",") if c.strip()]
        if any(c not in known for c in codes):
            raise BadQuery("unknown service_code")
        topics = [known[c] for c in codes]
    statuses: list[ComplaintStatus] | None = None
    if query.get("status"):
        wanted = {s.strip().lower() for s in query["status"].split(",") if s.strip()}
        if not wanted <= {"open", "closed"}:
            raise BadQuery("status is open, closed or both")
        statuses = [s for s in ComplaintStatus if ("open" if s in OPEN else "closed") in wanted]
    docs = await services.repos.public.search(
        since=since, until=until, topics=topics, statuses=statuses, limit=MAX_RESULTS
    )
    return [service_request(d, text, lang) for d in docs]


async def one_request(services: Services, ticket: str, lang: Language) -> dict[str, Any] | None:
    """One complaint's public record by its ticket id (typed loosely: "c261121-0042"), or None."""
    ticket_id = normalize_ticket_id(ticket)
    if ticket_id is None:
        return None
    doc = await services.repos.public.by_ticket(ticket_id)
    if doc is None:
        return None
    return service_request(doc, await texts(services, lang), lang)
