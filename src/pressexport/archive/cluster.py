"""Batch on a Dask distributed cluster: the same jobs, their files travelling through the scheduler.

Workers need not see the archive: the client sends each article with the files it reads (its source,
images and cover, found by rendering it once without images), a worker rebuilds that corner of the
content root in a temporary folder, builds it exactly as a local worker would, and sends the editions
back; the client writes them into the output folder (atomically) and keeps the record. Times and sizes
travel with the files, so the record's quick checks hold as if the article had been built here.

``--timeout`` holds on a cluster too: each worker notes when it started each article, the client asks
every few seconds, and an article over its time is cancelled and its worker restarted by its nanny (a
worker started without one cannot be stopped: its article is still reported as failed, and the thread
stays busy). The memory ceiling of a cluster's workers is their own (``dask worker --memory-limit``): a
worker that outgrows it is restarted by its nanny, and an article that kills workers fails alone.
"""

from __future__ import annotations

import os
import posixpath
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from distributed import WorkerPlugin

from ..safety.atomic import write_all_atomic
from ..build import Built
from ..core import render_article
from ..core.media import local_image
from ..diagnostics import Diagnostic, collecting
from ..sources.discover import Job
from ..errors import PressexportError
from ..sources.issue import load_issue
from ..model import Input
from ..options import BatchOptions, BuildOptions
from ..sources.article import load_article
from ..safety.processes import stopped_after
from .workers import Outcome, build_job, warm_up

CONNECT_TIMEOUT = "10s"
WATCH_EVERY = 2.0  # seconds between the client's looks at how long each article has been building
RUNNING: dict[str, float] = {}  # on a worker: each article being built → when it started (time.monotonic)
ShippedFile = tuple[bytes, int]  # the bytes, and the modification time (ns) to give the copy


@dataclass(frozen=True)
class Shipment:
    """One job as it travels to a worker: its key, where its editions go, and the files it reads."""

    key: str
    place: str  # the editions' folder under the output folder (POSIX)
    slug: str | None
    kind: str
    files: dict[str, ShippedFile] = field(default_factory=dict)  # path under the root → file
    epoch: str = ""  # the client's SOURCE_DATE_EPOCH: the editions' dates are the client's, not the worker's


@dataclass(frozen=True)
class Delivery:
    """What a worker sends back: the outcome, with paths under its temporary root and output folder."""

    outcome: Outcome
    root: str  # the worker's temporary root and output folder, to map paths back
    out: str
    outputs: dict[str, bytes] = field(default_factory=dict)  # path under the output folder → bytes


def files_read(job: Job) -> dict[str, Path]:
    """The files under the root that building ``job`` reads, each by the name the worker will look it up by
    (its path under the root as written, links not followed: the worker's copy of the root has no links)
    → the file to read here: an issue's file, cover and articles, or an article's source, images and cover."""
    if job.kind == "issue":
        with collecting():
            issue = load_issue(job.path.parent, job.root)
        issue_folder = PurePosixPath(job.key).parent
        files = {job.key: job.path, **publication_files(issue.config_inputs, job.root)}
        if issue.cover and issue.cover.image:
            files[written_under(issue_folder, issue.cover.declared_image, issue.cover.image, job.root)] = issue.cover.image
        for path in issue.articles:
            key = written_under(issue_folder, os.path.relpath(path, issue.folder), path.resolve(), job.root)
            files.update(article_files(path, key, job.root))
        return files
    return article_files(job.path, job.key, job.root)


def publication_files(inputs, root: Path) -> dict[str, Path]:
    """The publication config and house files a build reads (those present), by their paths under the root."""
    return {found.resolve().relative_to(root).as_posix(): found for found in (item.path for item in inputs
                                                                              if item.sha256 is not None)
            if found.resolve().is_relative_to(root)}


