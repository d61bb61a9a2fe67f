"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    paragraph = ("All work and no play makes Jack a dull boy. " * 20).strip() + "\n\n"
    count = 20 * 2**20 // len(paragraph)
    with open(folder / "article.md", "w", encoding="utf-8") as out:
        out.write("---\ntitle: Twenty megabytes\nlang: en\nlicence: CC-BY-4.0\n---\n")
        for _ in range(count):
            out.write(paragraph)
