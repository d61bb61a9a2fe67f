"""Tests for ``pressexport.core.render_article``: Markdown in, sanitised XHTML fragment out.

Each test writes a tiny article, renders it for real and checks facts about the result,
in the spirit of Python-Markdown's ``assertMarkdownRenders``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from conftest import CORPUS_ARTICLES, CORPUS_LOGS, PROJECT, SEED, write_article
from pressexport.diagnostics import collecting
from pressexport.core import render_article
from pressexport.model import RenderedArticle
from pressexport.sources.article import load_article

FRONT = "---\ntitle: T\nlang: en\nlicence: CC-BY-4.0\n{extra}---\n"
RELATED = ("related:\n"
           "  - id: bbc\n    title: \"What does ‘from Russia with love’ mean?\"\n    source: BBC News\n"
           "  - id: cnbc\n    title: Why the aid is controversial\n    source: CNBC\n"
           "    url: https://www.cnbc.com/aid/\n")


def parse(body_html: str) -> etree._Element:
    """The fragment as XML under a <div>; fails the test if it is not well-formed."""
    return etree.fromstring(f"<div>{body_html}</div>")


def render(folder: Path, body: str, extra: str = "") -> RenderedArticle:
    """Render a tiny article; every rendering is checked to be well-formed XML."""
    rendered = render_article(load_article(write_article(folder, FRONT.format(extra=extra) + body)))
    parse(rendered.body_html)
    return rendered


def text_of(rendered: RenderedArticle) -> str:
    """The body's text content with whitespace collapsed."""
    return " ".join(parse(rendered.body_html).xpath("string()").split())


def ids_of(rendered: RenderedArticle) -> list[str]:
    return parse(rendered.body_html).xpath("//@id")


def core_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name.startswith("pressexport") and r.levelno == logging.WARNING]


def png(path: Path, size=(40, 30), colour=(200, 20, 20)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, format="PNG")
    return path


# --- well-formedness ------------------------------------------------------------------------------

CASES = {
    "headings": "# Top\n\ntext\n\n## Sub\n\n# Top\n\n### Deep\n\n## Sub\n",
    "footnotes": "Hello[^1] and again[^1] and[^note].\n\n[^1]: One.\n[^note]: Two *em*.\n",
    "unsafe": ('<script>alert(1)</script>\n\n<p onclick="steal()">hi</p>\n\n[bad](javascript:alert(1))\n\n'
               '<iframe src="https://evil.example/"></iframe>\n\n<form action="/x"><input name="a"></form>\n\n'
               "<style>p { color: red }</style>\n\nend\n"),
    "links": ("See [other page](other-page/), [web](https://example.com/), [mail](mailto:a@example.org) "
              "and [gone](#missing-anchor).\n"),
    "raw-html-soup": ('<div id="x">one</div><div id="x">two</div>\n\n<p id="1bad">three</p>\n\n'
                      "<caption>cap</caption>\n\n<li>orphan</li>\n\n<td>cell</td>\n\n<p>unclosed <b>bold\n"),
    "entities": "Fish &amp; chips, 3 < 4, &nbsp;, &copy; and 🔷.\n",
    "table": "| a | b |\n|:-:|--:|\n| 1 | 2 |\n",
    "lists-and-code": "- one\n    - nested\n\n1. first\n\n```python\nprint('<b>')\n```\n\nTerm\n: Definition\n",
    "missing-image": "![A missing picture](missing.png)\n",
    "shortcodes": ('{% include figure.html filename="x.png" caption="Figure 1" %}\n\n{% include toc.html %}\n\n'
                   '{{< figureforgallery src="a.png" alt="A" >}}\n\nText.\n'),
    "related": "Para one.\n\n[[related bbc]]\n\nPara two.\n",
    "empty": "",
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.expected_logs(r"image .* not available", r"has no alt text", r"dropped template tags")
def test_every_case_is_well_formed_xml(tmp_path, name):
    extra = RELATED if name == "related" else ""
    rendered = render(tmp_path, CASES[name], extra)
    assert isinstance(rendered.body_html, str)
    assert "<h1" not in rendered.body_html


@pytest.mark.parametrize("path", CORPUS_ARTICLES, ids=lambda p: p.stem)
@pytest.mark.expected_logs(*CORPUS_LOGS)
def test_corpus_article_is_well_formed_xml(path):
    rendered = render_article(load_article(path))
    tree = parse(rendered.body_html)
    assert tree.xpath("string()").strip()
    assert not tree.xpath("//h1")
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))
    asset_names = {asset.name for asset in rendered.assets}
    assert set(tree.xpath("//img/@src")) <= asset_names


