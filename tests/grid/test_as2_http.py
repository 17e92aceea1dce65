"""AS2 into the hub over loopback HTTP: every protection combination with synchronous and asynchronous
receipts, the failure dispositions, duplicates, chunked bodies, and the bytes kept before the answer."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gridlink.config import AS2Settings, Settings
from gridlink.grid.as2.mdn import Receipt, read_mdn, same_mic
from gridlink.grid.as2.message import Counterpart, Identity, MdnRequest, Outbound, Security, build
from gridlink.grid.as2.transport import post_message
from gridlink.partners.directory import FILE, save_profiles
from gridlink.partners.loading import load
from gridlink.store import messages
from gridlink.store.db import Database
from gridlink.store.models.messages import Message
from gridlink.web.app import create_app
from gridlink.web.hub import Hub
from tests.engine.conftest import eventually, workers
from tests.support.certs import Identity as Keys
from tests.support.certs import identity
from tests.support.servers import running_server

EDI = (
    b"ISA*00*          *00*          *ZZ*SUPPLIER*ZZ*GRIDLINK~\nGS*PR*SUPPLIER*GRIDLINK~\nST*855*0001~\n" * 50
)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Keys]:
    base = tmp_path_factory.mktemp("as2-http")
    return {name: identity(name, base) for name in ("GRIDLINK", "SUPPLIER", "STRANGER")}


@dataclass
class ReceiptInbox:
    """The supplier's endpoint for asynchronous receipts."""

    url: str = ""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    async def endpoint(self, request: Request) -> Response:
        headers = {name.lower(): value for name, value in request.headers.items()}
        self.received.append((headers, await request.body()))
        return Response(status_code=200)


@dataclass
class Scene:
    hub: Hub
    url: str
    supplier: Identity
    hub_for_supplier: Counterpart  # the hub as the supplier knows it
    inbox: ReceiptInbox

    def send(self, security: Security, mdn: MdnRequest | None, payload: bytes = EDI) -> Outbound:
        return build(
            payload,
            me=self.supplier,
            partner=self.hub_for_supplier,
            security=security,
            mdn=mdn,
            filename="855.edi",
        )

    async def post(self, outbound: Outbound, body: bytes | None = None) -> Receipt | None:
        sent = (
            outbound if body is None else Outbound(outbound.message_id, outbound.headers, body, outbound.mic)
        )
        async with httpx.AsyncClient(timeout=30) as http:
            return await post_message(http, self.url + "/as2", sent, self.hub_for_supplier)

    async def messages(self) -> list[Message]:
        async with self.hub.db.session() as session:
            return list((await session.execute(select(Message).order_by(Message.id))).scalars())


@pytest.fixture
async def scene(
    db: Database, database_url: str, tmp_path: Path, keys: dict[str, Keys]
) -> AsyncIterator[Scene]:
    me = keys["GRIDLINK"]
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        as2=AS2Settings(
            as2_id="GRIDLINK",
            key_file=me.key_pem,
            cert_file=me.cert_pem,
            max_message_mb=1,
            partners_refresh_seconds=0,  # saved profiles are read on every message
        ),
    )
    hub = Hub.from_settings(settings)
    supplier = keys["SUPPLIER"]
    hub.as2_station().partners["SUPPLIER"] = Counterpart(
        "SUPPLIER",
        certs=(supplier.cert,),
        encrypt_cert=supplier.cert,
        require_signed=False,
        require_encrypted=False,
    )
    inbox = ReceiptInbox()
    inbox_app = Starlette(routes=[Route("/mdn", inbox.endpoint, methods=["POST"])])
    try:
        async with (
            running_server(create_app(hub)) as url,
            running_server(inbox_app) as inbox_url,
            workers(hub.db, resources=hub.resources),
        ):
            inbox.url = inbox_url + "/mdn"
            yield Scene(
                hub,
                url,
                Identity("SUPPLIER", supplier.key, supplier.cert),
                Counterpart("GRIDLINK", certs=(me.cert,), encrypt_cert=me.cert),
                inbox,
            )
    finally:
        await hub.close()


async def receipt_of(scene: Scene, outbound: Outbound, mode: str) -> Receipt:
    """The receipt for ``outbound``: in the HTTP answer, or delivered later to the inbox."""
    synchronous = await scene.post(outbound)
    if mode == "sync":
        assert synchronous is not None
        return synchronous
    assert synchronous is None

    async def arrived() -> bool:
        return bool(scene.inbox.received)

    await eventually(arrived, within=30)
    headers, body = scene.inbox.received[-1]
    return read_mdn(headers, body, scene.hub_for_supplier)


MATRIX = list(
    itertools.product(["sha256", None], ["aes128_cbc", None], ["before", "after", None], ["sync", "async"])
)


