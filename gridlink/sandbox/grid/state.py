"""What the emulated Trading Grid knows: API clients and tokens, transactions, the community."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class IssuedToken:
    """A bearer token and when it stops being accepted."""

    client_id: str
    expires_at: float


@dataclass
class GridState:
    """The emulator's data; tests and the simulated network add to it."""

    clients: dict[str, str] = field(default_factory=lambda: {"sandbox-client": "sandbox-secret"})
    token_ttl: float = 36_000.0  # Trading Grid's tokens live about ten hours
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    company: dict[str, Any] = field(
        default_factory=lambda: {"companyId": "GC00000001SB", "companyName": "Gridlink Sandbox Retail"}
    )
    partners: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # by userId
    roles: dict[str, list[str]] = field(default_factory=dict)  # by loginId
    entitlements: list[dict[str, Any]] = field(
        default_factory=lambda: [{"name": "Lens Standard"}, {"name": "Active Community"}]
    )

    def issue(self, client_id: str) -> tuple[str, float]:
        """A new token for ``client_id`` and its lifetime in seconds."""
        token = secrets.token_urlsafe(24)
        self.tokens[token] = IssuedToken(client_id, time.monotonic() + self.token_ttl)
        return token, self.token_ttl

    def valid(self, token: str) -> bool:
        """Whether ``token`` was issued and has not expired or been revoked."""
        issued = self.tokens.get(token)
        return issued is not None and issued.expires_at > time.monotonic()

    def revoke_all(self) -> None:
        """Forget every token (as after a key rotation), so clients must fetch new ones."""
        self.tokens.clear()

    def new_id(self, prefix: str) -> str:
        """An id in Trading Grid's style (letters and digits)."""
        return prefix + secrets.token_hex(5).upper()
