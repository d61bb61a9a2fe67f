"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    description = "lorem ipsum " * 9000
    (folder / "article.md").write_text(
        f"---\ntitle: Huge\nlang: en\nlicence: CC-BY-4.0\ndescription: {description}\n---\nBody.\n",
        encoding="utf-8")
