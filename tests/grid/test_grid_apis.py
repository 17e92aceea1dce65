"""The Trading Grid API clients against the emulated token service, Lens and Community Management, over
loopback HTTP: tokens cached, renewed before expiry and after revocation; Lens searches and scrolls;
the partner directory, users and roles."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest

from gridlink.grid.community import CommunityClient, CommunityError
from gridlink.grid.lens import LensClient, LensError, LensQuery
from gridlink.grid.oauth import TokenError, TokenSource
from gridlink.sandbox.grid.api import create_api_app
from gridlink.sandbox.grid.state import GridState
from tests.support.servers import running_server


@dataclass
class Api:
    state: GridState
    url: str
    http: httpx.AsyncClient

    def tokens(self, secret: str = "sandbox-secret") -> TokenSource:
        return TokenSource(self.http, self.url, "sandbox-client", secret)


def transaction(n: int, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "transactionid": f"T{n:04d}",
        "correlationid": f"corr-{n}",
        "arrivaltime": f"2026-11-{1 + n % 28:02d}T10:00:00Z",
        "status": "Delivered",
        "deliverystatus": "Delivered",
        "fastatus": "Accepted",
        "editype": "850",
        "transactionlevel": "Document",
        "senderaddress": "ZZ:GRIDLINK",
        "receiveraddress": "ZZ:ACME",
        "errorcode": "-1",
        "contentkeys": {"purchase order number": f"PO-{n}"},
    }
    record.update(fields)
    return record


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    state = GridState()
    state.transactions = [transaction(n) for n in range(30)]
    state.transactions += [
        transaction(100, editype="997", receiveraddress="ZZ:GRIDLINK", senderaddress="ZZ:ACME"),
        transaction(
            101, deliverystatus="DeliveryFailed", errorcode="E42", externalerrormessage="mailbox full"
        ),
    ]
    async with running_server(create_api_app(state)) as url, httpx.AsyncClient(timeout=30) as http:
        yield Api(state, url, http)


async def test_a_token_is_fetched_once_shared_and_renewed_when_it_nears_expiry(api: Api) -> None:
    api.state.token_ttl = 1.0
    tokens = api.tokens()
    lens = LensClient(tokens, api.url)
    await asyncio.gather(*(lens.search(LensQuery(count=1)) for _ in range(5)))
    assert tokens.fetched == 1  # concurrent callers shared one token
    await asyncio.sleep(1.0)
    await lens.search(LensQuery(count=1))
    assert tokens.fetched == 2


async def test_a_revoked_token_is_replaced_and_the_request_retried(api: Api) -> None:
    tokens = api.tokens()
    lens = LensClient(tokens, api.url)
    await lens.search(LensQuery(count=1))
    api.state.revoke_all()
    page = await lens.search(LensQuery(count=1))
    assert page.count == 1 and tokens.fetched == 2


async def test_wrong_credentials_are_a_clear_error(api: Api) -> None:
    with pytest.raises(TokenError, match="401"):
        await LensClient(api.tokens("guess"), api.url).search(LensQuery())


async def test_lens_finds_what_was_sent_to_a_partner_with_its_status_and_content_keys(api: Api) -> None:
    lens = LensClient(api.tokens(), api.url)
    page = await lens.search(
        LensQuery(
            must=[("transactionlevel", "Document")],
            should=[("senderaddress", "ZZ:ACME"), ("receiveraddress", "ZZ:ACME")],
            exclude=[("editype", "997")],
            content_keys={"purchase order number": "PO-1*"},
            count=50,
        )
    )
    ids = sorted(t.transactionid for t in page.transactions)
    assert ids == ["T0001"] + [f"T{n:04d}" for n in range(10, 20)] + ["T0101"]
    failed = next(t for t in page.transactions if t.transactionid == "T0101")
    assert (failed.deliverystatus, failed.errorcode, failed.externalerrormessage) == (
        "DeliveryFailed",
        "E42",
        "mailbox full",
    )
    assert failed.keys == {"purchase order number": "PO-101"}


async def test_lens_pages_ranges_and_free_text(api: Api) -> None:
    lens = LensClient(api.tokens(), api.url)
    first = await lens.search(LensQuery(count=10, offset=0))
    second = await lens.search(LensQuery(count=10, offset=10))
    assert first.total == second.total == 32
    assert not {t.transactionid for t in first.transactions} & {t.transactionid for t in second.transactions}
    november = await lens.search(
        LensQuery(
            arrived_from=datetime(2026, 11, 5, tzinfo=UTC), arrived_to=datetime(2026, 11, 6, tzinfo=UTC)
        )
    )
    assert {t.arrivaltime for t in november.transactions} == {"2026-11-05T10:00:00Z"}
    assert [t.transactionid for t in (await lens.search(LensQuery(text="mailbox full"))).transactions] == [
        "T0101"
    ]


async def test_lens_scrolls_through_everything_once(api: Api) -> None:
    api.state.transactions = [transaction(n) for n in range(2500)]
    lens = LensClient(api.tokens(), api.url)
    seen = [t.transactionid async for t in lens.scroll(LensQuery())]
    assert len(seen) == len(set(seen)) == 2500


async def test_lens_reports_graphql_errors(api: Api) -> None:
    tokens = api.tokens()
    response = await tokens.request(
        "POST",
        api.url + "/visibility_transaction_search",
        json={"query": "{ getTransactions { nosuchfield } }"},
    )
    assert response.status_code == 200 and "nosuchfield" in response.json()["errors"][0]["message"]
    with pytest.raises(ValueError, match="not a Lens field"):
        LensQuery(must=[("nosuchfield", "x")]).graphql()
    with pytest.raises(LensError, match="nosuchfield"):
        await LensClient(tokens, api.url)._run("{ getTransactions { nosuchfield } }")


async def test_community_directory_users_and_roles(api: Api) -> None:
    api.state.partners = [
        {
            "partnerCompanyId": "GC00000002AC",
            "partnerCompanyName": "Acme Supply",
            "tradingAddresses": [{"qualifier": "ZZ", "id": "ACME", "address": "ZZ:ACME"}],
            "status": "Active",
        },
        {
            "partnerCompanyId": "GC00000003DL",
            "partnerCompanyName": "Delta Logistics",
            "tradingAddresses": [{"qualifier": "01", "id": "147678796", "address": "01:147678796"}],
            "status": "Active",
        },
    ]
    company_id = api.state.company["companyId"]
    community = CommunityClient(api.tokens(), api.url, company_id)
    assert (await community.company()).company_name == "Gridlink Sandbox Retail"
    assert [p.partner_company_name for p in await community.partners()] == ["Acme Supply", "Delta Logistics"]
    (delta,) = await community.partners(trading_address="01:147678796")
    assert delta.trading_addresses[0].qualifier == "01"
    assert await community.partners(name="Nobody") == []

    created = await community.create_user(
        {"loginId": "ops@retail.example", "firstName": "Olive", "lastName": "Ops", "loginPassword": "x"}
    )
    assert (await community.user("ops@retail.example")).user_id == created.user_id
    assert await community.change_roles("ops@retail.example", ["Lens Standard role", "Community Viewer"]) == [
        "Lens Standard role",
        "Community Viewer",
    ]
    assert await community.change_roles("ops@retail.example", ["Community Viewer"], add=False) == [
        "Lens Standard role"
    ]
    await community.update_user(created.user_id, {"lastName": "Operations"})
    assert (await community.users("ops@retail.example"))[0].last_name == "Operations"
    await community.delete_user(created.user_id)
    with pytest.raises(CommunityError) as missing:
        await community.user(created.user_id)
    assert missing.value.status == 404
    assert await community.entitlements()
    with pytest.raises(CommunityError):
        await CommunityClient(api.tokens(), api.url, "GC_NOT_OURS").company()
