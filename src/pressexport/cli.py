"""The ``pressexport`` command line: the only place that prints."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .options import ECO_COLUMNS as COLUMNS, EcoImages, EpubOptions, PageSize, PdfOptions, PdfVariant
from .batch import batch
from .build import BuildOptions, BuildReport, build

PAGE_SIZES = [size.value for size in PageSize]
VARIANTS = [variant.value for variant in PdfVariant]
IMAGE_MODES = [mode.value for mode in EcoImages]

app = typer.Typer(
    help="Turn Markdown articles into print-ready PDFs and EPUBs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Paths = Annotated[list[Path], typer.Argument(help="Markdown files, or folders to search for them.",
                                             show_default=False)]
Out = Annotated[Path, typer.Option("--out", "-o", help="Folder to write the editions into.")]
Root = Annotated[Optional[Path], typer.Option(
    "--root", help="Content root: nothing outside it is read. Default: the folder given, or the article's folder.")]
PageSize = Annotated[str, typer.Option("--page-size", help=f"PDF page size: {', '.join(PAGE_SIZES)}.")]
Variant = Annotated[Optional[str], typer.Option(
    "--pdf-variant", help="pdf/ua-1: tagged, accessible PDF (images carry alt text); "
                          "pdf/a-3b: archival PDF that embeds the Markdown source.")]
AllowRemote = Annotated[bool, typer.Option(
    "--allow-remote", help="Fetch http(s) images (10 s timeout, 20 MB cap, public addresses only). "
                           "Off by default: nothing is fetched from the network.")]
EmbedFonts = Annotated[bool, typer.Option(
    "--embed-fonts", help="Embed the shipped OFL fonts in the EPUB (unobfuscated, with their licence).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]
Eco = Annotated[bool, typer.Option(
    "--eco", help="Also write the eco edition, <slug>.eco.pdf: every word, less paper and toner "
                  "(the standard <slug>.pdf is written too: the eco edition's note compares the two).")]
EcoColumns = Annotated[Optional[int], typer.Option(
    "--eco-columns", help="Eco edition: 1 or 2 columns (default 1; 2 gives shorter lines).", show_default=False)]
EcoImages = Annotated[Optional[str], typer.Option(
    "--eco-images", help=f"Eco edition images: {' or '.join(IMAGE_MODES)} (greyscale and reduced, or dropped "
                         "with their captions and credits kept; default grey).", show_default=False)]
Report = Annotated[bool, typer.Option(
    "--report", help="With --eco: print the pages, sheets and toner of both editions, measured on the files.")]


@dataclass(frozen=True)
class EcoChoice:
    """The eco options as given on the command line."""

    eco: bool = False
    columns: int | None = None
    images: str | None = None
    report: bool = False


class LineHandler(logging.Handler):
    """Print each warning as one line on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        level = "warning" if record.levelno == logging.WARNING else record.levelname.lower()
        typer.echo(f"{level}: {record.getMessage()}", err=True)


def setup_logging(quiet: bool) -> None:
    """Route the package's log records to stderr, once."""
    logger = logging.getLogger("pressexport")
    logger.handlers[:] = [LineHandler()]
    logger.setLevel(logging.ERROR if quiet else logging.WARNING)
    logger.propagate = False


def run(paths: list[Path], formats: tuple[str, ...], out: Path, root: Path | None, page_size: str,
        quiet: bool, variant: str | None = None, eco: EcoChoice = EcoChoice(), embed_fonts: bool = False,
        allow_remote: bool = False) -> None:
    """Build, report and exit with 0 (all written), 1 (some failed) or 2 (usage error)."""
    options = build_options(formats, out, root, page_size, quiet, variant, eco, embed_fonts, allow_remote)
    report = build(paths, options)
    print_report(report, quiet)
    print_eco(report, quiet, eco.report)
    raise typer.Exit(0 if report.ok else 1)


def build_options(formats: tuple[str, ...], out: Path, root: Path | None, page_size: str, quiet: bool,
                  variant: str | None, eco: EcoChoice, embed_fonts: bool, allow_remote: bool) -> BuildOptions:
    """Check the options (usage errors exit with 2) and turn them into BuildOptions."""
    setup_logging(quiet)
    if page_size.lower() not in PAGE_SIZES:
        typer.echo(f"error: unknown page size '{page_size}'; use one of {', '.join(PAGE_SIZES)}", err=True)
        raise typer.Exit(2)
    if variant is not None and variant.lower() not in VARIANTS:
        typer.echo(f"error: unknown PDF variant '{variant}'; use one of {', '.join(VARIANTS)}", err=True)
        raise typer.Exit(2)
    check_eco(eco)
    pdf = PdfOptions(page_size=page_size.lower(), variant=variant.lower() if variant else None, eco=eco.eco,
                     eco_columns=eco.columns or 1, eco_images=(eco.images or "grey").lower())
    return BuildOptions(out_dir=out, formats=formats, root=root, pdf=pdf, epub=EpubOptions(embed_fonts=embed_fonts),
                        allow_remote=allow_remote)


