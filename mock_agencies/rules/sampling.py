"""Deterministic draws: the same declaration id always gets the same answer, so that a
retried or replayed declaration is never sampled differently, and tests can predict it."""

import hashlib

_SCALE = float(2**64)


def draw(declaration_id: str, purpose: str) -> float:
    """A number in [0, 1), uniform over ids, independent between purposes."""
    digest = hashlib.sha256(f"{purpose}:{declaration_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def selected(declaration_id: str, purpose: str, rate: float) -> bool:
    return draw(declaration_id, purpose) < rate
