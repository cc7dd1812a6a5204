"""Settings of one agency service, from the environment.

``AGENCY_<FIELD>`` applies to every agency (``AGENCY_CALLBACK_BASE_URL``), and
``AGENCY_<NAME>_<FIELD>`` to one of them (``AGENCY_TAX_SECRET``), which wins."""

import os
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.agencies.wire import AgencyName
from mock_agencies.rules import inspection

DEFAULT_PORTS: dict[AgencyName, int] = {
    AgencyName.CUSTOMS: 8101,
    AgencyName.INSPECTION: 8102,
    AgencyName.TAX: 8103,
    AgencyName.FOREX: 8104,
}
# Registration numbers the agencies hand out for filings: prefix + 10 digits.
REGISTRATION_PREFIX: dict[AgencyName, str] = {
    AgencyName.CUSTOMS: "CUS",
    AgencyName.INSPECTION: "CIQ",
    AgencyName.TAX: "TAX",
    AgencyName.FOREX: "SAFE",
}
ENV_PREFIX = "AGENCY_"
# Long enough to watch a declaration go through, short enough not to wait for it.
DEFAULT_DECISION_DELAY_MS = 1000


class AgencySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    name: AgencyName = AgencyName.CUSTOMS
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, description="0: the agency's usual port (8101–8104).")
    callback_base_url: str = "http://127.0.0.1:8000"
    secret: str = Field(default="", description='Empty: "dev-<agency>-secret" (development).')
    data_dir: Path = Path("./agency-data")
    log_level: str = "warning"

    decision_delay_ms: int = Field(default=DEFAULT_DECISION_DELAY_MS, ge=0)
    # Share of flagged consignments (food, cosmetics, infant formula) quarantine inspects.
    # All of them by default, so that the journey through inspection is there to see;
    # load tests sample (e.g. 0.2).
    quarantine_sampling_rate: float = Field(default=inspection.DEFAULT_SAMPLING_RATE, ge=0, le=1)

    # Fault knobs (also adjustable at run time through /admin/faults).
    latency_ms: int = Field(default=0, ge=0)
    error_rate: float = Field(default=0, ge=0, le=1)
    timeout_rate: float = Field(default=0, ge=0, le=1)
    timeout_hang_seconds: float = Field(default=30, ge=0)
    down: bool = False
    duplicate_callbacks: float = Field(default=0, ge=0, le=1)
    out_of_order_callbacks: bool = False
    # Customs refuses cancellations and returns after release (AGENCY_REFUSE_AFTER_RELEASE,
    # or AGENCY_CUSTOMS_REFUSE_AFTER_RELEASE); only customs decides them, the others agree.
    refuse_after_release: bool = False

    # Callback delivery.
    sender_tick_ms: int = Field(default=50, gt=0)
    callback_timeout_seconds: float = Field(default=5, gt=0)
    retry_base_ms: int = Field(default=200, gt=0)
    retry_max_ms: int = Field(default=30_000, gt=0)

    @model_validator(mode="after")
    def _agency_defaults(self) -> Self:
        self.port = self.port or DEFAULT_PORTS[self.name]
        self.secret = self.secret or f"dev-{self.name}-secret"
        return self

    @property
    def database_path(self) -> Path:
        return self.data_dir / f"{self.name}.db"

    @property
    def callback_url(self) -> str:
        return f"{self.callback_base_url.rstrip('/')}/v1/receipts/{self.name}"


def listening_address(url: str) -> tuple[str, int]:
    """Where a simulated agency listens so that ``url``, the address the single window
    reaches it at (its ``SW_<AGENCY>_URL``), lands on it: the URL's host and port. The
    simulations speak plain HTTP at the root, so another scheme or a path is refused
    (``ValueError``) rather than started somewhere the single window will not look."""
    parts = urlsplit(url)
    try:
        port = parts.port or 80
    except ValueError:
        port = 0
    if parts.scheme != "http" or not parts.hostname or not port or parts.path.strip("/"):
        raise ValueError(f"{url!r}: a simulated agency listens at http://HOST:PORT, with no path")
    return parts.hostname, port


def settings_for(agency: AgencyName, **overrides: Any) -> AgencySettings:
    """The settings of ``agency``: ``overrides``, then AGENCY_<NAME>_*, then AGENCY_*."""
    own_prefix = f"{ENV_PREFIX}{agency.upper()}_"
    own = {
        key[len(own_prefix) :].lower(): value
        for key, value in os.environ.items()
        if key.upper().startswith(own_prefix)
    }
    return AgencySettings(**(own | overrides | {"name": agency}))
