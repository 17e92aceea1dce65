"""AS2 over HTTP: posting a message (and reading a synchronous receipt), posting an asynchronous receipt."""

from __future__ import annotations

import httpx

from gridlink.grid.as2.mdn import Receipt, read_mdn
from gridlink.grid.as2.message import Counterpart, Outbound


class DeliveryFailed(Exception):
    """The partner's server did not take the message (a non-2xx answer or no answer)."""


async def post_message(
    http: httpx.AsyncClient, url: str, outbound: Outbound, partner: Counterpart
) -> Receipt | None:
    """POST a message; the synchronous receipt it answered with, or None when the receipt comes later."""
    response = await _post(http, url, outbound)
    if not response.content:
        return None
    headers = {name.lower(): value for name, value in response.headers.items()}
    return read_mdn(headers, response.content, partner)


async def post_receipt(http: httpx.AsyncClient, url: str, receipt: Outbound) -> None:
    """Deliver an asynchronous MDN to the URL the sender gave."""
    await _post(http, url, receipt)


async def _post(http: httpx.AsyncClient, url: str, outbound: Outbound) -> httpx.Response:
    try:
        response = await http.post(url, content=outbound.body, headers=outbound.headers)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{url}: {type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"{url} answered {response.status_code}: {response.text[:300]}")
    return response
