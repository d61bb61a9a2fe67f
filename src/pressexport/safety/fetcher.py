"""A resource fetcher that serves only the edition's assets, the content root and the styles folder."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..model import Asset
from ..diagnostics import warn

log = logging.getLogger(__name__)

# Documents are laid out against this base, not the content root's own address: WeasyPrint names an image in
# the PDF after its URL, so a root's place on disk (another working copy, a cluster worker's temporary
# folder) would otherwise change the bytes. The fetcher maps it back to the root.
CONTENT_HOST = "content"
CONTENT_BASE = f"file://{CONTENT_HOST}/"


class SandboxFetcher(URLFetcher):
    """Serves in-memory assets and files under the allowed folders; refuses everything else.

    Refusals are logged as warnings naming the document and the reference, and rendering goes on.
    """

    def __init__(self, *, allowed: list[Path], assets: dict[str, Asset], asset_base: Path, document: str):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.allowed = [folder.resolve() for folder in allowed]
        self.base = asset_base
        self.assets = {(asset_base / name).resolve(): asset for name, asset in assets.items()}
        self.document = document

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return the resource, or raise ValueError (WeasyPrint then skips it)."""
        path = self.local_path(url)
        if path in self.assets:
            asset = self.assets[path]
            return URLFetcherResponse(url, asset.data, {"Content-Type": asset.media_type})
        if path is None or not self.is_allowed(path):
            warn("fetch-refused", self.document, f"refused to fetch '{url}' (outside the content root and styles)")
            raise ValueError(f"refused: {url}")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})

    def local_path(self, url: str) -> Path | None:
        """The resolved file path of a file: URL (symlinks followed; ``CONTENT_BASE`` is the asset base), or
        None for other schemes and hosts."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost", CONTENT_HOST):
            return None
        # url2pathname already unquotes: decoding again would turn a file named a%41.png into aA.png.
        path = url2pathname(parts.path)
        return (self.base / path.lstrip("/") if parts.netloc == CONTENT_HOST else Path(path)).resolve()

    def is_allowed(self, path: Path) -> bool:
        """True when the file lies inside one of the allowed folders."""
        return path.is_file() and any(folder == path or folder in path.parents for folder in self.allowed)
