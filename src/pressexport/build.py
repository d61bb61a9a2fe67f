"""The flat orchestrator: read → render → write, for one article or a folder of them."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .safety.atomic import write_all_atomic
from .backends import ECO, ISSUE_BACKENDS, load
from .options import BuildOptions, EpubOptions, PdfOptions
from .settings import layered
from .diagnostics import Diagnostic, collecting
from .sources.discover import Job, fallback_jobs, issue_not_built, plan
from .errors import PressexportError, missing_library
from .model import Input, RenderedArticle
from .sources.issue import load_issue
from .sources.article import load_article

if TYPE_CHECKING:
    from .eco import EcoReport

log = logging.getLogger(__name__)
T = TypeVar("T")

@dataclass
class BuildReport:
    """What a build wrote and what failed (one clear message per failure: a line per problem)."""

    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    failed: list[Job] = field(default_factory=list)  # the articles and issues that failed while building
    eco: dict[Path, EcoReport] = field(default_factory=dict)  # eco PDF written → its figures against the standard
    tracebacks: list[str] = field(default_factory=list)  # of internal errors (our bugs), for --verbose
    diagnostics: list[Diagnostic] = field(default_factory=list)  # every warning, in build order

    @property
    def ok(self) -> bool:
        return not self.failures

    def eco_total(self) -> EcoReport | None:
        """Every eco edition of the build against its standard edition, added up (None without eco editions)."""
        from .eco import total  # rasterising needs PDFium: loaded only for eco builds

        return total(self.eco.values()) if self.eco else None


def write_pdf(rendered: RenderedArticle, path: str | Path, options: PdfOptions = PdfOptions()) -> Path:
    """Write the PDF edition of a rendered article."""
    return load("pdf").write(rendered, Path(path), options)


def write_epub(rendered: RenderedArticle, path: str | Path, options: EpubOptions = EpubOptions()) -> Path:
    """Write the EPUB edition of a rendered article."""
    return load("epub").write(rendered, Path(path), options)


def write_eco_pdf(rendered: RenderedArticle, path: str | Path, options: PdfOptions = PdfOptions(eco=True), *,
                  standard_path: str | Path | None = None) -> EcoReport:
    """Write the eco PDF edition (and the standard one at ``standard_path``, if given); return the figures
    of both, measured on the bytes written."""
    editions = load(ECO).editions(rendered, replace(options, eco=True))
    files = {Path(standard_path): editions.standard} if standard_path is not None else {}
    write_all_atomic({**files, Path(path): editions.eco})
    return editions.report


def build(paths: list[str | Path], options: BuildOptions = BuildOptions()) -> BuildReport:
    """Build every requested format for every article; one bad article does not stop the others."""
    report = BuildReport()
    with collecting() as found:
        jobs, failures, report.failed = plan([Path(p) for p in paths], options.root, options.out_dir,
                                             split=options.split)
    report.failures += failures
    report.diagnostics += found
    pending = jobs
    while pending:
        members = [member for job in pending if build_into(report, job, options) is None for member in job.members]
        pending, clashing, refused = fallback_jobs(members, jobs)
        report.failures += clashing
        report.failed += refused
        jobs += pending
    return report


def build_into(report: BuildReport, job: Job, options: BuildOptions, memory_limit: str = "") -> Built | None:
    """Build one article into ``report``: what was written and read, or None and one line in the failures
    (the user's bad input as its own message; running out of memory, under ``memory_limit`` if one is
    set; our own bugs as an internal error, traceback kept)."""
    with collecting() as diagnostics:
        try:
            built = build_one(job, options, report.eco)
        except PressexportError as exc:
            return failed(report, job, exc.one_line())
        except ImportError as exc:  # an incomplete install, not the article's fault
            return failed(report, job, f"{job.path}: not built: {missing_library(exc)}")
        except MemoryError:
            return failed(report, job, f"{job.path}: ran out of memory while building it"
                          + (f"; it needs more than {memory_limit}" if memory_limit else ""))
        except Exception as exc:  # an engine bug must not stop the other articles
            log.debug("internal error on %s", job.path, exc_info=True)
            report.tracebacks.append(traceback.format_exc())
            return failed(report, job, f"{job.path}: internal error ({type(exc).__name__}: {exc}); "
                          "please report it with this file (--verbose shows the traceback)")
        finally:
            report.diagnostics += diagnostics
    built = replace(built, diagnostics=tuple(diagnostics))
    report.written += built.written
    return built


def failed(report: BuildReport, job: Job, reason: str) -> None:
    """Count a job as failed, with its line: an issue's says that the issue was not built."""
    report.failed.append(job)
    report.failures.append(failure_line(job, reason))


