"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    body = ">" * 3000 + " deep quote\n"
    (folder / "article.md").write_text("---\ntitle: Deep quotes\nlang: en\nlicence: CC-BY-4.0\n---\n" + body,
                                       encoding="utf-8")
