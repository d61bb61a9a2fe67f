"""Which articles a build reads, and where their editions go.

Every article file must lie inside the content root after its links are followed: a link (to a file or a
folder) that leads out of the root is refused with one diagnostic, and the others are still built. A
folder build lays its editions out under ``--out`` as the articles lie under the root (as static-site
generators do), so two articles with one slug in different folders never share a file; a single
article writes ``OUT/<slug>.<format>``. Two sources that would still write one file fail, both named,
before anything is written.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..diagnostics import collecting, warn
from ..errors import InputError, PressexportError
from .issue import ISSUE_FILE, load_issue
from .article import article_slug, check_inside_root, default_root, is_within as inside

ARTICLE_SUFFIXES = {".md", ".markdown", ".mdx"}
NOT_ARTICLES = {"readme.md", "license.md", "licence.md"}
FOLDER_NAMED = {"article", "index", "_index"}  # an article named after its folder: its editions sit beside it


@dataclass(frozen=True)
class Job:
    """One article to build: its file, its content root and the folder its editions go to."""

    path: Path
    root: Path  # resolved
    out_dir: Path
    key: str  # the article's path under the root (POSIX): its name in the batch record
    slug: str | None = None  # what its editions are named after (None until planned, or when unreadable)
    kind: str = "article"  # or "issue": ``path`` is then the issue's issue.yaml
    # an issue's articles as jobs of their own (slugs unread): built alone when the issue cannot be built
    members: tuple[Job, ...] = ()
    failure: str = ""  # why the job cannot be built at all (an issue file that cannot be read)

    @property
    def label(self) -> str:
        """How lines name the job: an issue by its folder under the root, an article by its file."""
        if self.kind != "issue":
            return str(self.path)
        folder = Path(self.key).parent
        return folder.as_posix() if folder != Path(".") else self.path.parent.resolve().name


def content_root(given: Path, root: Path | None) -> Path:
    """The content root of a path given on the command line: ``--root``, else the folder of the publication
    config (pressexport.yaml) above it, else the folder given, else the folder the article file is in (as
    written, not where a link leads)."""
    if root is not None:
        return Path(root).resolve()
    return default_root(given if given.is_dir() else given.absolute().parent)


def find_articles(folder: Path, root: Path) -> list[Path]:
    """Every Markdown article below ``folder`` (sorted; hidden files and folders skipped). Links are
    followed only while they stay inside ``root`` (each link out of it is one diagnostic), and only to
    what the real folders do not already hold, so a linked article is built once, under its real name."""
    return find_sources(folder, root)[0]


def find_sources(folder: Path, root: Path) -> tuple[list[Path], list[Path]]:
    """The articles (as ``find_articles``) and the issue files (issue.yaml) below ``folder``, sorted."""
    found: dict[Path, Path] = {}  # real path → the path it was found at
    issues: list[Path] = []
    linked_files: list[Path] = []
    visited: set[Path] = set()
    pending = [folder]
    while pending:
        pending += walk_real_folders(pending.pop(0), root, visited, found, linked_files, issues)
    for path in linked_files:
        real = path.resolve()
        if not inside(real, root):
            refuse(path, real, root, "file")
        elif real.is_file():
            found.setdefault(real, path)
    return sorted(found.values()), sorted(issues)


def walk_real_folders(start: Path, root: Path, visited: set[Path], found: dict[Path, Path],
                      linked_files: list[Path], issues: list[Path]) -> list[Path]:
    """Walk ``start`` without following links: its articles go into ``found``, the links to files into
    ``linked_files``; returns the links to folders, to be walked after every real folder."""
    real_start = start.resolve()
    if real_start in visited:  # a loop, or a folder already walked under its real name
        return []
    if not inside(real_start, root):
        refuse(start, real_start, root, "folder")
        return []
    linked_folders: list[Path] = []
    for current, folders, files in os.walk(start):
        here = Path(current)
        real_here = real_start / os.path.relpath(current, start)  # no link is followed below ``start``
        visited.add(real_here)
        links = {name for name in folders if (here / name).is_symlink()}
        linked_folders += [here / name for name in sorted(links)]
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name not in links)
        if ISSUE_FILE in files:
            issue_file = here / ISSUE_FILE
            if not issue_file.is_symlink() or inside(issue_file.resolve(), root):
                issues.append(issue_file)
            else:
                refuse(issue_file, issue_file.resolve(), root, "file")
        for entry in os.scandir(current):
            if is_article_name(entry.name):
                if entry.is_symlink():
                    linked_files.append(here / entry.name)
                elif entry.is_file():
                    found.setdefault(real_here / entry.name, here / entry.name)
    return [link for link in linked_folders if not link.name.startswith(".")]


def is_article_name(name: str) -> bool:
    """A visible Markdown file that is not a README or a licence."""
    return (not name.startswith(".") and Path(name).suffix.lower() in ARTICLE_SUFFIXES
            and name.lower() not in NOT_ARTICLES)


def refuse(path: Path, target: Path, root: Path, kind: str) -> None:
    """One diagnostic for a link that leads out of the content root."""
    warn("outside-root", path, f"skipped: this {kind} links to {target}, outside the content root {root}; "
         "copy it into the root, or give --root a folder that holds both")


def plan(paths: list[Path], root: Path | None, out_dir: Path,
         known_slug: Callable[[Job], str | None] = lambda job: None, *,
         split: bool = False) -> tuple[list[Job], list[str], list[Job]]:
    """The jobs for the paths given (files or folders), the failures found before any rendering (a file
    outside its root, a folder that is not under ``--root``, an issue file that cannot be read, editions that
    would share a file), and the jobs those failures stopped. An article an issue lists is built as part of
    the issue, and on its own too only with ``split`` (or when the issue cannot be built). ``known_slug``
    answers for an article whose slug is known without reading it (the batch record)."""
    jobs: list[Job] = []
    failures: list[str] = []
    failed: list[Job] = []
    for given in paths:
        try:
            found, unreadable = jobs_for(Path(given), root, out_dir, split)
            jobs += found
            failed += unreadable
        except PressexportError as exc:
            failures.append(exc.one_line())
    failures += [issue_not_built(job, job.failure, members_built=True) for job in failed]
    jobs = [job if job.kind == "issue" else replace(job, slug=known_slug(job) or slug_of(job)) for job in jobs]
    clashing = clashes(jobs)
    failures += [message for job in jobs for message in clashing.get(job, [])]
    return [job for job in jobs if job not in clashing], failures, failed + list(clashing)


def jobs_for(given: Path, root: Path | None, out_dir: Path, split: bool) -> tuple[list[Job], list[Job]]:
    """The jobs of one path given (an article file alone, or every issue and article under a folder), and
    the issues whose file cannot be read (their articles are then among the jobs, on their own)."""
    base = content_root(given, root)
    if not given.is_dir():
        check_inside_root(given, base)  # before its slug is read from it
        return [Job(given, base, out_dir, relative_key(given, base))], []
    if not inside(given.resolve(), base):
        raise InputError(f"is not inside the content root {base}", where=given,
                         hint="give --root a folder that holds it")
    offset = given.resolve().relative_to(base)
    articles, issue_files = find_sources(given, base)
    issue_jobs, listed = issues_in(issue_files, given, offset, base, out_dir)
    if not articles and not issue_files:
        raise InputError("no article found in this folder", where=given,
                         hint=f"articles are Markdown files ({', '.join(sorted(ARTICLE_SUFFIXES))}); "
                              "README and licence files and hidden folders are left out")
    readable = [job for job in issue_jobs if not job.failure]
    standalone = [path for path in articles if split or path.resolve() not in listed]
    return (readable + [job_in_folder(path, given, offset, base, out_dir) for path in standalone],
            [job for job in issue_jobs if job.failure])


def issues_in(issue_files: list[Path], folder: Path, offset: Path, root: Path,
              out_dir: Path) -> tuple[list[Job], set[Path]]:
    """A job per issue (its editions named after its folder, beside it; an issue file that cannot be read
    gives a job holding why, and its articles are built on their own), and the articles the issues list."""
    jobs, listed = [], set()
    for issue_file in issue_files:
        relative = offset / issue_file.parent.relative_to(folder)
        name = issue_file.parent.resolve().name
        job = Job(issue_file, root, out_dir / relative.parent, (relative / ISSUE_FILE).as_posix(), name, kind="issue")
        try:
            with collecting():  # its warnings are said when it is built
                issue = load_issue(issue_file.parent, root)
        except PressexportError as exc:
            jobs.append(replace(job, failure=exc.one_line()))
            continue
        listed |= {path.resolve() for path in issue.articles}
        members = tuple(member_job(path, folder, offset, root, out_dir) for path in issue.articles)
        jobs.append(replace(job, members=members))
    return jobs, listed


def issue_not_built(job: Job, reason: str, *, members_built: bool = False) -> str:
    """The line that says an issue was not built, and why (a book missing an article would be a wrong book);
    a reason already said so (a worker's line) is kept as it is."""
    if reason.startswith(f"issue {job.label} not built: "):
        return reason
    alone = "; its articles are built on their own" if members_built else ""
    first, _, rest = reason.partition("\n")
    return f"issue {job.label} not built: {first}{alone}" + (f"\n{rest}" if rest else "")


def member_job(path: Path, folder: Path, offset: Path, root: Path, out_dir: Path) -> Job:
    """An article an issue lists, as the job that builds it alone: placed as if found under ``folder``, or
    under the root when the issue reaches outside ``folder`` for it."""
    try:
        return job_in_folder(path, folder, offset, root, out_dir)
    except ValueError:
        return job_in_folder(path.resolve(), root, Path(), root, out_dir)


def fallback_jobs(members: list[Job], planned: list[Job],
                  known_slug: Callable[[Job], str | None] = lambda job: None
                  ) -> tuple[list[Job], list[str], list[Job]]:
    """The articles of issues that could not be built, as jobs of their own (each once, none already
    planned); and the failures of those whose editions would overwrite another's, with their jobs."""
    taken = {job.path.resolve() for job in planned if job.kind == "article"}
    unique = {job.path.resolve(): job for job in members if job.path.resolve() not in taken}
    jobs = [replace(job, slug=known_slug(job) or slug_of(job)) for job in unique.values()]
    clashing = clashes(planned + jobs)
    refused = [job for job in jobs if job in clashing]
    return ([job for job in jobs if job not in clashing], [message for job in refused for message in clashing[job]],
            refused)


def job_in_folder(path: Path, folder: Path, offset: Path, root: Path, out_dir: Path) -> Job:
    """An article found under a folder: its editions go where it lies under the root."""
    relative = offset / path.relative_to(folder)
    place = relative.parent.parent if relative.stem.lower() in FOLDER_NAMED else relative.parent
    return Job(path, root, out_dir / place, relative.as_posix())


def relative_key(path: Path, root: Path) -> str:
    """An article file's path under the root (POSIX), or its name when it is not under it."""
    try:
        return path.absolute().relative_to(root).as_posix()
    except ValueError:
        return path.name


def clashes(jobs: list[Job]) -> dict[Job, list[str]]:
    """The jobs whose editions would land in one file (compared as a case-insensitive disk would), each
    with a message naming the other sources."""
    by_target: dict[str, list[tuple[Job, Path]]] = defaultdict(list)
    for job in jobs:
        if job.slug is not None:
            target = job.out_dir / job.slug
            by_target[str(target.absolute()).casefold()].append((job, target))
    found: dict[Job, list[str]] = {}
    for group in (group for group in by_target.values() if len(group) > 1):
        for job, target in group:
            others = ", ".join(str(other.path) for other, _ in group if other is not job)
            found[job] = [f"{job.path}: its editions would overwrite those of {others} ({target}.*); "
                          "nothing was written for either: give one of them another 'slug:' in its front matter"]
    return found


def slug_of(job: Job) -> str | None:
    """The slug the article's editions are named after; None when the article cannot be read (it fails later)."""
    with collecting():  # the build reports the article's warnings once, when it renders it
        try:
            return article_slug(job.path)
        except PressexportError:
            return None
