"""The worker: claims due jobs, runs them concurrently under leases, and shuts down gracefully."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from gridlink.engine import queue
from gridlink.engine.context import Discard, JobContext, Resources, Snooze
from gridlink.engine.metrics import JOB_DURATION, JOB_OUTCOMES, JOB_WAIT
from gridlink.engine.registry import JobKind, Registry, registry
from gridlink.logs import bind_correlation_id, get_logger
from gridlink.store.base import utcnow
from gridlink.store.db import Database

log = get_logger(__name__)


def default_worker_id() -> str:
    """host:pid:random, unique across machines and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """Runs jobs of the kinds in ``kinds`` with at most ``concurrency`` at once."""

    def __init__(
        self,
        db: Database,
        *,
        concurrency: int = 8,
        kinds: Registry = registry,
        resources: Resources | None = None,
        lease: float = 60.0,
        poll_interval: float = 0.25,
        shutdown_grace: float = 30.0,
        worker_id: str | None = None,
    ) -> None:
        self.db = db
        self.concurrency = concurrency
        self.kinds = kinds
        self.resources = resources or Resources()
        self.lease = timedelta(seconds=lease)
        self.poll_interval = poll_interval
        self.shutdown_grace = shutdown_grace
        self.worker_id = worker_id or default_worker_id()
        self._running: dict[int, tuple[queue.ClaimedJob, asyncio.Task[None]]] = {}
        self._slot_free = asyncio.Event()
        self._batch = max(1, concurrency // 2)

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set, then finish (or hand back) what is running and return."""
        log.info("worker started", worker_id=self.worker_id, concurrency=self.concurrency)
        # Heartbeats go on while running jobs drain after ``stop``, so their leases stay valid.
        drained = asyncio.Event()
        background = [
            asyncio.create_task(self._every(self.lease.total_seconds() / 3, self._heartbeat, drained)),
            asyncio.create_task(self._every(min(5.0, self.lease.total_seconds() / 2), self._rescue, stop)),
        ]
        try:
            await self._claim_loop(stop)
        finally:
            await self._drain()
            drained.set()
            await asyncio.gather(*background, return_exceptions=True)
            log.info("worker stopped", worker_id=self.worker_id)

    async def _claim_loop(self, stop: asyncio.Event) -> None:
        kinds = list(self.kinds.kinds)
        while not stop.is_set():
            free = self.concurrency - len(self._running)
            claimed: list[queue.ClaimedJob] = []
            if free > 0:
                self.db.jobs_enqueued.clear()
                try:
                    claimed = await queue.claim(
                        self.db,
                        worker_id=self.worker_id,
                        kinds=kinds,
                        limit=free,
                        lease=self.lease,
                        now=utcnow(),
                    )
                except Exception:  # a database hiccup must not kill the worker
                    log.exception("claiming jobs failed; retrying")
                    await _wait_any([stop.wait()], limit=max(1.0, self.poll_interval))
                    continue
                for job in claimed:
                    task = asyncio.create_task(self._execute(job))
                    self._running[job.id] = (job, task)
            if claimed and len(claimed) == free:
                # Full batch: there is likely more. Come back when half the slots are free, so that each
                # claim takes a batch instead of one job at a time (a claim is a write transaction).
                while not stop.is_set() and self.concurrency - len(self._running) < self._batch:
                    self._slot_free.clear()
                    await _wait_any([self._slot_free.wait(), stop.wait()], limit=None)
            elif not claimed:
                self._slot_free.clear()
                waits = [stop.wait(), self.db.jobs_enqueued.wait()]
                if free <= 0:
                    waits.append(self._slot_free.wait())
                await _wait_any(waits, limit=self.poll_interval)

    async def _execute(self, job: queue.ClaimedJob) -> None:
        kind = self.kinds.get(job.kind)
        assert kind is not None  # the claim asked only for kinds this worker knows
        bind_correlation_id(job.correlation_id)
        started = time.monotonic()
        JOB_WAIT.labels(job.kind).observe(max(0.0, (utcnow() - job.run_at).total_seconds()))
        outcome = "succeeded"
        try:
            outcome = await self._attempt(kind, job)
        except asyncio.CancelledError:
            outcome = "interrupted"
            raise
        except Exception:  # recording the failure itself failed; the lease will expire and rescue it
            outcome = "lost"
            log.exception("could not record job outcome", job_id=job.id, kind=job.kind)
        finally:
            JOB_DURATION.labels(job.kind).observe(time.monotonic() - started)
            JOB_OUTCOMES.labels(job.kind, outcome).inc()
            self._running.pop(job.id, None)
            self._slot_free.set()
            if job.ordering_key is not None:  # the next job of its key may be claimable now
                self.db.jobs_enqueued.set()
            bind_correlation_id(None)

    async def _attempt(self, kind: JobKind[Any], job: queue.ClaimedJob) -> str:
        try:
            payload = kind.payload_model.model_validate(job.payload)
        except ValidationError as exc:
            return await self._failed(kind, job, f"invalid payload: {exc}", permanent=True)
        try:
            async with self.db.transaction() as session:
                ctx = JobContext(
                    session=session,
                    db=self.db,
                    resources=self.resources,
                    job_id=job.id,
                    kind=job.kind,
                    attempt=job.attempt,
                    max_attempts=job.max_attempts,
                )
                async with asyncio.timeout(kind.timeout):
                    await kind.handler(ctx, payload)
                await queue.mark_succeeded(session, job, self.worker_id, utcnow())
        except queue.LeaseLost:
            log.warning("job was taken from this worker; its work was rolled back", job_id=job.id)
            return "lost"
        except Snooze as exc:
            await queue.snooze(self.db, job, self.worker_id, seconds=exc.seconds, now=utcnow())
            return "snoozed"
        except Discard as exc:
            return await self._failed(kind, job, _describe(exc), permanent=True)
        except TimeoutError:
            return await self._failed(kind, job, f"timed out after {kind.timeout}s", permanent=False)
        except Exception as exc:
            return await self._failed(kind, job, _describe(exc), permanent=False)
        log.debug("job succeeded", job_id=job.id, kind=job.kind, attempt=job.attempt)
        return "succeeded"

    async def _failed(self, kind: JobKind[Any], job: queue.ClaimedJob, error: str, *, permanent: bool) -> str:
        last = permanent or job.attempt >= job.max_attempts
        retry_in = None if last else kind.retry.delay(job.attempt)
        state = await queue.mark_failed(
            self.db, job, self.worker_id, error=error, retry_in=retry_in, now=utcnow()
        )
        if state is None:
            return "lost"
        if state == "dead":
            log.error("job is dead", job_id=job.id, kind=job.kind, attempt=job.attempt, error=error)
            return "dead"
        log.warning(
            "job failed; will retry",
            job_id=job.id,
            kind=job.kind,
            attempt=job.attempt,
            retry_in=retry_in,
            error=error.splitlines()[-1] if error else "",
        )
        return "retrying"

    async def _drain(self) -> None:
        """Let running jobs finish within the grace period; interrupt and hand back the rest."""
        if self._running:
            tasks = [task for _, task in self._running.values()]
            await asyncio.wait(tasks, timeout=self.shutdown_grace)
        leftover = list(self._running.values())
        for _, task in leftover:
            task.cancel()
        await asyncio.gather(*(task for _, task in leftover), return_exceptions=True)
        if leftover:
            await queue.release(self.db, [job for job, _ in leftover], self.worker_id, utcnow())
            log.info("handed back unfinished jobs", count=len(leftover))

    async def _heartbeat(self) -> None:
        ids = list(self._running)
        await queue.heartbeat(self.db, ids, self.worker_id, lease=self.lease, now=utcnow())

    async def _rescue(self) -> None:
        rescued = await queue.rescue_expired(self.db, utcnow())
        if rescued:
            log.warning("rescued jobs whose worker stopped", count=rescued)
            self.db.jobs_enqueued.set()

    @staticmethod
    async def _every(seconds: float, action: Callable[[], Awaitable[None]], stop: asyncio.Event) -> None:
        while not stop.is_set():
            await _wait_any([stop.wait()], limit=seconds)
            try:
                await action()
            except Exception:
                log.exception("worker maintenance failed", action=action.__name__)


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc, limit=8)).strip()


async def _wait_any(waits: list[Coroutine[Any, Any, Any]], limit: float | None) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
