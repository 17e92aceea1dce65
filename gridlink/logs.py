"""Structured JSON logs and the correlation id that follows a request into the jobs it causes."""

from __future__ import annotations

import logging
import sys
import uuid
from contextvars import ContextVar

import structlog

_correlation_id: ContextVar[str | None] = ContextVar("gridlink_correlation_id", default=None)


def correlation_id() -> str | None:
    """The correlation id of the current request or job, if any."""
    return _correlation_id.get()


def new_correlation_id() -> str:
    """A fresh correlation id."""
    return uuid.uuid4().hex


def bind_correlation_id(value: str | None) -> None:
    """Make ``value`` the correlation id of the current context and of every log line in it."""
    _correlation_id.set(value)
    if value is None:
        structlog.contextvars.unbind_contextvars("correlation_id")
    else:
        structlog.contextvars.bind_contextvars(correlation_id=value)


def configure_logging(level: str = "info", fmt: str = "json") -> None:
    """Route structlog and the standard library's logging through one JSON (or console) renderer."""
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        # Filtering first: a disabled debug line must cost nothing on the job engine's hot path.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log duplicates the hub's own request log line.
    logging.getLogger("uvicorn.access").disabled = True
    for noisy in ("httpx", "httpcore", "asyncssh", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structured logger named after its module."""
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
