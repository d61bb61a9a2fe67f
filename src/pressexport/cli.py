"""The ``pressexport`` command line: the only place that prints."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from .version import __version__
from .diagnostics import Diagnostic
from .errors import InputError, PressexportError
from .options import IMPORT_TIMEOUT, BatchOptions, BuildOptions
from .settings import with_values
from .resources import use_shipped_fonts_only
from .cli_options import (PlainUsage, Paths, Folder, Out, Root, BatchRoot, Size, Variant, AllowRemote, EmbedFonts,
                          Split, Quiet, Verbose, Force, Jobs, Timeout, MemoryLimit, Scheduler, ReportJson,
                          RendersPerWorker, Eco, EcoColumns, Links, EcoImageMode, Formats, Report, OUTPUT, BOTH, Sources,
                          ImportOut, Overwrite, FetchPages, NewFolder, PublicationName, PublicationLang,
                          PublicationLicence)

if TYPE_CHECKING:  # the engines load with the command that needs them, never at start-up
    from .build import BuildReport

T = TypeVar("T")

app = typer.Typer(
    help="Turn Markdown articles into print-ready PDFs and EPUBs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ECO_ONLY = {"eco_columns": "--eco-columns", "eco_images": "--eco-images"}


ONE_WAY_SWITCHES = ("allow_remote", "split")  # flags with no --no- form: off means not given


def given_settings(**values: object) -> dict[str, object]:
    """The settings (settings.py) given on the command line: those not left unset (None, or off for a switch
    that has no --no- form). --no-eco and --no-embed-fonts are given: they win over the config's true."""
    return {name: value for name, value in values.items()
            if value is not None and not (name in ONE_WAY_SWITCHES and value is False)}


def check_eco_options(given: dict[str, object], report: bool, paths: list[Path], root: Path | None) -> None:
    """The eco options need the eco edition (--eco, or eco: true in the publication's config): otherwise a
    usage error (exit 2) naming them."""
    named = [flag for name, flag in ECO_ONLY.items() if name in given] + (["--report"] if report else [])
    if named and not given.get("eco") and ("eco" in given or not eco_in_config(paths, root)):
        raise typer.BadParameter("only for the eco edition; add --eco", param_hint=named)


def eco_in_config(paths: list[Path], root: Path | None) -> bool:
    """Whether the publication config of any path given turns the eco edition on."""
    from .sources.discover import content_root
    from .sources.publication import publication_for

    for path in paths:
        folder = path if path.is_dir() else path.absolute().parent
        try:
            if publication_for(folder, content_root(path, root)).settings.get("eco"):
                return True
        except PressexportError:
            continue  # the build says what is wrong with it
    return False


@dataclass(frozen=True)
class Invocation:
    """One run of a command: what to build, how, and how much to print."""

    paths: list[Path]
    options: BuildOptions
    quiet: bool = False
    verbose: bool = False
    report: bool = False  # --report: both editions' figures, printed even when quiet


# --- from options to a run ----------------------------------------------------------------------------


def validated(make: Callable[..., T], **fields: object) -> T:
    """``make(**fields)``; invalid options print ``error: …`` and exit with 2."""
    try:
        return make(**fields)
    except InputError as exc:
        typer.echo(f"error: {exc.one_line()}", err=True)
        raise typer.Exit(2) from None


def chosen_formats(given: str) -> tuple[str, ...]:
    """``--formats pdf,epub`` as a tuple, in the order given (usage errors are said by BuildOptions)."""
    return tuple(dict.fromkeys(name.strip().lower() for name in given.split(",") if name.strip())) or BOTH


def build_options(formats: tuple[str, ...], out: Path, root: Path | None, given: dict[str, object]) -> BuildOptions:
    """The options of the whole build, checked once (usage errors exit with 2): the settings given on the
    command line win over the publication's config and front matter; the others are left to them."""
    options = validated(BuildOptions, out_dir=out, formats=formats, root=root, given=frozenset(given))
    return validated(lambda: with_values(options, given))


