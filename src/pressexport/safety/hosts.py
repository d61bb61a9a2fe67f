"""Host names as DNS knows them, for the links the core writes and the fetches remote.py makes."""

from __future__ import annotations

import idna


def ascii_host(host: str) -> str:
    """The host as DNS knows it: IP literals and ASCII names as they are (lower-cased), others IDNA-encoded
    (UTS 46). Python's own "idna" codec is IDNA 2003, which maps faß.de to fass.de, a different domain."""
    if host.isascii():
        return host.lower()
    return idna.encode(host, uts46=True).decode("ascii")
