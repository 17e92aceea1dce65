"""Community Management Services: the company, its partner directory, users and their roles.

Paths follow OpenText's published collection (`/TGCommunityServices/v1/companies/{companyId}/...`);
its responses are not published, so the models read leniently and keep what the hub uses: partner
names, ids and trading addresses (qualifier:id), which become partner profiles.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gridlink.grid.oauth import TokenSource

BASE_PATH = "/TGCommunityServices/v1"


class CommunityError(Exception):
    """Community Management refused a request; the message carries its status and answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Company(_Lenient):
    """The hub owner's company on Trading Grid."""

    company_id: str = Field(alias="companyId")
    company_name: str = Field("", alias="companyName")


class TradingAddress(_Lenient):
    """An EDI address on the network: qualifier and id, "ZZ:ACME" written together."""

    qualifier: str = ""
    id: str = ""
    address: str = ""


class DirectoryPartner(_Lenient):
    """A trading partner as the directory lists it."""

    partner_company_id: str = Field(alias="partnerCompanyId")
    partner_company_name: str = Field("", alias="partnerCompanyName")
    trading_addresses: list[TradingAddress] = Field(default_factory=list, alias="tradingAddresses")
    status: str = ""


class User(_Lenient):
    """A user of the company's Trading Grid account."""

    user_id: str = Field(alias="userId")
    login_id: str = Field(alias="loginId")
    first_name: str = Field("", alias="firstName")
    last_name: str = Field("", alias="lastName")


class CommunityClient:
    """One company's Community Management API with a client-credentials token."""

    def __init__(self, tokens: TokenSource, base_url: str, company_id: str) -> None:
        self._tokens = tokens
        self._root = f"{base_url.rstrip('/')}{BASE_PATH}/companies/{company_id}"

    async def company(self) -> Company:
        """The company record."""
        return Company.model_validate(await self._call("GET", ""))

    async def partners(
        self, *, name: str | None = None, partner_id: str | None = None, trading_address: str | None = None
    ) -> list[DirectoryPartner]:
        """The partner directory, or the entries matching a name, a partner company id or an address."""
        params = {
            key: value
            for key, value in (
                ("partnerCompanyName", name),
                ("partnerCompanyId", partner_id),
                ("tradingAddress", trading_address),
            )
            if value is not None
        }
        body = await self._call("GET", "/partnerDirectory", params=params)
        return [DirectoryPartner.model_validate(row) for row in _rows(body, "partners")]

    async def users(self, login_id: str | None = None) -> list[User]:
        """The company's users, or the one with ``login_id``."""
        params = {"loginId": login_id} if login_id else None
        return [
            User.model_validate(row)
            for row in _rows(await self._call("GET", "/users", params=params), "users")
        ]

    async def user(self, key: str) -> User:
        """One user by userId or loginId."""
        return User.model_validate(await self._call("GET", f"/users/{key}"))

    async def create_user(self, fields: dict[str, Any]) -> User:
        """Create a user (loginId, firstName, lastName, contactInformation, address, ...)."""
        return User.model_validate(await self._call("POST", "/users", json=fields))

    async def update_user(self, key: str, fields: dict[str, Any]) -> User:
        """Change a user's details."""
        return User.model_validate(await self._call("PUT", f"/users/{key}", json=fields))

    async def delete_user(self, key: str) -> None:
        """Remove a user."""
        await self._call("DELETE", f"/users/{key}")

    async def roles(self, login_id: str) -> list[str]:
        """A user's role names."""
        return [
            str(r["roleName"]) for r in _rows(await self._call("GET", f"/users/{login_id}/roles"), "roles")
        ]

    async def change_roles(self, login_id: str, names: list[str], *, add: bool = True) -> list[str]:
        """Add (or remove) roles; returns the roles the user has afterwards."""
        body = [{"roleName": name} for name in names]
        answer = await self._call(
            "PUT", f"/users/{login_id}/roles", params={"action": "Add" if add else "Remove"}, json=body
        )
        return [str(r["roleName"]) for r in _rows(answer, "roles")]

    async def entitlements(self) -> list[dict[str, Any]]:
        """What the company is entitled to use."""
        return _rows(await self._call("GET", "/entitlements"), "entitlements")

    async def _call(
        self, method: str, path: str, *, params: dict[str, str] | None = None, json: Any = None
    ) -> Any:
        response = await self._tokens.request(method, self._root + path, params=params, json=json)
        if response.status_code >= 400:
            raise CommunityError(response.status_code, response.text[:300])
        return response.json() if response.content else None


def _rows(body: Any, key: str) -> list[dict[str, Any]]:
    """A list answer, bare or wrapped in an object under ``key``."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return list(body[key])
    return []
