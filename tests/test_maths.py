"""TeX maths: found by pandoc's rules, MathML in the EPUB, drawn in the PDF, TeX with a warning when broken."""

from __future__ import annotations

import re
import zipfile

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from lxml import etree

from conftest import epubcheck_messages, write_article
from pressexport.backends.print_body import print_body
from pressexport.build import BuildOptions, build
from pressexport.core import render_article
from pressexport.core.maths import MATHML
from pressexport.sources.article import load_article

M = {"m": MATHML}


def rendered(folder, body: str, lang: str = "en"):
    path = write_article(folder, f"---\ntitle: Maths\nlang: {lang}\nlicence: CC-BY-4.0\n---\n\n{body}\n")
    return render_article(load_article(path))


def formulas(folder, body: str, lang: str = "en") -> list[tuple[str, str]]:
    """(TeX, display) of every formula the article's body holds as MathML."""
    tree = rendered(folder, body, lang).body
    return [(math.get("alttext"), math.get("display")) for math in tree.xpath(".//m:math", namespaces=M)]


@pytest.mark.parametrize(("body", "expected"), [
    ("It costs $5 and $10 today.", []),
    ("From $20-$30, or US$5 and $ 7.", []),
    (r"Escaped \$x$ stays a price.", []),
    ("`$x$` is code, and so is\n\n    $y$\n", []),
    (r"Inline $a_b + c_d$ and \(x^2\).", [("a_b + c_d", "inline"), ("x^2", "inline")]),
    (r"A $$\sum x_i$$ within a line.", [(r"\sum x_i", "block")]),
    ("$$\nCER = \\frac{S+D+I}{N}\n$$", [(r"CER = \frac{S+D+I}{N}", "block")]),
    (r"\[ y = mx + c \]", [("y = mx + c", "block")]),
    ("\\begin{align}\na &= b\n\\end{align}", [(r"\begin{align} a &= b \end{align}", "block")]),
    ("Text\n$$\na_b\n$$\nand more.", [("a_b", "block")]),
])
def test_what_is_maths_and_what_is_a_price(tmp_path, body, expected):
    assert formulas(tmp_path, body) == expected


def test_a_formula_is_mathml_carrying_its_tex(tmp_path):
    tree = rendered(tmp_path, "$$ CER = \\frac{S+D+I}{N} $$").body
    equation = tree.find("div[@class='equation']")
    math = equation[0]
    assert math.tag == f"{{{MATHML}}}math" and math.get("display") == "block"
    assert math.xpath("count(.//m:mfrac)", namespaces=M) == 1
    assert [mi.text for mi in math.xpath(".//m:mfrac/m:mrow[2]/m:mi", namespaces=M)] == ["N"]


def test_maths_is_left_to_itself_by_punctuation_and_hyphenation(tmp_path):
    tree = rendered(tmp_path, "So $f'(x) = \\text{\"really\" -- yes...}$ and \"prose\" -- here.").body
    math_text = "".join(tree.xpath(".//m:math//text()", namespaces=M)).replace("\xa0", " ")
    assert "’" not in math_text and "“" not in math_text and "–" not in math_text
    assert "′" in math_text and '"really" -- yes...' in math_text  # TeX's prime; \text as typed
    assert "“prose”\u00a0– here" in etree.tostring(tree, encoding="unicode", method="text")
    assert not re.search("[\u00ad\u200b]", math_text)


def test_a_decimal_comma_is_one_number_where_the_language_writes_one(tmp_path):
    numbers = [mn.text for mn in rendered(tmp_path / "fr", "$x = 0,15$", "fr").body.xpath(".//m:mn", namespaces=M)]
    assert numbers == ["0,15"]
    numbers = [mn.text for mn in rendered(tmp_path / "en", "$f(1,2)$").body.xpath(".//m:mn", namespaces=M)]
    assert numbers == ["1", "2"]


@pytest.mark.parametrize(("tex", "reason"), [
    ("x^", "missing super script"),
    (r"\foo{x}", r"\\foo is not a command it knows"),
    ("{", "no available tokens"),
])
def test_a_formula_that_does_not_parse_stays_as_tex_with_a_warning(tmp_path, caplog, tex, reason):
    tree = rendered(tmp_path, f"Broken ${tex}$ here.").body
    assert not tree.xpath(".//m:math", namespaces=M)
    assert [code.text for code in tree.xpath(".//code[@class='tex']")] == [tex]
    messages = [r.getMessage() for r in caplog.records]
    assert any(re.search(rf"cannot typeset the formula \${re.escape(tex)}\$: .*{reason}", m) for m in messages), messages


def test_hostile_tex_cannot_put_markup_or_links_into_an_edition(tmp_path):
    tree = rendered(tmp_path, r"$\href{javascript:alert(1)}{x} \text{<script>alert(1)</script>}$").body
    math = tree.xpath(".//m:math", namespaces=M)[0]
    assert not any(element.get("href") for element in math.iter())
    assert {etree.QName(element).localname for element in math.iter()} <= {"math", "mrow", "mi", "mtext"}
    assert "<script>alert(1)</script>" in math.xpath("string(.//m:mtext)", namespaces=M)


def test_print_draws_each_formula_on_the_baseline_of_its_line(tmp_path):
    html = print_body(rendered(tmp_path, "Inline $x_1$ and\n\n$$\\frac{a}{b}$$"))
    inline, display = re.findall(r"<svg [^>]*>", html)
    assert 'class="maths"' in inline and re.search(r'vertical-align: -0\.\d+em', inline)
    assert 'class="maths display"' in display and "vertical-align" not in display
    drawn = html.split("<svg", 1)[1].replace('<span id="end-of-text"></span>', "")  # the text's end marker aside
    assert "<math" not in html and "<path" in html and ' id="' not in drawn


def path_objects(pdf) -> int:
    document = pypdfium2.PdfDocument(pdf)
    return sum(1 for page in document for item in page.get_objects(max_depth=4) if item.type == pdfium_c.FPDF_PAGEOBJ_PATH)


@pytest.mark.expected_logs(r"cannot typeset the formula \$x\^\$")
def test_both_editions_of_an_article_with_maths(tmp_path):
    write_article(tmp_path / "maths", "---\ntitle: Maths\nlang: fr\nlicence: CC-BY-4.0\n---\n\n"
                  "Le taux : $$ CER = \\frac{S+D+I}{N} $$\n\nEn ligne $e^{i\\pi} + 1 = 0$, et cassée $x^$.\n\n"
                  "Une note[^1].\n\n[^1]: Avec $\\sqrt{2}$.\n")
    report = build([tmp_path / "maths"], BuildOptions(out_dir=tmp_path / "out"))
    assert report.ok, report.failures
    epub, pdf = (next(p for p in report.written if p.suffix == suffix) for suffix in (".epub", ".pdf"))

    with zipfile.ZipFile(epub) as book:
        opf = book.read("EPUB/content.opf").decode()
        documents = [book.read(name).decode() for name in book.namelist() if name.endswith(".xhtml")]
    text = next(document for document in documents if "CER" in document)
    assert text.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') == 3
    assert re.search(r'<item [^>]*properties="mathml"', opf)
    assert re.search(r'property="schema:accessibilityFeature">MathML<', opf)
    assert '<code class="tex">x^</code>' in text
    assert epubcheck_messages(epub) == []

    document = pypdfium2.PdfDocument(pdf)
    words = " ".join(page.get_textpage().get_text_range() for page in document)
    assert "frac" not in words and "sqrt" not in words and "x^" in words  # drawn, except the broken one
    assert path_objects(pdf) >= 15  # the glyphs of three formulas, drawn as outlines
