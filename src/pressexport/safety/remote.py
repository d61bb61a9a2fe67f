"""Network fetches, only when the user allows them (--allow-remote): http(s) only, a timeout, a size cap.

Every hop of a redirect chain is checked (scheme, and a host that resolves only to public addresses),
and the connection goes to the very address that was checked: the host is resolved once per hop, so a
DNS answer that changes between the check and the connection (DNS rebinding) cannot reach a private host.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import SplitResult, quote, urljoin, urlsplit


from ..errors import InputError
from .hosts import ascii_host

TIMEOUT_SECONDS = 10
MAX_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024
MAX_REDIRECTS = 5
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
# Printable ASCII that may stay as it is in a request target; anything else (spaces, control
# characters, non-ASCII) is percent-encoded so that a URL can never break the request line.
URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"
# NAT64 gateways turn 64:ff9b::a.b.c.d into a connection to a.b.c.d, which may be private.
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
# Blocks that are not globally reachable, beyond what ``is_global`` knows on every supported Python:
# IPv4-compatible (::a.b.c.d), IPv4-mapped and IPv4-translated forms, local-use NAT64 (RFC 8215),
# discard-only, documentation, benchmarking, and the shared address space.
NOT_GLOBAL = {
    4: tuple(map(ipaddress.ip_network, ("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15"))),
    6: tuple(map(ipaddress.ip_network, ("::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b:1::/48",
                                        "100::/64", "2001:2::/48", "2001:db8::/32", "fc00::/7", "fe80::/10"))),
}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[Address]]
PublicCheck = Callable[[Address], bool]


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES,
          allow_private: bool = False, is_public: PublicCheck | None = None,
          resolve: Resolver | None = None) -> bytes:
    """The body of an http(s) URL, or an InputError naming the URL (bad scheme, private address, failure,
    too large, too slow). Loopback, private and link-local hosts are refused unless ``allow_private``.
    ``timeout`` is a deadline for the whole fetch (every redirect, the headers and the body), so a server
    that sends a byte at a time cannot hold it longer.

    ``is_public`` (default: :func:`is_public_address`) and ``resolve`` (default: :func:`resolve_host`)
    exist for tests, so a local server can play a public host while the checks still run.
    """
    if url_scheme(url) not in DEFAULT_PORTS:
        raise InputError(f"only http and https can be fetched, not '{url}'")
    accept = (lambda _address: True) if allow_private else (is_public or is_public_address)
    resolve = resolve or resolve_host
    deadline = Deadline(url, timeout)
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target = checked_target(current, url, accept, resolve)
        body, location = fetch_once(target, url, deadline, max_bytes)
        if location is None:
            return body
        current = next_hop(current, location, url)
    raise InputError(f"cannot fetch '{url}': more than {MAX_REDIRECTS} redirects (the last to '{current}')")


def url_scheme(url: str) -> str:
    """The URL's scheme (lower case), or '' when the URL cannot even be parsed."""
    try:
        return urlsplit(url).scheme
    except ValueError:  # a malformed IPv6 literal, or a netloc that NFKC-normalises to a delimiter
        return ""


class Target:
    """One hop: the URL's parts, its host (IDNA-encoded), port and the addresses it was checked against."""

    def __init__(self, url: str, parts: SplitResult, host: str, port: int, addresses: Sequence[Address]):
        """Hold one checked hop; nothing is looked up or opened here."""
        self.url, self.parts, self.host, self.port, self.addresses = url, parts, host, port, addresses

    def request_target(self) -> str:
        """The path and query to send, escaped so the request line stays one line of ASCII."""
        path = quote(self.parts.path or "/", safe=URL_SAFE)
        return f"{path}?{quote(self.parts.query, safe=URL_SAFE)}" if self.parts.query else path


