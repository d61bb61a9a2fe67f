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
import io
import ipaddress
import sys
import threading
import time
import zipfile
from contextlib import contextmanager
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from PIL import Image

from conftest import write_article
from pressexport.safety import hosts, remote
from pressexport.errors import InputError

def png_bytes() -> bytes:
    """A small real PNG, as a remote image."""
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


PNG = png_bytes()
# path → (body, declared length or None, pause between bytes)
STREAMS = {
    "/drip": (b"y" * 60, 60, 0.1),  # every byte well within a 1 s socket timeout; 6 s in all
    "/big-declared": (b"z" * 10, 5000, 0.0),  # declares more than the cap, sends little
    "/big-unsized": (b"z" * 5000, None, 0.0),  # says nothing of its size, sends more than the cap
    "/short": (b"s" * 10, 100, 0.0),  # closes after 10 of the 100 bytes it declared
}
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
        if parts.path in STREAMS:
            return self.stream(*STREAMS[parts.path])
        if parts.path.endswith(".png"):
            return self.stream(PNG, len(PNG))
        body = self.server.name.encode() if parts.path == "/name" else b"x" * (5000 if parts.path == "/big" else 10)
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def stream(self, body: bytes, declared: int | None, pause: float = 0.0) -> None:
        """Send ``body`` a chunk at a time (``pause`` between chunks), declaring ``declared`` bytes (or no
        length: then the end of the body is the end of the connection)."""
        try:
            self.send_response(200)
            if declared is not None:
                self.send_header("Content-Length", str(declared))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            for start in range(0, len(body), 1 if pause else len(body) or 1):
                self.wfile.write(body[start:start + (1 if pause else len(body))])
                self.wfile.flush()
                time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up

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


def test_refuses_a_body_that_declares_more_than_the_cap_before_reading_it(server):
    with pytest.raises(InputError, match=r"declares 5,000 bytes, over the limit of 1,000"):
        remote.fetch(f"{server}/big-declared", max_bytes=1000, allow_private=True)


def test_refuses_a_body_that_grows_past_the_cap_without_declaring_it(server):
    with pytest.raises(InputError, match=r"is over the limit of 1,000 bytes"):
        remote.fetch(f"{server}/big-unsized", max_bytes=1000, allow_private=True)
    assert remote.fetch(f"{server}/big-unsized", max_bytes=5000, allow_private=True) == b"z" * 5000


def test_a_body_cut_short_is_an_error_not_a_truncated_file(server):
    with pytest.raises(InputError, match="closed after 10 of 100 bytes"):
        remote.fetch(f"{server}/short", allow_private=True)


def test_times_out_waiting_for_the_headers(server):
    started = time.monotonic()
    with pytest.raises(InputError, match=r"no complete answer within 0.5 s"):
        remote.fetch(f"{server}/slow", timeout=0.5, allow_private=True)
    assert time.monotonic() - started < 1.5


def test_a_server_that_drips_bytes_is_held_to_the_deadline(server):
    """Each byte comes well within the timeout; the whole body would take 6 s."""
    started = time.monotonic()
    with pytest.raises(InputError, match=r"no complete answer within 1 s"):
        remote.fetch(f"{server}/drip", timeout=1, allow_private=True)
    assert time.monotonic() - started < 2


def test_the_deadline_covers_the_redirects_too(public, port):
    """A redirect answered at once, then a slow hop: the time of both counts."""
    started = time.monotonic()
    with pytest.raises(InputError, match=r"no complete answer within 1 s"):
        remote.fetch(redirect_url(port, f"http://public.test:{port}/drip"), timeout=1,
                     resolve=Resolver({"public.test": "127.0.0.2"}), is_public=plays_public)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("address", [
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::808:808", "::7f00:1", "::8.8.8.8", "::ffff:127.0.0.1",
    "::ffff:8.8.8.8", "::ffff:0:7f00:1", "::ffff:0:808:808", "2002:7f00:1::1", "2001:db8::1", "fe80::1",
    "fc00::1", "100.64.0.1", "198.18.0.1", "169.254.169.254", "0.1.2.3"])
def test_addresses_that_are_not_global_are_refused(address):
    assert not remote.is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"])
