"""ConnectionSlots against a real server on loopback: how many requests run at once, that a slot is held
while its response's body is still coming and given back after a failure, and that connections are kept
alive."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from gridlink.connection_slots import ConnectionSlots
from tests.support.servers import running_server


class Server:
    """Counts requests in progress and the connections they came on; /slow waits until released."""

    def __init__(self) -> None:
        self.in_progress = 0
        self.most = 0
        self.peers: set[tuple[str, int]] = set()
        self.release = asyncio.Event()

    def app(self) -> Starlette:
        async def slow(request: Request) -> PlainTextResponse:
            self._seen(request)
            self.in_progress += 1
            self.most = max(self.most, self.in_progress)
            try:
                await self.release.wait()
            finally:
                self.in_progress -= 1
            return PlainTextResponse("done")

        async def fast(request: Request) -> PlainTextResponse:
            self._seen(request)
            return PlainTextResponse("ok")

        async def chunks(request: Request) -> StreamingResponse:
            self._seen(request)

            async def body():  # type: ignore[no-untyped-def]
                yield b"part 0\n"
                await self.release.wait()  # the rest comes once released
                for n in range(1, 3):
                    yield f"part {n}\n".encode()

            return StreamingResponse(body())

        return Starlette(routes=[Route("/slow", slow), Route("/fast", fast), Route("/chunks", chunks)])

    def _seen(self, request: Request) -> None:
        assert request.client is not None
        self.peers.add((request.client.host, request.client.port))


async def test_no_more_requests_run_at_once_than_there_are_slots() -> None:
    server = Server()
    async with (
        running_server(server.app()) as url,
        httpx.AsyncClient(transport=ConnectionSlots(2), base_url=url) as client,
    ):
        requests = [asyncio.create_task(client.get("/slow")) for _ in range(5)]
        for _ in range(100):
            if server.in_progress == 2:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # time for a third to arrive, if it could
        assert server.in_progress == 2
        server.release.set()
        responses = await asyncio.gather(*requests)
    assert [r.text for r in responses] == ["done"] * 5
    assert server.most == 2
    assert len(server.peers) == 2  # the other three went on the same two kept-alive connections


async def test_a_streamed_response_holds_its_slot_until_its_body_is_in() -> None:
    server = Server()
    async with (
        running_server(server.app()) as url,
        httpx.AsyncClient(transport=ConnectionSlots(1), base_url=url, timeout=5) as client,
    ):
        async with client.stream("GET", "/chunks") as streamed:
            waiting = asyncio.create_task(client.get("/fast"))
            await asyncio.sleep(0.1)
            assert not waiting.done()  # the one slot is still the stream's, its body still coming
            server.release.set()
            assert await streamed.aread() == b"part 0\npart 1\npart 2\n"
        assert (await asyncio.wait_for(waiting, 5)).text == "ok"


async def test_a_failed_request_gives_its_slot_back() -> None:
    server = Server()
    async with running_server(server.app()) as url:
        unused = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        closed_port = unused.sockets[0].getsockname()[1]
        unused.close()
        await unused.wait_closed()
        async with httpx.AsyncClient(transport=ConnectionSlots(1), timeout=5) as client:
            with pytest.raises(httpx.ConnectError):
                await client.get(f"http://127.0.0.1:{closed_port}/")
            assert (await asyncio.wait_for(client.get(f"{url}/fast"), 5)).text == "ok"


async def test_an_answer_too_slow_is_a_read_timeout_and_frees_its_slot() -> None:
    server = Server()
    async with (
        running_server(server.app()) as url,
        httpx.AsyncClient(transport=ConnectionSlots(1), base_url=url, timeout=0.2) as client,
    ):
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/slow")
        assert (await asyncio.wait_for(client.get("/fast"), 5)).text == "ok"
        server.release.set()


def test_a_transport_needs_a_slot() -> None:
    with pytest.raises(ValueError, match="at least one slot"):
        ConnectionSlots(0)
