"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    title = " ".join(["Supercalifragilistic"] * 150)
    (folder / "article.md").write_text(
        f"---\ntitle: {title}\nlang: en\nlicence: CC-BY-4.0\n---\nBody.\n", encoding="utf-8")
