"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    text = b"---\ntitle: Caf\xc3\xa9\nlang: fr\nlicence: CC-BY-4.0\n---\nLe caf\xe9 est servi.\n"
    (folder / "article.md").write_bytes(text)
