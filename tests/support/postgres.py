"""Throwaway PostgreSQL databases for tests: created per use, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import make_url

ADMIN_URL_ENV = "GRIDLINK_TEST_POSTGRES_URL"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    """The maintenance database tests connect to in order to create and drop their own."""
    return os.environ.get(ADMIN_URL_ENV, DEFAULT_ADMIN_URL)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def unreachable_reason() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        with psycopg.connect(_dsn(admin_url()), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def require_postgres() -> None:
    """Skip (or, with CI=true, fail) when PostgreSQL is not reachable."""
    reason = unreachable_reason()
    if reason is None:
        return
    message = (
        f"PostgreSQL is not reachable at {admin_url()} ({reason}). Start it "
        f"(pg_ctlcluster <version> main start) or point {ADMIN_URL_ENV} at a server to enable these tests."
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def temporary_database() -> Iterator[str]:
    """A new, empty database; yields its URL and drops it (closing leftover connections) afterwards."""
    require_postgres()
    name = f"gridlink_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_dsn(admin_url()), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url()).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_dsn(admin_url()), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
