"""End to end, read from the service's database directly (read-only), not through its API,
so that watching the declarations clear adds no load to the service under test."""

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, create_engine, func, select
from sqlalchemy.engine import make_url
from sqlmodel import col

from app.store.models import Declaration, DeclarationAgency, DeclarationEvent
from bench.stats import LatencySummary, summarize_ms

# Where the four agencies' answers end: a declaration is done once it reaches one.
OUTCOMES = ("cleared", "rejected", "detained")
POLL_SECONDS = 0.5


def read_only_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        # mode=ro: this process can never write, nor create the file.
        return create_engine(f"sqlite:///file:{url.database}?mode=ro&uri=true")
    return create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})


@dataclass(frozen=True)
class EndToEnd:
    accepted_in_window: int  # declarations created inside the measured window
    outcomes: dict[str, int]  # of those: cleared, rejected, detained, pending
    finished_per_s: float  # step declarations reaching an outcome inside the window, per s
    accepted_to_outcome_ms: LatencySummary | None  # of the window's declarations
    drained_after_s: float | None  # after the load stopped; None: not within the timeout
    pending_after_drain: int
    # Of that, the service's own part: accepted → the last agency's acknowledgement
    # (delivery), plus the last agency's decision time → the outcome (callback and fold).
    # The rest is the agencies' own decision time (1 s after acknowledging by default, 2 s
    # for a declaration customs inspects).
    service_ms: LatencySummary | None = None


class ClearanceWatch:
    def __init__(self, database_url: str) -> None:
        self.engine = read_only_engine(database_url)

    def close(self) -> None:
        self.engine.dispose()

    def _counts(self, order_prefix: str) -> tuple[int, int]:
        """(declarations of this step, of which not yet at an outcome)."""
        ours = col(Declaration.order_no).startswith(order_prefix, autoescape=True)
        waiting = col(Declaration.status).not_in(OUTCOMES)
        query = select(func.count(), func.count().filter(waiting)).where(ours)
        with self.engine.connect() as connection:
            total, pending = connection.execute(query).one()
        return int(total), int(pending)

    def count(self, order_prefix: str) -> int:
        """Declarations in the database whose orderNo starts with ``order_prefix``."""
        return self._counts(order_prefix)[0]

    def wait_until_done(self, order_prefix: str, timeout: float) -> tuple[float | None, int]:
        """Wait until the step's declarations all reached an outcome and no more arrive
        (requests the generator gave up on may still be processed by the server).
        Returns (seconds waited or None on timeout, declarations still pending)."""
        started = time.monotonic()
        last_total = -1
        while True:
            total, pending = self._counts(order_prefix)
            waited = time.monotonic() - started
            if pending == 0 and total == last_total:
                return round(waited, 2), 0
            if waited > timeout:
                return None, pending
            last_total = total
            time.sleep(POLL_SECONDS)

    def measure(
        self,
        order_prefix: str,
        window: tuple[datetime, datetime],
        drained: tuple[float | None, int],
    ) -> EndToEnd:
        finished_at = (
            select(func.min(col(DeclarationEvent.created_at)))
            .where(
                col(DeclarationEvent.declaration_id) == col(Declaration.id),
                col(DeclarationEvent.status).in_(OUTCOMES),
            )
            .scalar_subquery()
        )
        query = select(
            col(Declaration.id), col(Declaration.created_at), col(Declaration.status), finished_at
        ).where(col(Declaration.order_no).startswith(order_prefix, autoescape=True))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            own = self._service_seconds(connection, order_prefix)
        start, end = window
        in_window = [r for r in rows if start <= r[1] < end]
        outcomes = Counter(
            status if status in OUTCOMES else "pending" for _, _, status, _ in in_window
        )
        finished_inside = sum(
            1 for _, _, _, done in rows if done is not None and start <= done < end
        )
        seconds = (end - start).total_seconds()
        return EndToEnd(
            accepted_in_window=len(in_window),
            outcomes=dict(sorted(outcomes.items())),
            finished_per_s=round(finished_inside / seconds, 1),
            accepted_to_outcome_ms=summarize_ms(
                (done - created).total_seconds()
                for _, created, _, done in in_window
                if done is not None
            ),
            service_ms=summarize_ms(
                own[declaration_id]
                for declaration_id, _, _, done in in_window
                if done is not None and declaration_id in own
            ),
            drained_after_s=drained[0],
            pending_after_drain=drained[1],
        )

    def _service_seconds(self, connection: Connection, order_prefix: str) -> dict[str, float]:
        """Each finished declaration's time in the service's hands: accepted → the last
        acknowledgement, plus the last agency's decision → the outcome."""
        ours = col(Declaration.order_no).startswith(order_prefix, autoescape=True)
        events = connection.execute(
            select(
                col(DeclarationEvent.declaration_id),
                col(DeclarationEvent.status),
                col(DeclarationEvent.note),
                col(DeclarationEvent.created_at),
            )
            .join(Declaration, col(Declaration.id) == col(DeclarationEvent.declaration_id))
            .where(ours)
        )
        created: dict[str, datetime] = {}
        acknowledged: dict[str, datetime] = {}
        finished: dict[str, datetime] = {}
        for declaration_id, status, note, at in events:
            if note and note.endswith(": acknowledged"):
                acknowledged[declaration_id] = max(at, acknowledged.get(declaration_id, at))
            elif status in OUTCOMES:
                finished[declaration_id] = min(at, finished.get(declaration_id, at))
        decided: dict[str, datetime] = {}
        parts = connection.execute(
            select(
                col(DeclarationAgency.declaration_id),
                col(DeclarationAgency.detail),
                col(Declaration.created_at),
            )
            .join(Declaration, col(Declaration.id) == col(DeclarationAgency.declaration_id))
            .where(ours)
        )
        for declaration_id, detail, accepted in parts:
            created[declaration_id] = accepted
            if detail and detail.get("decidedAt"):
                at = datetime.fromisoformat(detail["decidedAt"])
                decided[declaration_id] = max(at, decided.get(declaration_id, at))
        return {
            declaration_id: (acknowledged[declaration_id] - created[declaration_id]).total_seconds()
            + max((done - decided[declaration_id]).total_seconds(), 0.0)
            for declaration_id, done in finished.items()
            if declaration_id in acknowledged and declaration_id in decided
        }
