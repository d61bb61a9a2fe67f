"""Golden files: the core's XHTML for tiny fixtures, the seed and the corpus; EPUBs member by member.

``pytest tests/test_golden.py --regen-golden`` rewrites tests/golden/ from the current code; review the
diff before committing it. Fixtures are tiny articles under tests/fixtures/<case>/article.md.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import CORPUS_ARTICLES, CORPUS_LOGS, REGEN_GOLDEN, SEED
from pressexport import load_article, render_article
from pressexport.backends import epub
from pressexport.options import EpubOptions

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
GOLDEN_HTML = TESTS / "golden" / "html"
GOLDEN_EPUB = TESTS / "golden" / "epub"
DIFF_LINES = 60
SEED_CASE = SEED.parent.name  # "russia-coronavirus-aid"

FIXTURE_CASES = {path.parent.name: path for path in sorted(FIXTURES.glob("*/article.md"))}
HTML_CASES = {**FIXTURE_CASES, SEED_CASE: SEED, **{path.stem: path for path in CORPUS_ARTICLES}}
EXPECTED_LOGS = {
    "end-mark": (r"image .* not available",),
    "images-missing": (r"image .* not available",),
    "related": (r"no related item 'missing-key'",),
    **{path.stem: CORPUS_LOGS for path in CORPUS_ARTICLES},
}
EPUB_CASES = {
    SEED_CASE: (SEED, EpubOptions()),
    "footnotes": (FIXTURE_CASES["footnotes"], EpubOptions()),
    "images-missing": (FIXTURE_CASES["images-missing"], EpubOptions()),
    "headings-embedded-fonts": (FIXTURE_CASES["headings"], EpubOptions(embed_fonts=True)),
}
TEXT_MEMBER = re.compile(r"(^mimetype|\.(xhtml|html|opf|ncx|xml|css|svg|txt))$")
VOLATILE_METADATA = [  # (what varies from one build to the next, what the golden files hold instead)
    (re.compile(r'(<meta property="dcterms:modified">)[^<]*(</meta>)'), r"\1NORMALISED\2"),
]


def cases_with_expected_logs(names) -> list:
    """Each case as a pytest param, carrying the warnings its article is known to cause."""
    return [pytest.param(name, id=name, marks=pytest.mark.expected_logs(*EXPECTED_LOGS.get(name, ())))
            for name in names]


# --- comparing and rewriting ----------------------------------------------------------------------


def unified_diff(expected: str, actual: str, name: str) -> str:
    """The first DIFF_LINES lines of a unified diff from the golden text to the actual one."""
    lines = list(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                      fromfile=f"golden/{name}", tofile=f"actual/{name}"))
    shown = "".join(line if line.endswith("\n") else line + "\n" for line in lines[:DIFF_LINES])
    return shown + (f"... ({len(lines) - DIFF_LINES} more diff lines)\n" if len(lines) > DIFF_LINES else "")


def read_golden(path: Path) -> str:
    """A golden file's text, byte for byte (no newline translation)."""
    return path.read_bytes().decode("utf-8")


def write_golden(path: Path, text: str) -> None:
    """Write a golden file byte for byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def missing_golden(path: Path) -> str:
    """The message for a case that has no golden file yet."""
    return f"no golden file {path.relative_to(TESTS)}: run pytest with {REGEN_GOLDEN} and review the result"


# --- the core's XHTML -----------------------------------------------------------------------------


def golden_html(path: Path) -> str:
    """The article's body_html, then each note's html under a separator naming the note and its calls."""
    rendered = render_article(load_article(path))
    parts = [rendered.body_html]
    for note in rendered.notes:
        parts.append(f"<!-- ===== note {note.number} (calls: {', '.join(note.call_ids)}) ===== -->")
        parts.append(note.html)
    return "\n".join(parts) + "\n"


@pytest.mark.parametrize("case", cases_with_expected_logs(HTML_CASES))
def test_core_html_matches_golden(case, regen_golden):
    actual = golden_html(HTML_CASES[case])
    path = GOLDEN_HTML / f"{case}.html"
    if regen_golden:
        write_golden(path, actual)
        return
    assert path.is_file(), missing_golden(path)
    expected = read_golden(path)
    if actual != expected:
        pytest.fail(f"{case}: the core's XHTML differs from its golden file\n"
                    f"{unified_diff(expected, actual, path.name)}", pytrace=False)


def test_every_golden_html_file_has_a_case(regen_golden):
    stale = sorted(path for path in GOLDEN_HTML.glob("*.html") if path.stem not in HTML_CASES)
    if regen_golden:
        for path in stale:
            path.unlink()
        return
    assert not stale, f"golden files without a case (--regen-golden removes them): {[p.name for p in stale]}"


# --- EPUBs member by member -----------------------------------------------------------------------


def epub_bytes(path: Path, options: EpubOptions) -> bytes:
    """The article's EPUB edition, as the EPUB backend writes it."""
    return epub.render(render_article(load_article(path)), options)


