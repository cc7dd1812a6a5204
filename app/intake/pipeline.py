"""The one intake pipeline. Every way a declaration enters (a single set, a batch, a
validation) goes through the same steps:

    parse → read the facts (one read) → decide (``app.domain.decision``, pure) →
    write (one transaction: the declaration with its key, the waybill, the quota)

``validate`` is the same pipeline without the write. Single declarations that arrive
together are decided as one group, in one transaction, exactly as a batch is (group
commit); the caller renders the answers after the commit."""

import asyncio
import contextvars
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import uuid_utils
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.domain import decision, rules
from app.domain.clearance import CEB_STATUS, ClearanceStatus
from app.domain.decision import Candidate, Decision, Outcome
from app.domain.violations import RuleViolation
from app.schemas.declaration import DeclarationSet
from app.store import audit
from app.store import intake as store
from app.store.db import SessionFactory, read_session, sqlite_writer_turn, write_session
from app.store.group_commit import Grouped
from app.store.idempotency import StoredAnswer
from app.store.models.types import utcnow

log = logging.getLogger("app.intake")

# How often a group is decided again after a concurrent transaction took what it wanted
# (PostgreSQL; SQLite's groups hold the one writer), before its items go one by one.
GROUP_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Submission:
    """A declaration handed in, by whom, and how to render the answer kept for its key
    (a keyed declaration that is not accepted keeps its answer in the transaction that
    decides it)."""

    candidate: Candidate
    actor: str
    render: Callable[["ItemResult"], StoredAnswer] | None = None


@dataclass
class ItemResult:
    decision: Decision
    declaration: store.NewDeclaration | None = None
    # A replayed key whose first answer was not an acceptance: that answer.
    replay: StoredAnswer | None = None
    # A replayed key whose first answer was an acceptance: when it was accepted.
    replay_created_at: datetime | None = None
    # A duplicate: the enterprises the declaration that has the order names.
    existing_parties: frozenset[str] = frozenset()

    @property
    def outcome(self) -> Outcome:
        return self.decision.outcome

    def existing_for(self, own: str | None) -> str | None:
        """The declaration that has a duplicate's order, if the caller may be told which
        it is: one of its parties, or anyone who reads every declaration (``own``: the
        caller's customs code, None for them). Anyone else learns only that the order is
        taken, never another enterprise's declaration."""
        existing = self.decision.existing_id
        if self.outcome is not Outcome.DUPLICATE or existing is None:
            return None
        return existing if own is None or own in self.existing_parties else None

    @property
    def violations(self) -> Sequence[RuleViolation]:
        return self.decision.violations


def new_id() -> str:
    """A declaration's id: a UUIDv7, ordered by time, so that the declarations of a group
    land on the last page of the primary key's index rather than on as many random ones
    (at peak, each page a group touches is written to the log in full)."""
    return str(uuid_utils.uuid7())


def parties(ds: DeclarationSet) -> frozenset[str]:
    """The enterprises a declaration names, as its row keeps them."""
    return frozenset(
        (ds.order.ebpCode, ds.order.ebcCode, ds.payment.payCode, ds.logistics.logisticsCode)
    )


def new_declaration(candidate: Candidate, actor: str, now: datetime) -> store.NewDeclaration:
    """The row a candidate is stored as if it is accepted."""
    ds = candidate.documents
    assert ds is not None
    order, payment, logistics = ds.order, ds.payment, ds.logistics
    key = candidate.key
    return store.NewDeclaration(
        id=candidate.id,
        ebp_code=order.ebpCode,
        ebc_code=order.ebcCode,
        pay_code=payment.payCode,
        logistics_code=logistics.logisticsCode,
        order_no=order.orderNo,
        logistics_no=logistics.logisticsNo,
        buyer_id_number=order.buyerIdNumber,
        trade_mode=ds.tradeMode,
        status=ClearanceStatus.ACCEPTED.value,
        ceb_status=CEB_STATUS[ClearanceStatus.ACCEPTED],
        dutiable_value=rules.dutiable_value(ds),
        quota_year=rules.china_year(now),
        quota_charge=decision.quota_charge(ds),
        documents=ds.model_dump(mode="json", exclude_none=True),
        tax=None,
        created_at=now,
        updated_at=now,
        declared_by=actor,
        idempotency_scope=key.scope if key else None,
        idempotency_key=key.key if key else None,
        idempotency_fingerprint=key.fingerprint if key else None,
        derived=False,
    )


