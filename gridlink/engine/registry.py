"""Job kinds: a name, a typed payload, a handler and the retry policy it runs under."""

from __future__ import annotations

import inspect
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar, get_type_hints

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.engine.queue import enqueue, job_row

if TYPE_CHECKING:
    from gridlink.engine.context import JobContext

P = TypeVar("P", bound=BaseModel)
Handler = Callable[["JobContext", P], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: attempt n waits about base * 2**(n-1), at most ``cap`` seconds."""

    max_attempts: int = 20
    base: float = 2.0
    cap: float = 3600.0
    jitter: float = 0.25  # the delay is drawn from [1 - jitter, 1] times the exponential value

    def delay(self, attempt: int) -> float:
        """Seconds to wait before the attempt after ``attempt`` (1-based) failed."""
        exponential = min(self.cap, self.base * 2 ** max(0, attempt - 1))
        return float(exponential * random.uniform(1.0 - self.jitter, 1.0))


class NoPayload(BaseModel):
    """The payload of jobs that need none (periodic jobs)."""


@dataclass
class JobKind(Generic[P]):
    """A registered kind of job; enqueue it with :meth:`enqueue` inside the caller's transaction."""

    name: str
    payload_model: type[P]
    handler: Handler[P]
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float | None = None
    priority: int = 100

    async def enqueue(
        self,
        session: AsyncSession,
        payload: P,
        *,
        idempotency_key: str | None = None,
        ordering_key: str | None = None,
        run_at: datetime | None = None,
        delay: timedelta | None = None,
        priority: int | None = None,
    ) -> int | None:
        """Add a job in ``session``'s transaction; None when the idempotency key was already used."""
        row = job_row(
            self.name,
            payload.model_dump(mode="json"),
            max_attempts=self.retry.max_attempts,
            idempotency_key=idempotency_key,
            ordering_key=ordering_key,
            run_at=run_at,
            delay=delay,
            priority=self.priority if priority is None else priority,
        )
        return await enqueue(session, row)


@dataclass(frozen=True)
class Periodic:
    """A job kind that the scheduler enqueues once every ``every``."""

    kind: JobKind[NoPayload]
    every: timedelta


class Registry:
    """The job kinds and periodic schedules a process knows."""

    def __init__(self) -> None:
        self.kinds: dict[str, JobKind[Any]] = {}
        self.periodic: dict[str, Periodic] = {}

    def add(self, kind: JobKind[Any]) -> None:
        """Register ``kind``; a second kind with the same name is a programming error."""
        existing = self.kinds.get(kind.name)
        if existing is not None and existing.handler is not kind.handler:
            raise ValueError(f"job kind {kind.name!r} is defined twice")
        self.kinds[kind.name] = kind

    def get(self, name: str) -> JobKind[Any] | None:
        """The kind called ``name``, if this process knows it."""
        return self.kinds.get(name)


registry = Registry()


def define_job(
    name: str,
    *,
    max_attempts: int = 20,
    backoff: float = 2.0,
    backoff_cap: float = 3600.0,
    timeout: float | None = 300.0,
    priority: int = 100,
    into: Registry | None = None,
) -> Callable[[Handler[P]], JobKind[P]]:
    """Declare a job kind; its payload type is the annotation of the handler's second parameter."""

    def decorate(handler: Handler[P]) -> JobKind[P]:
        kind = JobKind(
            name=name,
            payload_model=_payload_type(handler),
            handler=handler,
            retry=RetryPolicy(max_attempts=max_attempts, base=backoff, cap=backoff_cap),
            timeout=timeout,
            priority=priority,
        )
        (into or registry).add(kind)
        return kind

    return decorate


def define_periodic(
    name: str,
    *,
    every: timedelta,
    max_attempts: int = 3,
    timeout: float | None = 300.0,
    into: Registry | None = None,
) -> Callable[[Handler[NoPayload]], JobKind[NoPayload]]:
    """Declare a job that the scheduler enqueues once per ``every``, never two at once."""

    def decorate(handler: Handler[NoPayload]) -> JobKind[NoPayload]:
        target = into or registry
        kind = define_job(name, max_attempts=max_attempts, timeout=timeout, into=target)(handler)
        target.periodic[name] = Periodic(kind=kind, every=every)
        return kind

    return decorate


def _payload_type(handler: Callable[..., Any]) -> Any:
    params = list(inspect.signature(handler).parameters)
    if len(params) != 2:
        raise TypeError(f"job handler {handler.__qualname__} must take (ctx, payload)")
    hint = get_type_hints(handler).get(params[1])
    if not (isinstance(hint, type) and issubclass(hint, BaseModel)):
        raise TypeError(f"job handler {handler.__qualname__}: annotate the payload with a pydantic model")
    return hint
