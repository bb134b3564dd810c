"""The PROXY protocol v2 reader: HAProxy's headers as sent, and everything else refused.

Headers are written out byte by byte from HAProxy's doc/proxy-protocol.txt (section
2.2), not by an encoder of ours, so a mistake in the parser cannot be mirrored here.
`HAPROXY_IPV4` is what HAProxy 2.x sent with ``send-proxy-v2`` for a curl from
172.19.0.1:42578 to a backend at 172.19.0.3:80 (a published capture), HTTP after it.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from neuron_tui.serve.proxy_protocol import (
    HEADER_START,
    SIGNATURE,
    ProxyHeader,
    ProxyHeaderError,
    header_length,
    parse_header,
    read_header,
)

HAPROXY_IPV4 = bytes.fromhex(
    "0d0a0d0a000d0a515549540a" "21" "11" "000c" "ac130001" "ac130003" "a652" "0050"
) + b"GET / HTTP/1.1\r\nHost: localhost:8080\r\n"

#: PROXY, INET6 + STREAM: 2001:db8::7:54321 to ::1:22, then two TLVs (a 4-byte
#: PP2_TYPE_UNIQUE_ID and an empty PP2_TYPE_NOOP): 36 + 7 + 3 bytes after the start.
IPV6_WITH_TLVS = (
    SIGNATURE + bytes([0x21, 0x21]) + (36 + 7 + 3).to_bytes(2, "big")
    + bytes.fromhex("20010db8000000000000000000000007") + bytes(15) + b"\x01"
    + (54321).to_bytes(2, "big") + (22).to_bytes(2, "big")
    + b"\x05\x00\x04abcd" + b"\x04\x00\x00"
)
SSH_BANNER = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"


def header(command_byte: int, family_byte: int, body: bytes) -> bytes:
    return SIGNATURE + bytes([command_byte, family_byte]) + len(body).to_bytes(2, "big") + body


def test_haproxys_ipv4_header_gives_the_learners_address() -> None:
    assert parse_header(HAPROXY_IPV4) == ProxyHeader(
        "PROXY", ("172.19.0.1", 42578), ("172.19.0.3", 80), 28,
    )
    assert HAPROXY_IPV4[28:].startswith(b"GET /")


def test_an_ipv6_header_skips_its_extensions() -> None:
    parsed = parse_header(IPV6_WITH_TLVS + SSH_BANNER)
    assert parsed.source == ("2001:db8::7", 54321)
    assert parsed.destination == ("::1", 22)
    assert parsed.length == HEADER_START + 46 == len(IPV6_WITH_TLVS)


def test_local_and_unspec_headers_keep_the_connections_own_address() -> None:
    # HAProxy's health checks (check-send-proxy) send LOCAL; its block is ignored.
    assert parse_header(header(0x20, 0x00, b"")) == ProxyHeader("LOCAL", None, None, 16)
    ignored = header(0x20, 0x11, bytes(12))
    assert parse_header(ignored) == ProxyHeader("LOCAL", None, None, 28)
    assert parse_header(header(0x21, 0x00, b"")) == ProxyHeader("PROXY", None, None, 16)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", "version 1 .*send-proxy-v2"),
        (SSH_BANNER, "around the balancer"),
        (header(0x11, 0x11, bytes(12)), "version 1: only version 2"),
        (header(0x22, 0x11, bytes(12)), "unknown PROXY command 0x2"),
        (header(0x21, 0x41, bytes(12)), "unknown PROXY address family 0x4"),
        (header(0x21, 0x13, bytes(12)), "unknown .* transport 0x3"),
        (header(0x21, 0x12, bytes(12)), "Unix socket or UDP"),
        (header(0x21, 0x31, bytes(216)), "Unix socket or UDP"),
        (header(0x21, 0x11, bytes(8)), "addresses take 12 bytes, it has 8"),
        (header(0x21, 0x21, bytes(12)), "addresses take 36 bytes, it has 12"),
        (header(0x21, 0x11, bytes(12) + b"\x05\x00\x05ab"), "TLV.* runs past"),
        (header(0x21, 0x11, bytes(12) + b"\x05\x00"), r"TLV\) was cut short"),
    ],
)
def test_anything_else_is_refused_in_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(ProxyHeaderError, match=reason) as raised:
        parse_header(data)
    assert "\n" not in str(raised.value)


def test_every_cut_short_header_is_refused() -> None:
    for whole in (HAPROXY_IPV4[:28], IPV6_WITH_TLVS):
        for end in range(len(whole)):
            with pytest.raises(ProxyHeaderError, match="cut short"):
                parse_header(whole[:end])


def test_garbage_is_refused_without_waiting_for_a_whole_header() -> None:
    rng = random.Random(17)
    for _ in range(200):
        garbage = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        if SIGNATURE.startswith(garbage[:12]):
            continue  # (never with this seed) a prefix of the signature is not garbage yet
        with pytest.raises(ProxyHeaderError, match="signature is missing|around|version 1"):
            header_length(garbage)


def reader_with(data: bytes, eof: bool = True) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    if eof:
        reader.feed_eof()
    return reader


async def test_reading_takes_the_header_and_leaves_the_ssh_stream() -> None:
    reader = reader_with(IPV6_WITH_TLVS + SSH_BANNER)
    parsed = await read_header(reader)
    assert parsed.source == ("2001:db8::7", 54321)
    assert await reader.read() == SSH_BANNER


async def test_reading_a_connection_that_ends_or_stalls_inside_the_header() -> None:
    with pytest.raises(ProxyHeaderError, match="closed inside the PROXY header"):
        await read_header(reader_with(IPV6_WITH_TLVS[:30]))
    with pytest.raises(ProxyHeaderError, match="closed inside the PROXY header"):
        await read_header(reader_with(SIGNATURE[:5]))
    with pytest.raises(ProxyHeaderError, match="signature is missing"):
        await read_header(reader_with(b"\x00\x01"))
    with pytest.raises(ProxyHeaderError, match=r"within 0.05 s"):
        await read_header(reader_with(IPV6_WITH_TLVS[:20], eof=False), timeout=0.05)
