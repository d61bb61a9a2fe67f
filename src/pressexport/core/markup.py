"""Markdown to HTML: Python-Markdown with the standard extensions and pressexport's own, nesting capped."""

from __future__ import annotations

import html
import re

import markdown
from markdown.extensions.toc import slugify_unicode

from ..errors import InputError
from ..model import Article

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "footnotes", "attr_list", "def_list", "abbr", "md_in_html",
                       "sane_lists", "toc", "pressexport.mdext.shortcodes", "pressexport.mdext.maths"]
MAX_INDENT = 4 * 40  # columns of indentation: 40 levels of nested lists
MAX_QUOTE_DEPTH = 40
MARKDOWN_SPAN = re.compile(r'<(td|th|span|p|li|caption|figcaption)\b([^>]*?)\s+markdown="(?:span|1|block)"[^>]*>'
                           r"((?:(?!<\1\b).)*?)</\1>", re.DOTALL)
# Python-Markdown's placeholder for a backslash-escaped character: STX, its code point, ETX (as such, or
# written as character references in the obfuscated address of an e-mail autolink)
MARKDOWN_ESCAPE = re.compile(r"(?:\x02|&#0*2;)((?:[0-9]|&#0*(?:4[89]|5[0-7]);)+)(?:\x03|&#0*3;)")


def markdown_to_html(article: Article) -> tuple[str, list[str]]:
    """Python-Markdown with the standard extensions; returns HTML and dropped template tags."""
    md = markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={"toc": {"slugify": slugify_unicode},
                           "footnotes": {"BACKLINK_TEXT": ""}},
        output_format="xhtml",
    )
    check_nesting(article)
    try:
        text = md.convert(render_markdown_spans(article.body))
    except RecursionError:
        raise InputError("the Markdown is nested too deeply to render", where=article.path,
                         hint="flatten deeply nested lists or quotes") from None
    return restore_escapes(text), list(getattr(md, "dropped_template_tags", []))


def check_nesting(article: Article) -> None:
    """Refuse Markdown nested deeper than any article needs, before Python-Markdown (which is super-linear
    in nesting depth) spends minutes on it."""
    for number, line in enumerate(article.body.split("\n"), start=article.body_line):
        indent = len(line) - len(line.lstrip(" \t")) + 3 * line[:len(line) - len(line.lstrip(" \t"))].count("\t")
        quotes = len(re.match(r"^(?:\s*>)*", line).group(0).replace(" ", "").replace("\t", ""))
        if indent > MAX_INDENT or quotes > MAX_QUOTE_DEPTH:
            raise InputError("the Markdown is nested too deeply to render", where=f"{article.path}:{number}",
                             hint=f"flatten lists or quotes nested more than {MAX_QUOTE_DEPTH} levels")


def restore_escapes(html_text: str) -> str:
    """Put back backslash-escaped characters Python-Markdown left as placeholders (in autolinks, say)."""
    def character(match: re.Match) -> str:
        code = int(re.sub(r"&#0*(\d+);", lambda digit: chr(int(digit.group(1))), match.group(1)))
        return html.escape(chr(code)) if code < 0x110000 else ""

    return MARKDOWN_ESCAPE.sub(character, html_text)


def render_markdown_spans(html_text: str) -> str:
    """Render kramdown-style ``markdown="span"`` cells and blocks that Python-Markdown leaves raw
    (it does not look inside raw HTML tables)."""
    def render(match: re.Match) -> str:
        inner = markdown.markdown(match.group(3), extensions=["attr_list"])
        inner = re.sub(r"^<p>(.*)</p>$", r"\1", inner.strip(), flags=re.DOTALL)
        return f"<{match.group(1)}{match.group(2)}>{inner}</{match.group(1)}>"

    return MARKDOWN_SPAN.sub(render, html_text)
