"""The web shell over loopback HTTP: health, readiness, metrics, and the correlation id."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter

from gridlink.config import Settings
from gridlink.engine import JobContext, Registry, Worker, define_job
from gridlink.logs import configure_logging, correlation_id, get_logger
from gridlink.store.db import Database
from gridlink.web.app import create_app
from gridlink.web.hub import Hub
from tests.engine.conftest import all_finished, eventually
from tests.engine.jobs_for_tests import Effect
from tests.support.servers import running_server

test_kinds = Registry()
seen_correlation: list[str | None] = []


@define_job("test.web.echo", into=test_kinds)
async def echo(ctx: JobContext, payload: Effect) -> None:
    """Note the correlation id the job runs under, and log a line with it."""
    seen_correlation.append(correlation_id())
    get_logger("test").info("echo job ran", key=payload.key)


def hub_for(url: str, tmp_path: Path) -> Hub:
    return Hub.from_settings(Settings(database_url=url, data_dir=tmp_path))


@pytest.fixture
async def hub(db: Database, database_url: str, tmp_path: Path) -> AsyncIterator[Hub]:
    hub = hub_for(database_url, tmp_path)
    try:
        yield hub
    finally:
        await hub.close()


async def test_health_and_readiness(hub: Hub) -> None:
    async with running_server(create_app(hub)) as base, httpx.AsyncClient(base_url=base) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["database"] == "ok"


async def test_not_ready_until_migrated(database_url: str, tmp_path: Path) -> None:
    hub = hub_for(database_url, tmp_path)
    try:
        async with running_server(create_app(hub)) as base, httpx.AsyncClient(base_url=base) as client:
            ready = await client.get("/readyz")
            assert (await client.get("/healthz")).status_code == 200
    finally:
        await hub.close()
    assert ready.status_code == 503
    assert "gridlink db upgrade" in ready.json()["database"]


async def test_not_ready_when_the_database_is_unreachable(tmp_path: Path) -> None:
    hub = hub_for("postgresql://postgres@127.0.0.1:1/nowhere", tmp_path)
    try:
        async with running_server(create_app(hub)) as base, httpx.AsyncClient(base_url=base) as client:
            ready = await client.get("/readyz")
    finally:
        await hub.close()
    assert ready.status_code == 503
    assert "unreachable" in ready.json()["database"]


async def test_correlation_id_follows_a_request_into_its_job_and_logs(
    hub: Hub, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("info", "json")
    app = create_app(hub)
    router = APIRouter()

    @router.post("/test/enqueue")
    async def enqueue_route() -> dict[str, int | None]:
        async with hub.db.transaction() as session:
            return {"job": await echo.enqueue(session, Effect(key="web"))}

    app.include_router(router)
    seen_correlation.clear()
    stop = asyncio.Event()
    worker = Worker(hub.db, kinds=test_kinds, poll_interval=0.05)
    running = asyncio.create_task(worker.run(stop))
    try:
        async with running_server(app) as base, httpx.AsyncClient(base_url=base) as client:
            response = await client.post("/test/enqueue", headers={"X-Request-ID": "req-42"})
            assert response.status_code == 200
            assert response.headers["X-Request-ID"] == "req-42"
            fresh = await client.post("/test/enqueue")
            await eventually(lambda: all_finished(hub.db))
    finally:
        stop.set()
        await running
    generated = fresh.headers["X-Request-ID"]
    assert len(generated) == 32
    assert seen_correlation == ["req-42", generated]
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    job_lines = [line for line in lines if line.get("event") == "echo job ran"]
    assert [line.get("correlation_id") for line in job_lines] == ["req-42", generated]
    request_lines = [line for line in lines if line.get("event") == "request"]
    assert {"req-42", generated} <= {line.get("correlation_id") for line in request_lines}


async def test_metrics_show_jobs_by_kind_and_state_latency_and_requests(hub: Hub) -> None:
    async with hub.db.transaction() as session:
        await echo.enqueue(session, Effect(key="m1"))
        await echo.enqueue(session, Effect(key="m2"))
    stop = asyncio.Event()
    worker = Worker(hub.db, kinds=test_kinds, poll_interval=0.05)
    running = asyncio.create_task(worker.run(stop))
    try:
        await eventually(lambda: all_finished(hub.db))
    finally:
        stop.set()
        await running
    async with hub.db.transaction() as session:
        await echo.enqueue(session, Effect(key="waiting"))
    async with running_server(create_app(hub)) as base, httpx.AsyncClient(base_url=base) as client:
        await client.get("/healthz")
        text = (await client.get("/metrics")).text
    assert 'gridlink_jobs{kind="test.web.echo",state="succeeded"} 2.0' in text
    assert 'gridlink_jobs{kind="test.web.echo",state="available"} 1.0' in text
    assert 'gridlink_job_duration_seconds_count{kind="test.web.echo"}' in text
    assert 'gridlink_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert "gridlink_http_request_duration_seconds_bucket" in text
