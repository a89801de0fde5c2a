"""Where a webhook may point: only at public addresses, and the request goes to the address that
was checked.

`check_address` is the pure rule: it refuses every address that is not global, including IPv4
addresses hidden inside IPv6 transition forms (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo),
because the standard library's `is_global` (Python 3.11) misses some of them and misses multicast.

`resolve_target` resolves the host once and checks every answer; `PinnedTransport` then connects
to that checked address while sending the original Host header and using the host name for TLS
(SNI and certificate checks), so a second DNS answer (rebinding) can never be used."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from catalogue.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
"""(host, port) -> the host's addresses, in the order to try them; raises OSError if none."""


class WebhookTargetRefused(InvalidInput):
    """A URL that points into the service's own network (SSRF), refused unless allowed."""


# IANA special-purpose blocks that are not globally reachable, with the reason we give. Listed
# explicitly because `ipaddress.is_global` differs between Python patch releases.
_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network
_NOT_GLOBAL: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]] = [
    (_V4("0.0.0.0/8"), "'this network' (unspecified)"),
    (_V4("10.0.0.0/8"), "private network"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local (includes the cloud metadata address)"),
    (_V4("172.16.0.0/12"), "private network"),
    (_V4("192.0.0.0/24"), "IETF protocol assignments"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("192.88.99.0/24"), "6to4 relay anycast"),
    (_V4("192.168.0.0/16"), "private network"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved"),
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("64:ff9b:1::/48"), "local-use NAT64"),
    (_V6("100::/64"), "discard-only"),
    (_V6("2001::/23"), "IETF protocol assignments"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("3fff::/20"), "documentation"),
    (_V6("5f00::/16"), "segment routing"),
    (_V6("fc00::/7"), "unique-local"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local"),
    (_V6("ff00::/8"), "multicast"),
]
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 transition form carries, with the form's name."""
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", ip.ipv4_mapped
    if ip in _NAT64:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour  # bits 16-48
    if ip in _COMPATIBLE and int(ip) > 1:  # `::` and `::1` are themselves, not a form
        return "IPv4-compatible", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def check_address(ip: IPAddress) -> str | None:
    """Why a webhook may not connect to `ip`, or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "scoped (link-local) address"
        if ip.teredo is not None:
            return "Teredo tunnel address"
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            form, v4 = embedded
            inner = check_address(v4)
            if inner is not None:
                return f"{form} form of {v4} ({inner})"
            if form == "IPv4-compatible":
                return "deprecated IPv4-compatible address"
            return None  # a public IPv4 address reached through NAT64, 6to4 or a mapped socket
    for network, reason in _NOT_GLOBAL:
        if ip.version == network.version and ip in network:
            return reason
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified or not ip.is_global:
        return "reserved or not globally reachable"
    return None


# --- resolving and connecting ------------------------------------------------------------------


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Target:
    """A webhook URL's host and port, and the one checked address requests go to."""

    host: str
    port: int
    address: str


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def resolve_target(
    url: str, *, allow_private: bool, resolver: Resolver = system_resolver
) -> Target:
    """Resolve the URL's host once and check every answer (one bad answer refuses the host: an
    attacker's DNS could otherwise mix a public and an internal address)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise WebhookTargetRefused("url: must be an http:// or https:// URL with a host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    bare = host.rstrip(".")
    if not allow_private and (bare == "localhost" or bare.endswith(".localhost")):
        # RFC 6761: these names are this machine whatever a resolver says.
        raise WebhookTargetRefused(
            f"url: {host} is a private or local name (this machine); "
            "webhooks must reach a public address"
        )
    literal = _literal(host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = resolver(host, port)
        except OSError:
            addresses = []
        if not addresses:
            raise WebhookTargetRefused(f"url: host {host!r} does not resolve")
    if not allow_private:
        for address in addresses:
            reason = check_address(ipaddress.ip_address(address))
            if reason is not None:
                raise WebhookTargetRefused(
                    f"url: {host} resolves to {address}, a private or local address ({reason}); "
                    "webhooks must reach a public address"
                )
    return Target(host=host, port=port, address=addresses[0])


def check_target(url: str, allow_private: bool, resolver: Resolver = system_resolver) -> None:
    """Refuse a webhook URL when it is saved (delivery checks again, and pins the address)."""
    if not allow_private:
        resolve_target(url, allow_private=False, resolver=resolver)


class PinnedTransport(httpx.BaseTransport):
    """Sends each request to `target.address` instead of resolving the URL's host again; the Host
    header stays the URL's and TLS is checked against the host name (the `sni_hostname`
    extension). A request for any other host (a redirect, say) is refused."""

    def __init__(self, target: Target, inner: httpx.BaseTransport | None = None) -> None:
        self.target = target
        self.inner = inner or httpx.HTTPTransport(trust_env=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.raw_host.decode("ascii").lower()
        literal = _literal(host)
        same = host == self.target.host or (
            literal is not None and literal == _literal(self.target.host)
        )
        if not same or request.url.port not in (None, self.target.port):
            raise httpx.ConnectError(f"{host} is not the checked webhook host {self.target.host}")
        # httpx already set the Host header from the original URL; only where we connect changes.
        request.url = request.url.copy_with(host=self.target.address)
        if _literal(self.target.host) is None:
            request.extensions = {**request.extensions, "sni_hostname": self.target.host}
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
