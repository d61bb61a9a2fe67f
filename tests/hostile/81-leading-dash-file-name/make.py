"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    (folder / "-rf.md").write_text(
        "---\ntitle: Dash\nlang: en\nlicence: CC-BY-4.0\n---\nBody.\n", encoding="utf-8")