def article_files(path: Path, key: str, root: Path) -> dict[str, Path]:
    """An article's source (as ``key``), every local image it shows, and its cover (those that exist)."""
    with collecting():  # the worker reports the article's warnings
        article = load_article(path, root=root)
        rendered = render_article(article, fetch_images=False)
    folder = PurePosixPath(key).parent
    parts = [rendered.body, *(note.body for note in rendered.notes)]
    wanted = [((img.get("src") or "").strip(), None) for part in parts for img in part.iter("img")]
    if article.cover and article.cover.declared_image:
        wanted.append((article.cover.declared_image, article.cover.looked_for))
    files = {key: path, **publication_files(article.config_inputs, root)}
    for src, found in wanted:
        found = found or local_image(src, article)
        if found is not None and found.is_file():
            files[written_under(folder, unquote(urlsplit(src).path), found, root)] = found
    return files


def written_under(folder: PurePosixPath, reference: str, found: Path, root: Path) -> str:
    """The path under the root that ``reference``, written in a file of ``folder``, names before links are
    followed; the file's own path when it climbs out of the root that way."""
    name = posixpath.normpath((folder / reference).as_posix())
    return name if not name.startswith("../") and name != ".." else found.relative_to(root).as_posix()


def shipment(job: Job, out_dir: Path) -> Shipment:
    """The job with its files, ready to travel."""
    files: dict[str, ShippedFile] = {}
    for name, path in files_read(job).items():
        stat = path.stat()
        files[name] = (path.read_bytes(), stat.st_mtime_ns)
    return Shipment(job.key, job.out_dir.relative_to(out_dir).as_posix(), job.slug, job.kind, files,
                    os.environ.get("SOURCE_DATE_EPOCH", ""))


def build_shipment(shipment: Shipment, options: BuildOptions, memory_mb: int) -> Delivery:
    """On a worker: lay the files out in a temporary root, build, and send the editions back."""
    RUNNING[shipment.key] = time.monotonic()
    try:
        return build_in_temporary_root(shipment, options, memory_mb)
    finally:
        RUNNING.pop(shipment.key, None)


def running_for() -> dict[str, float]:
    """On a worker: how many seconds each article there has been building."""
    now = time.monotonic()
    return {key: now - started for key, started in list(RUNNING.items())}


def build_in_temporary_root(shipment: Shipment, options: BuildOptions, memory_mb: int) -> Delivery:
    """Lay the shipment's files out in a temporary root, build, and read the editions back."""
    with tempfile.TemporaryDirectory(prefix="pressexport-") as folder:
        root, out = Path(folder, "root"), Path(folder, "out")
        for name, (data, mtime_ns) in shipment.files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            os.utime(path, ns=(mtime_ns, mtime_ns))
        job = Job(root / shipment.key, root, out / shipment.place, shipment.key, shipment.slug, shipment.kind)
        outcome = build_job(job, replace(options, out_dir=out, root=root), memory_mb, shipment.epoch)
        written = outcome.built.written if outcome.built else []
        outputs = {path.relative_to(out).as_posix(): path.read_bytes() for path in written}
        return Delivery(outcome, str(root), str(out), outputs)


class WarmWorker(WorkerPlugin):
    """Warms every worker of the cluster up as it joins: those there now, one restarted, one added later."""

    def __init__(self, options: BuildOptions, memory_mb: int):
        self.options, self.memory_mb = options, memory_mb

    def setup(self, worker) -> None:
        """Load the engines (no memory ceiling: a cluster's worker does more than build)."""
        warm_up(self.options, self.memory_mb)


