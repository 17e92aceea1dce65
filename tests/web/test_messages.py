"""Operators see messages and their states: the JSON API, and the first page in a real browser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gridlink.config import Settings
from gridlink.store import messages
from gridlink.store.db import Database
from gridlink.store.models.messages import Direction, MessageState
from gridlink.web.app import create_app
from gridlink.web.hub import Hub
from tests.support.browser import chromium
from tests.support.servers import running_server


@pytest.fixture
async def hub(db: Database, database_url: str, tmp_path: Path) -> AsyncIterator[Hub]:
    hub = Hub.from_settings(Settings(database_url=database_url, data_dir=tmp_path))
    async with hub.db.transaction() as session:
        po = await messages.record(
            session,
            direction=Direction.OUTBOUND,
            blob_sha256="a" * 64,
            size=512,
            partner="acme",
            standard="x12",
            document_type="850",
            reference="1001-ACME",
        )
        await messages.transition(session, po, MessageState.DELIVERED, note="MDN processed")
        bad = await messages.record(
            session,
            direction=Direction.INBOUND,
            blob_sha256="b" * 64,
            size=77,
            partner="acme",
            standard="x12",
            document_type="856",
        )
        await messages.transition(
            session, bad, MessageState.REJECTED, error="segment HL missing", note="997 sent"
        )
    try:
        yield hub
    finally:
        await hub.close()


async def test_the_api_lists_filters_and_shows_messages_with_their_history(hub: Hub) -> None:
    async with running_server(create_app(hub)) as base, httpx.AsyncClient(base_url=base) as client:
        listed = (await client.get("/api/messages")).json()
        assert [(m["document_type"], m["state"]) for m in listed] == [
            ("856", "rejected"),
            ("850", "delivered"),
        ]
        rejected = (await client.get("/api/messages", params={"state": "rejected"})).json()
        assert [m["document_type"] for m in rejected] == ["856"]
        by_reference = (await client.get("/api/messages", params={"reference": "1001-ACME"})).json()
        assert [m["document_type"] for m in by_reference] == ["850"]
        detail = (await client.get(f"/api/messages/{rejected[0]['id']}")).json()
        assert detail["error"] == "segment HL missing"
        assert [(e["from_state"], e["to_state"]) for e in detail["events"]] == [
            (None, "received"),
            ("received", "rejected"),
        ]


async def test_bad_requests_get_a_4xx_with_a_reason(hub: Hub) -> None:
    async with running_server(create_app(hub)) as base, httpx.AsyncClient(base_url=base) as client:
        missing = await client.get("/api/messages/999999")
        assert missing.status_code == 404 and "999999" in missing.json()["detail"]
        wrong_state = await client.get("/api/messages", params={"state": "lost"})
        assert wrong_state.status_code == 422 and wrong_state.json()["detail"][0]["loc"] == ["query", "state"]
        assert (await client.get("/api/messages", params={"limit": 0})).status_code == 422
        assert (await client.get("/", params={"state": "lost"})).status_code == 422


async def test_the_first_page_lists_messages_and_filters_by_state_in_a_browser(hub: Hub) -> None:
    async with running_server(create_app(hub)) as base, chromium() as browser:
        page = await browser.new_page()
        await page.goto(base + "/")
        rows = page.locator("#messages tbody tr")
        assert await rows.count() == 2
        assert "attention" in (await rows.nth(0).locator(".state").get_attribute("class") or "")
        await page.select_option("#state", "delivered")
        await page.wait_for_url("**/?state=delivered")
        assert await rows.count() == 1
        assert "1001-ACME" in await rows.nth(0).inner_text()
        await page.select_option("#state", "dead")
        await page.wait_for_url("**/?state=dead")
        assert "No messages in state dead" in await page.locator("main").inner_text()
