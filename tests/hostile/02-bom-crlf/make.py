"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    lines = ["---", "title: BOM and CRLF", "lang: en", "licence: CC-BY-4.0", "---", "",
             "# A heading", "", "First paragraph.", "", "- one", "- two", ""]
    (folder / "article.md").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
