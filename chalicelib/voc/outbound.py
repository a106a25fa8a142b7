"""Outbound HTTP to the departments' own systems, with the SSRF rules of DESIGN.md: in AWS only
`https` URLs whose host resolves to public addresses; the local stage (`CXGOV_OUTBOUND_ALLOW_LOOPBACK`)
also allows loopback, over http too. The address checked is the address connected to (the host is
resolved once and the connection pinned to it, so a second DNS answer cannot point elsewhere), and
redirects are not followed. Timeouts and retries with exponential backoff are urllib3's.

An IPv6 address that carries an IPv4 one (IPv4-mapped `::ffff:a.b.c.d`, SIIT `::ffff:0:a.b.c.d`,
NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, IPv4-compatible `::a.b.c.d`) is checked as that IPv4 address
too: `64:ff9b::a9fe:a9fe` reaches 169.254.169.254 through a NAT64 gateway. Site-local `fec0::/10`
and the local-use NAT64 prefix `64:ff9b:1::/48` are never public. A URL holding a control
character or a space (CR/LF would split the request line) is refused, never cleaned."""
from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

MAX_BYTES = 20 * 1024 * 1024
RETRY_STATUSES = (429, 500, 502, 503, 504)
NOT_IN_A_URL = re.compile(r"[\x00-\x20\x7f-\x9f\s]")  # C0, space, DEL, C1, any Unicode space
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SIIT = ipaddress.ip_network("::ffff:0:0:0/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class OutboundError(Exception):
    """A failure to name in a source's `last_sync.error` (or a 400 on `base_url`)."""


def _allow_loopback() -> bool:
    return os.environ.get("CXGOV_OUTBOUND_ALLOW_LOOPBACK", "").lower() == "true"


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the connection goes to


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (and reaches through a translator), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or address in _SIIT or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address, loopback_ok: bool) -> str | None:
    """Why a connection to `address` is not allowed (None: it is public, or loopback where allowed)."""
    if address.version == 6 and (address.is_site_local or address in _NAT64_LOCAL):
        return f"a non-public address ({address})"
    carried = embedded_ipv4(address) if address.version == 6 else None
    for one in (address, carried):
        if one is None or (one.is_loopback and loopback_ok):
            continue
        if not one.is_global or one.is_multicast:
            return (f"a non-public address ({address}, which carries {carried})" if one is carried
                    else f"a non-public address ({address})")
    return None


def check_url(url: str, resolve: bool = True) -> Target:
    """The URL's parts and the address to connect to; OutboundError says why it is not allowed."""
    if NOT_IN_A_URL.search(url):
        raise OutboundError("must not contain control characters or spaces (CR, LF, tab, NUL, ...)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundError("is not a valid URL") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise OutboundError("must be an https URL")
    if parts.username or parts.password:
        raise OutboundError("must not carry credentials (give the API key separately)")
    if parts.query or parts.fragment:
        raise OutboundError("must not carry a query or fragment (name jurisdiction_id and service_codes instead)")
    loopback_ok = _allow_loopback()
    if parts.scheme == "http" and not loopback_ok:
        raise OutboundError("must be an https URL")
    port = port or (443 if parts.scheme == "https" else 80)
    if not resolve:
        return Target(parts.scheme, host, port, parts.path.rstrip("/"), host)
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError, OSError):
        raise OutboundError(f"the host {host} does not resolve") from None
    for text in sorted(found):
        address = ipaddress.ip_address(text.split("%")[0])
        refused = refusal(address, loopback_ok)
        if refused:
            raise OutboundError(f"the host {host} resolves to {refused}")
        if address.is_loopback:
            continue
        if parts.scheme == "http":
            raise OutboundError("must be an https URL")
    return Target(parts.scheme, host, port, parts.path.rstrip("/"), min(found, key=lambda a: (":" in a, a)))


def _pool(target: Target, timeout: float, retries: int, backoff: float):
    import urllib3
    from urllib3.util import Retry, Timeout

    retry = Retry(total=retries, connect=retries, read=retries, status=retries, redirect=0,
                  backoff_factor=backoff, backoff_max=30, status_forcelist=RETRY_STATUSES,
                  allowed_methods=frozenset({"GET"}), raise_on_status=False, raise_on_redirect=False,
                  respect_retry_after_header=True)
    limits = Timeout(connect=min(timeout, 5), read=timeout)
    host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    headers = {"Host": host_header, "Accept": "application/json", "User-Agent": "cxgov-open311-pull"}
    if target.scheme == "https":
        context = ssl.create_default_context()
        try:
            import certifi

            context.load_verify_locations(certifi.where())
        except ImportError:
            pass
        return urllib3.HTTPSConnectionPool(target.address, target.port, timeout=limits, retries=retry,
                                           headers=headers, server_hostname=target.host,
                                           assert_hostname=target.host, ssl_context=context, maxsize=1)
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=limits, retries=retry,
                                      headers=headers, maxsize=1)


def get_json(url: str, params: dict[str, str], *, timeout: float, retries: int, backoff: float) -> Any:
    """GET `url?params` and its JSON; OutboundError names what went wrong (a timeout, an HTTP
    status, HTML instead of JSON, malformed JSON), after the retries."""
    import urllib3

    target = check_url(url)
    pool = _pool(target, timeout, retries, backoff)
    path = (target.path or "/") + ("?" + urlencode(params) if params else "")
    try:
        response = pool.urlopen("GET", path, redirect=False, preload_content=False)
        try:
            body = response.read(MAX_BYTES + 1, decode_content=True)
        finally:
            response.release_conn()
    except urllib3.exceptions.MaxRetryError as exc:
        reason = exc.reason
        if isinstance(reason, (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ConnectTimeoutError)):
            raise OutboundError(f"{target.host} timed out ({timeout:g} s) after {retries + 1} attempts") from None
        raise OutboundError(f"{target.host} could not be reached after {retries + 1} attempts") from None
    except (urllib3.exceptions.TimeoutError,) as exc:
        raise OutboundError(f"{target.host} timed out ({timeout:g} s)") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise OutboundError(f"{target.host} could not be reached ({type(exc).__name__})") from None
    finally:
        pool.close()
    if len(body) > MAX_BYTES:
        raise OutboundError(f"{target.host} answered more than {MAX_BYTES} bytes")
    if response.status != 200:
        raise OutboundError(f"{target.host} answered HTTP {response.status}")
    media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if "html" in media or body.lstrip()[:1] == b"<":
        raise OutboundError(f"{target.host} answered HTML ({media or 'no content type'}), not JSON")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise OutboundError(f"{target.host} answered malformed JSON") from None