def test_seed_is_well_formed_xml():
    tree = parse(render_article(load_article(SEED)).body_html)
    assert not tree.xpath("//h1")


# --- headings -------------------------------------------------------------------------------------


def test_headings_shift_so_top_is_h2(tmp_path):
    rendered = render(tmp_path, "# Top\n\ntext\n\n## Sub\n\n### Deep\n")
    tree = parse(rendered.body_html)
    assert [h.tag for h in tree.xpath("//h1|//h2|//h3|//h4|//h5|//h6")] == ["h2", "h3", "h4"]
    assert [(level, text) for level, _, text in rendered.headings] == [(2, "Top"), (3, "Sub"), (4, "Deep")]


def test_headings_already_at_h2_are_not_shifted(tmp_path):
    rendered = render(tmp_path, "## A\n\n### B\n")
    assert [level for level, _, _ in rendered.headings] == [2, 3]


def test_headings_deeper_than_h6_are_capped(tmp_path):
    rendered = render(tmp_path, "# A\n\n###### F\n")
    assert [level for level, _, _ in rendered.headings] == [2, 6]


def test_duplicate_heading_texts_get_unique_ids(tmp_path):
    rendered = render(tmp_path, "## Sub\n\nx\n\n## Sub\n\ny\n\n## Sub\n")
    ids = [heading_id for _, heading_id, _ in rendered.headings]
    assert [text for _, _, text in rendered.headings] == ["Sub", "Sub", "Sub"]
    assert len(set(ids)) == 3
    assert ids == parse(rendered.body_html).xpath("//h2/@id")


def test_heading_ids_are_xml_names(tmp_path):
    rendered = render(tmp_path, "## 1 Intro\n\n## ---\n\n## Введение\n")
    for _, heading_id, _ in rendered.headings:
        assert re.match(r"^[^\W\d][\w.-]*$", heading_id), heading_id


def test_heading_ids_do_not_clash_with_other_ids(tmp_path):
    rendered = render(tmp_path, '<p id="intro">x</p>\n\n## Intro\n')
    ids = ids_of(rendered)
    assert len(ids) == len(set(ids)) == 2


def test_heading_ids_do_not_take_note_ids(tmp_path):
    rendered = render(tmp_path, "## Note 1\n\nText[^a].\n\n[^a]: A note.\n")
    assert "note-1" not in ids_of(rendered)


def test_heading_text_excludes_footnote_calls(tmp_path):
    rendered = render(tmp_path, "## Heading[^1]\n\nText.\n\n[^1]: N.\n")
    assert rendered.headings[0][2] == "Heading"


# --- footnotes ------------------------------------------------------------------------------------


def test_footnotes_are_numbered_and_calls_rewritten(tmp_path):
    rendered = render(tmp_path, CASES["footnotes"])
    assert [note.number for note in rendered.notes] == [1, 2]
    assert "One." in rendered.notes[0].html
    assert "<em>em</em>" in rendered.notes[1].html
    calls = parse(rendered.body_html).xpath('//a[@class="noteref"]')
    assert [(a.get("href"), a.get("id"), a.text) for a in calls] == [
        ("#note-1", "noteref-1", "1"),
        ("#note-1", "noteref-1-2", "1"),
        ("#note-2", "noteref-2", "2"),
    ]
    assert '<a class="noteref" href="#note-1" id="noteref-1">' in rendered.body_html


def test_no_python_markdown_footnote_markup_left(tmp_path):
    rendered = render(tmp_path, CASES["footnotes"])
    tree = parse(rendered.body_html)
    assert not tree.xpath('//div[contains(@class, "footnote")]')
    assert not tree.xpath("//sup")
    assert "fnref" not in rendered.body_html and "fn:" not in rendered.body_html
    assert "One." not in text_of(rendered)
    for note in rendered.notes:
        assert "footnote-backref" not in note.html and "fnref" not in note.html
        parse(note.html)


def test_notes_are_numbered_in_order_of_definition_list(tmp_path):
    rendered = render(tmp_path, "First[^b], second[^a].\n\n[^a]: Alpha.\n[^b]: Beta.\n")
    by_number = {note.number: note.html for note in rendered.notes}
    calls = parse(rendered.body_html).xpath('//a[@class="noteref"]/@href')
    # each call points at the note holding its own text
    assert "Beta." in by_number[int(calls[0].removeprefix("#note-"))]
    assert "Alpha." in by_number[int(calls[1].removeprefix("#note-"))]


def test_no_footnotes_no_notes(tmp_path):
    rendered = render(tmp_path, "Plain text.\n")
    assert rendered.notes == ()
    assert "noteref" not in rendered.body_html