def test_global_addresses_pass(address):
    assert remote.is_public_address(ipaddress.ip_address(address))


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


# --- HTTPS, against a throwaway certificate authority ------------------------------------------------


@pytest.fixture(scope="module")
def authority():
    """A certificate authority of the tests' own (trustme), and a certificate for public.test from it."""
    import trustme

    ca = trustme.CA()
    return ca, ca.issue_cert("public.test")


@pytest.fixture(scope="module")
def https_port(authority):
    """An HTTPS server on 127.0.0.2 presenting the certificate for public.test."""
    import ssl

    _ca, certificate = authority
    httpd = http.server.ThreadingHTTPServer((str(PUBLIC), 0), Handler)
    httpd.name, httpd.requests = "secure", []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def trusting(authority, tmp_path, monkeypatch):
    """The system's trust store replaced by the tests' authority (OpenSSL reads SSL_CERT_FILE)."""
    ca, _certificate = authority
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))


def test_https_is_fetched_with_the_certificate_checked(https_port, trusting):
    assert fetch_as_public(f"https://public.test:{https_port}/name") == b"secure"


def test_https_from_an_untrusted_authority_is_refused(https_port):
    with pytest.raises(InputError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch_as_public(f"https://public.test:{https_port}/name")


def test_https_with_a_certificate_for_another_host_is_refused(https_port, trusting):
    with pytest.raises(InputError, match="CERTIFICATE_VERIFY_FAILED|doesn't match|mismatch"):
        fetch_as_public(f"https://other.test:{https_port}/name")


# --- --allow-remote through a whole render, from the command line ------------------------------------


@pytest.fixture
def public_hosts(monkeypatch):
    """public.test resolves to the public-playing server and passes the real checks, for the whole CLI."""
    real_check = remote.is_public_address
    monkeypatch.setattr(remote, "is_public_address", lambda address: address == PUBLIC or real_check(address))
    monkeypatch.setattr(remote, "resolve_host", Resolver({"public.test": "127.0.0.2"}))


def remote_article(tmp_path, port):
    """An article with a remote image that exists, one that is missing, and two with awkward URL names."""
    long_name = "a" * 300 + ".png"
    body = (f"![A blue box](http://public.test:{port}/box.png)\n\n"
            f"![A missing picture](http://public.test:{port}/missing)\n\n"
            f"![Dots](http://public.test:{port}/images/..)\n\n"
            f"![Long](http://public.test:{port}/{long_name})\n")
    return write_article(tmp_path / "remote", "---\ntitle: Remote\nlang: en\nlicence: CC0-1.0\n---\n\n" + body)


@pytest.mark.expected_logs(r"not available \(cannot fetch .*/missing': HTTP 404",
                           r"not available \(downloaded-image is not an image")
def test_allow_remote_puts_fetched_images_in_both_editions(tmp_path, public, port, public_hosts):
    from typer.testing import CliRunner

    from pressexport.cli import app

    article = remote_article(tmp_path, port)
    result = CliRunner().invoke(app, ["build", str(article), "--allow-remote", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
    assert result.output.count("warning:") == 2, result.output  # the 404 and the page that is not an image
    book = zipfile.ZipFile(tmp_path / "out" / "remote.epub")
    pictures = [name for name in book.namelist() if name.startswith("EPUB/images/") and "missing" not in name
                and "cover" not in name]
    assert len(pictures) == 1  # the box and the 300-character name are the same PNG
    assert Image.open(io.BytesIO(book.read(pictures[0]))).size == (24, 16)
    requested = [path for _host, path in public.requests]
    assert "/box.png" in requested and "/missing" in requested
    pdf = (tmp_path / "out" / "remote.pdf").read_bytes()
    assert pdf.count(b"/Subtype /Image") >= 2  # the box, the placeholders


@pytest.mark.expected_logs(r"not available \(remote; --allow-remote fetches it\)")
def test_without_allow_remote_nothing_is_fetched(tmp_path, public, port, public_hosts):
    from typer.testing import CliRunner

    from pressexport.cli import app

    article = remote_article(tmp_path, port)
    with connections() as seen:
        result = CliRunner().invoke(app, ["epub", str(article), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert seen == [] and public.requests == []
