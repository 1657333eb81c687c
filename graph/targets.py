"""Webhook targets: an http(s) URL whose host resolves only to public addresses.

IPv6 addresses that carry an IPv4 one (IPv4-mapped, 6to4, Teredo) are judged by it as well.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from govgraph.core.errors import BadParameter

MAX_URL = 2000
# Hosts written as one number (2130706433, 0x7f000001, 017700000001): ipaddress does not read
# them, the resolver does; read them here so the check sees the address they stand for.
NUMERIC_HOST = re.compile(r"\A(?:0[xX][0-9a-fA-F]{1,8}|[0-9]{1,12})\Z")
FIX = "use a public http(s) URL, or set GOVGRAPH_WEBHOOK_ALLOW_PRIVATE=true for a private one."

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def refused(message: str) -> BadParameter:
    """The 422 for a target URL, naming `url` and what to do."""
    return BadParameter("url", f"{message}; {FIX}")


def _number(host: str) -> IPAddress | None:
    """The IPv4 address a one-number host stands for, if it is one."""
    if not NUMERIC_HOST.match(host):
        return None
    if host.lower().startswith("0x"):
        value = int(host, 16)
    elif len(host) > 1 and host.startswith("0"):
        value = int(host, 8) if set(host) <= set("01234567") else -1
    else:
        value = int(host)
    if not 0 <= value < 2**32:
        raise refused(f"'{host}' is not an address")
    return ipaddress.IPv4Address(value)


def embedded(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 one stands for: mapped, 6to4 (2002::/16), Teredo (2001::/32)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if address.teredo is not None:
        found.extend(address.teredo)  # (server, client)
    return found


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address whose embedded IPv4 addresses are too."""
    inner = embedded(address)
    if inner:
        mapped = isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None
        # IPv4-mapped is judged as its IPv4 alone; 6to4 and Teredo as themselves and theirs.
        judged: list[IPAddress] = [*inner] if mapped else [address, *inner]
        return all(_routable(a) for a in judged)
    return _routable(address)


def _routable(address: IPAddress) -> bool:
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def addresses(host: str, port: int) -> list[IPAddress]:
    """Every address the host stands for: itself when it is a literal, else what DNS says."""
    literal = _number(host)
    if literal is not None:
        return [literal]
    try:
        return [ipaddress.ip_address(host.split("%", 1)[0])]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise refused(f"the host '{host[:100]}' cannot be resolved") from None
    found = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not found:
        raise refused(f"the host '{host[:100]}' has no address")
    return found


def check_target(url: str, *, allow_private: bool) -> str:
    """The URL when it may receive webhooks; BadParameter('url') saying why not."""
    checked_addresses(url, allow_private=allow_private)
    return url


def checked_addresses(url: str, *, allow_private: bool) -> list[IPAddress]:
    """The addresses the URL's host resolves to, each checked (resolved once: connect to one of
    these, not to a second lookup's answer); [] when private targets are allowed (no lookup).
    """
    if len(url) > MAX_URL:
        raise refused(f"is longer than {MAX_URL} characters")
    if any(ord(c) <= 32 or ord(c) == 127 for c in url):
        raise refused("holds spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise refused(f"'{url[:100]}' is not a URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise refused(f"the scheme must be http or https, not '{parts.scheme[:20]}'")
    if not parts.hostname:
        raise refused("names no host")
    if parts.username is not None or parts.password is not None:
        raise refused("must not carry a user name or password (the signature authenticates)")
    if port == 0:
        raise refused("names port 0, which nothing can listen on")
    if allow_private:
        return []
    port = port or (443 if parts.scheme == "https" else 80)
    found = addresses(parts.hostname, port)
    for address in found:
        if not is_public(address):
            raise refused(f"'{parts.hostname[:100]}' is a loopback, private or reserved address")
    return found
