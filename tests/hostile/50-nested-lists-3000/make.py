"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    lines = ["---", "title: Deep lists", "lang: en", "licence: CC-BY-4.0", "---", ""]
    lines += ["\t" * depth + "- item" for depth in range(500)]  # under the size limit: the depth check answers
    (folder / "article.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
