"""Service settings, read from the environment (prefix ``SW_``) and an optional ``.env``."""

import itertools
import math
from collections import Counter
from functools import lru_cache
from pathlib import Path
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
    # Log lines as JSON objects (app.observability.logs) or text; default: text in
    # development, JSON in production.
    log_format: Literal["text", "json"] | None = None

    # /metrics (Prometheus) needs an admin's or a regulator's key, unless public (for a
    # Prometheus on a network nobody else reaches). With a port, an API process also
    # serves it there without a key, on metrics_host (default: SW_HOST). 0: no such port.
    metrics_public: bool = False
    metrics_port: int = Field(default=0, ge=0, le=65535)
    metrics_host: str | None = None
    # How long the figures read from the database for a scrape are reused.
    metrics_cache_seconds: float = Field(default=5, ge=0)

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
    # After customs releases the goods, the buyer may return them, or the declaration be
    # cancelled with customs' agreement, for this many days.
    return_window_days: int = Field(default=30, ge=1, le=366)
    # A request holding an idempotency key longer than this is presumed dead (its process
    # crashed) and the key may be taken over by a retry.
    idempotency_in_flight_seconds: int = Field(default=60, gt=0)
    # Each party posts its own document (三单对碰): an order, payment or waybill still
    # waiting for the others after this long expires, and its sender is told.
    document_match_hours: float = Field(default=24, gt=0)

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
    # Pushes (app.dispatch.pusher) go out beside the outbox, never in its way: at most
    # this many endpoints at once per process, one push at a time to each, in order.
    webhook_concurrency: int = Field(default=32, ge=1)
    # Pushes to one endpoint at once (each declaration's still one after another).
    webhook_endpoint_concurrency: int = Field(default=4, ge=1, le=32)
    # Each attempt, connection to last byte, is cut off after this long.
    webhook_deadline_seconds: float = Field(default=10, gt=0)
    # Events an endpoint takes in one turn before another endpoint's turn.
    webhook_batch_size: int = Field(default=100, ge=1)
    # After this many failed attempts in a row an endpoint is parked: only a probe goes
    # out, at the retry schedule's pace, until one succeeds.
    webhook_park_after: int = Field(default=5, ge=1)
    # The retry schedule of a failing endpoint: doubling from the base, up to the cap,
    # with jitter; an event still undelivered dead_letter_age_seconds after it happened
    # is given up on (it stays in the endpoint's deliveries, for a redelivery).
    webhook_retry_base_seconds: float = Field(default=5, gt=0)
    webhook_retry_cap_seconds: float = Field(default=3600, gt=0)
    # Endpoints per owner (an enterprise, a regulator, the admins).
    webhook_max_endpoints: int = Field(default=10, ge=1)
    # Events and delivery attempts are kept this long.
    webhook_retention_seconds: float = Field(default=3 * 24 * 3600, gt=0)
    webhook_poll_seconds: float = Field(default=0.25, gt=0)

    # CEB XML: the directory of the customs' schemas (ceb-import-202205.xsd and the
    # xmldsig-core-schema.xsd it imports), read from disk, never fetched. Default: the
    # shared/ceb/xsd directory beside the project.
    ceb_xsd_dir: Path = Path(__file__).resolve().parents[2] / "shared" / "ceb" / "xsd"
    # The window's own key and certificate (PEM files), which sign the CEB messages it
    # sends (an RSA key with RSA-SHA256, an SM2 key with SM2-SM3). Both or neither; unset
    # in development, a key and a self-signed certificate are made on first use and kept
    # beside the database (CEB_DEVELOPMENT_IDENTITY_FILE); production needs them.
    ceb_signing_key_file: Path | None = None
    ceb_certificate_file: Path | None = None

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
    # The ceiling of the wait in a message's first hour; after it, 15 minutes (or this,
    # if longer): app.store.outbox.RetryPolicy.
    retry_cap_seconds: float = Field(default=60, gt=0)
    # Transient failures retry until the message is this old (an agency may be down for
    # hours), the last attempt at that age; messages a receiver refuses outright are dead
    # at once. A number of attempts may end it sooner; by default none does.
    dead_letter_attempts: int | None = Field(default=None, ge=1)
    dead_letter_age_seconds: float = Field(default=24 * 3600, gt=0)
    # Ask an agency directly about a declaration it has not decided after this long.
    reconcile_after_seconds: float = Field(default=30, gt=0)
    reconcile_every_seconds: float = Field(default=5, gt=0)

    # Access. An admin key given at start-up (it is not stored: rotate it by restarting).
    # At least 32 characters (checked with the production rules below, so that a refusal
    # names every problem at once).
    bootstrap_admin_key: str | None = Field(default=None, max_length=200)
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
    # Requests without a valid key (missing, malformed, unknown, revoked) per client
    # address; beyond it the address is turned away (429), whatever key it sends, before
    # the key is looked at. Valid keys' requests do not count. Off with the rate limits.
    auth_failure_limit: str = "20/minute"

    # What the audit trail's checkpoints (signed heads that regulators keep) are signed
    # with, HMAC-SHA256; development value by default, refused in production.
    audit_signing_key: str = Field(default="dev-audit-signing-key", min_length=16)
    # What the console's session cookies are sealed with; none: a key derived from the
    # audit signing key (then rotating that one signs everyone out of the console).
    console_secret: str | None = Field(default=None, min_length=32)
    # How often a checkpoint of the trail's head is taken (when the head has moved).
    audit_checkpoint_seconds: float = Field(default=60, gt=0)

    @model_validator(mode="after")
    def _no_development_secrets_in_production(self) -> Self:
        """Production refuses to start with anything that is fine on a laptop and unsafe
        on a server, naming every such setting at once (not one per attempt)."""
        key = self.bootstrap_admin_key
        if self.environment != "production":
            if key is not None and len(key) < MIN_ADMIN_KEY_LENGTH:
                raise ValueError(
                    f"SW_BOOTSTRAP_ADMIN_KEY is under {MIN_ADMIN_KEY_LENGTH} characters"
                )
            if (self.ceb_signing_key_file is None) != (self.ceb_certificate_file is None):
                raise ValueError(_CEB_IDENTITY_HALF)
            return self
        problems = [
            f"SW_{agency.upper()}_SECRET is the development secret"
            for agency in ("customs", "inspection", "tax", "forex")
            if self.agency_secret(agency).startswith("dev-") or len(self.agency_secret(agency)) < 24
        ]
        if self.open_filing:
            problems.append("SW_OPEN_FILING is on")
        if self.audit_signing_key.startswith("dev-") or len(self.audit_signing_key) < 32:
            problems.append("SW_AUDIT_SIGNING_KEY is the development key or under 32 characters")
        if self.console_secret is not None and self.console_secret.startswith("dev-"):
            problems.append("SW_CONSOLE_SECRET is a development secret")
        weakness = admin_key_weakness(key) if key is not None else None
        if weakness is not None:
            problems.append(f"SW_BOOTSTRAP_ADMIN_KEY {weakness}")
        if self.database_url.startswith("sqlite"):
            problems.append(
                "SW_DATABASE_URL is SQLite: production runs on PostgreSQL "
                "(postgresql+psycopg://...)"
            )
        if not self.rate_limit_enabled:
            problems.append("SW_RATE_LIMIT_ENABLED is false: the rate limits are off")
        if self.ceb_signing_key_file is None or self.ceb_certificate_file is None:
            problems.append(
                "SW_CEB_SIGNING_KEY_FILE and SW_CEB_CERTIFICATE_FILE are not both set: the "
                "window signs the CEB messages it sends with its own key and certificate"
            )
        if problems:
            raise ValueError(
                "refusing to start in production:" + "".join(f"\n- {p}" for p in problems)
            )
        return self

    def logs_as_json(self) -> bool:
        if self.log_format is None:
            return self.environment == "production"
        return self.log_format == "json"

    def agency_url(self, agency: str) -> str:
        url: str = getattr(self, f"{agency}_url")
        return url

    def agency_secret(self, agency: str) -> str:
        secret: str = getattr(self, f"{agency}_secret")
        return secret

    def webhook_hosts_allowed(self) -> frozenset[str]:
        return webhook_targets.allowed_hosts(self.webhook_allowed_hosts)

    def ceb_development_identity_file(self) -> Path:
        """Where development keeps the window's generated CEB key and certificate:
        beside the SQLite database file, else in the working directory."""
        prefix = "sqlite:///"
        path = self.database_url.removeprefix(prefix).split("?")[0]
        if self.database_url.startswith(prefix) and path not in ("", ":memory:"):
            return Path(path).parent / CEB_DEVELOPMENT_IDENTITY_FILE
        return Path(CEB_DEVELOPMENT_IDENTITY_FILE)