class DaskPool:
    """Workers of a Dask distributed cluster (``tcp://host:8786``, or a ``distributed.Client``)."""

    def __init__(self, options: BuildOptions, batch: BatchOptions, scheduler):
        """Connect to the scheduler (or use the client given)."""
        from distributed import Client

        self.options, self.batch = options, batch
        self.client = scheduler if isinstance(scheduler, Client) else connect(scheduler)
        self.owns_client = self.client is not scheduler
        # A plugin, not a one-off call: a worker restarted (an article over its time) or joining later warms up too.
        self.client.register_plugin(WarmWorker(options, batch.memory_mb), name="pressexport-warm-up")

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """Every job's outcome, as each finishes; each job's editions are written here, in the output folder."""
        futures = {}
        for job in jobs:
            try:
                parcel = shipment(job, self.options.out_dir)
            except PressexportError as exc:
                yield Outcome(job, failure=exc.one_line())
                continue
            futures[self.client.submit(build_shipment, parcel, self.options, self.batch.memory_mb,
                                       pure=False, key=f"pressexport-{job.key}")] = job
        yield from self.as_finished(futures)

    def as_finished(self, futures: dict) -> Iterator[Outcome]:
        """Each job's outcome as it finishes, or as it runs out of time (see ``stop_overdue``)."""
        from distributed import wait

        waiting = set(futures)
        while waiting:
            try:
                done = wait(list(waiting), timeout=WATCH_EVERY, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = set()
            for future in done:
                waiting.discard(future)
                yield self.received(future, futures[future])
            for future in self.stop_overdue(waiting, futures):
                waiting.discard(future)
                job = futures[future]
                yield Outcome(job, failure=f"{job.path}: {stopped_after(self.batch.timeout)}")

    def stop_overdue(self, waiting: set, futures: dict) -> list:
        """The futures whose article has been building longer than ``--timeout``: cancelled, and their
        workers restarted (the only way to stop a Python thread)."""
        keys = {futures[future].key: future for future in waiting}
        overdue, workers = [], set()
        for worker, ages in self.client.run(running_for).items():
            for key, seconds in ages.items():
                if seconds > self.batch.timeout and key in keys:
                    overdue.append(keys[key])
                    workers.add(worker)
        for future in overdue:
            future.cancel()
        if workers:
            self.client.restart_workers(sorted(workers), raise_for_error=False)
        return overdue

    def received(self, future, job: Job) -> Outcome:
        """Write a delivery's editions into the output folder and map its paths back to this machine's."""
        try:
            delivery: Delivery = future.result()
        except Exception as exc:  # noqa: BLE001 - a lost worker or a cluster error fails this article alone
            if type(exc).__name__ == "KilledWorker":
                return Outcome(job, failure=f"{job.path}: the workers building it died ({exc}); it may need more "
                               "memory than each worker has (dask worker --memory-limit)")
            return Outcome(job, failure=f"{job.path}: the cluster could not build it ({type(exc).__name__}: {exc})")
        outcome = delivery.outcome
        if outcome.built is None:
            return replace(outcome, job=job, failure=back(outcome.failure, delivery, job))
        targets = {self.options.out_dir / name: data for name, data in delivery.outputs.items()}
        written = write_all_atomic(targets)
        built = Built(written, tuple(input_back(item, delivery, job) for item in outcome.built.inputs),
                      tuple(diagnostic_back(item, delivery, job) for item in outcome.built.diagnostics))
        eco = {self.options.out_dir / Path(path).relative_to(delivery.out): report
               for path, report in outcome.eco.items()}
        return replace(outcome, job=job, built=built, eco=eco)

    def close(self) -> None:
        """Disconnect (a client given by the caller stays open)."""
        if self.owns_client:
            self.client.close()

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def connect(address: str):
    """A client of the scheduler at ``address``, or a clear error when it cannot be reached."""
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise PressexportError(f"cannot reach the Dask scheduler at {address} ({exc})",
                               hint="start one with 'dask scheduler' and workers with 'dask worker ADDRESS'") from None


def back(text: str, delivery: Delivery, job: Job) -> str:
    """A message from a worker with its temporary paths replaced by this machine's."""
    text = text.replace(str(Path(delivery.root) / job.key), str(job.path))
    return text.replace(delivery.root, str(job.root)).replace(delivery.out, "OUT")


def input_back(item: Input, delivery: Delivery, job: Job) -> Input:
    """An input recorded on a worker, as the file under this machine's root."""
    return item._replace(path=job.root / Path(item.path).relative_to(delivery.root))


def diagnostic_back(item: Diagnostic, delivery: Delivery, job: Job) -> Diagnostic:
    """A diagnostic from a worker, naming this machine's files."""
    return replace(item, file=back(item.file, delivery, job), message=back(item.message, delivery, job))
