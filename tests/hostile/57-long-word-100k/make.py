"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    word = "abcdefghij" * 10_000
    (folder / "article.md").write_text(
        f"---\ntitle: Long word\nlang: en\nlicence: CC-BY-4.0\n---\nBefore {word} after.\n", encoding="utf-8")
