"""Service settings, read from the environment (prefix ``SW_``) and an optional ``.env``."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SW_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./singlewindow.db"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"

    max_body_bytes: int = Field(default=256 * 1024, gt=0)
    # A batch carries up to 100 declarations.
    max_batch_body_bytes: int = Field(default=8 * 1024 * 1024, gt=0)
    page_size_default: int = Field(default=50, gt=0)
    page_size_max: int = Field(default=200, gt=0)
    idempotency_ttl_hours: int = Field(default=24, ge=24)
    # A request holding an idempotency key longer than this is presumed dead (its process
    # crashed) and the key may be taken over by a retry.
    idempotency_in_flight_seconds: int = Field(default=60, gt=0)

    # The agencies: where they listen, and the secret each signs its receipts with.
    customs_url: str = "http://127.0.0.1:8101"
    inspection_url: str = "http://127.0.0.1:8102"
    tax_url: str = "http://127.0.0.1:8103"
    forex_url: str = "http://127.0.0.1:8104"
    customs_secret: str = "dev-customs-secret"
    inspection_secret: str = "dev-inspection-secret"
    tax_secret: str = "dev-tax-secret"
    forex_secret: str = "dev-forex-secret"

    # The dispatcher delivers the outbox; it runs in the API process unless disabled
    # (then `singlewindow worker` processes do the delivering).
    dispatcher_enabled: bool = True
    dispatch_batch_size: int = Field(default=100, ge=1, le=100)
    dispatch_idle_seconds: float = Field(default=0.2, gt=0)
    dispatch_linger_seconds: float = Field(default=0.15, ge=0)
    dispatch_lease_seconds: float = Field(default=30, gt=0)
    dispatch_connect_timeout: float = Field(default=2, gt=0)
    dispatch_read_timeout: float = Field(default=10, gt=0)
    retry_base_seconds: float = Field(default=0.5, gt=0)
    retry_cap_seconds: float = Field(default=60, gt=0)
    # Transient failures retry for a long while (an agency may be down for an hour);
    # messages a receiver refuses outright are dead at once.
    dead_letter_attempts: int = Field(default=200, ge=1)
    dead_letter_age_seconds: float = Field(default=24 * 3600, gt=0)
    # Ask an agency directly about a declaration it has not decided after this long.
    reconcile_after_seconds: float = Field(default=30, gt=0)
    reconcile_every_seconds: float = Field(default=5, gt=0)

    def agency_url(self, agency: str) -> str:
        url: str = getattr(self, f"{agency}_url")
        return url

    def agency_secret(self, agency: str) -> str:
        secret: str = getattr(self, f"{agency}_secret")
        return secret


@lru_cache
def get_settings() -> Settings:
    return Settings()
