"""Builds the FastAPI application around a hub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

import gridlink
from gridlink.web.hub import Hub
from gridlink.web.middleware import RequestContextMiddleware
from gridlink.web.routes import as2, health, messages, metrics, pages, store_events, webhooks


def create_app(hub: Hub, *, own_hub: bool = False) -> FastAPI:
    """The hub's web application; with ``own_hub`` the app closes the hub when it shuts down."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if own_hub:
            await hub.close()

    app = FastAPI(title="gridlink", version=gridlink.__version__, lifespan=lifespan)
    app.state.hub = hub
    app.add_middleware(RequestContextMiddleware)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(messages.router)
    app.include_router(pages.router)
    app.include_router(webhooks.router)
    app.include_router(store_events.router)
    app.include_router(as2.router)
    return app


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    # A 422 that says which field is wrong and why, without echoing whole request bodies back.
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", "invalid"), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=422)