@pytest.mark.parametrize(("sign", "encrypt", "compress", "mode"), MATRIX)
async def test_every_combination_is_received_stored_and_acknowledged(
    scene: Scene, sign: str | None, encrypt: str | None, compress: str | None, mode: str
) -> None:
    request = MdnRequest(mode=mode, signed=True, url=scene.inbox.url if mode == "async" else None)  # type: ignore[arg-type]
    outbound = scene.send(Security(sign=sign, encrypt=encrypt, compress=compress), request)  # type: ignore[arg-type]
    receipt = await receipt_of(scene, outbound, mode)
    assert receipt.ok and receipt.signed, receipt.disposition
    assert receipt.original_message_id == outbound.message_id
    assert same_mic(outbound.mic, receipt.mic)
    (stored,) = await scene.messages()
    assert (stored.transport, stored.partner) == ("as2", "SUPPLIER")
    async with scene.hub.db.session() as session:  # the worker may have processed it since
        first = (await messages.history(session, stored.id))[0]
    assert (first.from_state, first.to_state) == (None, "received")
    assert await scene.hub.blobs.get(stored.blob_sha256) == EDI
    as2 = stored.details["as2"]
    assert (as2["signed"], as2["encrypted"], as2["compressed"]) == (bool(sign), bool(encrypt), bool(compress))
    assert await scene.hub.blobs.get(stored.details["raw_sha256"]) == outbound.body  # the bytes as received


async def expect_refusal(
    scene: Scene, outbound: Outbound, disposition: str, body: bytes | None = None
) -> None:
    receipt = await scene.post(outbound, body)
    assert receipt is not None and not receipt.ok
    assert receipt.error == disposition
    (stored,) = await scene.messages()
    assert stored.state == "rejected" and stored.error is not None and stored.error.startswith(disposition)


async def test_a_tampered_message_is_refused_with_integrity_check_failed(scene: Scene) -> None:
    outbound = scene.send(Security(sign="sha256", encrypt=None), MdnRequest())
    tampered = outbound.body.replace(b"ST*855*0001", b"ST*855*0009", 1)
    await expect_refusal(scene, outbound, "integrity-check-failed", tampered)


async def test_a_message_signed_by_another_key_is_refused_with_authentication_failed(
    scene: Scene, keys: dict[str, Keys]
) -> None:
    impostor = Identity("SUPPLIER", keys["STRANGER"].key, keys["STRANGER"].cert)
    outbound = build(EDI, me=impostor, partner=scene.hub_for_supplier, security=Security(), mdn=MdnRequest())
    await expect_refusal(scene, outbound, "authentication-failed")


async def test_a_message_the_hub_cannot_decrypt_is_refused_with_decryption_failed(
    scene: Scene, keys: dict[str, Keys]
) -> None:
    wrong = Counterpart("GRIDLINK", encrypt_cert=keys["STRANGER"].cert)
    outbound = build(EDI, me=scene.supplier, partner=wrong, security=Security(), mdn=MdnRequest())
    await expect_refusal(scene, outbound, "decryption-failed")


async def test_a_repeated_message_id_is_acknowledged_but_stored_once(scene: Scene) -> None:
    outbound = scene.send(Security(), MdnRequest())
    first = await scene.post(outbound)
    again = await scene.post(outbound)
    assert first is not None and again is not None and first.ok and again.ok
    assert "duplicate-document" in again.disposition
    assert len(await scene.messages()) == 1


async def chunks(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_a_chunked_body_without_content_length_is_received(scene: Scene) -> None:
    outbound = scene.send(Security(), MdnRequest())
    async with httpx.AsyncClient(timeout=30) as http:
        request = http.build_request(
            "POST", scene.url + "/as2", content=chunks(outbound.body), headers=outbound.headers
        )
        assert "content-length" not in request.headers and request.headers["transfer-encoding"] == "chunked"
        response = await http.send(request)
    assert response.status_code == 200
    headers = {name.lower(): value for name, value in response.headers.items()}
    assert read_mdn(headers, response.content, scene.hub_for_supplier).ok
    assert len(await scene.messages()) == 1


async def test_what_is_not_as2_gets_a_400_and_a_body_over_the_limit_a_413(scene: Scene) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        plain = await http.post(scene.url + "/as2", content=b"hello")
        assert plain.status_code == 400 and "AS2-From" in plain.json()["detail"]
        big = scene.send(Security(encrypt=None, sign=None), None, payload=b"x" * (2 * 2**20))
        too_big = await http.post(scene.url + "/as2", content=big.body, headers=big.headers)
    assert too_big.status_code == 413
    assert await scene.messages() == []
    await asyncio.sleep(0)


async def test_a_partner_from_the_partners_file_is_trusted_once_saved(
    scene: Scene, keys: dict[str, Keys], tmp_path: Path
) -> None:
    newcomer = keys["STRANGER"]

    def message() -> Outbound:
        me = Identity("NEWCOMER", newcomer.key, newcomer.cert)
        return build(EDI, me=me, partner=scene.hub_for_supplier, security=Security(), mdn=MdnRequest())

    before = await scene.post(message())
    assert before is not None and before.error == "authentication-failed"  # nobody knows NEWCOMER yet

    (tmp_path / "partners.yaml").write_text(
        "partners:\n  - key: newcomer\n    name: Newcomer Goods\n"
        "    identity: {x12_qualifier: ZZ, x12_id: NEWCOMER}\n"
        f"    transport: {{type: as2, url: 'https://as2.newcomer.example/', as2_id: NEWCOMER,"
        f" certificate: '{newcomer.cert_pem}'}}\n"
    )
    await save_profiles(scene.hub.db, load(tmp_path / "partners.yaml"), FILE)
    again = message()
    after = await scene.post(again)
    assert after is not None and after.ok
