"""The e-license's verification code as a QR code an officer scans: an SVG drawn on the server
(segno), handed to the page as a ``data:`` URI (an image: nothing of it runs as markup)."""

from __future__ import annotations

import segno

PREFIX = "TMB-ELIC:"  # what a verifier's scanner reads: the bureau's e-license code, then the digits


def qr_payload(code: str) -> str:
    return PREFIX + code


def qr_data_uri(code: str) -> str:
    """Dark modules on white with the standard 4-module quiet zone (scanners need the contrast in
    both themes), medium error correction, scalable (the page sizes it)."""
    qr = segno.make(qr_payload(code), error="m", micro=False)
    return str(qr.svg_data_uri(scale=8, border=4, dark="#000000", light="#ffffff", omitsize=True))
