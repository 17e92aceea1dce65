"""`gridlink run` with nothing configured starts the sandbox store and Trading Grid and serves them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx

from tests.support.processes import start_gridlink, stop

TOKEN = {"X-Auth-Token": "sandbox-token"}


def logged_url(log: Path, event: str, deadline: float) -> str:
    """The url of the first JSON log line whose event is ``event``."""
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry.get("event") == event:
                    return str(entry["url"])
        time.sleep(0.1)
    raise AssertionError(f"no {event!r} in the log:\n{log.read_text()}")


def wait_for(check: object, deadline: float, what: str) -> None:
    assert callable(check)
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen")


def test_run_starts_the_sandbox_store_and_receives_its_order_events(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    process = start_gridlink(
        ["run"],
        log,
        data_dir=str(tmp_path / "data"),
        port="0",
        sandbox__store_port="0",
        sandbox__grid_port="0",
        log_level="info",
    )
    try:
        deadline = time.monotonic() + 90
        store_url = logged_url(log, "sandbox store listening", deadline)
        hub_url = logged_url(log, "web listening", deadline)
        with httpx.Client(headers=TOKEN, timeout=10) as store, httpx.Client(base_url=hub_url) as hub:

            def hooks_active() -> bool:
                hooks = store.get(store_url + "v3/hooks").json()["data"]
                return len(hooks) == 3 and all(h["is_active"] for h in hooks)

            wait_for(hooks_active, deadline, "hook reconciliation at start")
            product = store.get(store_url + "v3/catalog/products", params={"limit": 1}).json()["data"][0]
            order = store.post(
                store_url + "v2/orders",
                json={
                    "customer_id": 0,
                    "status_id": 11,
                    "billing_address": {"first_name": "Ada", "street_1": "1 Main St", "country_iso2": "US"},
                    "products": [{"product_id": product["id"], "quantity": 2}],
                },
            )
            assert order.status_code == 200, order.text

            def order_fetched() -> bool:
                events = hub.get("/api/store-events").json()
                return any(e["scope"] == "store/order/created" and e["state"] == "fetched" for e in events)

            wait_for(order_fetched, deadline, "the order event being received and re-fetched")
            created = next(
                e for e in hub.get("/api/store-events").json() if e["scope"] == "store/order/created"
            )
            assert created["resource"]["order"]["id"] == order.json()["id"]
            assert created["resource"]["products"][0]["quantity"] == 2
            grid_url = logged_url(log, "sandbox Trading Grid listening", deadline)
            token = httpx.post(
                grid_url + "/v1/oauth2/tokens",
                params={"grant_type": "client_credentials"},
                auth=("sandbox-client", "sandbox-secret"),
            )
            assert token.status_code == 200 and token.json()["token_type"] == "Bearer"

            def directory_imported() -> bool:  # the hourly import ran at start against the sandbox's API
                with sqlite3.connect(tmp_path / "data" / "gridlink.db") as db:
                    return db.execute("SELECT count(*) FROM partners").fetchone()[0] == 4

            wait_for(directory_imported, deadline, "the partner directory import")
            with sqlite3.connect(tmp_path / "data" / "gridlink.db") as db:
                addresses = {row[0] for row in db.execute("SELECT address FROM partners")}
            assert addresses == {"ZZ:ACMESUPPLY", "ZZ:DELTA3PL", "ZZ:NORTHDIST", "ZZ:RETURNSCTR"}
    finally:
        try:
            assert stop(process) == 0, log.read_text()
        except subprocess.TimeoutExpired:  # show what it was doing when it would not stop
            print(log.read_text()[-6000:])
            raise
