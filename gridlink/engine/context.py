"""What a job handler is given: its transaction, its identity and the process's shared resources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from gridlink.store.db import Database

T = TypeVar("T")


class Resources:
    """Process-wide objects (API clients, blob store, settings) that the composition root provides."""

    def __init__(self, *items: object) -> None:
        self._items: dict[type[Any], object] = {}
        for item in items:
            self.provide(item)

    def provide(self, item: object, as_type: type[Any] | None = None) -> None:
        """Make ``item`` available under its own type (or ``as_type``)."""
        self._items[as_type or type(item)] = item

    def get(self, cls: type[T]) -> T:
        """The object provided for ``cls``; a LookupError names what is missing."""
        item = self._items.get(cls)
        if item is None:
            for provided in self._items.values():
                if isinstance(provided, cls):
                    return provided
            raise LookupError(f"no {cls.__qualname__} was provided to the job engine")
        assert isinstance(item, cls)
        return item


@dataclass
class JobContext:
    """One attempt of one job. ``session`` is inside the transaction that also marks the job done."""

    session: AsyncSession
    db: Database
    resources: Resources
    job_id: int
    kind: str
    attempt: int
    max_attempts: int

    def resource(self, cls: type[T]) -> T:
        """A process-wide resource by type."""
        return self.resources.get(cls)

    @property
    def is_last_attempt(self) -> bool:
        """True when a failure now makes the job dead."""
        return self.attempt >= self.max_attempts


class Snooze(Exception):
    """Raise from a handler to try again after ``seconds`` without using up an attempt."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"snoozed for {seconds:.1f}s")
        self.seconds = seconds


class Discard(Exception):
    """Raise from a handler when retrying cannot help: the job goes straight to ``dead``."""
