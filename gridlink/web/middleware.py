"""Per-request plumbing: a correlation id on every log line and job, and request metrics."""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from gridlink.logs import bind_correlation_id, get_logger, new_correlation_id

CORRELATION_HEADER = "X-Request-ID"

HTTP_REQUESTS = Counter(
    "gridlink_http_requests_total", "HTTP requests by method, route and status", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "gridlink_http_request_duration_seconds", "HTTP request latency by method and route", ["method", "route"]
)

log = get_logger("gridlink.web")


class RequestContextMiddleware(BaseHTTPMiddleware):
    """Binds a correlation id (the caller's X-Request-ID, or a new one), logs and measures the request."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Run the request inside its correlation context."""
        incoming = request.headers.get(CORRELATION_HEADER, "")
        cid = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else new_correlation_id()
        bind_correlation_id(cid)
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers[CORRELATION_HEADER] = cid
            return response
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(request)
            HTTP_REQUESTS.labels(request.method, route, str(status)).inc()
            HTTP_LATENCY.labels(request.method, route).observe(elapsed)
            log.info(
                "request",
                method=request.method,
                path=request.url.path,
                status=status,
                ms=round(elapsed * 1000, 1),
            )
            bind_correlation_id(None)


def _route_template(request: Request) -> str:
    # The route's path template keeps metric label cardinality bounded ("/jobs/{job_id}", not every id).
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"