class LineHandler(logging.Handler):
    """Print each log record as one line on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "diagnostic"):
            return  # a render's diagnostics come back with its report and are printed from there
        level = "warning" if record.levelno == logging.WARNING else record.levelname.lower()
        typer.echo(f"{level}: {record.getMessage()}", err=True)


def setup_logging(invocation: Invocation) -> None:
    """Route the package's log records to stderr: errors only (--quiet), warnings, or notes too (--verbose)."""
    logger = logging.getLogger("pressexport")
    logger.handlers[:] = [LineHandler()]
    logger.setLevel(logging.INFO if invocation.verbose else logging.ERROR if invocation.quiet else logging.WARNING)
    logger.propagate = False


def run(invocation: Invocation) -> None:
    """Build, report and exit with 0 (all written) or 1 (some failed)."""
    from .build import build

    setup_logging(invocation)
    result = build(invocation.paths, invocation.options)
    print_diagnostics(result.diagnostics, invocation)
    print_written(result, invocation.quiet)
    print_failures(result, invocation.verbose)
    if result.failures and not invocation.quiet:
        from .archive.console import failures_summary

        if said := failures_summary(result):
            typer.echo(said, err=True)
    print_eco(result, invocation.quiet, invocation.report)
    raise typer.Exit(0 if result.ok else 1)


def run_batch(invocation: Invocation, run: BatchOptions, report_json: Path | None = None) -> None:
    """Build the archive with progress, report and exit with 0 (all written) or 1 (some failed)."""
    from .safety.atomic import write_atomic
    from .archive.batch import batch
    from .archive.console import BatchDisplay, batch_summary

    setup_logging(invocation)
    started = time.perf_counter()
    try:
        with BatchDisplay(invocation.quiet, invocation.verbose) as display:
            result = batch(invocation.paths[0], invocation.options, run, progress=display.article)
    except PressexportError as exc:  # the record cannot be opened, the cluster cannot be reached
        typer.echo(f"error: {exc.one_line()}", err=True)
        raise typer.Exit(1) from None
    seconds = time.perf_counter() - started
    print_diagnostics(result.skipped, invocation)
    print_failures(result, invocation.verbose)
    lines = batch_summary(result, seconds)
    for line in lines[: None if not invocation.quiet else 1]:
        typer.echo(line)
    if report_json is not None:
        try:
            write_atomic(report_json, json.dumps(result.as_dict(seconds), indent=1, ensure_ascii=False).encode())
        except PressexportError as exc:
            typer.echo(f"error: {exc.one_line()}", err=True)
            raise typer.Exit(1) from None
    print_eco(result, invocation.quiet, invocation.report)
    raise typer.Exit(0 if result.ok else 1)


# --- printing -----------------------------------------------------------------------------------------


def print_diagnostics(diagnostics: list[Diagnostic], invocation: Invocation) -> None:
    """One line per diagnostic: warnings unless --quiet, notes with --verbose."""
    for diagnostic in diagnostics:
        shown = diagnostic.severity == "warning" and not invocation.quiet or invocation.verbose
        if shown:
            typer.echo(f"{diagnostic.severity}: {diagnostic.one_line()}", err=True)


def print_written(report: BuildReport, quiet: bool) -> None:
    """One line per file written."""
    if not quiet:
        for path in report.written:
            typer.echo(f"wrote {path}")


def print_failures(report: BuildReport, verbose: bool) -> None:
    """One line per failure, each said once (a broken publication config fails every article under it with
    the same lines: they are counted, not repeated); with ``verbose``, the traceback of each internal error."""
    for failure, times in Counter(report.failures).items():
        typer.echo(f"error: {failure}", err=True)
        if times > 1:
            typer.echo(f"error: the same for {times - 1} more article{'s' if times > 2 else ''}", err=True)
    if verbose:
        for trace in report.tracebacks:
            typer.echo(trace.rstrip("\n"), err=True)


def print_eco(report: BuildReport, quiet: bool, details: bool) -> None:
    """Each eco edition's saving in one line; with ``details`` (--report, printed even when quiet) both
    editions' pages, sheets and toner; and for several articles the batch's total."""
    if quiet and not details:
        return
    for path, figures in report.eco.items():
        if details:
            typer.echo(f"{path}:")
            for line in figures.details():
                typer.echo(f"  {line}")
        else:
            typer.echo(f"{path}: {figures.summary()}")
    if len(report.eco) > 1:
        typer.echo(f"all {len(report.eco)} articles: {report.eco_total().summary()}")


