"""Places: the key that equal place names share, and the distance between two points.

Pure functions, no I/O (complaint clustering and the demo data use them).
"""

from __future__ import annotations

import math
import unicodedata
from typing import Final, Protocol

EARTH_RADIUS_M: Final = 6_371_000.0


class LatLon(Protocol):
    """A point on the Earth in degrees (``storage.models.GeoPoint`` is one)."""

    @property
    def lat(self) -> float: ...

    @property
    def lon(self) -> float: ...


def normalize_place(text: str) -> str:
    """A key that equal places share: NFKC, lower case, no spaces, punctuation or symbols."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZ")


def distance_m(a: LatLon, b: LatLon) -> float:
    """Great-circle (haversine) distance in metres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def degrees_around(point: LatLon, radius_m: float) -> tuple[float, float]:
    """Half the side, in degrees of latitude and of longitude, of a box holding the circle of
    ``radius_m`` around ``point`` (a coarse filter before ``distance_m``)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    return dlat, dlat / max(0.01, math.cos(math.radians(point.lat)))
