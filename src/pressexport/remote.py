"""Network fetches, only when the user allows them (--allow-remote): http(s) only, a timeout, a size cap."""

from __future__ import annotations

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


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES) -> bytes:
    """The body of an http(s) URL, or an InputError naming the URL (bad scheme, failure, too large, too slow)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise InputError(f"only http and https can be fetched, not '{url}'")
    request = urllib.request.Request(url, headers={"User-Agent": "pressexport"})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return read_capped(response, url, max_bytes)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"cannot fetch '{url}': {reason}") from None


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
