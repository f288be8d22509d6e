"""Whose address a request counts as: the connection's peer, or what a trusted proxy says in X-Forwarded-For.

Anyone can send an ``X-Forwarded-For`` header, so it is read only when the connection comes from a proxy named in
the ``trusted_proxies`` setting (nginx on the same machine: 127.0.0.1). Each proxy appends the address it was
connected from, so the header is read from the right: entries written by trusted proxies are skipped and the first
other one is the client. Everything further left was written by the client itself and is never read. An entry that
is not an address stops the reading at the last trusted hop, so no value a client makes up becomes a new address
(each would otherwise be a fresh allowance of the limiters).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"  # no address at all (a test, a bare run): every such request counts as one
IPV6_GROUP = 64  # an IPv6 client holds a whole /64 (2**64 addresses): the limiters count it as one


def network(text: str) -> Network:
    """An address or CIDR network as written in the settings (``127.0.0.1``, ``10.0.0.0/8``, ``::1``,
    ``fd00::/8``); :class:`ValueError` naming the text when it is neither. Host bits after the prefix are
    ignored (``10.1.2.3/8`` is ``10.0.0.0/8``)."""
    cleaned = text.strip()
    try:
        if not cleaned or any(c.isspace() for c in cleaned) or "%" in cleaned:
            raise ValueError
        found = ipaddress.ip_network(cleaned, strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not an address or network") from None
    mapped = found.network_address.ipv4_mapped if isinstance(found, ipaddress.IPv6Network) else None
    if mapped is not None and found.prefixlen >= 96:  # ::ffff:127.0.0.1 is 127.0.0.1, as peers are read
        return ipaddress.ip_network(f"{mapped}/{found.prefixlen - 96}")
    return found


@lru_cache(maxsize=64)
def networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of a ``trusted_proxies`` setting, parsed once per distinct setting."""
    return tuple(network(entry) for entry in entries)


def parse_address(text: str) -> Address | None:
    """An address as a header or a socket gives it, or None: ``1.2.3.4``, ``1.2.3.4:5678``, ``::1``,
    ``[::1]``, ``[::1]:80``, with spaces around; an IPv4-mapped IPv6 address is its IPv4 address. Anything else
    (``unknown``, ``_hidden``, a host name, an address with a zone) is None."""
    text = text.strip()
    if text.startswith("["):  # [IPv6] or [IPv6]:port
        end = text.find("]")
        rest = text[end + 1 :] if end > 0 else "x"
        if rest and not (rest.startswith(":") and rest[1:].isdigit() and rest[1:].isascii()):
            return None
        text = text[1:end]
    elif text.count(":") == 1:  # IPv4:port
        text, _, port = text.partition(":")
        if not (port.isdigit() and port.isascii()):
            return None
    if not text or "%" in text or not text.isascii():
        return None
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def is_trusted(address: Address, trusted: Iterable[Network]) -> bool:
    """Whether ``address`` is in one of the ``trusted`` networks (of its own IP version)."""
    return any(address.version == net.version and address in net for net in trusted)


def client_address(peer: str, forwarded_for: str | None, trusted: Iterable[str | Network]) -> str:
    """The address a request counts as, written canonically (no port, IPv6 compressed): the ``peer`` (the
    connection's own address), unless the peer is a trusted proxy; then ``forwarded_for`` (the X-Forwarded-For
    header, several lines joined by commas) read right to left, skipping trusted entries: the first untrusted one
    is the client. A chain trusted all the way gives its leftmost entry; an entry that is not an address ends the
    reading at the last trusted hop before it. A peer that is not an address is returned as given (``"unknown"``
    when empty), its header unread."""
    nets = networks(tuple(str(item) for item in trusted))
    found = parse_address(peer or "")
    if found is None:
        return peer.strip() if peer and peer.strip() else UNKNOWN
    if not forwarded_for or not is_trusted(found, nets):
        return str(found)
    for entry in reversed(forwarded_for.split(",")):
        if not entry.strip():  # "a, , b" or a trailing comma: an empty entry adds nothing
            continue
        hop = parse_address(entry)
        if hop is None:
            break
        found = hop
        if not is_trusted(hop, nets):
            break
    return str(found)


def limit_key(address: str) -> str:
    """What the limiters count an address as: an IPv4 address itself, an IPv6 address by its /64 (one household
    or phone holds a whole /64 and may pick any address in it), anything else as it is."""
    found = parse_address(address)
    if isinstance(found, ipaddress.IPv6Address) and not found.is_loopback:
        return str(ipaddress.ip_network(f"{found}/{IPV6_GROUP}", strict=False))
    return address
