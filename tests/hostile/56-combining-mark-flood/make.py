"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    zalgo = "a" + "\u0301\u0316\u0352\u0489\u035c" * 1000
    (folder / "article.md").write_text(
        f"---\ntitle: Zalgo\nlang: en\nlicence: CC-BY-4.0\n---\nBefore {zalgo} after.\n", encoding="utf-8")
