"""Every example of the CommonMark spec, rendered as its own article, makes an EPUB that EPUBCheck
passes with no error and no warning; raw HTML included, which must come out as well-formed, sanitised
XHTML. An example may also be refused, but only with a clean ``PressexportError``, never a traceback.

The examples are in ``tests/data/commonmark.json`` (see ``tests/data/README.md`` for its source and
licence). EPUBCheck runs once per batch of books (``conftest.epubcheck_many``), not once per book.
"""

from __future__ import annotations

import json
import logging
import traceback
import zipfile
from pathlib import Path

import pytest

from conftest import SEED, epubcheck_many, epubcheck_messages, write_article
from pressexport import PressexportError, load_article, render_article, write_epub
from pressexport import images
from pressexport.backends import epub as epub_backend
from pressexport.build import BuildOptions, build

SPEC = Path(__file__).parent / "data" / "commonmark.json"
EXAMPLES = {example["example"]: example for example in json.loads(SPEC.read_text(encoding="utf-8"))}
FRONT = "---\ntitle: Example {label}\nlang: en\nlicence: CC-BY-SA-4.0\n---\n"

# A fixed sample for the quick test: raw HTML (blocks and inline), links and their destinations,
# autolinks, images, entities and escapes, code, lists (start numbers), tables in HTML blocks.
SAMPLE = (
    12, 22, 24, 25, 26, 28, 32, 33,  # backslash escapes, entities, numeric references (&#0;)
    107, 142,  # indented and fenced code
    148, 150, 156, 159, 162, 169, 170, 172, 182, 191,  # HTML blocks
    265, 266, 304,  # list start numbers
    344, 481,  # code spans, emphasis
    486, 502, 503, 505, 527,  # links and their destinations
    573, 581, 593,  # images (missing: placeholders)
    597, 600, 602, 603, 606,  # autolinks
    613, 616, 620, 630, 631, 632,  # raw inline HTML
)
# Raw HTML the spec does not try but authors write: each breaks a content model or an attribute's
# datatype that EPUBCheck's HTML schema enforces, and must come out repaired.
HTML_CASES = {
    "block-in-heading": "# head <div>b</div>\n\n<h2>t<div>b</div><ul><li>x</li></ul></h2>\n",
    "block-in-pre": "<pre>a<div>b</div></pre>\n",
    "block-in-inline": "<em>a<blockquote>q</blockquote></em> <span><section>x</section></span>\n",
    "list-strays": "<ul><p>x</p>text<li>y</li></ul> <ol start=\"abc\" reversed=\"yes\"><li value=\"x\">a</li></ol>\n",
    "definition-list-strays": "<dl><dd>x</dd><p>y</p></dl> <dl><dt>a</dt></dl>\n",
    "table-order": ("<table><tfoot><tr><td>f</td></tr></tfoot><tbody><tr><td>a</td></tr></tbody>"
                    "<thead><tr><th>h</th></tr></thead><caption>c</caption><caption>d</caption></table>\n"),
    "table-in-caption": "<table><caption><table><tr><td>x</td></tr></table></caption><tr><td>a</td></tr></table>\n",
    "table-attributes": ("<table><colgroup span=\"-1\"><col span=\"x\"></colgroup><tr><td colspan=\"0\" "
                         "rowspan=\"x\" style=\"text-align: url(x)\">a</td><th scope=\"bad\">b</th></tr></table>\n"),
    "figure-captions": "<figure><p>a</p><figcaption>c</figcaption><p>b</p><figcaption>d</figcaption></figure>\n",
    "ruby": "<ruby>a</ruby> <rt>x</rt> <rp>(</rp> <ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>\n",
    "self-nesting": "<dfn>a<dfn>b</dfn></dfn> <time>1<time>2</time></time>\n",
    "dates": "<time datetime=\"not a date\">x</time> <del datetime=\"yesterday\">x</del> <ins datetime=\"2020-13-45\">y</ins>\n",
    "direction-language": "<span lang=\"!!\">x</span> <span dir=\"up\">z</span> <bdo>x</bdo> <bdo dir=\"x\">y</bdo>\n",
    "void-with-content": "<wbr>text</wbr> <br>a</br>\n",
    "ids": "<span id=\"1x\">a</span><span id=\"a b\">b</span><span id=\"a²\">c</span><span id=\"a\">d</span><span id=\"a\">e</span>\n",
    "urls": ("[a](<https://example.org/a b>) [b](https://example.org/a\\\\b) [d](https://example.org/%zz) "
             "[e](mailto:a b@c.d) [f](https://example.org/a|b{c}) [g](https://example.org/#a#b) "
             "[h](https://user:pa ss@example.org/) <a href=\"mailto:\">i</a> <a href=\"http:/example.org\">j</a> "
             "<blockquote cite=\"foo bar\">q</blockquote>\n"),
    "invalid-characters": "&#xFFFE; &#xFFFF; &#xD800; a\x01b\n",
    "notes": ("Text[^1] more[^2].\n\n[^1]: See [rel](foo.html), <span><div>x</div></span> ![img](missing.png) "
              "<span id=\"dup\">a</span>\n[^2]: <a class=\"noteref\" href=\"https://example.org\">x</a> "
              "<span id=\"dup\">b</span>\n"),
}


