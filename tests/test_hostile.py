"""The hostile-input corpus: every case in ``tests/hostile/<NN-name>/`` is built through the real CLI.

Each case folder holds an ``article.md`` (and whatever files it needs), or a ``make.py`` whose
``make(folder)`` writes the inputs that git cannot keep well (invalid UTF-8, symlinks, binary and huge
files) into a temporary copy of the folder. ``expect.yaml`` says what must happen:

    description: what the case attacks
    outcome: error | warning | ok     # error: exit 1 and one clean `error:` line, nothing written;
                                      # warning: both editions written and a `warning:` line;
                                      # ok: both editions written, no warning at all
    message: "fragment"               # optional, case-insensitive; a list means every fragment, same line
    formats: [pdf, epub]              # optional, default both (one format uses the `pdf`/`epub` command)
    forbidden: ["<script", ...]       # optional: text that must not appear in the editions (EPUB XHTML,
                                      # OPF and NCX; PDF text and metadata); or {epub: [...], pdf: [...]}
    canary: ["root:x:0", ...]         # optional: bytes that must not appear anywhere in either edition
                                      # (every EPUB entry; every PDF stream, decompressed)
    required: ['class="missing-image"']  # optional: text the EPUB's XHTML (or its file names) must hold
    must_not_exist: ["pwned"]         # optional: files the build must not create in the case folder
    article: "my article é.md"        # optional: the article's file name, default article.md
    timeout: 30                       # optional: seconds, default 120
    xfail: "reason"                   # optional: a known bug in src/; the case is expected to fail
                                      # (non-strict: when it passes, it passes)

Every build runs ``pressexport build --out OUT -- ARTICLE`` from the case folder (so names such as
``-rf.md`` are exercised as a user types them) in its own process, killed at the timeout, so no case
can hang the suite. To spare the ~1.5 s of imports per build, the process is forked from a helper
that has imported pressexport once and then calls the console script's entry point, exactly as the
installed ``pressexport`` does; ``HOSTILE_SUBPROCESS=1`` runs the console script itself instead.
The builds run a few at a time in a session-wide pool; each test waits for its own.

Besides the per-case expectations, every edition that is written is checked for invariants that no
input may break: the EPUB's XHTML is well-formed and holds no active or remote content (scripts,
frames, forms, event handlers, non-web URLs, remote images, stray <link>/<meta>/<base>/<style>), and
the PDF has no attachments, JavaScript, launch actions or links other than http(s)/mailto.
"""

from __future__ import annotations

import http.server
import importlib.util
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
import yaml
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

import conftest

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASES = sorted(p.name for p in HOSTILE.iterdir() if (p / "expect.yaml").is_file())
DEFAULT_TIMEOUT = 120
OUTCOMES = {"error", "warning", "ok"}
FORMATS = ("pdf", "epub")
WORKERS = max(1, min(4, os.cpu_count() or 1))

# The sanitising cases whose EPUBs EPUBCheck validates (slow: a JVM start-up per batch).
EPUBCHECK_CASES = ["20-script", "25-iframe-object-embed-form", "26-svg-script", "30-html-comments", "31-cdata",
                   "32-processing-instruction", "37-attribute-injection", "38-unknown-tags-and-namespaces",
                   "62-duplicate-heading-ids"]

# What may appear in an edition's XHTML, whatever the input.
ACTIVE_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
                   "textarea", "select", "option", "noscript", "template", "svg", "math", "base", "audio", "video",
                   "source", "track", "canvas", "portal", "xmp", "plaintext", "listing"}
WEB_SCHEMES = {"http", "https", "mailto"}
XHTML_NS = "http://www.w3.org/1999/xhtml"


def pressexport_command() -> list[str]:
    """The console script installed next to this interpreter (``python -m pressexport.cli`` has no
    ``__main__`` block and silently does nothing), else the one on PATH."""
    beside = Path(sys.executable).with_name("pressexport")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("pressexport")
    if found:
        return [found]
    pytest.skip("the pressexport console script is not installed")


# --------------------------------------------------------------------------------------- running


@dataclass
class Run:
    """One case built in a temporary folder."""

    name: str
    expect: dict
    folder: Path  # the temporary copy of the case (the article's folder)
    out: Path
    article: str
    returncode: int | None = None  # None: timed out
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    timeout: float = DEFAULT_TIMEOUT
    setup_error: str = ""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def lines_starting(self, prefix: str) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith(prefix)]


