"""The pipe protocol between the service and its template workers: one JSON object per frame,
preceded by its length (4 bytes, big-endian). A frame larger than `MAX_FRAME` is refused, so a
worker cannot make the service read an unbounded answer."""

from __future__ import annotations

import json
import struct

HEADER = struct.Struct(">I")
MAX_FRAME = 4 * 1024 * 1024


class FrameTooLarge(ValueError):
    pass


def encode(message: dict) -> bytes:
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(body) > MAX_FRAME:
        raise FrameTooLarge(f"a frame of {len(body)} bytes")
    return HEADER.pack(len(body)) + body


def length_of(header: bytes) -> int:
    (length,) = HEADER.unpack(header)
    if length > MAX_FRAME:
        raise FrameTooLarge(f"a frame of {length} bytes")
    return length


def decode(body: bytes) -> dict:
    return json.loads(body.decode("utf-8"))
