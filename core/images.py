"""What an uploaded file really is: JPEG, PNG or WebP, and its size in pixels, read from the bytes
themselves (a name or a declared type proves nothing). Pure; no image library needed."""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAX_SIDE = 12_000  # pixels; a larger declared picture is not a phone photo


@dataclass(frozen=True)
class ImageInfo:
    content_type: str  # image/jpeg, image/png or image/webp
    width: int
    height: int


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The frame size from the first SOFn marker; None when the stream is cut short or malformed."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if length < 2:
            return None
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if i + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _webp_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 30:
        return None
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


def sniff_image(data: bytes) -> ImageInfo | None:
    """The photo's real type and size, or None when the bytes are not a JPEG, PNG or WebP image
    whose header can be read (a renamed document, a truncated upload, a zero-sized picture)."""
    found: tuple[str, tuple[int, int] | None]
    if data.startswith(b"\xff\xd8\xff"):
        found = ("image/jpeg", _jpeg_size(data))
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        found = ("image/png", _png_size(data))
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        found = ("image/webp", _webp_size(data))
    else:
        return None
    content_type, size = found
    if size is None:
        return None
    width, height = size
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return None
    return ImageInfo(content_type, width, height)
