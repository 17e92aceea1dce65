"""OAuth2 client-credentials tokens for Trading Grid's APIs: fetched once, shared, renewed before expiry.

`POST {base}/v1/oauth2/tokens?grant_type=client_credentials` with the consumer key and secret as HTTP
Basic credentials, as OpenText's published collections do; tokens live about ten hours.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

TOKEN_PATH = "/v1/oauth2/tokens"
RENEW_BEFORE = 300.0  # seconds before expiry a token is replaced


class TokenError(Exception):
    """No token could be obtained: wrong credentials, or the token service failed."""


@dataclass
class _Token:
    value: str
    renew_at: float


class TokenSource:
    """Hands out a valid bearer token for one API client, fetching or renewing it when needed."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, client_id: str, client_secret: str) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + TOKEN_PATH
        self._auth = httpx.BasicAuth(client_id, client_secret)
        self._token: _Token | None = None
        self._lock = asyncio.Lock()
        self.fetched = 0  # tokens obtained so far (for metrics and tests)

    async def token(self) -> str:
        """A token that is not about to expire."""
        async with self._lock:  # concurrent callers share one fetch
            if self._token is None or self._token.renew_at <= time.monotonic():
                self._token = await self._fetch()
            return self._token.value

    def invalidate(self) -> None:
        """Forget the token (the API refused it), so the next call fetches a new one."""
        self._token = None

    async def _fetch(self) -> _Token:
        try:
            response = await self._http.post(
                self._url, params={"grant_type": "client_credentials"}, auth=self._auth
            )
        except httpx.HTTPError as exc:
            raise TokenError(f"token service unreachable: {exc}") from exc
        if response.status_code != 200:
            raise TokenError(f"token service answered {response.status_code}: {response.text[:200]}")
        body = response.json()
        self.fetched += 1
        lifetime = float(body.get("expires_in", 3600))
        # Renewed RENEW_BEFORE ahead of expiry, or a tenth of its life ahead for short-lived tokens.
        return _Token(
            str(body["access_token"]), time.monotonic() + lifetime - min(RENEW_BEFORE, lifetime / 10)
        )

    async def request(
        self, method: str, url: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        """Send an authorised request; a 401 (token revoked or expired early) is retried once, renewed."""
        response = await self._send(method, url, json, params)
        if response.status_code == 401:
            self.invalidate()
            response = await self._send(method, url, json, params)
        return response

    async def _send(self, method: str, url: str, json: Any, params: dict[str, Any] | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {await self.token()}"}
        return await self._http.request(method, url, headers=headers, json=json, params=params)
