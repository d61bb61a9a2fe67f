"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    deep = "[" * 5000 + "]" * 5000
    (folder / "article.md").write_text(
        f"---\ntitle: Deep YAML\nlang: en\nlicence: CC-BY-4.0\ntags: {deep}\n---\nBody.\n", encoding="utf-8")
