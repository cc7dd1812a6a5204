"""Group commit: single declarations that arrive together are decided in one transaction.

A platform at peak sends thousands of single declarations a second. Each deciding and
committing on its own would queue on the database's one writer (SQLite) or on commits
(PostgreSQL); instead, whatever has arrived while the previous group was being written
forms the next group, decided in order exactly as a batch is. Under light load a group is
one declaration, so nothing waits for company."""

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from functools import partial

from sqlalchemy import Engine

from app.schemas.declaration import DeclarationSet
from app.services import batch_intake

log = logging.getLogger("app.intake")

# A declaration, who declared it, and the caller waiting for its outcome.
Waiting = tuple[DeclarationSet, str, "asyncio.Future[batch_intake.ItemResult]"]


class GroupCommitter:
    def __init__(self, engine: Engine, max_group: int = 100) -> None:
        self.engine = engine
        self.max_group = max_group
        self._queue: asyncio.Queue[Waiting] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def declare(
        self, ds: DeclarationSet, *, actor: str = "system"
    ) -> batch_intake.ItemResult:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="group-commit")
        future: asyncio.Future[batch_intake.ItemResult] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((ds, actor, future))
        return await future

    async def _run(self) -> None:
        while True:
            group = [await self._queue.get()]
            while len(group) < self.max_group and not self._queue.empty():
                group.append(self._queue.get_nowait())
            await self._decide(group)

    async def _decide(self, group: Sequence[Waiting]) -> None:
        live = [(ds, actor, future) for ds, actor, future in group if not future.cancelled()]
        try:
            results = await asyncio.to_thread(
                partial(
                    batch_intake.declare_batch,
                    self.engine,
                    [ds for ds, _, _ in live],
                    actors=[actor for _, actor, _ in live],
                )
            )
        except Exception as error:  # every caller gets the failure, none is left waiting
            log.exception("a group of %d declarations failed", len(live))
            for _, _, future in live:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, _, future), result in zip(live, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
