"""Durable execution: jobs enqueued in the caller's transaction, run at least once, finished exactly once.

A handler's database work commits in the same transaction that marks its job succeeded, so its effects
on the hub's own tables happen exactly once; effects on the outside world are made idempotent by the
handler (an idempotency key, or looking before writing).
"""

from gridlink.engine.context import Discard, JobContext, Resources, Snooze
from gridlink.engine.insert_with_job import insert_with_job
from gridlink.engine.queue import complete_waiting
from gridlink.engine.registry import (
    JobKind,
    NoPayload,
    Registry,
    RetryPolicy,
    define_job,
    define_periodic,
    registry,
)
from gridlink.engine.scheduler import run_scheduler
from gridlink.engine.worker import Worker

__all__ = [
    "Discard",
    "JobContext",
    "JobKind",
    "NoPayload",
    "Registry",
    "Resources",
    "RetryPolicy",
    "Snooze",
    "Worker",
    "complete_waiting",
    "define_job",
    "define_periodic",
    "insert_with_job",
    "registry",
    "run_scheduler",
]
