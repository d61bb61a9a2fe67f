"""Network fetches, only when the user allows them (--allow-remote): http(s) only, a timeout, a size cap."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from .errors import InputError

TIMEOUT_SECONDS = 10
MAX_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024


class _NoRedirectToOtherSchemes(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s) URLs (never to file: or ftp:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.URLError(f"redirect to {newurl} refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


OPENER = urllib.request.OpenerDirector()
for handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(), _NoRedirectToOtherSchemes(),
                urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler()):
    OPENER.add_handler(handler)


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES,
          allow_private: bool = False) -> bytes:
    """The body of an http(s) URL, or an InputError naming the URL (bad scheme, private address, failure,
    too large, too slow). Loopback, private and link-local hosts are refused unless ``allow_private``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"only http and https can be fetched, not '{url}'")
    if not allow_private:
        refuse_private_host(parts.hostname or "", url)
    request = urllib.request.Request(url, headers={"User-Agent": "pressexport"})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return read_capped(response, url, max_bytes)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"cannot fetch '{url}': {reason}") from None


def refuse_private_host(host: str, url: str) -> None:
    """Refuse a host that resolves to a loopback, private, link-local or otherwise non-public address."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError, ValueError):
        raise InputError(f"cannot fetch '{url}': unknown host") from None
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise InputError(f"refused to fetch '{url}': {host} is not a public address")


def read_capped(response, url: str, max_bytes: int) -> bytes:
    """Read at most ``max_bytes``; a longer body is an error, not a truncated file."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise InputError(f"'{url}' is {int(declared) // 2**20} MB, over the {max_bytes // 2**20} MB limit")
    parts, size = [], 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"'{url}' is over the {max_bytes // 2**20} MB limit")
        parts.append(chunk)
    return b"".join(parts)
