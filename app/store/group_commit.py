"""Group commit: writes that arrive together are made in one transaction.

A platform at peak sends thousands of single declarations a second, and the four
agencies call back with receipts all the while. Each request committing on its own would
queue on the database's one writer (SQLite) or on commits (PostgreSQL), and every
transaction has a fixed cost besides its rows; instead, whatever has arrived while the
previous group was being written forms the next group, handled in one transaction exactly
as a batch is. Under light load a group is one request, so nothing waits for company."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy import Engine

from app.agencies.wire import Receipt
from app.errors import Overloaded
from app.store import receipts

log = logging.getLogger("app.group_commit")

Item = TypeVar("Item")
Result = TypeVar("Result")


class Grouped(Generic[Item, Result]):
    """Items handed in one at a time and handled in groups, in arrival order, by
    ``handle``: one result per item, in order, or the exception that item's caller is to
    get."""

    def __init__(
        self,
        handle: Callable[[list[Item]], Awaitable[Sequence[Result | Exception]]],
        *,
        max_group: int,
        name: str,
        max_waiting: int | None = None,
    ) -> None:
        self.handle = handle
        self.max_group = max_group
        self.name = name
        self.max_waiting = max_waiting
        self._queue: asyncio.Queue[tuple[Item, asyncio.Future[Result]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """Handle ``item`` with whatever else is waiting; its own result, or the group's
        failure. ``Overloaded`` at once when ``max_waiting`` items wait already."""
        if self.max_waiting is not None and self._queue.qsize() >= self.max_waiting:
            raise Overloaded(self._queue.qsize())
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=self.name)
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((item, future))
        return await future

    async def _run(self) -> None:
        while True:
            group = [await self._queue.get()]
            while len(group) < self.max_group and not self._queue.empty():
                group.append(self._queue.get_nowait())
            await self._handle(group)

    async def _handle(self, group: Sequence[tuple[Item, "asyncio.Future[Result]"]]) -> None:
        live = [(item, future) for item, future in group if not future.cancelled()]
        if not live:
            return
        try:
            results = await self.handle([item for item, _ in live])
        except Exception as error:  # every caller gets the failure, none is left waiting
            log.exception("%s: a group of %d failed", self.name, len(live))
            for _, future in live:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), result in zip(live, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def _apply_group(
    engine: Engine, group: list[Sequence[Receipt]]
) -> list[receipts.ReceiptOutcome | Exception]:
    try:
        return list(receipts.apply_receipt_batches(engine, group))
    except Exception as error:
        if len(group) == 1:
            return [error]
    # One callback that cannot be applied must not fail the others with it: each alone.
    log.warning("a group of %d receipt callbacks failed; applying each alone", len(group))
    outcomes: list[receipts.ReceiptOutcome | Exception] = []
    for batch in group:
        try:
            outcomes.append(receipts.apply_receipts(engine, batch))
        except Exception as error:
            outcomes.append(error)
    return outcomes


class ReceiptCommitter:
    """The agencies' receipt callbacks, applied in groups: each callback still gets the
    count of its own receipts applied, ignored and unknown."""

    def __init__(self, engine: Engine, max_group: int = 16) -> None:
        self._groups: Grouped[Sequence[Receipt], receipts.ReceiptOutcome] = Grouped(
            self._apply_group,
            max_group=max_group,
            name="receipt-commit",
        )

        self.engine = engine

    async def _apply_group(
        self, group: list[Sequence[Receipt]]
    ) -> list[receipts.ReceiptOutcome | Exception]:
        return await asyncio.to_thread(_apply_group, self.engine, group)

    async def apply(self, batch: Sequence[Receipt]) -> receipts.ReceiptOutcome:
        return await self._groups.submit(batch)

    async def close(self) -> None:
        await self._groups.close()