def checked_target(current: str, url: str, accept: PublicCheck, resolve: Resolver) -> Target:
    """Resolve one hop's host once and refuse it unless every address it resolves to is accepted."""
    if url_scheme(current) not in DEFAULT_PORTS:
        raise InputError(f"cannot fetch '{url}': {describe_hop(current, url)} is not http or https")
    parts = urlsplit(current)
    try:
        host = ascii_host(parts.hostname or "")
        port = parts.port if parts.port is not None else DEFAULT_PORTS[parts.scheme]
    except (UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError; .port raises ValueError
        raise InputError(f"cannot fetch '{url}': bad host or port in '{current}'") from None
    if not host:
        raise InputError(f"cannot fetch '{url}': no host in '{current}'")
    try:
        addresses = list(resolve(host, port))
    except (OSError, UnicodeError, ValueError):
        addresses = []
    if not addresses:
        raise InputError(f"cannot fetch '{url}': unknown host {host} in {describe_hop(current, url)}")
    refused = [address for address in addresses if not accept(address)]
    if refused:
        where = "" if current == url else f"it redirects to '{current}', and "
        raise InputError(f"refused to fetch '{url}': {where}{describe_address(host, refused[0])}")
    return Target(current, parts, host, port, addresses)


def describe_address(host: str, address: Address) -> str:
    """Why a host is refused: the host is, or resolves to, an address that is not public."""
    if host == str(address):
        return f"{host} is not a public address"
    return f"{host} resolves to {address}, which is not a public address"


def describe_hop(current: str, url: str) -> str:
    """How an error names a hop: the URL itself, or the redirect that led elsewhere."""
    return f"'{current}'" if current == url else f"the redirect to '{current}'"


def next_hop(current: str, location: str, url: str) -> str:
    """The absolute URL a redirect points to (checked like the first URL on the next turn)."""
    location = location.strip()
    if not location:
        raise InputError(f"cannot fetch '{url}': '{current}' redirects without a Location")
    try:
        return urljoin(current, location)
    except ValueError:  # urljoin parses the Location, which may be malformed ("http://[oops/")
        raise InputError(f"cannot fetch '{url}': bad redirect Location '{location}'") from None


def resolve_host(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to, in the resolver's order, without duplicates."""
    found: list[Address] = []
    for *_rest, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        # A scope id ("fe80::1%eth0") only comes with link-local addresses, which are refused anyway.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in found:
            found.append(address)
    return found


def is_public_address(address: Address) -> bool:
    """True for a globally reachable address: not in a special-purpose block that is not (IANA's registries,
    written out because Python's own tables lag behind them), and any IPv4 address an IPv6 one leads to
    public as well. IPv6 forms that carry an IPv4 address without a global route to it are refused whole."""
    if not address.is_global or any(address in block for block in NOT_GLOBAL[address.version]):
        return False
    return all(inner.is_global for inner in embedded_ipv4(address))


def embedded_ipv4(address: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a global IPv6 address leads to (6to4, Teredo, the well-known NAT64 prefix)."""
    if address.version == 4:
        return []
    inner = [address.sixtofour, *(address.teredo or ())]
    if address in NAT64_PREFIX:
        inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [found for found in inner if found is not None]


class Deadline:
    """The time left for a whole fetch; past it, the open connection is shut so a blocked read ends."""

    def __init__(self, url: str, seconds: float):
        """Start the clock for ``url``."""
        self.url, self.seconds = url, seconds
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; an InputError when none are."""
        remaining = self.ends - time.monotonic()
        if remaining <= 0:
            raise self.error()
        return remaining

    def error(self) -> InputError:
        """The error of a fetch that ran out of time."""
        return InputError(f"cannot fetch '{self.url}': no complete answer within {self.seconds:g} s")

    @contextmanager
    def guarding(self, connection: http.client.HTTPConnection) -> Iterator[None]:
        """Shut ``connection``'s socket when the time is up, whatever read is blocked on it."""
        timer = threading.Timer(self.left(), shut, (connection,))
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()


def shut(connection: http.client.HTTPConnection) -> None:
    """Shut a connection's socket in both directions (a read blocked on it returns at once)."""
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


def fetch_once(target: Target, url: str, deadline: Deadline, max_bytes: int) -> tuple[bytes, str | None]:
    """GET one hop: its body, or the Location it redirects to (then the body is empty)."""
    failed = f"cannot fetch '{url}'" + ("" if target.url == url else f" (redirected to '{target.url}')")
    connection = pinned_connection(target, deadline.left())
    try:
        with deadline.guarding(connection):
            connection.request("GET", target.request_target(), headers={"User-Agent": "pressexport"})
            response = connection.getresponse()
            if response.status in REDIRECT_CODES:
                return b"", response.getheader("Location", "")
            if not 200 <= response.status < 300:
                raise InputError(f"{failed}: HTTP {response.status} {response.reason}")
            return read_capped(response, url, max_bytes, deadline), None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        deadline.left()  # out of time: say so, rather than the socket error the shutdown caused
        raise InputError(f"{failed}: {exc or type(exc).__name__}") from None
    finally:
        connection.close()


def pinned_connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    """A connection to ``target``'s checked addresses, speaking to its host name (Host header, TLS)."""
    if target.parts.scheme == "https":
        return PinnedHTTPSConnection(target.host, target.port, target.addresses, timeout)
    return PinnedHTTPConnection(target.host, target.port, target.addresses, timeout)


def connect_to_addresses(addresses: Sequence[Address], port: int, timeout: float) -> socket.socket:
    """A TCP socket to the first of ``addresses`` that answers; no name is looked up here."""
    error: OSError = OSError("no address to connect to")
    for address in addresses:
        family = socket.AF_INET if address.version == 4 else socket.AF_INET6
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((str(address), port))
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection whose socket goes to pre-checked addresses, not to a fresh lookup of the host."""

    def __init__(self, host: str, port: int, addresses: Sequence[Address], timeout: float):
        """A connection to ``host`` that will open its socket to ``addresses`` only."""
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        """Open the socket to the checked addresses; ``self.host`` still names the Host header."""
        self.sock = connect_to_addresses(self.addresses, self.port, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to pre-checked addresses; SNI and the certificate are checked for the host name."""

    def __init__(self, host: str, port: int, addresses: Sequence[Address], timeout: float):
        """A TLS connection to ``host`` (default certificate checks) over a socket to ``addresses`` only."""
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self) -> None:
        """Open the socket to the checked addresses, then TLS against ``self.host`` (hostname verified)."""
        sock = connect_to_addresses(self.addresses, self.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def read_capped(response: http.client.HTTPResponse, url: str, max_bytes: int, deadline: Deadline) -> bytes:
    """Read at most ``max_bytes`` before the deadline; a longer body is an error, not a truncated file."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise InputError(f"cannot fetch '{url}': it declares {int(declared):,} bytes, over the limit of "
                         f"{max_bytes:,} bytes")
    parts, size = [], 0
    while chunk := response.read1(CHUNK):  # one read at a time: the deadline is checked between them
        deadline.left()
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"cannot fetch '{url}': it is over the limit of {max_bytes:,} bytes")
        parts.append(chunk)
    deadline.left()  # the deadline shuts the socket, which also ends the loop: that is no complete body
    if declared and declared.isdigit() and size < int(declared):
        raise InputError(f"cannot fetch '{url}': the connection closed after {size} of {declared} bytes")
    return b"".join(parts)
