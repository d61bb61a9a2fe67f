"""Benchmarks of the batch (run by hand): throughput against pandoc, overhead against WeasyPrint alone, the
no-op run, the record's write cost and a worker's memory.

    .venv/bin/python bench/batch.py throughput [--articles 40]   # batch vs a shell loop of pandoc
    .venv/bin/python bench/batch.py overhead [--renders 20]      # per article vs WeasyPrint alone, warm
    .venv/bin/python bench/batch.py noop [--articles 1000]       # runs with nothing changed, failures present, touched
    .venv/bin/python bench/batch.py record                       # write cost per entry at 1,000 and 100,000
    .venv/bin/python bench/batch.py memory [--renders 200]       # a process's RSS over many renders

Every figure is measured side by side in the same run; pandoc is Debian's ``pandoc`` package, using the
virtualenv's WeasyPrint as its PDF engine, so both sides lay out with the same engine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEED = PROJECT / "content" / "russia-coronavirus-aid" / "article.md"


def archive(folder: Path, articles: int, *, images: bool = False) -> Path:
    """A generated archive (bench/archive.py) of seed-sized articles."""
    flags = ["--images"] if images else []
    subprocess.run([sys.executable, str(PROJECT / "bench" / "archive.py"), str(folder), "--articles", str(articles),
                    "--seed-only", *flags], check=True, stdout=subprocess.DEVNULL)
    return folder


def wall(command: list[str], **kwargs) -> float:
    """The wall time of one command (it must succeed, or exit 1 for articles that failed)."""
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[:3]} exited with {done.returncode}")
    return time.perf_counter() - started


def throughput(articles: int) -> None:
    """pressexport batch (PDF + EPUB, default jobs) against a shell loop of pandoc over the same articles; then
    the batch over three times as many, for its rate once started (what an archive of thousands sees)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        source = archive(Path(folder, "archive"), articles)
        files = sorted(source.rglob("article.md"))
        loop = ("set -e; for f in " + " ".join(f"'{f}'" for f in files) + "; do "
                f"pandoc \"$f\" --pdf-engine={BIN / 'weasyprint'} -o \"$f.pdf\"; pandoc \"$f\" -o \"$f.epub\"; done")
        pandoc = wall(["sh", "-c", loop])
        batch = wall([str(BIN / "pressexport"), "batch", str(source), "--out", str(Path(folder, "out")), "-q"])
        larger = archive(Path(folder, "larger"), 3 * articles)
        batch_larger = wall([str(BIN / "pressexport"), "batch", str(larger), "--out", str(Path(folder, "out3")), "-q"])
    per_article = (batch_larger - batch) / (2 * articles)  # the start-up cancels out
    print(f"{articles} seed-sized articles, PDF + EPUB, {os.cpu_count()} cores")
    print(f"  shell loop of pandoc:  {pandoc:7.1f} s  ({articles / pandoc:.2f} articles/s)")
    print(f"  pressexport batch:     {batch:7.1f} s  ({articles / batch:.2f} articles/s)")
    print(f"  throughput ratio:      {pandoc / batch:.1f}x pandoc's")
    print(f"  pressexport batch of {3 * articles}: {batch_larger:5.1f} s: {per_article:.3f} s an article once started, "
          f"{batch - articles * per_article:.1f} s of start-up")
    print(f"  throughput ratio once started: {pandoc / articles / per_article:.1f}x pandoc's")


