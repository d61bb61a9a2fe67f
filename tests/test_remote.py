"""Remote fetches: only http(s), with a timeout, a size cap and every redirect hop checked, against real
local servers.

Two servers share one port: a "private" one on 127.0.0.1 and one on 127.0.0.2 that plays a public host.
Tests give ``fetch`` a resolver with fixed answers and an ``is_public`` that accepts 127.0.0.2 as well as
every really public address, so the real checks run and still refuse 127.0.0.1, 169.254.169.254 and the
rest. Sharing the port means a connection to the wrong address would reach a server and be seen.
"""

from __future__ import annotations

import errno
import http.server
import ipaddress
import sys
import threading
import time
from contextlib import contextmanager
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from pressexport import hosts, remote
from pressexport.errors import InputError

PUBLIC = ipaddress.ip_address("127.0.0.2")
PRIVATE = ipaddress.ip_address("127.0.0.1")
# Open recorders: each gets the address of every socket.connect made while it is open.
RECORDERS: list[list] = []


def record_connect(event: str, args: tuple) -> None:
    """Audit hook: note where sockets connect, seen by the interpreter itself rather than through a mock."""
    if event == "socket.connect" and RECORDERS:
        RECORDERS[-1].append(tuple(args[1][:2]))


sys.addaudithook(record_connect)  # hooks cannot be removed; without an open recorder it does nothing