def share_cover(patch: pytest.MonkeyPatch) -> None:
    """One generated cover for every book: drawing and compressing a cover per example would take
    most of the run, and the cover has no bearing on the text's validity."""
    cover = images.generate_cover("CommonMark example")
    patch.setattr(epub_backend, "generate_cover", lambda *args, **kwargs: cover)  # where the backend looks it up


def build_articles(bodies: dict, folder: Path) -> tuple[dict, dict]:
    """Each Markdown body as its own article and EPUB: ({label: epub}, {label: traceback of a crash})."""
    books, crashes = {}, {}
    logger = logging.getLogger("pressexport")
    level = logger.level
    logger.setLevel(logging.ERROR)  # placeholder and alt-text warnings are expected here
    try:
        for label, body in bodies.items():
            source = write_article(folder / f"example-{label}", FRONT.format(label=label) + body)
            try:
                books[label] = write_epub(render_article(load_article(source)), source.with_suffix(".epub"))
            except PressexportError:
                pass  # refused cleanly: fine
            except Exception:  # noqa: BLE001 - a crash is what the tests report
                crashes[label] = traceback.format_exc()
    finally:
        logger.setLevel(level)
    return books, crashes


def failures_report(bodies: dict, books: dict, crashes: dict, verdicts: dict) -> str:
    """'' when every body built (or was refused cleanly) and passed EPUBCheck, else each failure."""
    lines = [f"{label} crashed:\n{text}" for label, text in crashes.items()]
    for label, book in books.items():
        if verdicts[book]:
            section = f" ({EXAMPLES[label]['section']})" if label in EXAMPLES else ""
            lines.append(f"example {label}{section}: {bodies[label]!r}")
            lines.extend(f"    {message}" for message in verdicts[book])
    failing = len(crashes) + sum(1 for book in books.values() if verdicts[book])
    return f"{failing} of {len(bodies)} fail:\n" + "\n".join(lines) if lines else ""


def spec_bodies(numbers) -> dict[int, str]:
    """{example number: its Markdown}."""
    return {number: EXAMPLES[number]["markdown"] for number in numbers}


@pytest.fixture(scope="module")
def quick_checks(tmp_path_factory) -> dict[str, str]:
    """The sampled spec examples and the raw HTML cases, built and checked in one EPUBCheck batch:
    {'sample': report, 'html': report}."""
    folder = tmp_path_factory.mktemp("commonmark-quick")
    groups = {"sample": spec_bodies(SAMPLE), "html": HTML_CASES}
    with pytest.MonkeyPatch.context() as patch:
        share_cover(patch)
        built = {name: build_articles(bodies, folder / name) for name, bodies in groups.items()}
    verdicts = epubcheck_many([book for books, _ in built.values() for book in books.values()])
    return {name: failures_report(groups[name], *built[name], verdicts) for name in groups}


def test_spec_file_holds_every_example():
    assert len(EXAMPLES) == 652
    assert sorted(EXAMPLES) == list(range(1, 653))
    assert set(SAMPLE) <= set(EXAMPLES) and len(SAMPLE) >= 40


def test_sampled_examples_pass_epubcheck(quick_checks):
    assert not quick_checks["sample"], quick_checks["sample"]


def test_raw_html_beyond_the_spec_passes_epubcheck(quick_checks):
    assert not quick_checks["html"], quick_checks["html"]


@pytest.mark.slow
def test_every_example_passes_epubcheck(tmp_path, monkeypatch):
    share_cover(monkeypatch)
    bodies = spec_bodies(sorted(EXAMPLES))
    books, crashes = build_articles(bodies, tmp_path)
    report = failures_report(bodies, books, crashes, epubcheck_many(books.values()))
    assert not report, report
    assert len(books) > 600  # nearly every example builds; a clean refusal stays the exception


def broken_copy(book: Path, target: Path) -> Path:
    """A copy of ``book`` whose article links to a file the book does not hold (RSC-007)."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("article.xhtml"):
                data = data.replace(b"</h1>", b'</h1><p><a href="missing.xhtml">dangling</a></p>', 1)
            copy.writestr(info, data, compress_type=info.compress_type)
    return target


@pytest.mark.slow
def test_batch_checker_agrees_with_epubcheck(tmp_path):
    report = build([SEED], BuildOptions(out_dir=tmp_path, formats=("epub",)))
    valid = report.written[0]
    broken = broken_copy(valid, tmp_path / "broken.epub")
    batch = epubcheck_many([valid, broken])
    assert batch[valid] == epubcheck_messages(valid) == []
    assert any(" RSC-007 " in message for message in batch[broken])
    assert sorted(batch[broken]) == sorted(epubcheck_messages(broken))
