"""The job kind the engine benchmark runs: it does nothing, so the engine's own cost is what is measured."""

from __future__ import annotations

from gridlink.engine import JobContext, NoPayload, define_job


@define_job("bench.noop", max_attempts=3)
async def noop(ctx: JobContext, payload: NoPayload) -> None:
    """Nothing: the claim, the transaction and the completion are the whole cost."""
