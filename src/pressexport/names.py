"""The one way pressexport makes a name unique: ``name``, else ``name-2``, ``name-3``… (ids, slugs, image
files, related-reading ids)."""

from __future__ import annotations

from collections.abc import Container
from pathlib import PurePosixPath


def first_free(stem: str, taken: Container[str], suffix: str = "") -> str:
    """``stem + suffix``, or the first of ``stem-2 + suffix``, ``stem-3 + suffix``… not in ``taken``."""
    candidate, number = stem + suffix, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}{suffix}", number + 1
    return candidate


def free_file_name(name: str, taken: Container[str]) -> str:
    """A file name not in ``taken``, numbered before its extension (photo.jpg → photo-2.jpg)."""
    path = PurePosixPath(name)
    return first_free(path.stem, taken, path.suffix) if name in taken else name