# --- sanitising -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forbidden", ["<script", "alert(1)", "onclick", "steal()", "javascript:", "<iframe", "evil.example",
                  "<form", "<input", "<style", "color: red"],
)
def test_unsafe_markup_is_removed(tmp_path, forbidden):
    rendered = render(tmp_path, CASES["unsafe"])
    assert forbidden not in rendered.body_html.lower()
    assert text_of(rendered) == "hi bad end"  # what is safe stays: dropping everything would not do


def test_unsafe_markup_keeps_safe_text(tmp_path):
    rendered = render(tmp_path, CASES["unsafe"])
    assert text_of(rendered) == "hi bad end"


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        "[x](data:text/html,hi)",
        '<img src="x" onerror="alert(1)">',
        '<svg onload="alert(1)"><circle/></svg>',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<base href="https://evil.example/"><meta http-equiv="refresh" content="0">',
        '<p style="background:url(https://evil.example/)">x</p>',
    ],
)
@pytest.mark.expected_logs(r"image .* not available", r"has no alt text")
def test_other_unsafe_forms_are_removed(tmp_path, markup):
    html = render(tmp_path, f"Before it.\n\n{markup}\n\nAfter it.\n").body_html.lower()
    assert "<p>before it.</p>" in html and "<p>after it.</p>" in html  # the text around stays
    for needle in ("javascript", "data:", "onerror", "onload", "<svg", "<object", "<embed", "<base",
                   "<meta", "evil.example", "style="):
        assert needle not in html


def test_table_alignment_style_is_kept(tmp_path):
    rendered = render(tmp_path, CASES["table"])
    assert 'style="text-align:center"' in rendered.body_html


# --- links ----------------------------------------------------------------------------------------


def test_relative_link_becomes_text(tmp_path):
    rendered = render(tmp_path, "See [the other page](other-page/) now.\n")
    assert text_of(rendered) == "See the other page now."
    assert not parse(rendered.body_html).xpath("//a")


def test_relative_link_with_base_url_becomes_absolute(tmp_path):
    rendered = render(tmp_path, "See [the other page](other-page/) now.\n",
                      "base_url: https://example.org/blog/\n")
    links = parse(rendered.body_html).xpath("//a")
    assert [(a.get("href"), a.text) for a in links] == [("https://example.org/blog/other-page/", "the other page")]


def test_web_and_mail_links_are_kept(tmp_path):
    rendered = render(tmp_path, CASES["links"])
    hrefs = parse(rendered.body_html).xpath("//a/@href")
    assert hrefs == ["https://example.com/", "mailto:a@example.org"]
    assert text_of(rendered) == "See other page, web, mail and gone."


def test_link_to_missing_anchor_is_unwrapped_and_existing_kept(tmp_path):
    rendered = render(tmp_path, "To [there](#intro) and [nowhere](#missing-anchor).\n\n## Intro\n")
    links = parse(rendered.body_html).xpath("//a")
    assert [(a.get("href"), a.text) for a in links] == [("#intro", "there")]
    assert "nowhere" in text_of(rendered)


# --- images ---------------------------------------------------------------------------------------


