"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    (folder / "my article é.md").write_text(
        "---\ntitle: Unicode name\nlang: fr\nlicence: CC-BY-4.0\n---\nCorps du texte.\n", encoding="utf-8")
