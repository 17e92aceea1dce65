"""Trading Grid's public APIs, emulated: the OAuth2 token service, Lens, and Community Management.

Paths and methods follow OpenText's published collections. Those collections carry no example
responses, so the JSON shapes of Community Management here are the emulator's own, kept small and
consistent (ids, names, trading addresses as qualifier:id); the hub's client reads them leniently.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from gridlink.sandbox.grid.lens import Lens
from gridlink.sandbox.grid.state import GridState

COMMUNITY = "/TGCommunityServices/v1"


def create_api_app(state: GridState | None = None) -> FastAPI:
    """The emulated api(beta)grid.opentext.com; `app.state.grid` is its data."""
    state = state or GridState()
    lens = Lens(state)
    app = FastAPI(title="gridlink sandbox Trading Grid API", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.grid = state

    @app.post("/v1/oauth2/tokens")
    async def tokens(request: Request) -> JSONResponse:
        if request.query_params.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        client_id, secret = _basic(request)
        if state.clients.get(client_id) != secret or not secret:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token, ttl = state.issue(client_id)
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": int(ttl)})

    def bearer(request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not state.valid(token):
            raise HTTPException(401, "invalid or expired token")
        return token

    @app.post("/visibility_transaction_search")
    async def search(request: Request) -> dict[str, Any]:
        token = bearer(request)
        body = await request.json()
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            raise HTTPException(400, "a GraphQL request needs a query")
        return await lens.execute(body["query"], body.get("variables") or None, token)

    def company(request: Request, company_id: str) -> None:
        bearer(request)
        if company_id != state.company["companyId"]:
            raise HTTPException(404, f"company {company_id} not found")

    @app.get(COMMUNITY + "/companies/{company_id}")
    async def get_company(company_id: str, request: Request) -> dict[str, Any]:
        company(request, company_id)
        return state.company

    @app.get(COMMUNITY + "/companies/{company_id}/partnerDirectory")
    async def partner_directory(company_id: str, request: Request) -> dict[str, Any]:
        company(request, company_id)
        name = request.query_params.get("partnerCompanyName")
        partner_id = request.query_params.get("partnerCompanyId")
        address = request.query_params.get("tradingAddress")
        found = [
            p
            for p in state.partners
            if (name is None or p["partnerCompanyName"].lower() == name.lower())
            and (partner_id is None or p["partnerCompanyId"] == partner_id)
            and (address is None or address in [a["address"] for a in p["tradingAddresses"]])
        ]
        return {"totalCount": len(found), "partners": found}

    @app.get(COMMUNITY + "/companies/{company_id}/users")
    async def users(company_id: str, request: Request) -> dict[str, Any]:
        company(request, company_id)
        login = request.query_params.get("loginId")
        found = [u for u in state.users.values() if login is None or u["loginId"] == login]
        return {"totalCount": len(found), "users": found}

    def user_by(key: str) -> dict[str, Any]:
        for user in state.users.values():
            if key in (user["userId"], user["loginId"]):
                return user
        raise HTTPException(404, f"user {key} not found")

    @app.get(COMMUNITY + "/companies/{company_id}/users/{key}")
    async def user(company_id: str, key: str, request: Request) -> dict[str, Any]:
        company(request, company_id)
        return user_by(key)

    @app.post(COMMUNITY + "/companies/{company_id}/users", status_code=201)
    async def create_user(company_id: str, request: Request) -> dict[str, Any]:
        company(request, company_id)
        body = await request.json()
        missing = [f for f in ("loginId", "firstName", "lastName") if not (body or {}).get(f)]
        if missing:
            raise HTTPException(400, f"missing {', '.join(missing)}")
        if any(u["loginId"] == body["loginId"] for u in state.users.values()):
            raise HTTPException(409, f"loginId {body['loginId']} exists")
        created = {k: v for k, v in body.items() if k != "loginPassword"} | {"userId": state.new_id("GCP")}
        state.users[created["userId"]] = created
        state.roles.setdefault(created["loginId"], [])
        return created

    @app.put(COMMUNITY + "/companies/{company_id}/users/{key}")
    async def update_user(company_id: str, key: str, request: Request) -> dict[str, Any]:
        company(request, company_id)
        found = user_by(key)
        body = await request.json()
        found.update({k: v for k, v in body.items() if k not in ("userId", "loginId", "loginPassword")})
        return found

    @app.delete(COMMUNITY + "/companies/{company_id}/users/{key}", status_code=204)
    async def delete_user(company_id: str, key: str, request: Request) -> Response:
        company(request, company_id)
        found = user_by(key)
        del state.users[found["userId"]]
        state.roles.pop(found["loginId"], None)
        return Response(status_code=204)

    @app.get(COMMUNITY + "/companies/{company_id}/users/{login_id}/roles")
    async def roles(company_id: str, login_id: str, request: Request) -> list[dict[str, str]]:
        company(request, company_id)
        user_by(login_id)
        return [{"roleName": name} for name in state.roles.get(login_id, [])]

    @app.put(COMMUNITY + "/companies/{company_id}/users/{login_id}/roles")
    async def change_roles(company_id: str, login_id: str, request: Request) -> list[dict[str, str]]:
        company(request, company_id)
        user_by(login_id)
        action = request.query_params.get("action", "Add")
        names = [str(r.get("roleName")) for r in await request.json()]
        current = state.roles.setdefault(login_id, [])
        if action == "Add":
            current.extend(n for n in names if n not in current)
        elif action == "Remove":
            state.roles[login_id] = [n for n in current if n not in names]
        else:
            raise HTTPException(400, "action must be Add or Remove")
        return [{"roleName": name} for name in state.roles[login_id]]

    @app.get(COMMUNITY + "/companies/{company_id}/entitlements")
    async def entitlements(company_id: str, request: Request) -> dict[str, Any]:
        company(request, company_id)
        return {"entitlements": state.entitlements}

    return app


def _basic(request: Request) -> tuple[str, str]:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        user, _, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return user, password
