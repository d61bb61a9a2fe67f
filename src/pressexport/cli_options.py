"""The command line's arguments and options, declared once (each command of ``cli.py`` lists the ones it
takes), and the usage line's form."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperCommand

from .options import BatchOptions, EcoImages, LinkStyle, PageSize, PdfVariant
from .settings import BY_NAME as SETTING
from .settings import CONFIG, FRONT_MATTER


class PlainUsage(TyperCommand):
    """Usage lines as command lines are documented (``ARTICLE_OR_FOLDER...``): recent Typer versions wrap a
    required argument in braces (``{paths}...``), which reads like shell brace expansion."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [re.sub(r"\{([^{}]*)\}", r"\1", piece) for piece in super().collect_usage_pieces(ctx)]


Paths = Annotated[list[Path], typer.Argument(help="Markdown files, or folders to search for them.",
                                             metavar="ARTICLE_OR_FOLDER...", show_default=False)]
Folder = Annotated[Path, typer.Argument(help="The archive: a folder of articles.", metavar="FOLDER",
                                        show_default=False)]
Out = Annotated[Path, typer.Option("--out", "-o", help="Folder to write the editions into.")]
Root = Annotated[Optional[Path], typer.Option(
    "--root", help="Content root: nothing outside it is read. Default: the folder of the publication's "
                   "pressexport.yaml above the path given, else the folder given, or the article's folder.")]
BatchRoot = Annotated[Optional[Path], typer.Option(
    "--root", help="Content root: nothing outside it is read. Default: the root of the last batch into the same "
                   "--out when it holds FOLDER (one issue rebuilt with the archive's shared files), else the folder of "
                   "the publication's pressexport.yaml above FOLDER, else FOLDER.")]

WHERE_SET = ((FRONT_MATTER, "the article's front matter"), (CONFIG, "the publication's pressexport.yaml"))


def setting_help(name: str, default: str) -> str:
    """A setting's help as settings.py declares it, and where its value comes from when the flag is absent."""
    setting = SETTING[name]
    sources = [said for place, said in WHERE_SET if place in setting.places]
    return f"{setting.help} Default: {', else '.join([*sources, default])}."


Size = Annotated[Optional[PageSize], typer.Option(
    "--page-size", case_sensitive=False, show_default=False, help=setting_help("page_size", "a4"))]
Variant = Annotated[Optional[PdfVariant], typer.Option(
    "--pdf-variant", case_sensitive=False, show_default=False, help=setting_help("pdf_variant", "a plain PDF"))]
Links = Annotated[Optional[LinkStyle], typer.Option(
    "--links", case_sensitive=False, show_default=False, help=setting_help("links", "notes"))]
AllowRemote = Annotated[bool, typer.Option(
    "--allow-remote", help="Fetch http(s) images (10 s timeout, 20 MB cap, public addresses only). "
                           "Off by default: nothing is fetched from the network.")]
EmbedFonts = Annotated[Optional[bool], typer.Option(
    "--embed-fonts/--no-embed-fonts", show_default=False,
    help=setting_help("embed_fonts", "not"))]
Split = Annotated[bool, typer.Option(
    "--split", help="An issue folder (with an issue.yaml) gives one edition of the whole issue in each format; "
                    "--split also writes each of its articles on its own.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]
Verbose = Annotated[bool, typer.Option(
    "--verbose", "-v", help="Print progress notes too, and the traceback of an internal error.")]
Force = Annotated[bool, typer.Option("--force", help="Rebuild articles that have not changed.")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes (0: one per core).")]
Timeout = Annotated[float, typer.Option(
    "--timeout", min=1, help="Seconds one article may take; then its worker is stopped and the article fails.")]
MemoryLimit = Annotated[int, typer.Option(
    "--memory-limit", min=256, help="Each worker's memory ceiling in MiB; an article that needs more fails.")]
Scheduler = Annotated[Optional[str], typer.Option(
    "--scheduler", help="Run on a Dask distributed cluster, e.g. tcp://host:8786 (the dask extra); the workers get "
                        "each article's files through the scheduler and need not see the archive.")]
ReportJson = Annotated[Optional[Path], typer.Option(
    "--report-json", help="Also write the batch's report (built, unchanged, failed, warnings) to this JSON file.")]
RendersPerWorker = Annotated[int, typer.Option(
    "--renders-per-worker", min=1, help="Replace a worker after this many articles, so memory stays flat.")]
Eco = Annotated[Optional[bool], typer.Option(
    "--eco/--no-eco", show_default=False,
    help=setting_help("eco", "not").replace(" Default", " The standard <slug>.pdf is written too: the eco "
                                            "edition's note compares the two. Default"))]
EcoColumns = Annotated[Optional[int], typer.Option(
    "--eco-columns", min=1, max=2, show_default=False,
    help=setting_help("eco_columns", "2, so lines of its small type stay short"))]
EcoImageMode = Annotated[Optional[EcoImages], typer.Option(
    "--eco-images", case_sensitive=False, show_default=False,
    help=setting_help("eco_images", "grey"))]
Formats = Annotated[str, typer.Option(
    "--formats", metavar="pdf,epub", help="The editions to write: pdf, epub or both, comma-separated.")]
Report = Annotated[bool, typer.Option(
    "--report", help="With --eco: print the pages, sheets and toner of both editions, measured on the files.")]

OUTPUT = Path("output")
BOTH = ("pdf", "epub")



Sources = Annotated[list[str], typer.Argument(
    help="Scraped texts (.txt), web pages (.html, .htm) or folders of them, WordPress exports (.xml), "
         "or http(s) addresses of pages (with --allow-remote).", metavar="SOURCE...", show_default=False)]
ImportOut = Annotated[Path, typer.Option("--out", "-o", help="Folder to write <slug>/article.md into.")]
Overwrite = Annotated[bool, typer.Option("--force", help="Overwrite articles that exist and differ (edited).")]
FetchPages = Annotated[bool, typer.Option(
    "--allow-remote", help="Fetch the pages given as http(s) addresses (10 s timeout, 20 MB cap, public "
                           "addresses only). Off by default: nothing is fetched from the network.")]

NewFolder = Annotated[Path, typer.Argument(help="The publication's folder (made if missing; must not hold one yet).",
                                           metavar="FOLDER", show_default=False)]
PublicationName = Annotated[str, typer.Option("--name", help="The publication's name, as the editions print it.")]
PublicationLang = Annotated[str, typer.Option("--lang", help="The articles' language (a BCP 47 tag: en, fr, pt-BR).")]
PublicationLicence = Annotated[str, typer.Option(
    "--licence", "--license", help="The articles' licence: an SPDX id (CC-BY-4.0, CC0-1.0) or a creativecommons.org URL.")]