MIN_ADMIN_KEY_LENGTH = 32
CEB_DEVELOPMENT_IDENTITY_FILE = ".singlewindow-ceb-identity.pem"
_CEB_IDENTITY_HALF = (
    "SW_CEB_SIGNING_KEY_FILE and SW_CEB_CERTIFICATE_FILE go together: give both or neither"
)
# Words that mark a key written by hand as a stand-in.
_PLACEHOLDER_WORDS = ("password", "changeme", "example", "placeholder", "secret", "default")
# A key of 256 random bits (``singlewindow keys create``, ``openssl rand -base64 32``)
# scores about 200 on the estimate below, one of 128 random bits in hex about 115.
_MIN_KEY_BITS = 90
# Characters in a row that repeat or count up or down (``aaaaaaaa``, ``12345678``,
# ``hgfedcba``): a random hex key has one with a chance of about one in 100,000.
_MAX_RUN = 8


def admin_key_weakness(key: str) -> str | None:
    """Why an admin key is too easy to guess, or None. A heuristic for keys written by
    hand: the development prefix, the length, stand-in words, and an estimate of its
    randomness from how often each character occurs (its Shannon entropy, in bits)."""
    if key.startswith("sw_dev_"):
        return "is a development key"
    if len(key) < MIN_ADMIN_KEY_LENGTH:
        return f"is under {MIN_ADMIN_KEY_LENGTH} characters"
    lowered = key.lower()
    for word in _PLACEHOLDER_WORDS:
        if word in lowered:
            return f"contains {word!r}"
    bits = -sum(n * math.log2(n / len(key)) for n in Counter(key).values())
    if bits < _MIN_KEY_BITS or _longest_run(key) >= _MAX_RUN:
        return "is too regular to be random (make one with `openssl rand -base64 32`)"
    return None


def _longest_run(key: str) -> int:
    """The longest stretch of characters that repeat or step by one in one direction."""
    longest = 1
    for direction in (1, -1):
        run = 1
        for before, after in itertools.pairwise(key):
            step = ord(after) - ord(before)
            run = run + 1 if step in (0, direction) else 1
            longest = max(longest, run)
    return longest


@lru_cache
def get_settings() -> Settings:
    return Settings()