def test_missing_image_is_a_placeholder_with_one_warning_each(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"), collecting() as diagnostics:
        rendered = render(tmp_path, "![A missing picture](missing.png)\n\n![Another](gone.jpg)\n\n![Again](gone.jpg)\n")
    image_warnings = [m for m in core_warnings(caplog) if "image" in m]
    assert len(image_warnings) == 2  # the same image missing twice is said once
    assert [(d.code, d.file) for d in diagnostics] == [("image-missing", str(tmp_path / "article.md"))] * 2
    assert "'missing.png' not available (not found)" in image_warnings[0]
    assert "'gone.jpg' not available (not found)" in image_warnings[1]
    # attribute order is lxml's: <img alt=… src=… class="missing-image"/>
    images = parse(rendered.body_html).xpath('//img[@class="missing-image"]')
    assert [img.get("alt") for img in images] == ["A missing picture", "Another", "Again"]
    assets = {asset.name: asset for asset in rendered.assets}
    for img in images:
        asset = assets[img.get("src")]
        assert asset.media_type == "image/png"
        assert asset.data.startswith(b"\x89PNG\r\n\x1a\n")


def test_real_png_becomes_an_asset(tmp_path):
    png(tmp_path / "pic.png")
    rendered = render(tmp_path, "![A real picture](pic.png)\n")
    assert len(rendered.assets) == 1
    asset = rendered.assets[0]
    assert asset.media_type == "image/png"
    assert asset.data.startswith(b"\x89PNG")
    assert asset.alt == "A real picture"
    img = parse(rendered.body_html).xpath("//img")[0]
    assert img.get("src") == asset.name
    assert img.get("class") is None
    assert img.getparent().tag == "figure"


def test_same_image_twice_is_one_asset(tmp_path):
    png(tmp_path / "pic.png")
    rendered = render(tmp_path, "![one](pic.png)\n\n![two](./pic.png)\n")
    assert len(rendered.assets) == 1
    assert set(parse(rendered.body_html).xpath("//img/@src")) == {rendered.assets[0].name}


def test_image_title_becomes_caption(tmp_path):
    png(tmp_path / "pic.png")
    rendered = render(tmp_path, '![alt](pic.png "The caption")\n')
    figure = parse(rendered.body_html).xpath("//figure")[0]
    assert figure.xpath("string(figcaption)") == "The caption"
    assert "title" not in figure.xpath("img")[0].attrib


def test_image_outside_root_is_a_placeholder(tmp_path, caplog):
    png(tmp_path / "outside.png")
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        rendered = render(tmp_path / "story", "![Outside](../outside.png)\n")
    img = parse(rendered.body_html).xpath("//img")[0]
    assert img.get("class") == "missing-image"
    assert img.get("alt") == "Outside"
    assert rendered.assets[0].name.startswith("images/missing-")
    assert any("outside" in m for m in core_warnings(caplog))


@pytest.mark.expected_logs(r"image .* not available")
def test_remote_image_is_a_placeholder(tmp_path):
    rendered = render(tmp_path, "![Remote](https://example.com/r.png)\n")
    assert parse(rendered.body_html).xpath('//img[@class="missing-image"]/@alt') == ["Remote"]


# --- related reading ------------------------------------------------------------------------------


def test_related_marker_becomes_aside(tmp_path):
    rendered = render(tmp_path, "Para one.\n\n[[related bbc]]\n\nPara two.\n", RELATED)
    tree = parse(rendered.body_html)
    asides = tree.xpath('//aside[@class="related"]')
    first = " ".join(asides[0].xpath("string()").split())
    assert "What does ‘from Russia with love’ mean?" in first and "BBC News" in first
    assert asides[0].getprevious().xpath("string()") == "Para one."
    assert "[[related" not in rendered.body_html


def test_unplaced_related_item_is_appended(tmp_path):
    rendered = render(tmp_path, "Para one.\n\n[[related bbc]]\n\nPara two.\n", RELATED)
    tree = parse(rendered.body_html)
    last = tree[-1]
    assert last.tag == "aside" and last.get("class") == "related"
    assert "CNBC" in last.xpath("string()")
    assert last.xpath(".//a/@href") == ["https://www.cnbc.com/aid/"]
    assert len(tree.xpath('//aside[@class="related"]')) == 2


def test_bare_related_marker_takes_next_item(tmp_path):
    rendered = render(tmp_path, "A.\n\n[[related]]\n\nB.\n", RELATED)
    asides = parse(rendered.body_html).xpath('//aside[@class="related"]')
    assert "BBC News" in asides[0].xpath("string()")
    assert "CNBC" in asides[1].xpath("string()")


def test_related_marker_without_item_is_removed_with_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        rendered = render(tmp_path, "A.\n\n[[related nope]]\n\nB.\n")
    assert "[[related" not in rendered.body_html
    assert not parse(rendered.body_html).xpath("//aside")
    assert any("nope" in m for m in core_warnings(caplog))


# --- end mark -------------------------------------------------------------------------------------


def test_end_mark_lands_inside_last_paragraph(tmp_path):
    rendered = render(tmp_path, "Para one.\n\nLast para.\n", 'end_mark: "🔷"\n')
    tree = parse(rendered.body_html)
    last_p = tree.xpath("//p")[-1]
    assert last_p.xpath("string()") == "Last para.◆"  # the colour emoji as its text symbol
    assert last_p[-1].tag == "span" and last_p[-1].get("class") == "end-mark end-mark-blue"
    assert last_p[-1].get("aria-hidden") == "true" and rendered.body_html.count("◆") == 1


def test_end_mark_goes_before_appended_related(tmp_path):
    rendered = render(tmp_path, "Para one.\n\nLast para.\n", 'end_mark: "🔷"\n' + RELATED)
    tree = parse(rendered.body_html)
    assert tree.xpath('//span[@class="end-mark end-mark-blue"]/parent::p')[0].xpath("string()") == "Last para.◆"


@pytest.mark.parametrize("mark, printed", [("🔷", "◆"), ("⬛️", "■"), ("■", "■"), ("❧", "❧"), ("✳️", "✳")])
def test_an_end_mark_prints_in_the_text_s_own_ink(tmp_path, mark, printed):
    # a colour emoji is a box on readers without an emoji font, and blue in the eco edition
    rendered = render(tmp_path, "Last para.\n", f'end_mark: "{mark}"\n')
    assert text_of(rendered).endswith(printed) and "\ufe0f" not in rendered.body_html


def test_no_end_mark_by_default(tmp_path):
    assert "end-mark" not in render(tmp_path, "Text.\n").body_html


@pytest.mark.parametrize("ending", ["- item one\n- item two\n", "> quoted last\n"])
def test_end_mark_is_after_the_last_text(tmp_path, ending):
    rendered = render(tmp_path, "Intro.\n\n" + ending, 'end_mark: "🔷"\n')
    assert text_of(rendered).endswith("◆")


# --- other tools' template tags -------------------------------------------------------------------


def test_jekyll_figure_include_becomes_figure(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        rendered = render(tmp_path, '{% include figure.html filename="x.png" caption="Figure 1" %}\n\nText.\n')
    figure = parse(rendered.body_html).xpath("//figure")[0]
    assert figure.xpath("string(figcaption)") == "Figure 1"
    assert figure.xpath("img/@class") == ["missing-image"]
    assert "{%" not in rendered.body_html
    assert any("x.png" in m for m in core_warnings(caplog))


def test_jekyll_toc_include_is_dropped_with_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pressexport"):
        rendered = render(tmp_path, "{% include toc.html %}\n\nText.\n")
    assert text_of(rendered) == "Text."
    dropped = [m for m in core_warnings(caplog) if "template" in m]
    assert len(dropped) == 1 and "include toc.html" in dropped[0]


@pytest.mark.expected_logs(r"image .* not available")
def test_hugo_figure_shortcode_becomes_img(tmp_path):
    rendered = render(tmp_path, '{{< figureforgallery src="a.png" alt="A" >}}\n\nText.\n')
    assert parse(rendered.body_html).xpath("//img/@alt") == ["A"]
    assert "{{" not in rendered.body_html


def test_template_tags_in_fenced_code_are_kept(tmp_path):
    rendered = render(tmp_path, "```liquid\n{% include toc.html %}\n```\n")
    assert "{% include toc.html %}" in parse(rendered.body_html).xpath("string(//code)")


@pytest.mark.parametrize("body", ["Use `{% include toc.html %}` here.\n", "Example:\n\n    {% include toc.html %}\n"])
def test_template_tags_in_code_are_kept(tmp_path, body):
    rendered = render(tmp_path, body)
    assert "{% include toc.html %}" in parse(rendered.body_html).xpath("string(//code)")


# --- the seed -------------------------------------------------------------------------------------


def seed_paragraphs() -> list[str]:
    body = load_article(SEED).body
    paragraphs = []
    for block in body.split("\n\n"):
        block = block.strip()
        if not block or block.startswith("[[related"):
            continue
        paragraphs.append(" ".join(block.removeprefix("## ").split()))
    return paragraphs


def test_seed_paragraphs_all_appear():
    rendered = render_article(load_article(SEED))
    text = text_of(rendered)
    paragraphs = seed_paragraphs()
    assert len(paragraphs) == 17  # 16 paragraphs and one heading
    for paragraph in paragraphs:
        assert paragraph in text, paragraph[:60]


def test_seed_structure():
    rendered = render_article(load_article(SEED))
    tree = parse(rendered.body_html)
    assert [text for _, _, text in rendered.headings] == [
        "Why is Russia helping other nations suffering from the Covid-19 outbreak?"]
    assert rendered.headings[0][0] == 2
    assert len(tree.xpath('//aside[@class="related"]')) == 2
    assert tree.xpath('//span[contains(@class, "end-mark")]/parent::p')[0].xpath("string()").endswith(
        "positive steps too.◆")
    assert rendered.notes == () and rendered.assets == ()


def test_kramdown_markdown_span_cells_are_rendered(tmp_path):
    body = '<table>\n<tr>\n<td markdown="span">**ἀ**ληθινῷ</td>\n<td>plain</td>\n</tr>\n</table>\n'
    tree = parse(render(tmp_path, body).body_html)
    assert tree.xpath("string(//td[1]/strong)") == "ἀ"
    assert "**" not in tree.xpath("string(//td[1])")


@pytest.mark.expected_logs(r"image .* not available")
def test_entities_in_template_tag_captions_are_decoded(tmp_path):
    body = '{% include figure.html filename="f.png" alt="A&nbsp;picture" caption="Figure&nbsp;9&nbsp;: Exemples" %}\n'
    tree = parse(render(tmp_path, body).body_html)
    assert tree.xpath("string(//figcaption)") == "Figure\u00a09\u00a0: Exemples"
    assert tree.xpath("//img/@alt") == ["A\u00a0picture"]


# --- XHTML content models and attribute values (what EPUBCheck's HTML schema accepts) ---------------


def shape(rendered: RenderedArticle) -> str:
    """The body as XHTML with ids, classes and whitespace-only text left out, for structure checks."""
    tree = parse(rendered.body_html)
    for element in tree.iter():
        element.attrib.pop("id", None)
        for part in ("text", "tail"):
            if not (getattr(element, part) or "").strip():
                setattr(element, part, None)
    return etree.tostring(tree, encoding="unicode")[len("<div>"):-len("</div>")]


def test_escaped_characters_in_autolinks_are_restored(tmp_path):
    rendered = render(tmp_path, "<foo\\+@bar.example.com>\n")
    assert parse(rendered.body_html).xpath("//a/@href") == ["mailto:foo+@bar.example.com"]
    assert text_of(rendered) == "foo+@bar.example.com"


def test_characters_xml_cannot_hold_become_replacement_characters(tmp_path):
    rendered = render(tmp_path, "a&#xFFFE;b &#xFFFF; &#0; &#xD800; c\u0001d\n")
    assert text_of(rendered) == "a\ufffdb \ufffd \ufffd \ufffd c\ufffdd"


def test_content_given_to_a_void_element_moves_after_it(tmp_path):
    assert shape(render(tmp_path, "<wbr>text <em>x</em></wbr> end\n")) == "<p><wbr/>text <em>x</em> end</p>"


@pytest.mark.parametrize("body, expected", [
    ("# head <div>b</div>\n", "<h2>head <span>b</span></h2>"),
    ("<h2>t<ul><li>x</li></ul></h2>\n", "<h2>t<span><span>x</span></span></h2>"),
    ("<pre>a<div>b</div></pre>\n", "<pre>a<span>b</span></pre>"),
    ("# a <span><blockquote><p>x</p></blockquote></span>\n", "<h2>a <span><span><span>x</span></span></span></h2>"),
])
def test_blocks_inside_phrasing_become_spans(tmp_path, body, expected):
    assert shape(render(tmp_path, body)) == expected


def test_headings_inside_phrasing_leave_the_contents(tmp_path):
    rendered = render(tmp_path, "## Real <em><h3>inner</h3></em>\n")
    assert [(level, text) for level, _, text in rendered.headings] == [(2, "Real inner")]


@pytest.mark.parametrize("body, expected", [
    ("<ul><p>x</p>text<li>y</li><li>z</li>tail</ul>\n", "<ul><li><p>x</p>text</li><li>y</li><li>z</li></ul>"),
    ("<ol>lead<li>y</li></ol>\n", "<ol><li>lead</li><li>y</li></ol>"),
    ("<dl><dd>x</dd><p>y</p></dl>\n", "<dl><dt/><dd>x<p>y</p></dd></dl>"),
    ("<dl><dt>a</dt><p>y</p><dt>b</dt></dl>\n", "<dl><dt>a</dt><dd><p>y</p></dd><dt>b</dt><dd/></dl>"),
])
def test_lists_hold_only_their_items(tmp_path, body, expected):
    assert shape(render(tmp_path, body)).replace("tail", "") == expected.replace("tail", "")


def test_stray_text_after_a_list_item_stays_in_the_item(tmp_path):
    assert "tail" in parse(render(tmp_path, "<ul><li>z</li>tail</ul>\n").body_html).xpath("string(//li)")


@pytest.mark.parametrize("body, expected", [
    ("<table><tr><td>a</td></tr><caption>c</caption></table>\n",
     "<table><caption>c</caption><tbody><tr><td>a</td></tr></tbody></table>"),
    ("<table><tfoot><tr><td>f</td></tr></tfoot><tbody><tr><td>a</td></tr></tbody>"
     "<thead><tr><th>h</th></tr></thead></table>\n",
     "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>a</td></tr></tbody>"
     "<tfoot><tr><td>f</td></tr></tfoot></table>"),
    ("<table><caption>a</caption><caption>b</caption><thead><tr><th>h</th></tr></thead>"
     "<thead><tr><th>i</th></tr></thead></table>\n",
     '<table><caption>a</caption><thead><tr><th>h</th></tr></thead><tbody><tr><th>i</th></tr></tbody></table>'
     '<p class="caption">b</p>'),
    ("<table><caption><table><tr><td>x</td></tr></table></caption><tr><td>a</td></tr></table>\n",
     "<table><caption/><tbody><tr><td>a</td></tr></tbody></table><table><tbody><tr><td>x</td></tr></tbody></table>"),
    ('<table><colgroup span="2"><col></colgroup><tr><td>a</td></tr></table>\n',
     "<table><colgroup><col/></colgroup><tbody><tr><td>a</td></tr></tbody></table>"),
])
def test_table_parts_come_in_order_once(tmp_path, body, expected):
    assert shape(render(tmp_path, body)) == expected


@pytest.mark.parametrize("body, expected", [
    ("<figure><p>a</p><figcaption>c</figcaption><p>b</p></figure>\n",
     '<figure><p>a</p><p class="caption">c</p><p>b</p></figure>'),
    ("<figure><figcaption>c</figcaption><p>a</p><figcaption>d</figcaption></figure>\n",
     '<figure><figcaption>c</figcaption><p>a</p><p class="caption">d</p></figure>'),
])
def test_a_figure_keeps_one_caption_first_or_last(tmp_path, body, expected):
    assert shape(render(tmp_path, body)) == expected


def test_ruby_without_annotations_and_stray_annotations_become_spans(tmp_path):
    body = "<ruby>a</ruby> <rt>x</rt> <rp>(</rp> <ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>\n"
    assert shape(render(tmp_path, body)) == (
        "<p><span>a</span><span>x</span><span>(</span><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby></p>")


def test_elements_that_must_not_nest_are_unwrapped(tmp_path):
    body = '<dfn>a<dfn>b</dfn></dfn> <time>1<time>2</time></time> <a href="https://a.org">x<span><a href="https://b.org">y</a></span></a>\n'
    tree = parse(render(tmp_path, body).body_html)
    assert not tree.xpath("//dfn//dfn | //time//time | //a//a")
    assert "ab 12 xy" in text_of(render(tmp_path, body))


@pytest.mark.parametrize("markup, kept", [
    ('<ol start="abc" reversed="yes"><li value="x">a</li><li value="-3">b</li></ol>', 'reversed="" / value="-3"'),
    ('<ul><li value="3">a</li></ul>', ""),
    ('<table><tr><td colspan="0" rowspan="x">a</td><td colspan="2" rowspan=" 3 ">b</td>'
     '<th scope="bad">c</th><th scope="ROW">d</th></tr></table>', 'colspan="2" / rowspan="3" / scope="row"'),
    ('<table><colgroup span="-1"></colgroup><colgroup span="2"></colgroup><tr><td>a</td></tr></table>', 'span="2"'),
    ('<span lang="!!">a</span><span lang="en-GB">b</span><span dir="up">c</span><span dir="RTL">d</span>',
     'lang="en-GB" / dir="rtl"'),
    ('<time datetime="not a date">a</time><time datetime="2020-02-30">b</time><time datetime="2020-13">c</time>'
     '<time datetime="2020-02-29T10:00Z">d</time><time datetime="PT2H">e</time>',
     'datetime="2020-02-29T10:00Z" / datetime="PT2H"'),
    ('<del datetime="2020-04">a</del><ins datetime="2020-04-01">b</ins>', 'datetime="2020-04-01"'),
    ('<table><tr><td style="text-align: garbage">a</td><td style="text-align: url(x)">b</td>'
     '<td style="text-align: center;">c</td></tr></table>', 'style="text-align:center"'),
    ('<blockquote cite="foo bar">a</blockquote><q cite="/x">b</q><q cite="https://example.org/a b">c</q>',
     'cite="https://example.org/a%20b"'),
])
def test_attribute_values_the_schema_rejects_are_dropped(tmp_path, markup, kept):
    body_html = render(tmp_path, markup + "\n").body_html
    attributes = re.findall(r'\s((?:start|reversed|value|colspan|rowspan|scope|span|lang|dir|datetime|style|cite)'
                            r'="[^"]*")', body_html)
    assert " / ".join(attributes) == kept


def test_bdo_without_a_direction_becomes_a_span(tmp_path):
    tree = parse(render(tmp_path, '<bdo>x</bdo> <bdo dir="x">y</bdo> <bdo dir="rtl">z</bdo>\n').body_html)
    assert [(el.tag, el.get("dir")) for el in tree.xpath("//bdo | //span")] == [
        ("span", None), ("span", None), ("bdo", "rtl")]


def test_ids_are_xml_names_without_colons(tmp_path):
    rendered = render(tmp_path, '<span id="a²">x</span><span id="b:c">y</span><span id="введение">z</span>'
                                '<span id="1x">w</span>\n\n## x²\n')
    ids = ids_of(rendered)
    assert ids[2] == "введение"
    assert all(re.fullmatch(r"[^\W\d][\w.-]*", value) and "²" not in value and ":" not in value for value in ids)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("href, expected", [
    ("<https://example.org/a b>", "https://example.org/a%20b"),
    ("https://example.org/a\\\\b", "https://example.org/a%5Cb"),
    ("https://example.org/a|b{c}^", "https://example.org/a%7Cb%7Bc%7D%5E"),
    ("https://example.org/%zz%41", "https://example.org/%25zz%41"),
    ("https://example.org/é#a#b", "https://example.org/%C3%A9#a%23b"),
    ("https://bücher.example/", "https://xn--bcher-kva.example/"),
    ("mailto:a b@example.org", "mailto:a%20b@example.org"),
    ("https://../", None),
    ("https://exa mple.org/", None),
    ("http:/example.org", None),
    ("https:example.org", None),
    ("http://example.org:99999/", None),
    ("mailto:", None),
])
def test_link_addresses_are_valid_urls_or_text(tmp_path, href, expected):
    body = f"[link]({href})\n" if not href.startswith("<") else f'<a href="{href[1:-1]}">link</a>\n'
    rendered = render(tmp_path, body)
    assert parse(rendered.body_html).xpath("//a/@href") == ([expected] if expected else [])
    assert text_of(rendered) == "link"


def test_relative_link_with_base_url_is_encoded(tmp_path):
    rendered = render(tmp_path, "[a](<other page/>) [b](/root)\n", "base_url: https://example.org/blog/\n")
    assert parse(rendered.body_html).xpath("//a/@href") == [
        "https://example.org/blog/other%20page/", "https://example.org/root"]


def test_related_url_is_encoded(tmp_path):
    extra = "related:\n  - id: x\n    title: X\n    url: https://example.org/a b\n"
    rendered = render(tmp_path, "Text.\n\n[[related x]]\n", extra)
    assert parse(rendered.body_html).xpath("//aside//a/@href") == ["https://example.org/a%20b"]


@pytest.mark.expected_logs(r"image .* not available")
def test_notes_get_the_same_repairs_as_the_body(tmp_path):
    body = ('Text[^1] and <span id="dup">b</span>.\n\n'
            '[^1]: See [rel](foo.html), [web](https://example.org/a b), <span id="dup">a</span> '
            '<span><div>x</div></span> and ![pic](missing.png)\n')
    rendered = render(tmp_path, body)
    note = parse(rendered.notes[0].html)
    assert note.xpath("//a/@href") == ["https://example.org/a%20b"]
    assert "See rel," in note.xpath("string()")
    assert not note.xpath("//span/div")
    assert note.xpath("//img/@src") == [rendered.assets[0].name]
    ids = ids_of(rendered) + note.xpath("//@id")
    assert len(ids) == len(set(ids))


def test_author_html_cannot_pass_for_a_note_call(tmp_path):
    rendered = render(tmp_path, '<a class="noteref" href="https://example.org">x</a> '
                                '<a class="noteref other" href="foo.html">y</a>\n')
    tree = parse(rendered.body_html)
    assert not tree.xpath('//*[contains(@class, "noteref")]')
    assert tree.xpath("//a/@href") == ["https://example.org"]


def test_data_and_file_image_sources_are_named_in_the_warning_and_never_loaded(tmp_path, caplog):
    body = "![a](data:image/png;base64,iVBORw0KGgo=)\n\n![b](file:///etc/passwd)\n\n[c](file:///etc/hosts)\n"
    rendered = render(tmp_path, body)
    warnings = " ".join(r.getMessage() for r in caplog.records if "not available" in r.getMessage())
    assert "data:image/png" in warnings and "file:///etc/passwd" in warnings and "never loaded" in warnings
    assert "data:" not in rendered.body_html and "file:" not in rendered.body_html


def test_a_cover_credit_that_names_itself_a_photo_gets_no_second_label():
    # "Photo: Photo by Jane Doe" once
    from pressexport.core.pages import credit_span
    from pressexport.language.words import words_for
    from pressexport.model import Cover

    words = words_for("en")
    assert credit_span(Cover(credit="Photo by Jane Doe"), words) == '<span class="credit">Photo by Jane Doe</span>'
    assert credit_span(Cover(credit="Jane Doe"), words) == '<span class="credit">Photo: Jane Doe</span>'


def test_the_licence_name_is_kept_on_one_line():
    # "CC BY-" / "SA 4.0" once split at the name's own hyphen
    from pressexport.core.pages import licence_paragraph
    from pressexport.language.words import words_for
    from pressexport.sources.licences import resolve_licence

    paragraph = licence_paragraph(resolve_licence("CC-BY-SA-4.0"), "The piece", words_for("en"))
    assert '<span class="licence-short">CC BY-SA 4.0</span>' in paragraph
    assert ".licence-short, .held { white-space: nowrap; }" in (PROJECT / "styles" / "base.css").read_text(encoding="utf-8")