# --- the commands -------------------------------------------------------------------------------------


@app.command("build", cls=PlainUsage, short_help="Write the PDF and EPUB editions of articles and issues.")
def build_command(paths: Paths, out: Out = OUTPUT, root: Root = None, formats: Formats = "pdf,epub",
                  page_size: Size = None, pdf_variant: Variant = None, links: Links = None, eco: Eco = None,
                  eco_columns: EcoColumns = None, eco_images: EcoImageMode = None, report: Report = False,
                  embed_fonts: EmbedFonts = None, allow_remote: AllowRemote = False, split: Split = False,
                  quiet: Quiet = False, verbose: Verbose = False) -> None:
    """Write the PDF and the EPUB edition of each article (and of each issue) into the output folder.
    Settings not given here come from the article's front matter, else the publication's pressexport.yaml."""
    use_shipped_fonts_only()
    given = given_settings(page_size=page_size, pdf_variant=pdf_variant, links=links, eco=eco,
                           eco_columns=eco_columns, eco_images=eco_images, embed_fonts=embed_fonts,
                           allow_remote=allow_remote, split=split)
    check_eco_options(given, report, paths, root)
    run(Invocation(paths, build_options(chosen_formats(formats), out, root, given), quiet, verbose, report))


@app.command("pdf", cls=PlainUsage, short_help="Write only the PDF editions (and, with --eco, the eco editions).")
def pdf_command(paths: Paths, out: Out = OUTPUT, root: Root = None, page_size: Size = None,
                pdf_variant: Variant = None, links: Links = None, eco: Eco = None, eco_columns: EcoColumns = None,
                eco_images: EcoImageMode = None, report: Report = False, allow_remote: AllowRemote = False,
                split: Split = False, quiet: Quiet = False, verbose: Verbose = False) -> None:
    """Write only the PDF edition of each article (with --eco, the eco edition beside it)."""
    use_shipped_fonts_only()
    given = given_settings(page_size=page_size, pdf_variant=pdf_variant, links=links, eco=eco,
                           eco_columns=eco_columns, eco_images=eco_images, allow_remote=allow_remote, split=split)
    check_eco_options(given, report, paths, root)
    run(Invocation(paths, build_options(("pdf",), out, root, given), quiet, verbose, report))


@app.command("batch", cls=PlainUsage, short_help="Build a whole archive in parallel, skipping what has not changed.")
def batch_command(folder: Folder, out: Out = OUTPUT, root: BatchRoot = None, formats: Formats = "pdf,epub",
                  page_size: Size = None, pdf_variant: Variant = None, links: Links = None, eco: Eco = None,
                  eco_columns: EcoColumns = None, eco_images: EcoImageMode = None, report: Report = False,
                  embed_fonts: EmbedFonts = None,
                  allow_remote: AllowRemote = False, split: Split = False, force: Force = False, jobs: Jobs = 0,
                  timeout: Timeout = BatchOptions.timeout, memory_limit: MemoryLimit = BatchOptions.memory_mb,
                  renders_per_worker: RendersPerWorker = BatchOptions.renders_per_worker,
                  scheduler: Scheduler = None, report_json: ReportJson = None, quiet: Quiet = False,
                  verbose: Verbose = False) -> None:
    """Build every article under FOLDER (PDF and EPUB) in parallel workers, with progress; articles unchanged
    since the last run (same source, images, styles, options and version) are skipped, and one bad, stuck or
    runaway article does not stop the rest. The content root is --root, else that of the last batch into the
    same --out when it holds FOLDER, else FOLDER."""
    use_shipped_fonts_only()
    if not folder.is_dir():
        typer.echo(f"error: {folder}: not a folder; give the folder that holds the articles", err=True)
        raise typer.Exit(2)
    given = given_settings(page_size=page_size, pdf_variant=pdf_variant, links=links, eco=eco,
                           eco_columns=eco_columns, eco_images=eco_images, embed_fonts=embed_fonts,
                           allow_remote=allow_remote, split=split)
    check_eco_options(given, report, [folder], root)
    options = build_options(chosen_formats(formats), out, root, given)
    run = validated(BatchOptions, jobs=jobs, timeout=timeout, memory_mb=memory_limit,
                    renders_per_worker=renders_per_worker, force=force, scheduler=scheduler)
    if scheduler is not None:
        check_dask_installed()
    if report_json is not None and report_json.is_dir():
        typer.echo(f"error: --report-json {report_json}: is a folder; give a file name, e.g. {report_json / 'report.json'}",
                   err=True)
        raise typer.Exit(2)
    run_batch(Invocation([folder], options, quiet, verbose, report), run, report_json)


