"""Expectation timers: what a partner owed and did not send in time is marked overdue, once, for an
operator (and, later, a case)."""

from __future__ import annotations

from datetime import timedelta

from gridlink.engine import JobContext, NoPayload, define_periodic
from gridlink.logs import get_logger
from gridlink.store import orders
from gridlink.store.base import utcnow

log = get_logger(__name__)


@define_periodic("orders.check_expectations", every=timedelta(seconds=15))
async def check_expectations(ctx: JobContext, _: NoPayload) -> None:
    """Mark expectations past due as overdue."""
    for expectation in await orders.mark_overdue(ctx.session, utcnow()):
        log.warning(
            "partner document overdue",
            partner=expectation.partner,
            expected=expectation.kind,
            reference=expectation.reference,
            message=expectation.message_id,
            due=expectation.due_at.isoformat(),
        )
