"""Prometheus metrics: jobs by kind and state (read from the database), job latency, HTTP requests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, disable_created_metrics, generate_latest

from gridlink.engine.admin import counts
from gridlink.web.hub import Hub, hub_of

router = APIRouter(tags=["metrics"])

# The *_created series double the output and no dashboard uses them.
disable_created_metrics()  # type: ignore[no-untyped-call]

JOBS = Gauge("gridlink_jobs", "Jobs in the database by kind and state", ["kind", "state"])


@router.get("/metrics")
async def metrics(hub: Annotated[Hub, Depends(hub_of)]) -> Response:
    """The metrics in Prometheus' text format."""
    JOBS.clear()
    for (kind, state), number in (await counts(hub.db)).items():
        JOBS.labels(kind, state).set(number)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
