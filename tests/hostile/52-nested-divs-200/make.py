"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    body = "<div>" * 200 + "deep" + "</div>" * 200 + "\n"
    (folder / "article.md").write_text("---\ntitle: Deep divs\nlang: en\nlicence: CC-BY-4.0\n---\n" + body,
                                       encoding="utf-8")
