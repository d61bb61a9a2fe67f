"""Remote fetches: only http(s), with a timeout and a size cap, against a real local server."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from pressexport import remote
from pressexport.errors import InputError


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/redirect-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        body = b"x" * (5000 if self.path == "/big" else 10)
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetches_a_small_body(server):
    assert remote.fetch(f"{server}/small", allow_private=True) == b"x" * 10


def test_refuses_a_body_over_the_cap(server):
    with pytest.raises(InputError, match="limit"):
        remote.fetch(f"{server}/big", max_bytes=1000, allow_private=True)


def test_times_out(server):
    with pytest.raises(InputError, match="cannot fetch"):
        remote.fetch(f"{server}/slow", timeout=0.5, allow_private=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/plain,hi"])
def test_refuses_other_schemes(url):
    with pytest.raises(InputError, match="only http and https"):
        remote.fetch(url)


def test_refuses_a_redirect_to_a_local_file(server):
    with pytest.raises(InputError, match="cannot fetch"):
        remote.fetch(f"{server}/redirect-file", allow_private=True)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.0.0.1", "169.254.169.254", "[::1]"])
def test_refuses_private_addresses_by_default(host):
    with pytest.raises(InputError, match="not a public address"):
        remote.fetch(f"http://{host}/x")
