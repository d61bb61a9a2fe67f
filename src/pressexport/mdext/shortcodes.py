"""Turn other tools' template tags (Jekyll Liquid, Hugo shortcodes) into plain HTML or nothing."""

from __future__ import annotations

import html
import logging
import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

log = logging.getLogger(__name__)

ATTRIBUTE = re.compile(r"""(\w[\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
LIQUID_FIGURE = re.compile(r"\{%-?\s*include\s+figure\.html\s+(.*?)-?%\}", re.DOTALL)
HUGO_FIGURE = re.compile(r"\{\{[<%]\s*(?:figure|figureforgallery|img|image)\s+(.*?)\s*[>%]\}\}", re.DOTALL)
LIQUID_TAG = re.compile(r"\{%-?\s*(\w+(?:\s+[\w./-]+)?).*?-?%\}", re.DOTALL)
LIQUID_OUTPUT = re.compile(r"\{\{-?\s*(?:site|page)\.[\w.]+\s*(?:\|[^}]*)?-?\}\}")
HUGO_SHORTCODE = re.compile(r"\{\{[<%]\s*/?\s*([\w-]+)?.*?[>%]\}\}", re.DOTALL)


def attributes(text: str) -> dict[str, str]:
    """Parse ``key="value"`` pairs from a tag's argument string."""
    return {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in ATTRIBUTE.finditer(text)}


def figure_html(attrs: dict[str, str]) -> str:
    """A figure element for a template tag's image attributes."""
    src = attrs.get("src") or attrs.get("filename") or ""
    alt = attrs.get("alt") or ""
    caption = attrs.get("caption") or attrs.get("title") or ""
    img = f'<img src="{html.escape(src)}" alt="{html.escape(alt)}" />'
    figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"<figure>{img}{figcaption}</figure>"


class ShortcodePreprocessor(Preprocessor):
    """Replace figure tags with figures and drop every other template tag (reported once)."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        text = LIQUID_FIGURE.sub(lambda m: figure_html(attributes(m.group(1))), text)
        text = HUGO_FIGURE.sub(lambda m: figure_html(attributes(m.group(1))), text)
        dropped = {f"{{% {m.group(1)} %}}" for m in LIQUID_TAG.finditer(text)}
        dropped |= {f"{{{{< {m.group(1)} >}}}}" for m in HUGO_SHORTCODE.finditer(text) if m.group(1)}
        text = LIQUID_TAG.sub("", text)
        text = LIQUID_OUTPUT.sub("", text)
        text = HUGO_SHORTCODE.sub("", text)
        if dropped:
            self.md.dropped_template_tags = sorted(dropped)
        return text.split("\n")


class ShortcodeExtension(Extension):
    """Registers the preprocessor after fenced code (so code samples keep their tags)."""

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
        self.md = md
        md.registerExtension(self)
        md.dropped_template_tags = []
        md.preprocessors.register(ShortcodePreprocessor(md), "pressexport_shortcodes", 22)

    def reset(self):
        self.md.dropped_template_tags = []


def makeExtension(**kwargs):  # noqa: N802
    return ShortcodeExtension(**kwargs)
