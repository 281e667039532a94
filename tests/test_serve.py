"""`fkort serve` with several processes: the socket it listens on gives every connection
TCP_NODELAY (else each answer on a kept-alive connection waits for the client's delayed ACK)."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from fkort.commands.serve import TcpConfig


def _nodelay_of_accepted(listener: socket.socket) -> int:
    async def run() -> int:
        got: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Report(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                got.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Report, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(got, 10)
        finally:
            writer.close()
            server.close()

    # In a thread of its own: an earlier test (Playwright's sync API) may have left an event
    # loop running in this one, where asyncio.run refuses to start.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=30)


def test_the_workers_socket_gives_connections_tcp_nodelay() -> None:
    listener = TcpConfig("search_api.main:app_factory", host="127.0.0.1", port=0
                         ).bind_socket()
    assert listener.proto == socket.IPPROTO_TCP
    assert _nodelay_of_accepted(listener) != 0


def test_uvicorn_alone_would_not() -> None:
    """What TcpConfig is for; when uvicorn fixes its socket (issue #3149) this fails, and
    TcpConfig can go."""
    import uvicorn

    listener = uvicorn.Config("search_api.main:app_factory", host="127.0.0.1", port=0
                              ).bind_socket()
    assert _nodelay_of_accepted(listener) == 0