def check_eco(eco: EcoChoice) -> None:
    """Eco options need --eco and known values; otherwise a usage error (exit 2)."""
    given = [name for name, value in (("--eco-columns", eco.columns), ("--eco-images", eco.images),
                                      ("--report", eco.report or None)) if value is not None]
    if given and not eco.eco:
        typer.echo(f"error: {', '.join(given)} applies to the eco edition; add --eco", err=True)
        raise typer.Exit(2)
    if eco.columns is not None and eco.columns not in COLUMNS:
        typer.echo(f"error: unknown eco column count '{eco.columns}'; use 1 or 2", err=True)
        raise typer.Exit(2)
    if eco.images is not None and eco.images.lower() not in IMAGE_MODES:
        typer.echo(f"error: unknown eco image mode '{eco.images}'; use one of {', '.join(IMAGE_MODES)}", err=True)
        raise typer.Exit(2)


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


def print_report(report: BuildReport, quiet: bool) -> None:
    """One line per file written and per failure."""
    if not quiet:
        for path in report.written:
            typer.echo(f"wrote {path}")
    for failure in report.failures:
        typer.echo(f"error: {failure}", err=True)
    if report.failures and not quiet:
        typer.echo(f"{len(report.failures)} article(s) failed, {len(report.written)} file(s) written", err=True)


@app.command("build")
def build_command(paths: Paths, out: Out = Path("output"), root: Root = None, page_size: PageSize = "a4",
                  pdf_variant: Variant = None, eco: Eco = False, eco_columns: EcoColumns = None,
                  eco_images: EcoImages = None, report: Report = False, embed_fonts: EmbedFonts = False,
                  allow_remote: AllowRemote = False, quiet: Quiet = False) -> None:
    """Write the PDF and the EPUB edition of each article into the output folder."""
    run(paths, ("pdf", "epub"), out, root, page_size, quiet, pdf_variant,
        EcoChoice(eco, eco_columns, eco_images, report), embed_fonts, allow_remote)


@app.command("pdf")
def pdf_command(paths: Paths, out: Out = Path("output"), root: Root = None, page_size: PageSize = "a4",
                pdf_variant: Variant = None, eco: Eco = False, eco_columns: EcoColumns = None,
                eco_images: EcoImages = None, report: Report = False, allow_remote: AllowRemote = False,
                quiet: Quiet = False) -> None:
    """Write only the PDF edition of each article (with --eco, the eco edition beside it)."""
    run(paths, ("pdf",), out, root, page_size, quiet, pdf_variant, EcoChoice(eco, eco_columns, eco_images, report),
        allow_remote=allow_remote)


@app.command("batch")
def batch_command(folder: Annotated[Path, typer.Argument(help="The archive: a folder of articles.", show_default=False)],
                  out: Out = Path("output"), page_size: PageSize = "a4", pdf_variant: Variant = None,
                  eco: Eco = False, eco_columns: EcoColumns = None, eco_images: EcoImages = None,
                  report: Report = False, embed_fonts: EmbedFonts = False, allow_remote: AllowRemote = False,
                  force: Annotated[bool, typer.Option("--force", help="Rebuild articles that have not changed.")] = False,
                  quiet: Quiet = False) -> None:
    """Build every article under FOLDER (PDF and EPUB), with progress; articles unchanged since the last run
    (same source, images, styles, options and version) are skipped, and one bad article does not stop the rest."""
    if not folder.is_dir():
        typer.echo(f"error: {folder}: not a folder; give the folder that holds the articles", err=True)
        raise typer.Exit(2)
    choice = EcoChoice(eco, eco_columns, eco_images, report)
    options = build_options(("pdf", "epub"), out, folder, page_size, quiet, pdf_variant, choice, embed_fonts,
                            allow_remote)

    def progress(index: int, total: int, path: Path, status: str) -> None:
        if not quiet or status == "failed":
            typer.echo(f"[{index}/{total}] {status:9} {path}", err=True)

    result = batch(folder, options, force=force, progress=progress)
    for failure in result.failures:
        typer.echo(f"error: {failure}", err=True)
    typer.echo(f"{len(result.written)} file(s) written, {len(result.unchanged)} article(s) unchanged, "
               f"{len(result.failures)} failed")
    print_eco(result, quiet, choice.report)
    raise typer.Exit(0 if result.ok else 1)


@app.command("epub")
def epub_command(paths: Paths, out: Out = Path("output"), root: Root = None, embed_fonts: EmbedFonts = False,
                 allow_remote: AllowRemote = False, quiet: Quiet = False) -> None:
    """Write only the EPUB edition of each article."""
    run(paths, ("epub",), out, root, "a4", quiet, embed_fonts=embed_fonts, allow_remote=allow_remote)


def version_callback(value: bool) -> None:
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
