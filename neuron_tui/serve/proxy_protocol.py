"""The PROXY protocol v2 header a layer-4 balancer puts before a learner's SSH bytes.

Behind HAProxy (``server ... send-proxy-v2``) every connection a lesson node accepts
comes from the balancer; the header HAProxy writes first says whom it is for, so the
per-address caps and the log see the learner. The format is HAProxy's
``doc/proxy-protocol.txt``, section 2.2:

- 12 bytes of signature ``\\r\\n\\r\\n\\0\\r\\nQUIT\\n``;
- one byte: version (high 4 bits, must be 2) and command (0 LOCAL, 1 PROXY);
- one byte: address family (0 UNSPEC, 1 INET, 2 INET6, 3 UNIX) and transport
  (0 UNSPEC, 1 STREAM, 2 DGRAM);
- two bytes, big-endian: the length of what follows (addresses, then TLVs);
- the addresses: INET 4+4+2+2 bytes, INET6 16+16+2+2 (source, destination, then
  source and destination port), then Type-Length-Value extensions, which are skipped.

This parser is strict, as the issue asks: anything else at the start of a connection
(a v1 text header, an SSH banner of a client that went around the balancer, garbage,
a header cut short) is a :class:`ProxyHeaderError`, and the connection is to be closed.
A LOCAL header (HAProxy's health checks with ``check-send-proxy``) and a PROXY header
with an UNSPEC family carry no learner: :attr:`ProxyHeader.source` is None and the
connection's own peer address stands, as the specification says. A PROXY header for
UDP or a Unix socket is refused: lesson nodes serve TCP.
"""

from __future__ import annotations

import asyncio
import ipaddress
import struct
from dataclasses import dataclass

__all__ = [
    "HEADER_START",
    "SIGNATURE",
    "V1_START",
    "ProxyHeader",
    "ProxyHeaderError",
    "header_length",
    "parse_header",
    "read_header",
]

SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
#: Signature, version/command, family/transport and the 2-byte length.
HEADER_START = len(SIGNATURE) + 4
#: How a version 1 (text) header starts.
V1_START = b"PROXY "
#: How long a balancer may take to send the header before the connection is dropped.
READ_TIMEOUT_SECONDS = 5.0

_LOCAL, _PROXY = 0x0, 0x1
_UNSPEC, _INET, _INET6, _UNIX = 0x0, 0x1, 0x2, 0x3
_STREAM = 0x1
#: Address block sizes by family (UNIX is known only to be refused with the right words).
_ADDRESS_BYTES = {_INET: 12, _INET6: 36, _UNIX: 216}


class ProxyHeaderError(ValueError):
    """The connection does not start with a usable PROXY v2 header (one line: why)."""


@dataclass(frozen=True)
class ProxyHeader:
    """What a PROXY v2 header says about one connection.

    `source` is the learner's (address, port) as the balancer saw them, `destination`
    the balancer's own listening address; both None for LOCAL (a health check) and
    UNSPEC, when the connection's own peer address stands. `length` is how many bytes
    the header took, the SSH stream starting right after them.
    """

    command: str
    source: tuple[str, int] | None
    destination: tuple[str, int] | None
    length: int


def _refuse_foreign(start: bytes) -> None:
    """Refuse, naming what it looks like, a start that cannot become a v2 signature."""
    if start[:len(SIGNATURE)] == SIGNATURE[:len(start)]:
        return
    if start.startswith(V1_START):
        raise ProxyHeaderError(
            "a PROXY protocol version 1 (text) header: configure the balancer with "
            "send-proxy-v2"
        )
    if start.startswith(b"SSH-"):
        raise ProxyHeaderError("no PROXY header: an SSH client connected around the balancer")
    raise ProxyHeaderError("no PROXY protocol v2 header (the signature is missing)")