def failure_line(job: Job, reason: str) -> str:
    """The line of a failed job: an issue's names the issue, says it was not built, and whether its articles
    are built on their own."""
    return issue_not_built(job, reason, members_built=bool(job.members)) if job.kind == "issue" else reason


class ArticleFailed(PressexportError):
    """An article of an issue could not be read or rendered: the issue is not built."""

    def __init__(self, article: Path, issue_folder: Path, error: PressexportError):
        try:
            name = article.relative_to(issue_folder).as_posix()
        except ValueError:
            name = str(article)
        super().__init__(f"its article {name} failed: {error.one_line().splitlines()[0]}")


@dataclass(frozen=True)
class Built:
    """One article's build: the files written, the files its render looked for, what it warned about."""

    written: list[Path]
    inputs: tuple[Input, ...]
    diagnostics: tuple[Diagnostic, ...] = ()


def build_one(job: Job, options: BuildOptions, eco_reports: dict[Path, EcoReport] | None = None) -> Built:
    """Load and render one article (or issue) in each requested format, then write the files: every edition
    is rendered and staged before any is renamed into place, so a failure leaves no half set of files."""
    if job.kind == "issue":
        return build_issue(job, options, eco_reports)
    from .core import render_article  # the core loads with the first render, not with the batch's record

    article = load_article(job.path, root=job.root)
    options = layered(options, dict(article.settings))  # the publication's config and the front matter's
    rendered = render_article(article, allow_remote=options.allow_remote)
    outputs = render_outputs(rendered, options, job.out_dir, eco_reports)
    return Built(write_all_atomic(outputs), rendered.inputs)


def build_issue(job: Job, options: BuildOptions, eco_reports: dict[Path, EcoReport] | None = None) -> Built:
    """An issue's editions: its articles rendered once, each format written as one book of them all (with
    ``options.pdf.eco``, the PDF twice: ``<slug>.pdf`` and the eco ``<slug>.eco.pdf``)."""
    from .core import render_article
    from .core.media import input_record

    issue = load_issue(job.path.parent, job.root)
    options = layered(options, dict(issue.settings))
    articles = [member(lambda: load_article(path, root=job.root), path, issue.folder) for path in issue.articles]
    rendered = [member(lambda: render_article(article, allow_remote=options.allow_remote), article.path,
                       issue.folder) for article in articles]
    outputs = {}
    for name in options.formats:
        target = job.out_dir / f"{job.slug}.{name}"
        if name == "pdf" and options.pdf.eco:
            editions = load(ECO).issue_editions(issue, rendered, options.pdf)
            outputs[target] = editions.standard
            outputs[with_eco_suffix(target)] = editions.eco
            if eco_reports is not None:
                eco_reports[with_eco_suffix(target)] = editions.report
            continue
        outputs[target] = load(ISSUE_BACKENDS[name]).render(issue, rendered,
                                                            options.pdf if name == "pdf" else options.epub)
    inputs = {item.path: item for item in (input_record(issue.file), *issue.config_inputs,
                                           *(i for r in rendered for i in r.inputs))}
    return Built(write_all_atomic(outputs), tuple(inputs.values()))


def member(step: Callable[[], T], article: Path, issue_folder: Path) -> T:
    """One step of an issue's article (every article is read before any is rendered, so a bad one costs no
    render); its error says which article sank the issue."""
    try:
        return step()
    except PressexportError as exc:
        raise ArticleFailed(article, issue_folder, exc) from exc


def with_eco_suffix(standard: Path) -> Path:
    """Where the eco edition of a standard PDF goes: ``<slug>.eco.pdf`` beside ``<slug>.pdf``."""
    return standard.with_suffix(".eco.pdf")


def render_outputs(rendered: RenderedArticle, options: BuildOptions, out_dir: Path,
                   eco_reports: dict[Path, EcoReport] | None) -> dict[Path, bytes]:
    """Every requested edition as bytes, by target path. With ``options.pdf.eco`` the PDF comes twice: the
    standard ``<slug>.pdf`` and the eco ``<slug>.eco.pdf`` (whose note compares them)."""
    slug = rendered.article.slug
    outputs: dict[Path, bytes] = {}
    for name in options.formats:
        target = out_dir / f"{slug}.{name}"
        if name == "pdf" and options.pdf.eco:
            editions = load(ECO).editions(rendered, options.pdf)
            outputs[target], outputs[with_eco_suffix(target)] = editions.standard, editions.eco
            if eco_reports is not None:
                eco_reports[with_eco_suffix(target)] = editions.report
            continue
        outputs[target] = load(name).render(rendered, options.pdf if name == "pdf" else options.epub)
    return outputs
