"""Who is calling, and whether they may: API keys → principals, and the access rule that
every ``/v1`` route declares with ``allow(...)``.

Every call carries ``Authorization: Bearer <key>``. Keys are looked up by their SHA-256 and
remembered for a few seconds (``SW_KEY_CACHE_SECONDS``), so a revoked key, or the key of
an enterprise whose filing was suspended or revoked, stops working in every process within
that time, and at once in the process that revoked it. An address that keeps sending keys
that are not valid is turned away before its keys are even looked at."""

import asyncio
import hmac
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.errors import (
    EnterpriseRevoked,
    EnterpriseSuspended,
    Forbidden,
    RateLimited,
    TooManyFailedAuthentications,
    Unauthenticated,
)
from app.schemas.enterprise import FilingStatus
from app.store import keys
from app.store.keys import KeyKind, RegulatorAgency


class PrincipalKind(StrEnum):
    ADMIN = "admin"
    REGULATOR = "regulator"
    ENTERPRISE = "enterprise"
    # An agency posting receipts: no key, its HMAC signature (checked by the route).
    AGENCY = "agency"
    # No key, where a route lets anyone in (filing, with SW_OPEN_FILING in development).
    ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class Principal:
    kind: PrincipalKind
    key_id: str
    agency: RegulatorAgency | None = None
    customs_code: str | None = None

    @property
    def actor(self) -> str:
        """How the audit trail names the caller."""
        if self.kind is PrincipalKind.ENTERPRISE:
            return f"enterprise:{self.customs_code}"
        if self.kind is PrincipalKind.REGULATOR:
            return f"regulator:{self.agency}:{self.key_id}"
        return f"{self.kind.value}:{self.key_id}"

    @property
    def scope(self) -> str:
        """Whose idempotency keys these are: an enterprise's keys share them, so a retry
        with a rotated key still finds the first answer."""
        if self.kind is PrincipalKind.ENTERPRISE:
            return f"enterprise:{self.customs_code}"
        return f"key:{self.key_id}"

    @property
    def owner(self) -> str:
        """Who owns what this caller registers (webhook endpoints): the enterprise, the
        regulator's agency, or the admins together."""
        if self.kind is PrincipalKind.ENTERPRISE:
            return f"enterprise:{self.customs_code}"
        if self.kind is PrincipalKind.REGULATOR:
            return f"regulator:{self.agency}"
        return self.kind.value

    @property
    def sees_everything(self) -> bool:
        return self.kind in (PrincipalKind.ADMIN, PrincipalKind.REGULATOR)

    @property
    def sees_personal_data(self) -> bool:
        """Buyers' ID and phone numbers are shown unmasked to regulators only."""
        return self.kind is PrincipalKind.REGULATOR

    def only_own(self) -> str | None:
        """The customs code an enterprise's reads are limited to; None for everyone else."""
        return self.customs_code if self.kind is PrincipalKind.ENTERPRISE else None


ANONYMOUS = Principal(PrincipalKind.ANONYMOUS, "anonymous")
BOOTSTRAP_KEY_ID = "bootstrap"


def principal_of(holder: keys.KeyHolder) -> Principal | None:
    key = holder.key
    kind = KeyKind(key.kind)
    if kind is KeyKind.ENTERPRISE:
        if holder.enterprise is None:
            return None
        return Principal(PrincipalKind.ENTERPRISE, key.id, customs_code=key.customs_code)
    if kind is KeyKind.REGULATOR:
        return Principal(PrincipalKind.REGULATOR, key.id, agency=RegulatorAgency(key.agency or ""))
    return Principal(PrincipalKind.ADMIN, key.id)


@dataclass(frozen=True, slots=True)
class KeyVerdict:
    """What a key's look-up found, as it is remembered: who the caller is (None: no such
    key, or revoked) and, for an enterprise's key, the status of its filing then."""

    principal: Principal | None
    # Suspended and revoked filings' keys are refused; a pending filing's keys work (it
    # may read and prepare while the agencies register it; the rules refuse its
    # declarations until it is active).
    filing_status: str | None = None


