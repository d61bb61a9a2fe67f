"""Keep every reference inside the content root."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


def inside_root(base: Path, reference: str, root: Path) -> Path | None:
    """Resolve a relative reference from ``base``; None when it leaves ``root``.

    Symlinks are resolved first, so a link pointing out of the root is refused too.
    URLs with a scheme or a network location are never local files here.
    """
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    relative = unquote(parts.path)
    if relative.startswith("/") or "\\" in relative or "\x00" in relative:
        return None
    candidate = (base / relative).resolve()
    root = root.resolve()
    if candidate != root and root not in candidate.parents:
        return None
    return candidate
