"""The customs' CEB schemas and official sample messages, from ../shared/ceb."""

from pathlib import Path

from tests.support.environment import need_shared


def xsd_dir() -> Path:
    """../shared/ceb/xsd, or a skip (a failure under CI)."""
    return need_shared() / "ceb" / "xsd"


def sample(message_type: str) -> bytes:
    """The official sample of a message type (``CEB311``), as bytes."""
    return (need_shared() / "ceb" / "samples-202205" / f"{message_type}Message.xml").read_bytes()
