"""What the console shows for the codes it stores: every label through the catalogs, in the
console's language (issue 17: no `road_facilities`, `human_handoff`, `status_changed`,
`hohhot-vmo` or `exam_overdue` in front of a person), and the citizen's words with their
identifiers masked, bot messages as plain text that keeps its line breaks, places with a map link.

Templates get one `Labels` as ``L`` (staff.http.render)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from markupsafe import Markup

from actions.transcripts import mask_identifiers
from core.i18n import Catalog
from core.language import Language
from core.language import parse as parse_language
from storage.data import city as city_of
from storage.data import office as office_of

_TAG = re.compile(r"<[^>]*>")
_COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def plain(text: str | None) -> str:
    """A bot message (Telegram HTML) as plain text: tags dropped, entities decoded, line breaks kept."""
    return html.unescape(_TAG.sub("", text or ""))


def masked(text: str | None) -> str:
    """A citizen's (or anyone's) words as the console shows them: identifiers masked."""
    return mask_identifiers(text or "")


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float

    @property
    def text(self) -> str:
        return f"{self.lat:.6f}, {self.lon:.6f}"

    @property
    def map_url(self) -> str:
        """A plain link to a map site (the console itself loads nothing from the internet)."""
        query = urlencode({"mlat": f"{self.lat:.6f}", "mlon": f"{self.lon:.6f}"})
        return f"https://www.openstreetmap.org/?{query}#map=17/{self.lat:.6f}/{self.lon:.6f}"


def place(lat: object, lon: object) -> Place | None:
    try:
        point = Place(float(str(lat)), float(str(lon)))
    except (TypeError, ValueError):
        return None
    if not (-90 <= point.lat <= 90 and -180 <= point.lon <= 180):
        return None
    return point


def place_in(text: str | None) -> Place | None:
    """The coordinates a location turn was stored with ("39.900000,116.400000")."""
    match = _COORDINATES.match(text or "")
    return place(match.group(1), match.group(2)) if match else None


class Labels:
    """Labels in the console's language ``lang`` (with an English or code-free fallback)."""

    def __init__(self, catalog: Catalog, lang: Language) -> None:
        self.catalog = catalog
        self.lang = lang

    def _t(self, msg_id: str, fallback: str, **args: object) -> Markup:
        if self.catalog.has(self.lang, msg_id):
            return self.catalog.text(self.lang, msg_id, **args)
        return self.catalog.text(self.lang, fallback, **args)

    @staticmethod
    def _id(value: str) -> str:
        return value.replace("_", "-")

    def topic(self, topic: str | None) -> Markup:
        """What a conversation is about: an NLU intent, "callback" or "supervisor"."""
        if not topic:
            return self.catalog.text(self.lang, "staff-no-topic")
        return self._t(f"staff-topic-{self._id(topic)}", "staff-topic-other")

    def topics(self, topics: list[str] | None) -> str:
        return ", ".join(str(self.topic(t)) for t in topics or []) or "—"

    def language(self, value: object) -> Markup:
        """A citizen's language ("en", "zh") by its name."""
        lang = parse_language(str(getattr(value, "value", value))) if value is not None else None
        if lang is None:
            return self.catalog.text(self.lang, "staff-language-unknown")
        return self.catalog.text(self.lang, f"staff-language-{lang.value}")

    def entity(self, name: str) -> Markup:
        return self._t(f"staff-entity-{self._id(name)}", "staff-entity-other")

    def resolution(self, code: str | None) -> Markup:
        return self._t(f"staff-resolution-{self._id(code or 'none')}", "staff-resolution-other")

    def complaint_topic(self, topic: object) -> Markup:
        value = str(getattr(topic, "value", topic))
        return self._t(f"complaints-topic-{self._id(value)}", "complaints-topic-other")

    def complaint_status(self, status: object) -> Markup:
        value = str(getattr(status, "value", status))
        return self._t(f"staff-complaint-status-{self._id(value)}", "staff-unknown")

    def history_action(self, action: str) -> Markup:
        return self._t(f"staff-history-{self._id(action)}", "staff-history-other")

    def license_status(self, status: object) -> Markup:
        value = str(getattr(status, "value", status))
        return self._t(f"license-status-{value}", "staff-unknown")

    def office(self, office_id: str) -> str:
        found = office_of(office_id)
        return found.name.get(self.lang) if found is not None else str(self.catalog.text(self.lang, "staff-unknown"))

    def city(self, city_id: str | None) -> str:
        found = city_of(city_id or "")
        return found.name.get(self.lang) if found is not None else str(self.catalog.text(self.lang, "staff-unknown"))

    def actor(self, actor: str | None) -> str:
        """Who did something: the citizen, the system, or a staff username (shown as it is)."""
        if actor in ("citizen", "system", "bot"):
            return str(self.catalog.text(self.lang, f"staff-actor-{actor}"))
        return actor or "—"

    def role(self, role: object) -> Markup:
        return self._t(f"staff-role-{getattr(role, 'value', role)}", "staff-unknown")

    def turn_role(self, role: object) -> Markup:
        return self._t(f"staff-role-turn-{getattr(role, 'value', role)}", "staff-unknown")

    def turn_kind(self, kind: object) -> Markup:
        return self._t(f"staff-kind-{getattr(kind, 'value', kind)}", "staff-kind-other")

    def state(self, state: object) -> Markup:
        return self._t(f"staff-state-{getattr(state, 'value', state)}", "staff-unknown")