def header_length(start: bytes) -> int:
    """The whole header's length in bytes, from its first :data:`HEADER_START` bytes.

    Checks the signature and version on the way, so a connection that is not a PROXY
    v2 one is refused before waiting for more bytes.
    """
    _refuse_foreign(start)
    if len(start) < HEADER_START:
        raise ProxyHeaderError(
            f"the PROXY header was cut short: {len(start)} of {HEADER_START} bytes"
        )
    version = start[12] >> 4
    if version != 2:
        raise ProxyHeaderError(f"PROXY protocol version {version}: only version 2 is read")
    (rest,) = struct.unpack_from("!H", start, 14)
    return HEADER_START + rest


def _address(family: int, block: bytes) -> tuple[tuple[str, int], tuple[str, int]]:
    """The (source, destination) of an INET or INET6 address block."""
    size = 4 if family == _INET else 16
    source = ipaddress.ip_address(block[:size])
    destination = ipaddress.ip_address(block[size:2 * size])
    source_port, destination_port = struct.unpack_from("!HH", block, 2 * size)
    return (str(source), source_port), (str(destination), destination_port)


def _check_tlvs(tlvs: bytes) -> None:
    """Walk the Type-Length-Value extensions (their content is not used); each must fit."""
    at = 0
    while at < len(tlvs):
        if len(tlvs) - at < 3:
            raise ProxyHeaderError("a PROXY header extension (TLV) was cut short")
        (length,) = struct.unpack_from("!H", tlvs, at + 1)
        at += 3 + length
        if at > len(tlvs):
            raise ProxyHeaderError("a PROXY header extension (TLV) runs past the header")


def parse_header(data: bytes) -> ProxyHeader:
    """Read the PROXY v2 header at the start of `data` (bytes after it are ignored).

    Raises :class:`ProxyHeaderError` (one line) for anything that is not a complete,
    well-formed version 2 header for TCP, LOCAL or UNSPEC.
    """
    length = header_length(data)
    if len(data) < length:
        raise ProxyHeaderError(f"the PROXY header was cut short: {len(data)} of {length} bytes")
    command = data[12] & 0x0F
    family, transport = data[13] >> 4, data[13] & 0x0F
    body = data[HEADER_START:length]
    if command == _LOCAL:
        # The specification: use the real endpoints and ignore the block, family included.
        return ProxyHeader("LOCAL", None, None, length)
    if command != _PROXY:
        raise ProxyHeaderError(f"unknown PROXY command {command:#x}")
    if family == _UNSPEC:
        return ProxyHeader("PROXY", None, None, length)
    if family not in _ADDRESS_BYTES or transport > 2:
        raise ProxyHeaderError(
            f"unknown PROXY address family {family:#x} or transport {transport:#x}"
        )
    if family == _UNIX or transport != _STREAM:
        raise ProxyHeaderError("a PROXY header for a Unix socket or UDP: lesson nodes serve TCP")
    size = _ADDRESS_BYTES[family]
    if len(body) < size:
        raise ProxyHeaderError(
            f"the PROXY header's addresses take {size} bytes, it has {len(body)}"
        )
    _check_tlvs(body[size:])
    source, destination = _address(family, body[:size])
    return ProxyHeader("PROXY", source, destination, length)


async def read_header(
    reader: asyncio.StreamReader, timeout: float = READ_TIMEOUT_SECONDS
) -> ProxyHeader:
    """Read exactly one PROXY v2 header from `reader` (nothing after it is consumed).

    Raises :class:`ProxyHeaderError` when the header is wrong, cut short by the end of
    the connection, or not complete within `timeout` seconds.
    """
    start = b""
    try:
        async with asyncio.timeout(timeout):
            start = await reader.readexactly(HEADER_START)
            rest = await reader.readexactly(header_length(start) - HEADER_START)
    except asyncio.IncompleteReadError as error:
        if not start:
            _refuse_foreign(error.partial)  # garbage is named as such, not as cut short
        raise ProxyHeaderError("the connection closed inside the PROXY header") from None
    except TimeoutError:
        raise ProxyHeaderError(f"no complete PROXY header within {timeout:g} s") from None
    return parse_header(start + rest)