def load_expect(name: str) -> dict:
    expect = yaml.safe_load((HOSTILE / name / "expect.yaml").read_text(encoding="utf-8"))
    assert isinstance(expect, dict), f"{name}/expect.yaml is not a mapping"
    assert expect.get("outcome") in OUTCOMES, f"{name}/expect.yaml: outcome must be one of {sorted(OUTCOMES)}"
    assert expect.get("description"), f"{name}/expect.yaml: description is missing"
    return expect


def run_make(folder: Path) -> None:
    """Call the case's ``make(folder)`` on the temporary copy, then drop make.py from it."""
    script = folder / "make.py"
    spec = importlib.util.spec_from_file_location(f"hostile_make_{folder.name}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make(folder)
    script.unlink()


def prepare_case(name: str, base: Path) -> Run:
    """Copy the case to ``base/src/case`` (so ``../..`` is ``base``) and generate its inputs."""
    expect = load_expect(name)
    folder = base / "src" / "case"
    shutil.copytree(HOSTILE / name, folder, symlinks=True)
    (folder / "expect.yaml").unlink()
    run = Run(name=name, expect=expect, folder=folder, out=base / "out",
              article=expect.get("article", "article.md"), timeout=float(expect.get("timeout", DEFAULT_TIMEOUT)))
    try:
        if (folder / "make.py").exists():
            run_make(folder)
    except Exception as exc:  # a broken recipe is the corpus's fault, reported by the test
        run.setup_error = f"make.py failed: {type(exc).__name__}: {exc}"
    return run


def cli_args(run: Run) -> list[str]:
    """``build --out OUT -- ARTICLE`` (or ``pdf``/``epub`` when the case asks for one format)."""
    formats = tuple(run.expect.get("formats", FORMATS))
    command = "build" if set(formats) == set(FORMATS) else formats[0]
    return [command, "--out", str(run.out), "--", run.article]


class SubprocessLauncher:
    """Runs the console script in a fresh process per build (about 1.5 s of imports each time)."""

    def __init__(self):
        self.live: set[subprocess.Popen] = set()

    def run(self, args: list[str], cwd: Path, timeout: float) -> tuple[int | None, str, str]:
        process = subprocess.Popen(pressexport_command() + args, cwd=cwd, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
        self.live.add(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
            return process.returncode, stdout, stderr
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            return None, stdout, stderr
        finally:
            self.live.discard(process)

    def close(self) -> None:
        for process in list(self.live):
            process.kill()


# A single-threaded helper that imports pressexport once, then forks a fresh child per build: the child
# runs the console script's entry point (same code path, argv and exit codes as `pressexport ...`) with
# its stdout/stderr in files, and is killed when it overruns. Saves the ~1.5 s of imports per build.
ZYGOTE = r"""
import json, os, signal, sys, time, traceback
import pressexport.cli
# The commands load their backends on demand: load them here once, not in every child.
import pressexport.build, pressexport.backends.pdf, pressexport.backends.ecoprint, pressexport.backends.epub
for line in sys.stdin:
    job = json.loads(line)
    sys.stdout.flush(); sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.setpgid(0, 0)
            os.chdir(job["cwd"])
            for fd, name, flags in ((0, os.devnull, os.O_RDONLY), (1, job["stdout"], os.O_WRONLY | os.O_CREAT),
                                    (2, job["stderr"], os.O_WRONLY | os.O_CREAT)):
                os.dup2(os.open(name, flags, 0o644), fd)
            sys.argv = job["argv"]
            try:
                pressexport.cli.entry_point()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if not isinstance(exc.code, (int, type(None))):
                    print(exc.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            try:
                sys.stdout.flush(); sys.stderr.flush()
            finally:
                os._exit(code)
    print(json.dumps({"pid": pid}), flush=True)
    deadline = time.monotonic() + job["timeout"]
    status = None
    while status is None:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(raw)
        elif time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = "timeout"
        else:
            time.sleep(0.02)
    print(json.dumps({"rc": None if status == "timeout" else status}), flush=True)
"""


class ZygoteLauncher:
    """Builds through forked children of warm helper processes, one helper per worker thread."""

    def __init__(self):
        self.local = threading.local()
        self.helpers: list[subprocess.Popen] = []
        self.children: set[int] = set()
        self.lock = threading.Lock()
        self.script = pressexport_command()[0]

    def helper(self) -> subprocess.Popen:
        helper = getattr(self.local, "helper", None)
        if helper is None or helper.poll() is not None:
            helper = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      text=True, bufsize=1)
            self.local.helper = helper
            with self.lock:
                self.helpers.append(helper)
        return helper

    def run(self, args: list[str], cwd: Path, timeout: float) -> tuple[int | None, str, str]:
        stdout, stderr = cwd.parent.parent / "stdout.txt", cwd.parent.parent / "stderr.txt"
        helper = self.helper()
        job = {"cwd": str(cwd), "argv": [self.script, *args], "timeout": timeout,
               "stdout": str(stdout), "stderr": str(stderr)}
        helper.stdin.write(json.dumps(job) + "\n")
        helper.stdin.flush()
        pid = json.loads(helper.stdout.readline() or '{"pid": null}')["pid"]
        if pid is None:
            raise RuntimeError("the build helper died")
        with self.lock:
            self.children.add(pid)
        try:
            reply = helper.stdout.readline()  # the helper enforces the timeout itself
        finally:
            with self.lock:
                self.children.discard(pid)
        if not reply:
            raise RuntimeError("the build helper died")
        read = lambda path: path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return json.loads(reply)["rc"], read(stdout), read(stderr)

    def close(self) -> None:
        with self.lock:
            for pid in list(self.children):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            for helper in self.helpers:
                helper.kill()
                helper.wait()


def make_launcher():
    """The forking helper where fork exists (POSIX), else plain subprocesses; HOSTILE_SUBPROCESS=1 forces them."""
    if hasattr(os, "fork") and not os.environ.get("HOSTILE_SUBPROCESS"):
        return ZygoteLauncher()
    return SubprocessLauncher()


def build_case(name: str, base: Path, launcher) -> Run:
    """Prepare one case and build it through the CLI."""
    run = prepare_case(name, base)
    if run.setup_error:
        return run
    started = time.monotonic()
    run.returncode, run.stdout, run.stderr = launcher.run(cli_args(run), run.folder, run.timeout)
    run.seconds = time.monotonic() - started
    return run


class Builds:
    """Builds cases in a small thread pool (each build in its own process); results are awaited per test."""

    def __init__(self, base: Path, workers: int):
        self.base = base
        self.launcher = make_launcher()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hostile")
        self.futures: dict[str, Future] = {}
        self.lock = threading.Lock()

    def submit(self, name: str) -> Future:
        with self.lock:
            if name not in self.futures:
                self.futures[name] = self.pool.submit(build_case, name, self.base / name, self.launcher)
            return self.futures[name]

    def get(self, name: str) -> Run:
        return self.submit(name).result()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.launcher.close()
        self.pool.shutdown(wait=True)


@pytest.fixture(scope="session")
def hostile_builds(request, tmp_path_factory):
    """Start every selected case's build at once (known-slow first), so two cores stay busy."""
    builds = Builds(tmp_path_factory.mktemp("hostile"), WORKERS)
    selected = [item.callspec.params["case"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_hostile_case" and hasattr(item, "callspec")]
    slow_first = sorted(selected, key=lambda name: ("xfail" not in load_expect(name),
                                                     "make.py" not in os.listdir(HOSTILE / name), name))
    for name in slow_first:
        builds.submit(name)
    yield builds
    builds.close()


# --------------------------------------------------------------------------------------- reading outputs


def output_files(out: Path) -> list[Path]:
    """Everything in the output folder, hidden files included."""
    return sorted(p for p in out.rglob("*")) if out.exists() else []


def epub_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None, f"{path.name}: corrupt zip entry"
        return {name: archive.read(name) for name in archive.namelist()}


def epub_text(entries: dict[str, bytes]) -> str:
    """The XHTML documents, the package document and the NCX, as one text."""
    return "\n".join(data.decode("utf-8", errors="replace") for name, data in entries.items()
                     if name.endswith((".xhtml", ".html", ".opf", ".ncx")))


def pdf_streams(path: Path, reader: PdfReader) -> bytes:
    """The raw PDF bytes plus every stream decoded (embedded files, content streams, fonts...)."""
    raw = path.read_bytes()
    parts = [raw]
    for number, generation in set(re.findall(rb"(\d+) (\d+) obj\b", raw)):
        try:
            obj = IndirectObject(int(number), int(generation), reader).get_object()
            if isinstance(obj, StreamObject):
                parts.append(obj.get_data())
        except Exception:  # an undecodable stream (e.g. an image filter pypdf lacks) is skipped
            continue
    return b"\n".join(parts)


def pdf_text(reader: PdfReader) -> str:
    """Every page's text and the document information values."""
    texts = [page.extract_text() or "" for page in reader.pages]
    info = reader.metadata or {}
    texts += [str(value) for value in info.values()]
    return "\n".join(texts)


def local_name(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def active_content(name: str, data: bytes) -> list[str]:
    """What an XHTML document of the EPUB holds that no input may put there."""
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        return [f"{name}: not well-formed XML ({exc})"]
    problems = []
    for node in root.iter():
        tag = local_name(node)
        if not tag:
            if node.tag is etree.PI:
                problems.append(f"{name}: processing instruction {node}")
            continue
        if etree.QName(node).namespace not in (XHTML_NS, None):
            problems.append(f"{name}: foreign element <{node.tag}>")
        if tag in ACTIVE_ELEMENTS:
            problems.append(f"{name}: <{tag}> element")
        in_head = any(local_name(parent) == "head" for parent in node.iterancestors())
        if tag in {"style", "link", "meta", "title"} and not in_head:
            problems.append(f"{name}: <{tag}> in the body")
        if tag == "style" and re.search(r"@import|url\s*\(\s*['\"]?\s*[a-z][\w+.-]*:", node.text or "", re.I):
            problems.append(f"{name}: <style> importing {node.text[:80]!r}")
        if tag == "link" and (node.get("rel") != "stylesheet" or urlsplit(node.get("href") or "").scheme
                              or (node.get("href") or "").startswith("/")):
            problems.append(f"{name}: <link rel={node.get('rel')!r} href={node.get('href')!r}>")
        if tag == "meta" and node.get("http-equiv") is not None:
            problems.append(f"{name}: <meta http-equiv={node.get('http-equiv')!r}>")
        for attribute, value in node.attrib.items():
            attr = etree.QName(attribute).localname.lower()
            if attr.startswith("on"):
                problems.append(f"{name}: event handler {attr}= on <{tag}>")
            if attr == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.I):
                problems.append(f"{name}: style attribute {value!r} on <{tag}>")
            if attr in {"src", "srcset", "poster", "data", "action", "formaction", "background"}:
                scheme = urlsplit(value.strip()).scheme or ("//" if value.strip().startswith("//") else "")
                if scheme:
                    problems.append(f"{name}: {attr}={value[:80]!r} on <{tag}> (not a file of the book)")
            if attr == "href" and tag != "link":
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme and scheme not in WEB_SCHEMES:
                    problems.append(f"{name}: href={value[:80]!r} on <{tag}>")
    return problems


def pdf_problems(path: Path, reader: PdfReader, streams: bytes) -> list[str]:
    """Attachments, JavaScript, launch actions and non-web links in the PDF."""
    problems = []
    for marker in (b"/EmbeddedFile", b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/SubmitForm", b"/ImportData",
                   b"/GoToR", b"/RichMedia", b"/FileAttachment"):
        if marker in streams:
            problems.append(f"{path.name}: contains {marker.decode().strip()}")
    if reader.attachments:
        problems.append(f"{path.name}: attachments {list(reader.attachments)}")
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            action = action.get_object() if action is not None else {}
            uri = str(action.get("/URI", "")) if action else ""
            if uri and urlsplit(uri).scheme.lower() not in WEB_SCHEMES:
                problems.append(f"{path.name}: page {number} links to {uri[:80]!r}")
    return problems


# --------------------------------------------------------------------------------------- checks


def as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def forbidden_for(expect: dict, fmt: str) -> list[str]:
    forbidden = expect.get("forbidden") or []
    if isinstance(forbidden, dict):
        return as_list(forbidden.get(fmt))
    return as_list(forbidden)


def line_with(lines: list[str], fragments: list[str]) -> str | None:
    """The first line holding every fragment (case-insensitive)."""
    for line in lines:
        if all(fragment.casefold() in line.casefold() for fragment in fragments):
            return line
    return None


def check(run: Run) -> None:
    """Every expectation of one case; raises AssertionError with a readable reason."""
    expect, outcome = run.expect, run.expect["outcome"]
    assert not run.setup_error, run.setup_error
    assert run.returncode is not None, (
        f"did not finish within {run.timeout:.0f} s; output so far:\n{run.output[-2000:]}")
    assert "Traceback" not in run.output, f"traceback in the output:\n{run.output[-3000:]}"
    for name in as_list(expect.get("must_not_exist")):
        assert not (run.folder / name).exists() and not Path(name).exists(), f"the build created {name}"
    errors, warnings = run.lines_starting("error:"), run.lines_starting("warning:")
    fragments = as_list(expect.get("message"))
    files = output_files(run.out)
    leftovers = [p.name for p in files if p.name.endswith(".tmp")]

    if outcome == "error":
        assert run.returncode == 1, f"exit code {run.returncode}, expected 1; output:\n{run.output[-2000:]}"
        assert len(errors) == 1, f"expected exactly one error: line, got {errors}"
        line = errors[0]
        assert "internal error" not in line, f"an engine crash, not a clean error: {line}"
        assert Path(run.article).name in line, f"the error does not name the file: {line}"
        assert line_with(errors, fragments), f"{fragments} not in the error: {line}"
        assert not files, f"files written or left behind for a failed article: {[p.name for p in files]}"
        return

    assert run.returncode == 0, f"exit code {run.returncode}, expected 0; output:\n{run.output[-2000:]}"
    assert not errors, f"unexpected error lines: {errors}"
    if outcome == "ok":
        assert not warnings, f"expected a silent build, got: {warnings}"
    else:
        assert warnings, "expected a warning, got none"
        assert line_with(warnings, fragments), f"no warning line holds {fragments}: {warnings}"
    repeated = sorted({line for line in warnings if warnings.count(line) > 1})
    assert not repeated, f"{len(warnings)} warning lines, some repeated: {repeated[:3]}"
    assert not leftovers, f"temporary files left behind: {leftovers}"
    formats = tuple(run.expect.get("formats", FORMATS))
    for fmt in formats:
        written = [p for p in files if p.suffix == f".{fmt}"]
        assert len(written) == 1, f"expected one .{fmt} file, found {[p.name for p in files]}"
    canaries = [c.encode() for c in as_list(expect.get("canary"))]
    for path in files:
        checker = {".epub": check_epub, ".pdf": check_pdf}.get(path.suffix)
        if checker is None:
            continue
        try:
            checker(path, forbidden_for(expect, path.suffix[1:]), canaries)
            if path.suffix == ".epub":
                check_required(path, as_list(expect.get("required")))
        except AssertionError:
            raise
        except Exception as exc:  # an edition our readers (zipfile, lxml, pypdf) cannot open is a failure too
            raise AssertionError(f"{path.name} cannot be read: {type(exc).__name__}: {exc}") from exc


def check_epub(path: Path, forbidden: list[str], canaries: list[bytes]) -> None:
    entries = epub_entries(path)
    assert entries.get("mimetype") == b"application/epub+zip", f"{path.name}: bad mimetype entry"
    problems = []
    for name, data in entries.items():
        if name.endswith((".xhtml", ".html")):
            problems += active_content(name, data)
        problems += [f"{name}: canary {c!r}" for c in canaries if c in data]
    assert not problems, "\n".join(problems)
    text = epub_text(entries).casefold()
    found = [s for s in forbidden if s.casefold() in text]
    assert not found, f"{path.name}: forbidden text {found}"


def check_required(path: Path, required: list[str]) -> None:
    entries = epub_entries(path)
    text = epub_text(entries) + "\n" + "\n".join(entries)
    missing = [r for r in required if r.casefold() not in text.casefold()]
    assert not missing, f"{path.name}: expected {missing} in the EPUB"


def check_pdf(path: Path, forbidden: list[str], canaries: list[bytes]) -> None:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert len(reader.pages) >= 1, f"{path.name}: no pages"
    streams = pdf_streams(path, reader)
    problems = pdf_problems(path, reader, streams)
    problems += [f"{path.name}: canary {c!r}" for c in canaries if c in streams]
    assert not problems, "\n".join(problems)
    if forbidden:
        text = pdf_text(reader).casefold()
        found = [s for s in forbidden if s.casefold() in text]
        assert not found, f"{path.name}: forbidden text {found}"


# --------------------------------------------------------------------------------------- tests


def test_corpus_is_complete():
    """At least 40 cases, each with a recipe or an article, and well-formed expectations."""
    assert len(CASES) >= 40
    for name in CASES:
        expect = load_expect(name)
        folder = HOSTILE / name
        assert (folder / "article.md").exists() or (folder / "make.py").exists(), name
        unknown = set(expect) - {"description", "outcome", "message", "formats", "forbidden", "canary",
                                 "required", "must_not_exist", "article", "timeout", "xfail"}
        assert not unknown, f"{name}/expect.yaml: unknown keys {unknown}"
        assert set(expect.get("formats", FORMATS)) <= set(FORMATS), name


@pytest.mark.parametrize("case", CASES)
def test_hostile_case(case, hostile_builds):
    run = hostile_builds.get(case)
    reason = run.expect.get("xfail")
    try:
        check(run)
    except AssertionError as exc:
        if reason:
            pytest.xfail(f"{reason} -- {str(exc).splitlines()[0][:300]}")
        raise


@pytest.mark.slow
def test_sanitised_epubs_pass_epubcheck(hostile_builds):
    """EPUBCheck on the editions of the most dangerous sanitising cases.

    A case that did not build is left to its own test; at least most of them must have built.
    """
    epubs = {}
    for name in EPUBCHECK_CASES:
        run = hostile_builds.get(name)
        found = [p for p in output_files(run.out) if p.suffix == ".epub"] if run.returncode == 0 else []
        if found:
            epubs[found[0]] = name
    assert len(epubs) >= len(EPUBCHECK_CASES) - 2, f"too few of {EPUBCHECK_CASES} built"
    if hasattr(conftest, "epubcheck_many"):  # one JVM per batch
        results = conftest.epubcheck_many(list(epubs))
    else:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = dict(zip(epubs, pool.map(conftest.epubcheck_messages, epubs)))
    failures = {epubs[path]: messages for path, messages in results.items() if messages}
    assert not failures, failures


def test_leading_dash_name_without_separator_is_a_usage_error(tmp_path):
    """``pressexport build -rf.md`` is read as options: exit 2, no traceback, nothing touched."""
    article = tmp_path / "-rf.md"
    article.write_text("---\ntitle: Dash\nlang: en\nlicence: CC-BY-4.0\n---\nBody.\n", encoding="utf-8")
    done = subprocess.run(pressexport_command() + ["build", "-rf.md", "--out", "out"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=DEFAULT_TIMEOUT, stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert article.exists()
    assert not (tmp_path / "out").exists()


class CountingHandler(http.server.BaseHTTPRequestHandler):
    """Counts every request (any method) and answers with a tiny valid PNG or CSS."""

    requests: list[str] = []
    PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

    def _answer(self):
        type(self).requests.append(f"{self.command} {self.path}")
        body, kind = (self.PNG, "image/png") if self.path.endswith(".png") else (b"body{color:red}", "text/css")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = _answer

    def log_message(self, *args):  # keep the test output clean
        pass


def test_nothing_is_fetched_from_the_network(tmp_path):
    """An article pointing at a local HTTP server in every way it can: the server sees no request."""
    CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        folder = tmp_path / "net"
        folder.mkdir()
        (folder / "article.md").write_text(
            "---\n"
            "title: Network\nlang: en\nlicence: CC-BY-4.0\n"
            f"base_url: {base}/base/\n"
            f"cover:\n  image: {base}/cover.png\n  credit: Someone\n"
            f"related:\n  - {{id: r, title: Related, url: '{base}/related'}}\n"
            "---\n"
            f"![image]({base}/image.png)\n\n"
            f'<img src="{base}/html-image.png" srcset="{base}/srcset.png 2x" alt="html image">\n\n'
            f'<link rel="stylesheet" href="{base}/style.css">\n\n'
            f'<style>@import url("{base}/import.css"); p {{ background: url({base}/bg.png); }}</style>\n\n'
            f'<p style="background-image: url({base}/inline.png)">Styled.</p>\n\n'
            f'<iframe src="{base}/frame.html"></iframe>\n\n'
            f'<object data="{base}/object.png"></object> <embed src="{base}/embed.png">\n\n'
            f'<video poster="{base}/poster.png" src="{base}/video.png"></video>\n\n'
            f"A [plain link]({base}/page.html), an autolink <{base}/auto> and a [relative one](relative.html).\n\n"
            "[[related r]]\n",
            encoding="utf-8")
        done = subprocess.run(pressexport_command() + ["build", "--out", str(tmp_path / "out"), "--", "article.md"],
                              cwd=folder, capture_output=True, text=True, timeout=DEFAULT_TIMEOUT,
                              stdin=subprocess.DEVNULL)
        output = done.stdout + done.stderr
        assert done.returncode == 0, output
        assert "Traceback" not in output
        assert CountingHandler.requests == [], f"the build fetched: {CountingHandler.requests}"
        # The server was listening all along: a real request is counted.
        with urlopen(f"{base}/probe.png", timeout=10) as response:
            assert response.status == 200
        assert CountingHandler.requests == ["GET /probe.png"]
    finally:
        server.shutdown()
        server.server_close()