def overhead(renders: int) -> None:
    """In one warm process: the batch's work per article (PDF only, and PDF + EPUB) against WeasyPrint
    alone laying out and writing the final HTML and CSS of the same article."""
    import weasyprint

    from pressexport.backends import load
    from pressexport.build import BuildOptions
    from pressexport.core import render_article
    from pressexport.sources.discover import plan
    from pressexport.diagnostics import collecting
    from pressexport.options import PdfOptions
    from pressexport.resources import styles_dir, use_shipped_fonts_only
    from pressexport.sources.article import load_article
    from pressexport.archive.workers import build_job

    use_shipped_fonts_only()
    pdf = load("pdf")
    load("epub")
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        options = {"pdf": BuildOptions(out_dir=Path(folder, "pdf"), formats=("pdf",)),
                   "pdf+epub": BuildOptions(out_dir=Path(folder, "both"))}
        job = plan([SEED], None, Path(folder))[0][0]
        with collecting():
            rendered = render_article(load_article(SEED))
            html = pdf.document_html(rendered, rendered.cover, frozenset())
            sheets = pdf.stylesheets(PdfOptions(), pdf.STANDARD)
        shared = pdf.engine(styles_dir())

        def weasyprint_alone() -> None:
            document = weasyprint.HTML(string=html, base_url=SEED.parent.as_uri() + "/",
                                       url_fetcher=pdf.document_fetcher(rendered, rendered.cover))
            document.write_pdf(stylesheets=sheets, font_config=shared.font_config)

        def batch_work(name: str):
            return lambda: build_job(job.__class__(job.path, job.root, options[name].out_dir, job.key, job.slug),
                                     options[name], 2048)

        tools = {"WeasyPrint alone": weasyprint_alone, "batch, PDF": batch_work("pdf"),
                 "batch, PDF + EPUB": batch_work("pdf+epub")}
        times = {name: [] for name in tools}
        for round_ in range(renders + 1):
            for name, work in tools.items():
                started = time.perf_counter()
                work()
                if round_:  # the first round warms every cache
                    times[name].append(time.perf_counter() - started)
    base = sorted(times["WeasyPrint alone"])[len(times["WeasyPrint alone"]) // 2]
    print(f"the seed, {renders} renders each, interleaved, median per render:")
    for name, values in times.items():
        median = sorted(values)[len(values) // 2]
        print(f"  {name:18} {median * 1000:7.1f} ms  {median / base:.2f}x WeasyPrint alone")


def noop(articles: int, failures: int = 10) -> None:
    """A batch over a generated archive, then the same batch again with nothing changed; then with
    ``failures`` articles broken (a no-op with failures present); then after every file was touched (its time
    changed, not its bytes), the run that reads them once and the no-op after it."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        source = archive(Path(folder, "archive"), articles, images=True)
        command = [str(BIN / "pressexport"), "batch", str(source), "--out", str(Path(folder, "out")), "-q"]
        first = wall(command)
        clean = min(wall(command), wall(command))
        for path in sorted(source.rglob("article.md"))[:failures]:
            path.write_text("---\ntitle: [unclosed\n---\n\nText.\n", encoding="utf-8")
        wall(command)  # they fail once
        failing = min(wall(command), wall(command))
        for path in source.rglob("*"):
            os.utime(path)
        touched = wall(command)
        after_touch = min(wall(command), wall(command))
    print(f"{articles} articles with images shared per issue, PDF + EPUB")
    print(f"  first run:                     {first:7.1f} s  ({articles / first:.2f} articles/s)")
    print(f"  nothing changed:               {clean:7.2f} s  (the process's start-up included)")
    print(f"  nothing changed, {failures} failing:    {failing:7.2f} s")
    print(f"  every file touched (read once): {touched:7.2f} s")
    print(f"  nothing changed after that:    {after_touch:7.2f} s")


def record_cost() -> None:
    """Write cost of one entry (one transaction) when the record holds 1,000 and 100,000 entries."""
    from pressexport.archive.record import Entry, Record

    entry = Entry("slug", "0" * 64, {f"issue/article-{n}/article.md": ["0" * 64, 4000, 1] for n in range(3)},
                  {"issue/slug.pdf": 100000, "issue/slug.epub": 50000}, (), 0.3)
    with tempfile.TemporaryDirectory(prefix="bench-") as folder, Record.open(Path(folder)) as record:
        count = 0
        for size in (1_000, 100_000):
            while count < size - 1000:
                record.put(f"filler/{count}/article.md", entry)
                count += 1
            started = time.perf_counter()
            for _ in range(1000):
                record.put(f"filler/{count}/article.md", entry)
                count += 1
            per_entry_ms = (time.perf_counter() - started) * 1000 / 1000  # 1000 entries, in milliseconds
            print(f"  at {size:>7,} entries: {per_entry_ms:.3f} ms per entry written")


def memory(renders: int) -> None:
    """One process building the seed (PDF + EPUB) over and over: its resident memory every 20 renders."""
    from pressexport.backends import load
    from pressexport.build import BuildOptions
    from pressexport.sources.discover import plan
    from pressexport.resources import use_shipped_fonts_only
    from pressexport.archive.workers import build_job

    use_shipped_fonts_only()
    load("pdf")
    load("epub")
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        options = BuildOptions(out_dir=Path(folder))
        job = plan([SEED], None, Path(folder))[0][0]
        for render in range(1, renders + 1):
            build_job(job, options, 2048)
            if render == 1 or render % 20 == 0:
                print(f"  after {render:4} renders: {resident_mib():6.1f} MiB resident")


def resident_mib() -> float:
    """This process's resident set size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["throughput", "overhead", "noop", "record", "memory"])
    parser.add_argument("--articles", type=int)
    parser.add_argument("--renders", type=int)
    args = parser.parse_args()
    if args.what == "throughput":
        throughput(args.articles or 40)
    elif args.what == "overhead":
        overhead(args.renders or 20)
    elif args.what == "noop":
        noop(args.articles or 1000)
    elif args.what == "record":
        record_cost()
    else:
        memory(args.renders or 200)


if __name__ == "__main__":
    main()
