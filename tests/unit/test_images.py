"""What an uploaded photo really is, read from its bytes: JPEG, PNG, WebP and their sizes; anything
else (a renamed document, a truncated upload, an absurd size) is not a photo."""

from __future__ import annotations

import struct

from core.images import sniff_image
from tests.miniapp.helpers import png


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    payload = b"\x2f" + bits.to_bytes(4, "little") + bytes(8)
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def test_real_images_with_their_sizes() -> None:
    found = sniff_image(png(40, 30))
    assert found is not None and (found.content_type, found.width, found.height) == ("image/png", 40, 30)
    found = sniff_image(jpeg(1280, 960))
    assert found is not None and (found.content_type, found.width, found.height) == ("image/jpeg", 1280, 960)
    found = sniff_image(webp_lossless(800, 600))
    assert found is not None and (found.content_type, found.width, found.height) == ("image/webp", 800, 600)


def test_what_is_not_a_photo() -> None:
    assert sniff_image(b"") is None
    assert sniff_image(b"%PDF-1.7\n...") is None
    assert sniff_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert sniff_image(png()[:20]) is None  # cut short
    assert sniff_image(jpeg(100, 100)[:12]) is None
    assert sniff_image(jpeg(0, 100)) is None
    assert sniff_image(jpeg(50_000, 100)) is None
