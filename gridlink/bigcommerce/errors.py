"""Errors a BigCommerce request can end in, carrying the status, BigCommerce's error body and the request."""

from __future__ import annotations

from typing import Any


class BigCommerceError(Exception):
    """A response BigCommerce refused, after any retries: status, parsed error body, method and URL."""

    def __init__(self, status: int, body: Any, method: str, url: str) -> None:
        self.status = status
        self.body = body
        self.method = method
        self.url = url
        super().__init__(f"{method} {url} -> {status}: {self.message}")

    @property
    def message(self) -> str:
        """BigCommerce's words: v2 sends a list of {status, message}, v3 an object with title and errors."""
        body = self.body
        if isinstance(body, list) and body and isinstance(body[0], dict):
            return "; ".join(str(item.get("message", item)) for item in body)
        if isinstance(body, dict):
            title = str(body.get("title") or body.get("message") or "")
            errors = body.get("errors")
            if isinstance(errors, dict) and errors:
                details = "; ".join(f"{k}: {v}" for k, v in errors.items())
                return f"{title} ({details})" if title else details
            return title or str(body)
        return str(body) if body else "no error body"


class NotFound(BigCommerceError):
    """404: the resource does not exist (or belongs to another store)."""


class Unprocessable(BigCommerceError):
    """422 (and 400): BigCommerce understood the request and refused its content."""


class RateLimited(BigCommerceError):
    """429 still answered after every retry the client allows."""


class Unavailable(Exception):
    """The store could not be reached (connection refused, timeout) after every retry."""

    def __init__(self, method: str, url: str, cause: Exception) -> None:
        self.method = method
        self.url = url
        super().__init__(f"{method} {url}: {type(cause).__name__}: {cause}")


def error_for(status: int, body: Any, method: str, url: str) -> BigCommerceError:
    """The most specific error class for a status."""
    cls = _CLASSES.get(status, BigCommerceError)
    return cls(status, body, method, url)


_CLASSES: dict[int, type[BigCommerceError]] = {
    400: Unprocessable,
    404: NotFound,
    422: Unprocessable,
    429: RateLimited,
}
