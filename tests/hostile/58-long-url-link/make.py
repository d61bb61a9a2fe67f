"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    url = "https://example.org/" + "a/" * 30_000
    (folder / "article.md").write_text(
        f"---\ntitle: Long URL\nlang: en\nlicence: CC-BY-4.0\n---\nA [long link]({url}) and <{url}>.\n",
        encoding="utf-8")
