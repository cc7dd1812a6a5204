"""Service settings, read from the environment (prefix ``SW_``) and an optional ``.env``."""

from functools import lru_cache
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.domain import webhook_targets


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SW_", env_file=".env", extra="ignore")

    # "production" refuses to start with any development secret or open door.
    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./singlewindow.db"
    host: str = "127.0.0.1"
    port: int = 8000
    # `serve` answers the agencies' receipt callbacks in an API process of their own on
    # this port, so that they never wait behind intake; 0: the main port answers them.
    callback_port: int = Field(default=8001, ge=0, le=65535)
    log_level: str = "info"

    max_body_bytes: int = Field(default=256 * 1024, gt=0)
    # Single declarations waiting to be decided beyond which intake answers 503
    # `overloaded` at once: a bounded wait and bounded memory rather than timeouts.
    intake_queue_limit: int = Field(default=2000, gt=0)
    # About one response in this many closes its connection, so that clients' kept-alive
    # connections spread over the API processes (app.middleware); 0: never.
    connection_recycle_every: int = Field(default=50, ge=0)
    # API processes `serve` starts (default: one per CPU core).
    api_workers: int | None = Field(default=None, ge=1)
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

    # Webhook endpoints: hosts that pushes may reach although they are not public,
    # comma-separated, each matched case-insensitively against the host exactly as the
    # URL writes it (``localhost``, ``127.0.0.1``, ``[::1]``, ``hooks.internal``).
    # Empty (the default): only public addresses (app.domain.webhook_targets).
    webhook_allowed_hosts: str = ""

    # Long-running processes (`serve`, `worker`) set it: see app.runtime.tune_gc.
    gc_tuning: bool = False

    # The dispatcher delivers the outbox; it runs in the API process unless disabled
    # (then `singlewindow worker` processes do the delivering).
    dispatcher_enabled: bool = True
    dispatch_batch_size: int = Field(default=100, ge=1, le=100)
    # Batches sent to each agency at once in a round.
    dispatch_parallel_batches: int = Field(default=4, ge=1, le=16)
    # Declarations whose derived rows (agency rows, lines, events, audit entries, outbox
    # messages) one worker transaction writes: on SQLite intake waits while it does, so
    # a few dozen (about 20 ms), not hundreds.
    derive_batch_size: int = Field(default=40, ge=1)
    # While declarations arrive faster than this a second, the worker defers its rounds
    # to intake, for at most worker_max_defer_seconds at a stretch (app.dispatch.pacing).
    worker_yield_above: float = Field(default=800, gt=0)
    worker_max_defer_seconds: float = Field(default=120, ge=0)
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

    # Access. An admin key given at start-up (it is not stored: rotate it by restarting).
    bootstrap_admin_key: str | None = Field(default=None, min_length=32, max_length=200)
    # Lets anyone file an enterprise without a key: development only.
    open_filing: bool = False
    # How long a key's lookup is remembered; a key revoked elsewhere stops within this.
    key_cache_seconds: float = Field(default=5, ge=0)
    # Per key (`limits` notation, several separated by ";"). The default lets a platform
    # send thousands of declarations a second at peak, and stops a client stuck in a loop.
    rate_limit_enabled: bool = True
    rate_limit: str = "20000/second;300000/minute"
    # Statistics, exports and audit verification.
    rate_limit_heavy: str = "10/second;120/minute"
    rate_limit_storage: str = "memory://"

    @model_validator(mode="after")
    def _no_development_secrets_in_production(self) -> Self:
        if self.environment != "production":
            return self
        problems = [
            f"SW_{agency.upper()}_SECRET is the development secret"
            for agency in ("customs", "inspection", "tax", "forex")
            if self.agency_secret(agency).startswith("dev-") or len(self.agency_secret(agency)) < 24
        ]
        if self.open_filing:
            problems.append("SW_OPEN_FILING is on")
        if self.bootstrap_admin_key and self.bootstrap_admin_key.startswith("sw_dev_"):
            problems.append("SW_BOOTSTRAP_ADMIN_KEY is a development key")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    def agency_url(self, agency: str) -> str:
        url: str = getattr(self, f"{agency}_url")
        return url

    def agency_secret(self, agency: str) -> str:
        secret: str = getattr(self, f"{agency}_secret")
        return secret

    def webhook_hosts_allowed(self) -> frozenset[str]:
        return webhook_targets.allowed_hosts(self.webhook_allowed_hosts)


@lru_cache
def get_settings() -> Settings:
    return Settings()
