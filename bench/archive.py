"""A synthetic archive for the batch benchmarks: N articles in issue folders, from the seed and the corpus.

    .venv/bin/python bench/archive.py OUT --articles 1000 [--per-issue 20] [--images] [--seed-only]

Articles are laid out as an archivist's back issues (``year-2019/issue-03/<slug>/article.md``), each a
copy of the seed or of a corpus article under its own title and slug, so every one renders differently.
With ``--images`` each issue gets a folder of images that its articles use (a flat shared folder: the
no-op run must not read every image for every article); with ``--seed-only`` every article is the seed's
size (the throughput comparison with pandoc).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

from PIL import Image

PROJECT = Path(__file__).resolve().parents[1]
SEED = PROJECT / "content" / "russia-coronavirus-aid" / "article.md"
CORPUS = sorted(p for p in (PROJECT / "tests" / "corpus").glob("*.md") if p.name != "SOURCES.md")


def retitled(text: str, number: int) -> str:
    """The article with a title of its own (front matter's, or a first heading), so every edition differs."""
    if text.startswith("---\n") and re.search(r"^title:", text, flags=re.MULTILINE):
        return re.sub(r"^title:.*$", f"title: 'Article {number}'", text, count=1, flags=re.MULTILINE)
    return f"---\ntitle: 'Article {number}'\n---\n\n{text}"


def with_image(text: str, issue_images: list[str], rng: random.Random) -> str:
    """The article with one of its issue's shared images added at the end."""
    return text.rstrip("\n") + f"\n\n![A picture from the issue](../images/{rng.choice(issue_images)})\n"


def make_images(folder: Path, count: int, rng: random.Random) -> list[str]:
    """``count`` small JPEG photos (noise, so they compress like photos) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(count):
        name = f"photo-{index:03}.jpg"
        Image.effect_noise((640, 400), 40 + rng.randrange(40)).convert("RGB").save(folder / name, quality=80)
        names.append(name)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--per-issue", type=int, default=20)
    parser.add_argument("--images", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()
    rng = random.Random(2020)
    sources = [SEED.read_text(encoding="utf-8")] + ([] if args.seed_only else
                                                    [p.read_text(encoding="utf-8") for p in CORPUS])
    if args.out.exists():
        shutil.rmtree(args.out)
    images: list[str] = []
    for number in range(args.articles):
        issue = args.out / f"year-{2000 + number // (args.per_issue * 12)}" / f"issue-{number // args.per_issue % 12 + 1:02}"
        if number % args.per_issue == 0 and args.images:
            images = make_images(issue / "images", max(2, args.per_issue // 2), rng)
        text = retitled(sources[number % len(sources)], number)
        if args.images:
            text = with_image(text, images, rng)
        folder = issue / f"article-{number:05}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "article.md").write_text(text, encoding="utf-8")
    print(f"{args.articles} articles in {args.out}")


if __name__ == "__main__":
    main()