def verdict_of(holder: keys.KeyHolder | None) -> KeyVerdict:
    if holder is None:
        return KeyVerdict(None)
    status = holder.enterprise.status if holder.enterprise is not None else None
    return KeyVerdict(principal_of(holder), status)


class Authenticator:
    """Keys to principals, with a short-lived cache in front of the database.

    ``clock`` is what the cache's expiry is measured with (tests turn it forward)."""

    def __init__(
        self, engine: Engine, settings: Settings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.engine = engine
        self.ttl = settings.key_cache_seconds
        self.clock = clock
        bootstrap = settings.bootstrap_admin_key
        self.bootstrap_hash = keys.hash_key(bootstrap) if bootstrap else None
        self._cache: dict[str, tuple[float, KeyVerdict]] = {}
        self._pending: dict[str, asyncio.Future[KeyVerdict]] = {}
        self._lock = threading.Lock()

    async def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthenticated(
                "Send an API key: Authorization: Bearer <key>.",
                "请在 Authorization 头中提供 API 密钥（Bearer <key>）。",
            )
        scheme, _, plain = authorization.partition(" ")
        plain = plain.strip()
        if scheme.lower() != "bearer" or not plain or len(plain) > 200:
            raise Unauthenticated(
                "The Authorization header must be 'Bearer <key>'.",
                "Authorization 头的格式应为 'Bearer <key>'。",
            )
        key_hash = keys.hash_key(plain)
        if self.bootstrap_hash is not None and hmac.compare_digest(key_hash, self.bootstrap_hash):
            return Principal(PrincipalKind.ADMIN, BOOTSTRAP_KEY_ID)
        now = self.clock()
        cached = self._cache.get(key_hash)
        if cached is not None and cached[0] > now:
            verdict = cached[1]
        else:
            verdict = await self._look_up(key_hash, now)
        principal = verdict.principal
        if principal is None:
            raise Unauthenticated(
                "This API key is not valid (unknown or revoked).", "API 密钥无效（未知或已吊销）。"
            )
        if verdict.filing_status == FilingStatus.SUSPENDED:
            raise EnterpriseSuspended(
                f"The filing of {principal.customs_code} is suspended: its keys work again "
                "once a regulator reinstates it.",
                f"企业 {principal.customs_code} 的备案已暂停，监管机构恢复后其密钥方可使用。",
            )
        if verdict.filing_status == FilingStatus.REVOKED:
            raise EnterpriseRevoked(
                f"The filing of {principal.customs_code} is revoked: its keys no longer work.",
                f"企业 {principal.customs_code} 的备案已撤销，其密钥不再有效。",
            )
        return principal

    async def _look_up(self, key_hash: str, now: float) -> KeyVerdict:
        """One database look-up per key at a time: callers arriving while it runs (a
        platform's many connections, after the cache entry expired) wait for its answer."""
        pending = self._pending.get(key_hash)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[KeyVerdict] = asyncio.get_running_loop().create_future()
        self._pending[key_hash] = future
        try:
            holder = await run_in_threadpool(keys.find_active, self.engine, key_hash)
            verdict = verdict_of(holder)
            with self._lock:
                if len(self._cache) > 100_000:
                    self._cache.clear()
                self._cache[key_hash] = (now + self.ttl, verdict)
            future.set_result(verdict)
            return verdict
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        finally:
            del self._pending[key_hash]

    def forget(self, key_id: str) -> None:
        """A key was revoked here: stop honouring it at once in this process."""
        self._forget_where(lambda principal: principal.key_id == key_id)

    def forget_enterprise(self, customs_code: str) -> None:
        """An enterprise's filing changed status here (suspended, reinstated, revoked): its
        keys' next use reads the filing again, in this process at once."""
        self._forget_where(lambda principal: principal.customs_code == customs_code)

    def _forget_where(self, matches: Callable[[Principal], bool]) -> None:
        with self._lock:
            for key_hash, (_, verdict) in list(self._cache.items()):
                if verdict.principal is not None and matches(verdict.principal):
                    del self._cache[key_hash]


class Cost(StrEnum):
    """Which rate limit a route counts against."""

    DEFAULT = "default"
    # Statistics, exports and audit verification scan a lot of data.
    HEAVY = "heavy"


# The namespace of the per-address counts of failed authentication.
_AUTH_FAILURES = "auth-failure"


class RateLimits:
    """Per-key limits, and per-address limits on failed authentication (``limits``
    windows). Storage is in-process by default; give ``SW_RATE_LIMIT_STORAGE`` a
    Redis URL to share the counts between replicas."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limit_enabled
        # The asyncio flavour: counted on the event loop, with no thread per expiry.
        uri = settings.rate_limit_storage
        storage = storage_from_string(uri if uri.startswith("async+") else f"async+{uri}")
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self.items: dict[Cost, list[RateLimitItem]] = {
            Cost.DEFAULT: parse_many(settings.rate_limit),
            Cost.HEAVY: parse_many(settings.rate_limit_heavy),
        }
        # Failures are few: each is remembered for its window, so the count is exact (the
        # sliding counter above estimates across a window's edge, which suits high limits).
        self.auth_failure_limiter = MovingWindowRateLimiter(storage)
        self.auth_failure_items = parse_many(settings.auth_failure_limit)

    async def hit(self, cost: Cost, who: str) -> None:
        if not self.enabled:
            return
        for item in self.items[cost]:
            if not await self.limiter.hit(item, cost.value, who):
                reset_at, _ = await self.limiter.get_window_stats(item, cost.value, who)
                wait = max(1, math.ceil(reset_at - time.time()))
                raise RateLimited(wait, str(item))

    async def refuse_failing_address(self, address: str) -> None:
        """Turns away an address over its limit of failed authentications, whatever key
        it sends now: checked before the key is hashed or looked up, so that guessing
        keys costs the service next to nothing and a guess that happens to be right
        cannot be told from a wrong one."""
        if not self.enabled:
            return
        for item in self.auth_failure_items:
            if not await self.auth_failure_limiter.test(item, _AUTH_FAILURES, address):
                reset_at, _ = await self.auth_failure_limiter.get_window_stats(
                    item, _AUTH_FAILURES, address
                )
                wait = max(1, math.ceil(reset_at - time.time()))
                raise TooManyFailedAuthentications(wait, str(item))

    async def count_failed_authentication(self, address: str) -> None:
        if not self.enabled:
            return
        for item in self.auth_failure_items:
            await self.auth_failure_limiter.hit(item, _AUTH_FAILURES, address)


@dataclass(frozen=True, slots=True)
class Rule:
    """Who may call a route. Object-level checks (an enterprise's own records) are the
    route's own; this says which kinds of caller get that far."""

    kinds: frozenset[PrincipalKind]
    # For regulators: which ones (None: all of them).
    regulators: frozenset[RegulatorAgency] | None = None
    # Anyone, without a key, when SW_OPEN_FILING is on (development only).
    open_filing: bool = False
    # No key: the agency's signature over the body, which the route verifies.
    agency_signed: bool = False
    cost: Cost = Cost.DEFAULT

    def admits(self, principal: Principal) -> bool:
        if principal.kind not in self.kinds:
            return False
        if principal.kind is PrincipalKind.REGULATOR and self.regulators is not None:
            return principal.agency in self.regulators
        return True


class Access:
    """The dependency that enforces a route's rule; it leaves the principal on the request."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    async def __call__(self, request: Request) -> Principal:
        state = request.app.state
        authorization = request.headers.get("authorization")
        settings: Settings = state.settings
        if self.rule.agency_signed:
            agency = request.path_params.get("agency", "-")
            principal = Principal(PrincipalKind.AGENCY, f"agency:{agency}")
            who = principal.key_id
        elif self.rule.open_filing and settings.open_filing and not authorization:
            principal = ANONYMOUS
            who = f"ip:{client_address(request)}"
        else:
            address = client_address(request)
            await state.rate_limits.refuse_failing_address(address)
            try:
                principal = await state.authenticator.authenticate(authorization)
            except Unauthenticated:
                await state.rate_limits.count_failed_authentication(address)
                raise
            who = principal.key_id
        await state.rate_limits.hit(self.rule.cost, who)
        if principal is not ANONYMOUS and not self.rule.admits(principal):
            kind = _KIND_NAMES[principal.kind]
            raise Forbidden(
                f"{kind[0]} key may not call {request.method} {request.url.path}.",
                f"{kind[1]}密钥无权调用该接口。",
            )
        request.state.principal = principal
        return principal


# How a refusal names the caller's kind of key, in English (with its article) and Chinese.
_KIND_NAMES: dict[PrincipalKind, tuple[str, str]] = {
    PrincipalKind.ADMIN: ("An admin", "管理员"),
    PrincipalKind.REGULATOR: ("A regulator", "监管部门"),
    PrincipalKind.ENTERPRISE: ("An enterprise", "企业"),
    PrincipalKind.AGENCY: ("An agency", "主管部门"),
    PrincipalKind.ANONYMOUS: ("A caller without a", "无"),
}


def client_address(request: Request) -> str:
    """The caller's address (behind a proxy, as the server was told to trust it)."""
    return request.client.host if request.client else "-"


def allow(
    *kinds: PrincipalKind,
    regulators: set[RegulatorAgency] | None = None,
    open_filing: bool = False,
    cost: Cost = Cost.DEFAULT,
) -> DependsParam:
    """A route's access rule, for its ``dependencies=[...]``."""
    rule = Rule(
        frozenset(kinds),
        frozenset(regulators) if regulators is not None else None,
        open_filing=open_filing,
        cost=cost,
    )
    guard: DependsParam = Depends(Access(rule))
    return guard


def agency_signed() -> DependsParam:
    """The rule of the receipts route: agencies sign their bodies instead of a key."""
    guard: DependsParam = Depends(
        Access(Rule(frozenset({PrincipalKind.AGENCY}), agency_signed=True))
    )
    return guard


def guard(rule: Rule) -> DependsParam:
    """A route's access rule given as a ``Rule`` (one the console's actions share)."""
    dependency: DependsParam = Depends(Access(rule))
    return dependency


# The regulators' actions on filings, shared by their API routes and the console's forms:
# customs grades credit; customs and commerce suspend, reinstate and revoke.
GRADING = Rule(
    frozenset({PrincipalKind.ADMIN, PrincipalKind.REGULATOR}),
    frozenset({RegulatorAgency.CUSTOMS}),
)
CHANGING_STATUS = Rule(
    frozenset({PrincipalKind.ADMIN, PrincipalKind.REGULATOR}),
    frozenset({RegulatorAgency.CUSTOMS, RegulatorAgency.COMMERCE}),
)


def rule_of(dependencies: list[Any]) -> Rule | None:
    for dependency in dependencies:
        call = getattr(dependency, "dependency", None)
        if isinstance(call, Access):
            return call.rule
    return None


async def current_principal(request: Request) -> Principal:
    # async: a plain look-up, not worth the worker thread FastAPI gives a `def` dependency.
    principal: Principal = request.state.principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]

# Shorthands for the rules routes use most.
EVERYONE = (PrincipalKind.ADMIN, PrincipalKind.REGULATOR, PrincipalKind.ENTERPRISE)
ADMIN = PrincipalKind.ADMIN
REGULATOR = PrincipalKind.REGULATOR
ENTERPRISE = PrincipalKind.ENTERPRISE