@dataclass(frozen=True, slots=True)
class _Draft:
    """A candidate's row, made and bound for the driver before the writer's turn (on
    SQLite the turn is the whole database's, so the less done in it the better)."""

    row: store.NewDeclaration
    bound: Any


class IntakePipeline:
    def __init__(
        self,
        engine: Engine,
        *,
        key_ttl: timedelta,
        max_waiting: int | None = None,
        max_group: int = 100,
    ) -> None:
        self.engine = engine
        self.key_ttl = key_ttl
        self._groups: Grouped[Submission, ItemResult] = Grouped(
            self._write,
            max_group=max_group,
            name="intake",
            max_waiting=max_waiting,
        )

    # -- the ways in ---------------------------------------------------------------------

    async def declare(self, submission: Submission) -> ItemResult:
        """Decide one declaration with whatever else is waiting (503 ``overloaded`` at
        once when too many wait). A keyed answer is rendered in the caller's context."""
        render = submission.render
        if render is not None:
            context = contextvars.copy_context()
            submission = Submission(
                submission.candidate,
                submission.actor,
                lambda result: context.run(render, result),
            )
        return await self._groups.submit(submission)

    async def declare_batch(self, submissions: Sequence[Submission]) -> list[ItemResult]:
        """Decide a batch as one group."""
        return await self._write(list(submissions))

    async def validate(self, candidate: Candidate) -> list[RuleViolation]:
        """Every check of an intake, storing nothing."""
        return await asyncio.to_thread(self._validate, candidate)

    async def close(self) -> None:
        await self._groups.close()

    def prepare(self) -> None:
        """Ready the statements before the first declaration (at startup)."""
        try:
            with self.engine.connect() as connection:
                store.prepare(connection, utcnow(), self.key_ttl)
        except SQLAlchemyError:  # e.g. not migrated yet: /readyz says so
            log.warning("the intake statements could not be prepared", exc_info=True)

    # -- the steps -----------------------------------------------------------------------

    def _validate(self, candidate: Candidate) -> list[RuleViolation]:
        now = utcnow()
        with read_session(self.engine) as session:
            facts, _ = store.read_facts(session.connection(), [candidate], now, self.key_ttl)
        (d,) = decision.decide([Candidate(candidate.documents, candidate.found)], facts, now)
        return list(d.violations)

    def decide_and_write(
        self, group: list[Submission], sessions: SessionFactory | None = None
    ) -> list[ItemResult]:
        """Decide a group and store it in one transaction (``sessions``: where to write;
        by default a writer's session of its own); after lost races, the group again, then
        its items one by one."""
        now = utcnow()
        return self._write_group(
            group, now, self._drafts(group, now), sessions or self._own_sessions
        )

    async def _write(self, group: list[Submission]) -> list[ItemResult]:
        """A group, written in a thread, or on SQLite on the loop in the writer's turn
        (``sqlite_writer_turn``); its rows are made and bound before that turn."""
        if self.engine.dialect.name != "sqlite":
            return await asyncio.to_thread(self.decide_and_write, group)
        now = utcnow()
        drafts = self._drafts(group, now)
        async with sqlite_writer_turn(self.engine) as sessions:
            return self._write_group(group, now, drafts, sessions)

    def _own_sessions(self) -> AbstractContextManager[Session]:
        return write_session(self.engine, urgent=True)

    def _write_group(
        self,
        group: list[Submission],
        now: datetime,
        drafts: list["_Draft | None"],
        sessions: SessionFactory,
    ) -> list[ItemResult]:
        for _ in range(GROUP_ATTEMPTS):
            try:
                return self._decide_and_write(group, now, drafts, sessions)
            except (store.RaceLost, IntegrityError) as lost:
                log.info("intake group of %d lost a race (%s); deciding it again", len(group), lost)
        if len(group) == 1:
            return self._decide_and_write(group, now, drafts, sessions)
        return [
            result
            for item, draft in zip(group, drafts, strict=True)
            for result in self._write_group([item], now, [draft], sessions)
        ]

    def _decide_and_write(
        self,
        group: list[Submission],
        now: datetime,
        drafts: list["_Draft | None"],
        sessions: SessionFactory,
    ) -> list[ItemResult]:
        candidates = [s.candidate for s in group]
        with sessions() as session:
            connection = session.connection()
            facts, ended_keys = store.read_facts(connection, candidates, now, self.key_ttl)
            decisions = decision.decide(candidates, facts, now)
            results = [ItemResult(d) for d in decisions]
            self._name_parties(connection, candidates, results)
            writes = store.Writes(accepted=[], refused=[], answers=[])
            bound: list[Any] = []
            for submission, result, draft in zip(group, results, drafts, strict=True):
                if result.outcome is Outcome.ACCEPTED:
                    assert draft is not None
                    assert draft.row.quota_charge == result.decision.quota_charge
                    result.declaration = draft.row
                    writes.accepted.append(draft.row)
                    bound.append(draft.bound)
                else:
                    self._gather(connection, submission, result, writes)
            trail = store.write(connection, writes, now, self.key_ttl, bound, ended_keys)
            audit.append(session, trail)
            session.commit()
        return results

    @staticmethod
    def _name_parties(
        connection: Connection, candidates: Sequence[Candidate], results: list[ItemResult]
    ) -> None:
        """The parties of the declarations that duplicates' orders are in: one of the
        group, or one stored (read only when there are duplicates)."""
        duplicates = [r for r in results if r.outcome is Outcome.DUPLICATE]
        existing = {r.decision.existing_id for r in duplicates} - {None}
        if not existing:
            return
        known = {
            c.id: parties(c.documents)
            for c in candidates
            if c.documents is not None and c.id in existing
        }
        known |= store.declaration_parties(
            connection, {i for i in existing if i is not None and i not in known}
        )
        for result in duplicates:
            result.existing_parties = known.get(result.decision.existing_id or "", frozenset())

    def _drafts(self, group: list[Submission], now: datetime) -> list[_Draft | None]:
        rows = [
            None if s.candidate.documents is None else new_declaration(s.candidate, s.actor, now)
            for s in group
        ]
        bound = iter(store.bind_declarations(self.engine.dialect, [r for r in rows if r]))
        return [None if row is None else _Draft(row, next(bound)) for row in rows]

    def _gather(
        self,
        connection: Connection,
        submission: Submission,
        result: ItemResult,
        writes: store.Writes,
    ) -> None:
        """What a group stores for a candidate it does not accept."""
        candidate, d = submission.candidate, result.decision
        if d.outcome is Outcome.REFUSED and candidate.documents is not None:
            writes.refused.append(
                store.Refused(candidate.documents, d.violations, submission.actor)
            )
        if d.outcome is Outcome.KEYED:
            if d.key_verdict is decision.KeyVerdict.REPLAY:
                self._replay(connection, result, candidate)
            return
        if candidate.key is not None and submission.render is not None:
            writes.answers.append(store.KeyedAnswer(candidate.key, submission.render(result)))

    @staticmethod
    def _replay(connection: Connection, result: ItemResult, candidate: Candidate) -> None:
        """What a replayed key answers: the acceptance it gave, or its stored answer."""
        key = candidate.key
        assert key is not None
        if result.decision.existing_id is not None:
            result.replay_created_at = store.accepted_at(connection, result.decision.existing_id)
        else:
            result.replay = store.stored_answer(connection, key)
