"""The intake pipeline, counting what becomes of each declaration handed in."""

from collections.abc import Sequence

from app.intake.pipeline import IntakePipeline, ItemResult, Submission
from app.observability.metrics import count_intake


class CountedIntake(IntakePipeline):
    """Every way in (single declarations, batches, CEB messages, each party's documents)
    goes through ``declare`` or ``declare_batch``: counted there, after the decision,
    once per declaration, at the cost of a counter's increment."""

    async def declare(self, submission: Submission) -> ItemResult:
        result = await super().declare(submission)
        count_intake((result.outcome.value,))
        return result

    async def declare_batch(self, submissions: Sequence[Submission]) -> list[ItemResult]:
        results = await super().declare_batch(submissions)
        count_intake(r.outcome.value for r in results)
        return results
