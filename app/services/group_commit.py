"""Group commit: single declarations that arrive together are decided in one transaction.

A platform at peak sends thousands of single declarations a second. Each deciding and
committing on its own would queue on the database's one writer (SQLite) or on commits
(PostgreSQL); instead, whatever has arrived while the previous group was being written
forms the next group, decided in order exactly as a batch is. Under light load a group is
one declaration, so nothing waits for company."""

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Sequence
from functools import partial

from sqlalchemy import Engine

from app.schemas.declaration import DeclarationSet
from app.services import batch_intake

log = logging.getLogger("app.intake")

# A declaration, who declared it, its key, and the caller waiting for its outcome.
Waiting = tuple[
    DeclarationSet,
    str,
    batch_intake.Keyed | None,
    "asyncio.Future[batch_intake.ItemResult]",
]


class GroupCommitter:
    def __init__(self, engine: Engine, max_group: int = 100) -> None:
        self.engine = engine
        self.max_group = max_group
        self._queue: asyncio.Queue[Waiting] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def declare(
        self, ds: DeclarationSet, *, actor: str = "system", keyed: batch_intake.Keyed | None = None
    ) -> batch_intake.ItemResult:
        """Decide one declaration with whatever else is waiting. A keyed declaration's
        answer is rendered in the caller's context (its request id, for one)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="group-commit")
        if keyed is not None:
            context = contextvars.copy_context()
            render = keyed.render
            keyed = batch_intake.Keyed(keyed.claim, lambda result: context.run(render, result))
        future: asyncio.Future[batch_intake.ItemResult] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((ds, actor, keyed, future))
        return await future

    async def _run(self) -> None:
        while True:
            group = [await self._queue.get()]
            while len(group) < self.max_group and not self._queue.empty():
                group.append(self._queue.get_nowait())
            await self._decide(group)

    async def _decide(self, group: Sequence[Waiting]) -> None:
        live = [waiting for waiting in group if not waiting[-1].cancelled()]
        try:
            results = await asyncio.to_thread(
                partial(
                    batch_intake.declare_batch,
                    self.engine,
                    [ds for ds, _, _, _ in live],
                    actors=[actor for _, actor, _, _ in live],
                    keys=[keyed for _, _, keyed, _ in live],
                )
            )
        except Exception as error:  # every caller gets the failure, none is left waiting
            log.exception("a group of %d declarations failed", len(live))
            for *_, future in live:
                if not future.done():
                    future.set_exception(error)
            return
        for (*_, future), result in zip(live, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
