"""Generates this case's inputs (kept out of git)."""

from pathlib import Path


def make(folder: Path) -> None:
    header = "| " + " | ".join(f"c{i}" for i in range(200)) + " |"
    rule = "|" + "---|" * 200
    rows = ["| " + " | ".join(f"r{r}c{i}" for i in range(200)) + " |" for r in range(5)]
    (folder / "article.md").write_text(
        "---\ntitle: Wide table\nlang: en\nlicence: CC-BY-4.0\n---\n" + "\n".join([header, rule, *rows]) + "\n",
        encoding="utf-8")
