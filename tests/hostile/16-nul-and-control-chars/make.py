"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    front = "---\ntitle: Control characters\nlang: en\nlicence: CC-BY-4.0\n---\n"
    body = ("Before\x00after, start\x01of heading, bell\x07, vertical\x0btab, escape\x1b[31mred.\n\n"
            "# Heading\x00with NUL\n")
    (folder / "article.md").write_bytes((front + body).encode("utf-8"))
