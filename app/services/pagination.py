"""Opaque cursors for keyset pagination."""

import base64
import json
from typing import Any

from app.errors import InvalidCursor


def encode_cursor(*values: Any) -> str:
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *types: type) -> list[Any]:
    """The values ``encode_cursor`` was given, checked against the expected types."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError:
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(types)
        or not all(isinstance(v, t) for v, t in zip(values, types, strict=True))
    ):
        raise invalid_cursor()
    return values


def invalid_cursor() -> InvalidCursor:
    return InvalidCursor(
        "The cursor was not issued by this service; start again without one.",
        "该游标不是本服务签发的；请不带游标重新开始。",
    )