@contextmanager
def connections():
    """The (host, port) of every connection made inside the block."""
    seen: list = []
    RECORDERS.append(seen)
    try:
        yield seen
    finally:
        RECORDERS.remove(seen)


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers by path: bodies, redirects (``/redirect?to=URL``, ``/loop``), a slow, a big and a missing one."""

    def do_GET(self):  # noqa: N802
        """Record the request (Host header and path), then answer it."""
        self.server.requests.append((self.headers["Host"], self.path))
        parts = urlsplit(self.path)
        if parts.path == "/slow":
            time.sleep(2)
        if parts.path in ("/redirect", "/loop", "/redirect-file"):
            return self.redirect(parts)
        if parts.path == "/missing":
            return self.send_error(404)
        body = self.server.name.encode() if parts.path == "/name" else b"x" * (5000 if parts.path == "/big" else 10)
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def redirect(self, parts) -> None:
        """Send a 302 to the ``to`` query parameter, to /loop itself, or to a local file."""
        locations = {"/loop": "/loop", "/redirect-file": "file:///etc/passwd"}
        location = locations.get(parts.path) or parse_qs(parts.query)["to"][0]
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        """Keep the test output quiet."""


def start_server(address: str, port: int, name: str) -> http.server.ThreadingHTTPServer:
    """A threaded server on ``address:port`` that records its requests and names itself at /name."""
    httpd = http.server.ThreadingHTTPServer((address, port), Handler)
    httpd.name, httpd.requests = name, []
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd


def server_pair() -> tuple[http.server.ThreadingHTTPServer, http.server.ThreadingHTTPServer]:
    """The private and the public-playing server, on one port (a few tries, should 127.0.0.2 hold it)."""
    for _attempt in range(5):
        private = start_server(str(PRIVATE), 0, "private")
        try:
            return private, start_server(str(PUBLIC), private.server_address[1], "public")
        except OSError as exc:
            private.shutdown()
            private.server_close()
            if exc.errno == errno.EADDRNOTAVAIL:
                pytest.skip("127.0.0.2 is not a local address here")
    pytest.fail("no port free on both 127.0.0.1 and 127.0.0.2")


@pytest.fixture(scope="module")
def pair():
    """Both servers, started once for the module."""
    servers = server_pair()
    yield servers
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def private(pair):
    """The server on 127.0.0.1, its request log emptied for this test."""
    pair[0].requests.clear()
    return pair[0]


@pytest.fixture
def public(pair):
    """The server on 127.0.0.2 that plays public hosts, its request log emptied for this test."""
    pair[1].requests.clear()
    return pair[1]


@pytest.fixture
def port(private, public) -> int:
    """The port both servers listen on."""
    return private.server_address[1]


@pytest.fixture
def server(private) -> str:
    """The base URL of the private server, for the tests that allow private addresses."""
    return f"http://127.0.0.1:{private.server_address[1]}"


class Resolver:
    """Fixed answers per host name, one per call (the last one repeated), with every call recorded."""

    def __init__(self, answers: dict[str, str]):
        """``answers`` maps a name to its successive answers, comma-separated."""
        self.answers = {name: value.split(",") for name, value in answers.items()}
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list:
        """The next answer for ``host``; IP literals resolve to themselves, other names are unknown."""
        self.calls.append(host)
        if host not in self.answers:
            try:
                return [ipaddress.ip_address(host)]
            except ValueError:
                return []
        answers = self.answers[host]
        return [ipaddress.ip_address(answers.pop(0) if len(answers) > 1 else answers[0])]


def plays_public(address) -> bool:
    """127.0.0.2 stands for a public address; every other address gets the real check."""
    return address == PUBLIC or remote.is_public_address(address)


def fetch_as_public(url: str, resolver: Resolver | None = None) -> bytes:
    """``fetch`` with the real checks, where public.test and other.test resolve to the public-playing server."""
    resolver = resolver or Resolver({"public.test": "127.0.0.2", "other.test": "127.0.0.2"})
    return remote.fetch(url, resolve=resolver, is_public=plays_public)


def redirect_url(port: int, to: str) -> str:
    """A URL on public.test (the public-playing server) that redirects to ``to``."""
    return f"http://public.test:{port}/redirect?to={quote(to, safe='')}"


def test_fetches_a_small_body(server):
    assert remote.fetch(f"{server}/small", allow_private=True) == b"x" * 10


def test_refuses_a_body_over_the_cap(server):
    with pytest.raises(InputError, match="limit"):
        remote.fetch(f"{server}/big", max_bytes=1000, allow_private=True)


def test_times_out(server):
    with pytest.raises(InputError, match="cannot fetch"):
        remote.fetch(f"{server}/slow", timeout=0.5, allow_private=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/plain,hi", "http://[::1/x"])
def test_refuses_other_schemes(url):
    with pytest.raises(InputError, match="only http and https"):
        remote.fetch(url)


def test_refuses_a_redirect_to_a_local_file(server):
    with pytest.raises(InputError, match="is not http or https"):
        remote.fetch(f"{server}/redirect-file", allow_private=True)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.0.0.1", "169.254.169.254", "[::1]"])
def test_refuses_private_addresses_by_default(host):
    with pytest.raises(InputError, match="not a public address"):
        remote.fetch(f"http://{host}/x")


def test_a_public_host_is_fetched_from_the_checked_address(public, private, port):
    """The stand-in works: public.test is fetched, from 127.0.0.2, with its own name in the Host header."""
    with connections() as seen:
        assert fetch_as_public(f"http://public.test:{port}/name") == b"public"
    assert seen == [("127.0.0.2", port)]
    assert public.requests == [(f"public.test:{port}", "/name")] and private.requests == []


def test_refuses_a_redirect_from_a_public_host_to_loopback(public, private, port):
    url = redirect_url(port, f"http://127.0.0.1:{port}/secret")
    with pytest.raises(InputError) as caught:
        fetch_as_public(url)
    message = str(caught.value)
    assert message == (f"refused to fetch '{url}': it redirects to 'http://127.0.0.1:{port}/secret', "
                       "and 127.0.0.1 is not a public address")
    assert len(public.requests) == 1 and private.requests == []


def test_refuses_a_redirect_to_a_name_that_resolves_to_loopback(public, private, port):
    url = redirect_url(port, f"http://intranet.test:{port}/secret")
    with pytest.raises(InputError, match=r"intranet\.test resolves to 127\.0\.0\.1, which is not a public"):
        fetch_as_public(url, Resolver({"public.test": "127.0.0.2", "intranet.test": "127.0.0.1"}))
    assert private.requests == []


def test_refuses_a_redirect_to_the_metadata_address_without_connecting(public, port):
    target = "http://169.254.169.254/latest/meta-data/"
    url = redirect_url(port, target)
    with connections() as seen, pytest.raises(InputError) as caught:
        fetch_as_public(url)
    assert f"'{url}'" in str(caught.value) and f"'{target}'" in str(caught.value)
    assert "169.254.169.254 is not a public address" in str(caught.value)
    assert seen == [("127.0.0.2", port)]  # the first hop only


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.2/x", "gopher://127.0.0.2:70/x"])
def test_refuses_a_redirect_to_another_scheme(public, port, target):
    url = redirect_url(port, target)
    with connections() as seen, pytest.raises(InputError) as caught:
        fetch_as_public(url)
    assert str(caught.value) == f"cannot fetch '{url}': the redirect to '{target}' is not http or https"
    assert len(seen) == 1


def test_dns_rebinding_connects_to_the_address_that_was_checked(public, private, port):
    """rebind.test answers public, then loopback: one lookup per hop, and the connection goes where checked."""
    resolver = Resolver({"public.test": "127.0.0.2", "rebind.test": "127.0.0.2,127.0.0.1"})
    with connections() as seen:
        assert fetch_as_public(redirect_url(port, f"http://rebind.test:{port}/name"), resolver) == b"public"
    assert resolver.calls == ["public.test", "rebind.test"]
    assert seen == [("127.0.0.2", port), ("127.0.0.2", port)]
    assert public.requests[-1] == (f"rebind.test:{port}", "/name") and private.requests == []


def test_dns_rebinding_to_loopback_first_is_refused_before_connecting(private, port):
    resolver = Resolver({"rebind.test": "127.0.0.1,127.0.0.2"})
    with connections() as seen, pytest.raises(InputError, match="resolves to 127.0.0.1"):
        fetch_as_public(f"http://rebind.test:{port}/name", resolver)
    assert resolver.calls == ["rebind.test"] and seen == [] and private.requests == []


def test_a_host_with_one_private_address_among_public_ones_is_refused(private, port):
    with pytest.raises(InputError, match="not a public address"):
        remote.fetch(f"http://mixed.test:{port}/name", is_public=plays_public,
                     resolve=lambda host, port: [PUBLIC, PRIVATE])
    assert private.requests == []


def test_a_redirect_loop_stops(public, port):
    url = f"http://public.test:{port}/loop"
    with pytest.raises(InputError) as caught:
        fetch_as_public(url)
    assert str(caught.value) == (f"cannot fetch '{url}': more than {remote.MAX_REDIRECTS} redirects "
                                 f"(the last to '{url}')")
    assert len(public.requests) == remote.MAX_REDIRECTS + 1


@pytest.mark.parametrize(("location", "host", "path"), [("name", "public.test", "/name"),
                                                        ("../name?x=1", "public.test", "/name?x=1"),
                                                        ("//other.test:{port}/name", "other.test", "/name")])
def test_follows_a_relative_redirect_to_a_public_host(public, port, location, host, path):
    url = redirect_url(port, location.format(port=port))
    assert fetch_as_public(url) == b"public"
    first = url.removeprefix(f"http://public.test:{port}")
    assert public.requests == [(f"public.test:{port}", first), (f"{host}:{port}", path)]


def test_follows_a_redirect_to_another_public_host(public, private, port):
    assert fetch_as_public(redirect_url(port, f"http://other.test:{port}/name")) == b"public"
    assert public.requests[-1] == (f"other.test:{port}", "/name") and private.requests == []


def test_refuses_a_scheme_relative_redirect_to_loopback(public, private, port):
    with pytest.raises(InputError, match="127.0.0.1 is not a public address"):
        fetch_as_public(redirect_url(port, f"//127.0.0.1:{port}/secret"))
    assert private.requests == []


@pytest.mark.parametrize(("location", "problem"), [("http://[oops/", "bad redirect Location 'http://[oops/'"),
                                                    ("http://public.test:99999/", "bad host or port"),
                                                    ("http://nowhere.test/", "unknown host nowhere.test")])
def test_a_bad_redirect_is_a_clear_error(public, port, location, problem):
    url = redirect_url(port, location)
    with pytest.raises(InputError) as caught:
        fetch_as_public(url)
    assert str(caught.value).startswith(f"cannot fetch '{url}': ") and problem in str(caught.value)


def test_an_http_error_after_a_redirect_names_both_urls(public, port):
    """A missing redirect target is reported with the URL asked for and the one that failed."""
    url = redirect_url(port, "/missing")
    with pytest.raises(InputError) as caught:
        fetch_as_public(url)
    hop = f"http://public.test:{port}/missing"
    assert str(caught.value) == f"cannot fetch '{url}' (redirected to '{hop}'): HTTP 404 Not Found"


def test_an_idna_host_is_looked_up_and_sent_encoded(public, port):
    resolver = Resolver({"xn--fa-hia.de": "127.0.0.2"})
    assert fetch_as_public(f"http://faß.de:{port}/name", resolver) == b"public"
    assert resolver.calls == ["xn--fa-hia.de"] and public.requests[-1][0] == f"xn--fa-hia.de:{port}"


@pytest.mark.parametrize(("host", "encoded"), [
    ("faß.de", "xn--fa-hia.de"), ("bücher.example", "xn--bcher-kva.example"), ("ＥＸＡＭＰＬＥ.com", "example.com"),
    ("Example.COM", "example.com"), ("under_score.test", "under_score.test"), ("127.0.0.1", "127.0.0.1"),
    ("::1", "::1"), ("2001:db8::1", "2001:db8::1")])
def test_ascii_host(host, encoded):
    """UTS 46, not the IDNA 2003 codec (faß.de -> fass.de); ASCII names and IP literals are kept."""
    assert hosts.ascii_host(host) == encoded


def test_a_host_idna_refuses_is_a_clear_error():
    with pytest.raises(InputError, match=r"^cannot fetch 'http://\u0300a\.de/': bad host or port"):
        remote.fetch("http://\u0300a.de/")
