"""Links and URLs: web and mail addresses normalised (IDNA 2008 with UTS 46), other links kept as text."""

from __future__ import annotations

import ipaddress
import logging
import re
import string
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import idna
from lxml import etree

from ..safety.hosts import ascii_host
from ..model import Article
from .ids import ids_in
from .tree import unwrap
from ..diagnostics import warn

log = logging.getLogger(__name__)

URL_SCHEMES = {"http", "https", "mailto"}

MAX_URL_LENGTH = 2000
# --- URLs: what may stay unencoded in a URL (every other character is percent-encoded) ---
URL_SAFE = frozenset(string.ascii_letters + string.digits + "!$&'()*+,-./:;=?@_~")
HOST_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$", re.IGNORECASE)


def resolve_links(roots: list[etree._Element], article: Article) -> None:
    """Keep web, mail and in-page links, with their addresses normalised; make links to other pages
    absolute (with a base URL) or plain text."""
    ids = ids_in(roots)
    too_long = 0
    for link in (link for root in roots for link in root.xpath(".//a[@href]")):
        if link.get("class") == "noteref":
            continue
        target = link_target(link.get("href"), article, ids)
        if target and len(target) > MAX_URL_LENGTH:
            too_long, target = too_long + 1, None
        if target:
            link.set("href", target)
        else:
            log.debug("%s: link to '%s' is outside the edition; kept as text", article.path, link.get("href"))
            unwrap(link)
    if too_long:
        warn("long-link", article.path,
             f"{too_long} link(s) with addresses over {MAX_URL_LENGTH} characters kept as text only")


def link_target(href: str, article: Article, ids: set[str]) -> str | None:
    """Where a link may point in the edition: an existing id, a web or mail URL; None if nowhere."""
    href = href.strip()
    if href.startswith("#"):
        return href if href[1:] in ids else None
    absolute = normalise_url(href)
    if absolute is None and article.base_url and not has_scheme(href):
        absolute = normalise_url(urljoin(article.base_url, href), schemes={"http", "https"})
    return absolute


def has_scheme(href: str) -> bool:
    """Whether the address names a scheme (``https:``, ``javascript:``) rather than being relative."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href) is not None


def normalise_url(href: str, schemes: set[str] = URL_SCHEMES) -> str | None:
    """``href`` as an absolute URL in one of ``schemes`` that URL parsers take without complaint, or None.

    Characters a URL may not hold (spaces, backslashes, braces, non-ASCII, a stray '%') are percent-encoded;
    a web address needs a valid host and port, a mail address an address.
    """
    try:
        parts = urlsplit(re.sub(r"[\t\n\r]", "", href.strip(" \t\n\r\f")))
        scheme = parts.scheme.lower()
        if scheme not in schemes:
            return None
        if scheme == "mailto":
            address, query = quote_url_part(parts.path), quote_url_part(parts.query)
            return f"mailto:{address}" + (f"?{query}" if query else "") if address else None
        netloc = web_netloc(parts)
    except (ValueError, UnicodeError, idna.IDNAError):
        return None
    if netloc is None:
        return None
    return urlunsplit((scheme, netloc, quote_url_part(parts.path), quote_url_part(parts.query),
                       quote_url_part(parts.fragment, also="#")))


def web_netloc(parts) -> str | None:
    """The host (IDNA-encoded), port and any user name of a web URL, or None if the host is not valid."""
    host, port = parts.hostname, parts.port  # .port raises ValueError when out of range
    if not host:
        return None
    if ":" in host:
        host = f"[{ipaddress.IPv6Address(host).compressed}]"
    else:
        host = ascii_host(host)
        if not all(HOST_LABEL.fullmatch(label) for label in host.removesuffix(".").split(".")):
            return None
    user = ""
    if parts.username:
        password = f":{quote(parts.password, safe='')}" if parts.password is not None else ""
        user = f"{quote(parts.username, safe='')}{password}@"
    return f"{user}{host}" + (f":{port}" if port is not None else "")


def quote_url_part(text: str, also: str = "") -> str:
    """Percent-encode every character a URL may not hold as it is (and those in ``also``);
    existing %XX escapes are kept."""
    out = []
    for index, char in enumerate(text):
        if char in URL_SAFE and char not in also:
            out.append(char)
        elif char == "%" and re.fullmatch(r"[0-9A-Fa-f]{2}", text[index + 1:index + 3]):
            out.append(char)
        else:
            out.append(quote(char, safe=""))
    return "".join(out)
