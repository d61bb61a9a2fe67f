"""Generates this case's inputs (kept out of git)."""

from pathlib import Path

def make(folder: Path) -> None:
    text = ("---\ntitle: Control characters\nlang: en\nlicence: CC-BY-4.0\n---\n"
            "Before\x00after, bell\x07, vertical\x0btab, escape\x1b[31mred.\n\n"
            "References: &#0; &#x1; &#x0B; &#xFFFE; &#xD800; &#x110000; end.\n")
    (folder / "article.md").write_bytes(text.encode("utf-8"))
