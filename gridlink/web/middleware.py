"""Per-request plumbing: a correlation id on every log line and job, and request metrics."""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridlink.logs import bind_correlation_id, get_logger, new_correlation_id

CORRELATION_HEADER = "X-Request-ID"

HTTP_REQUESTS = Counter(
    "gridlink_http_requests_total", "HTTP requests by method, route and status", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "gridlink_http_request_duration_seconds", "HTTP request latency by method and route", ["method", "route"]
)

log = get_logger("gridlink.web")


class RequestContextMiddleware:
    """Binds a correlation id (the caller's X-Request-ID, or a new one), logs and measures the request.

    Plain ASGI rather than Starlette's BaseHTTPMiddleware: that one runs every request in a task of its
    own and copies the response through a stream, which costs more than the hub's busiest routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request inside its correlation context."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get(CORRELATION_HEADER, "")
        cid = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else new_correlation_id()
        bind_correlation_id(cid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[CORRELATION_HEADER] = cid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], route).observe(elapsed)
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                ms=round(elapsed * 1000, 1),
            )
            bind_correlation_id(None)


def _route_template(scope: Scope) -> str:
    # The route's path template keeps metric label cardinality bounded ("/jobs/{job_id}", not every id).
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else "unmatched"