def normalised(text: str) -> str:
    """A text member with the metadata that changes from build to build replaced by a fixed token."""
    for pattern, replacement in VOLATILE_METADATA:
        text = pattern.sub(replacement, text)
    return text


def golden_members(data: bytes) -> dict[str, str]:
    """Each member as the golden folder holds it: text normalised, binary as ``<name>.sha256`` with its digest."""
    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            content = book.read(name)
            if TEXT_MEMBER.search(name):
                members[name] = normalised(content.decode("utf-8"))
            else:  # sha256sum's format, so ``sha256sum -c`` works in the folder
                members[f"{name}.sha256"] = f"{hashlib.sha256(content).hexdigest()}  {Path(name).name}\n"
    return members


def members_on_disk(folder: Path) -> dict[str, str]:
    """The golden folder's files, by their path inside it."""
    return {path.relative_to(folder).as_posix(): read_golden(path)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def rewrite_golden_folder(folder: Path, members: dict[str, str]) -> None:
    """Replace the golden folder with these members, so members the EPUB no longer has disappear."""
    shutil.rmtree(folder, ignore_errors=True)
    for name, text in members.items():
        write_golden(folder / name, text)


def member_differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """A report per member missing, unexpected or different (with its diff)."""
    report = [f"missing member: {name}" for name in sorted(expected.keys() - actual.keys())]
    report += [f"unexpected member: {name}" for name in sorted(actual.keys() - expected.keys())]
    report += [f"member {name} differs:\n{unified_diff(expected[name], actual[name], name)}"
               for name in sorted(expected.keys() & actual.keys()) if expected[name] != actual[name]]
    return report


@pytest.mark.parametrize("case", cases_with_expected_logs(EPUB_CASES))
def test_epub_members_match_golden(case, regen_golden):
    actual = golden_members(epub_bytes(*EPUB_CASES[case]))
    folder = GOLDEN_EPUB / case
    if regen_golden:
        rewrite_golden_folder(folder, actual)
        return
    assert folder.is_dir(), missing_golden(folder)
    differences = member_differences(members_on_disk(folder), actual)
    if differences:
        pytest.fail(f"{case}: the EPUB differs from tests/golden/epub/{case}/\n" + "\n".join(differences),
                    pytrace=False)


def test_every_golden_epub_folder_has_a_case(regen_golden):
    stale = sorted(path for path in GOLDEN_EPUB.iterdir() if path.name not in EPUB_CASES) \
        if GOLDEN_EPUB.is_dir() else []
    if regen_golden:
        for path in stale:
            shutil.rmtree(path)
        return
    assert not stale, f"golden folders without a case (--regen-golden removes them): {[p.name for p in stale]}"


def test_normalising_removes_everything_the_build_time_changes(monkeypatch):
    path, options = EPUB_CASES["footnotes"]
    builds = []
    for epoch in ("1000000000", "1700000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        builds.append(epub_bytes(path, options))
    assert builds[0] != builds[1]  # the build time is in the book...
    assert golden_members(builds[0]) == golden_members(builds[1])  # ...and only where the golden files ignore it