@app.command("epub", cls=PlainUsage, short_help="Write only the EPUB editions.")
def epub_command(paths: Paths, out: Out = OUTPUT, root: Root = None, embed_fonts: EmbedFonts = None,
                 allow_remote: AllowRemote = False, split: Split = False, quiet: Quiet = False,
                 verbose: Verbose = False) -> None:
    """Write only the EPUB edition of each article (and of each issue)."""
    given = given_settings(embed_fonts=embed_fonts, allow_remote=allow_remote, split=split)
    run(Invocation(paths, build_options(("epub",), out, root, given), quiet, verbose))


@app.command("import", cls=PlainUsage, short_help="Turn web pages, WordPress exports and scraped texts into articles.")
def import_command(sources: Sources, out: ImportOut = Path("content"), force: Overwrite = False,
                   allow_remote: FetchPages = False, jobs: Jobs = 0, timeout: Timeout = IMPORT_TIMEOUT,
                   memory_limit: MemoryLimit = BatchOptions.memory_mb, quiet: Quiet = False) -> None:
    """Turn back issues that are not Markdown into articles: OUT/<slug>/article.md with front matter, one
    line per article (written, unchanged, skipped or failed). Exit 1 if any failed."""
    from .importers.sources import import_sources

    run = validated(BatchOptions, jobs=jobs, timeout=timeout, memory_mb=memory_limit)
    failed = 0
    for outcome in import_sources(sources, out, force=force, allow_remote=allow_remote, run=run):
        failed += outcome.failed
        if outcome.failed:
            typer.echo(f"error: {outcome.line()}", err=True)
        elif not quiet:
            typer.echo(outcome.line())
    if failed:
        raise typer.Exit(1)


@app.command("init", cls=PlainUsage, short_help="Start a publication: its config, house style and a sample article.")
def init_command(folder: NewFolder, name: PublicationName = "My Magazine", lang: PublicationLang = "en",
                 licence: PublicationLicence = "CC-BY-4.0", page_size: Size = None) -> None:
    """Make FOLDER a publication: pressexport.yaml (what every article shares), styles/house.css (the
    publication's own look, its hooks shown in comments) and a sample article, then say what to run next."""
    from .scaffold import HOUSE, SAMPLE, NewPublication, scaffold

    wanted = NewPublication(name, lang, licence, page_size.value if page_size else "a4")
    try:
        written = scaffold(folder, wanted)
    except PressexportError as exc:
        typer.echo(f"error: {exc.one_line()}", err=True)
        raise typer.Exit(2 if isinstance(exc, InputError) else 1) from None
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"\nNext:\n  pressexport build {folder} --out {folder / 'output'}   # the sample's PDF and EPUB\n"
               f"  then edit {folder / HOUSE} and build again; add articles under {folder / SAMPLE.parent.parent}/")


def check_dask_installed() -> None:
    """--scheduler needs the dask extra: without it, say how to install it (exit 2)."""
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        typer.echo("error: --scheduler needs Dask's distributed package; install pressexport[dask]", err=True)
        raise typer.Exit(2)


def version_callback(value: bool) -> None:
    """--version: print the version and exit."""
    if value:
        typer.echo(f"pressexport {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                               help="Show the version and exit.")] = False) -> None:
    """Turn Markdown articles into print-ready PDFs and EPUBs."""


def entry_point() -> None:
    """Console-script entry: Typer's usage errors exit with 2."""
    sys.exit(app())


if __name__ == "__main__":
    entry_point()
