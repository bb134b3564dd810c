"""The PROXY v2 reader against the real HAProxy (Debian's package), on 127.0.0.1 only.

HAProxy balances onto a stand-in node: an asyncio server that reads the header with
:func:`neuron_tui.serve.proxy_protocol.read_header`, then answers an SSH banner, as a
lesson node behind ``--proxy-protocol`` would. HAProxy's health checks
(``check-send-proxy``, ``tcp-check expect`` of the banner) must come as LOCAL, a client
through HAProxy as PROXY with its own address and port, and a client that goes around
HAProxy must be refused. Skipped, with the reason, where haproxy is not installed.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from neuron_tui.serve.proxy_protocol import ProxyHeader, ProxyHeaderError, read_header
from tests.e2e.haproxy import haproxy_binary, haproxy_config, missing_haproxy
from tests.ports import free_ports as take_free_ports

#: Ports of this test (the project's share of the machine for the scale-out work).
PORTS = range(23950, 23990)
HAPROXY = haproxy_binary()



def free_ports(count: int) -> list[int]:
    return take_free_ports(count, PORTS)


@pytest.mark.skipif(HAPROXY is None, reason=str(missing_haproxy()))
async def test_haproxy_sends_local_checks_and_the_clients_address(tmp_path: Path) -> None:
    seen: list[ProxyHeader | str] = []
    after: list[bytes] = []

    async def node(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            seen.append(await read_header(reader))
            writer.write(b"SSH-2.0-node\r\n")
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), 5)
            if line:
                after.append(line)
        except ProxyHeaderError as error:
            seen.append(str(error))
        except (ConnectionError, TimeoutError):
            pass  # a health check hangs up once it has the banner
        finally:
            writer.close()

    node_port, front_port = free_ports(2)
    server = await asyncio.start_server(node, "127.0.0.1", node_port)
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(front_port, [("node1", node_port)], idle="30s"))
    balancer = subprocess.Popen([str(HAPROXY), "-db", "-f", str(config)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        async with asyncio.timeout(20):
            while not any(isinstance(item, ProxyHeader) for item in seen):
                assert balancer.poll() is None, balancer.stderr.read().decode()  # type: ignore[union-attr]
                await asyncio.sleep(0.05)
            reader, writer = await asyncio.open_connection("127.0.0.1", front_port)
            client = writer.get_extra_info("sockname")
            writer.write(b"SSH-2.0-learner\r\n")
            assert await reader.readline() == b"SSH-2.0-node\r\n"
            writer.close()
            around_reader, around = await asyncio.open_connection("127.0.0.1", node_port)
            around.write(b"SSH-2.0-OpenSSH_9.2p1\r\n")
            await around_reader.read()  # the node hangs up on it
            around.close()
    finally:
        balancer.terminate()
        balancer.wait(timeout=10)
        server.close()
        await server.wait_closed()

    headers = [item for item in seen if isinstance(item, ProxyHeader)]
    assert ProxyHeader("LOCAL", None, None, 16) in headers
    learner = [header for header in headers if header.command == "PROXY"]
    assert [header.source for header in learner] == [(client[0], client[1])]
    assert learner[0].destination == ("127.0.0.1", front_port)
    assert after == [b"SSH-2.0-learner\r\n"]  # the stream after the header is untouched
    assert "no PROXY header: an SSH client connected around the balancer" in seen
