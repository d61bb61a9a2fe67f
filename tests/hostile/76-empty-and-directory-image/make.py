"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    (folder / "empty.png").write_bytes(b"")
    (folder / "folder.png").mkdir()
