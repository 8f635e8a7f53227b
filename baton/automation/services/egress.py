"""Where a webhook may connect: never to loopback, private, link-local, metadata or otherwise non-public addresses
(SSRF), unless the host is listed in the `WEBHOOK_ALLOWED_HOSTS` setting (comma-separated `host` or `host:port`, from
the environment). A URL is checked when it is saved (its host name resolved) and again at every delivery, on the
connection itself: the socket is opened to an address that was resolved and checked in the same step, so a name that
resolves to a public address at save time and to an internal one later (DNS rebinding) is refused.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

# Cloud metadata services by name (their addresses are link-local or private, refused anyway once resolved).
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data"})
REFUSED_MESSAGE = (
    "Webhooks may not be sent to loopback, private, link-local or metadata addresses. An administrator can allow an "
    "internal receiver with the WEBHOOK_ALLOWED_HOSTS setting."
)


_DEFAULT_TIMEOUT: Any = getattr(socket, "_GLOBAL_DEFAULT_TIMEOUT")  # noqa: B009 - what http.client passes by default


class RefusedAddress(OSError):
    """The webhook's host is (or resolves to) an address Baton does not send webhooks to. An OSError, so a delivery
    records it as a failed attempt, without ever having connected."""


def allowed_hosts() -> frozenset[str]:
    """`WEBHOOK_ALLOWED_HOSTS` as lower-case `host` and `host:port` entries (IPv6 without brackets)."""
    raw: Any = getattr(settings, "WEBHOOK_ALLOWED_HOSTS", "") or ""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    entries = set()
    for item in items:
        entry = str(item).strip().lower()
        if entry.startswith("["):  # [::1] or [::1]:8080
            host, _, rest = entry[1:].partition("]")
            entry = host + rest
        if entry:
            entries.add(entry)
    return frozenset(entries)


def is_allowed(host: str, port: int) -> bool:
    entries = allowed_hosts()
    host = host.lower().strip("[]")
    return host in entries or f"{host}:{port}" in entries


def refused_ip(value: str) -> bool:
    """Whether an address is one webhooks never reach: anything not globally routable (loopback, private, link-local
    with the 169.254.169.254 metadata service, shared, reserved, documentation, unspecified) and multicast; an
    IPv4-mapped IPv6 address is judged as its IPv4 address."""
    try:
        ip = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    """getaddrinfo for a TCP connection; an IP literal resolves to itself."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def url_refusal(url: str) -> str | None:
    """Why `url` may not receive webhooks, or None. A host name that does not resolve now is not refused here (the
    delivery checks again, and cannot connect to it either)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "This is not a valid URL."
    if not host:
        return "This is not a valid URL."
    if is_allowed(host, port):
        return None
    if host in METADATA_HOSTS or host.endswith(".internal"):
        return REFUSED_MESSAGE
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        return None
    if any(refused_ip(info[4][0]) for info in addresses):
        return REFUSED_MESSAGE
    return None


def create_connection(
    address: tuple[str, int], timeout: Any = _DEFAULT_TIMEOUT, source_address: Any = None
) -> socket.socket:
    """`socket.create_connection`, but to a checked address: the name is resolved here and the socket connects to
    one of the addresses just checked, so nothing can change between the check and the connection. A refused
    address is never connected to (RefusedAddress), whatever listens there."""
    host, port = address
    if is_allowed(host, port):
        return socket.create_connection(address, timeout, source_address)
    if host.lower() in METADATA_HOSTS:
        raise RefusedAddress(REFUSED_MESSAGE)
    infos = resolve(host, port)
    if not infos or any(refused_ip(info[4][0]) for info in infos):
        raise RefusedAddress(REFUSED_MESSAGE)
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError(f"Could not connect to {host}.")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = create_connection  # type: ignore[method-assign, assignment]


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = create_connection  # type: ignore[method-assign, assignment]


class CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTPConnection, req)


class CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)  # type: ignore[attr-defined]


def opener(*handlers: Any) -> urllib.request.OpenerDirector:
    """A urllib opener whose connections go only to checked addresses; no proxy from the environment (a proxy
    would connect on Baton's behalf, past the check)."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), CheckedHTTPHandler(), CheckedHTTPSHandler(), *handlers
    )
