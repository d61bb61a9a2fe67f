"""The WeasyPrint resource sandbox: real files in a temporary folder, fetched through file: URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressexport.safety.fetcher import SandboxFetcher
from pressexport.model import Asset

# Every refusal is logged as a warning naming the document: that is the behaviour under test.
pytestmark = pytest.mark.expected_logs(r"refused to fetch")


def sandbox(root: Path, assets: dict[str, Asset] | None = None) -> SandboxFetcher:
    """A fetcher allowed to serve only ``root``, with optional in-memory assets beside it."""
    return SandboxFetcher(allowed=[root], assets=assets or {}, asset_base=root, document="article.md")


def file_url(path: Path) -> str:
    """The file: URL of ``path`` exactly as written, without any extra quoting."""
    return f"file://{path}"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An allowed folder, with a sibling folder the fetcher must never serve."""
    folder = tmp_path / "root"
    folder.mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_bytes(b"secret")
    return folder


def test_serves_a_file_under_the_root(root: Path):
    (root / "images").mkdir()
    (root / "images" / "a.png").write_bytes(b"png bytes")
    response = sandbox(root).fetch(file_url(root / "images" / "a.png"))
    assert response.read() == b"png bytes"
    assert response.headers["Content-Type"] == "image/png"


def test_serves_an_in_memory_asset(root: Path):
    asset = Asset(name="images/cover.png", media_type="image/png", data=b"cover", alt="")
    response = sandbox(root, {"images/cover.png": asset}).fetch(file_url(root / "images" / "cover.png"))
    assert response.read() == b"cover"


def test_a_percent_escape_is_decoded_once(root: Path):
    """``%2541`` means a literal ``%41`` in the file name, never the letter A."""
    (root / "a%41.png").write_bytes(b"literal percent")
    (root / "aA.png").write_bytes(b"decoded twice")
    response = sandbox(root).fetch(file_url(root / "a%2541.png"))
    assert response.read() == b"literal percent"


def test_a_doubly_encoded_name_does_not_reach_the_decoded_file(root: Path):
    """With only ``aA.png`` on disk, ``a%2541.png`` names a missing file and is refused."""
    (root / "aA.png").write_bytes(b"decoded twice")
    with pytest.raises(ValueError, match="refused"):
        sandbox(root).fetch(file_url(root / "a%2541.png"))


def test_an_escaped_name_is_still_served(root: Path):
    (root / "my image.png").write_bytes(b"spaced")
    assert sandbox(root).fetch(file_url(root / "my%20image.png")).read() == b"spaced"


@pytest.mark.parametrize("reference", ["../outside/secret.txt", "..%2Foutside%2Fsecret.txt",
                                       "%2E%2E/outside/secret.txt"])
def test_refuses_a_file_outside_the_root(root: Path, reference: str, caplog):
    with pytest.raises(ValueError, match="refused"):
        sandbox(root).fetch(f"file://{root}/{reference}")
    assert "refused to fetch" in caplog.text and "article.md" in caplog.text


def test_refuses_an_absolute_path_outside_the_root(root: Path):
    with pytest.raises(ValueError, match="refused"):
        sandbox(root).fetch(file_url(root.parent / "outside" / "secret.txt"))


def test_refuses_a_symlink_that_escapes_the_root(root: Path):
    link = root / "innocent.png"
    link.symlink_to(root.parent / "outside" / "secret.txt")
    with pytest.raises(ValueError, match="refused"):
        sandbox(root).fetch(file_url(link))


def test_refuses_a_symlinked_folder_that_escapes_the_root(root: Path):
    (root / "images").symlink_to(root.parent / "outside", target_is_directory=True)
    with pytest.raises(ValueError, match="refused"):
        sandbox(root).fetch(file_url(root / "images" / "secret.txt"))


def test_serves_a_symlink_that_stays_inside_the_root(root: Path):
    (root / "real.png").write_bytes(b"real")
    (root / "alias.png").symlink_to(root / "real.png")
    assert sandbox(root).fetch(file_url(root / "alias.png")).read() == b"real"


def test_refuses_a_folder_under_the_root(root: Path):
    (root / "images").mkdir()
    with pytest.raises(ValueError, match="refused"):
        sandbox(root).fetch(file_url(root / "images"))


@pytest.mark.parametrize("url", ["http://127.0.0.1/a.png", "data:text/plain,hi", "file://example.org/etc/passwd"])
def test_refuses_other_schemes_and_remote_file_hosts(root: Path, url: str):
    with pytest.raises(ValueError, match="refused"):
        sandbox(root).fetch(url)
