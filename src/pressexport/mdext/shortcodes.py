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
    alt = html.unescape(attrs.get("alt") or "")  # values may hold entities such as &nbsp;
    caption = html.unescape(attrs.get("caption") or attrs.get("title") or "")
    img = f'<img src="{html.escape(src)}" alt="{html.escape(alt)}" />'
    figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"<figure>{img}{figcaption}</figure>"


INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
INDENTED = re.compile(r"^(?: {4}|\t)")


class ShortcodePreprocessor(Preprocessor):
    """Replace figure tags with figures and drop every other template tag (reported once).

    Runs after fenced code is stashed; indented code blocks and inline code spans are left alone,
    so articles that document these tags keep their examples.
    """

    def run(self, lines: list[str]) -> list[str]:
        dropped: set[str] = set()
        in_code, previous_blank = False, True
        result = []
        for line in lines:
            in_code = bool(INDENTED.match(line)) and (in_code or previous_blank) or (in_code and not line.strip())
            result.append(line if in_code else self.outside_inline_code(line, dropped))
            previous_blank = not line.strip()
        if dropped:
            self.md.dropped_template_tags = sorted(dropped)
        return result

    def outside_inline_code(self, line: str, dropped: set[str]) -> str:
        """Apply the replacements to the parts of a line that are not inline code."""
        parts, last = [], 0
        for match in INLINE_CODE.finditer(line):
            parts.append(replace_tags(line[last:match.start()], dropped))
            parts.append(match.group(0))
            last = match.end()
        parts.append(replace_tags(line[last:], dropped))
        return "".join(parts)


def replace_tags(text: str, dropped: set[str]) -> str:
    """Figures for figure tags; nothing for other tags, whose names are added to ``dropped``."""
    if "{" not in text:
        return text
    text = LIQUID_FIGURE.sub(lambda m: figure_html(attributes(m.group(1))), text)
    text = HUGO_FIGURE.sub(lambda m: figure_html(attributes(m.group(1))), text)
    dropped.update(f"{{% {m.group(1)} %}}" for m in LIQUID_TAG.finditer(text))
    dropped.update(f"{{{{< {m.group(1)} >}}}}" for m in HUGO_SHORTCODE.finditer(text) if m.group(1))
    text = LIQUID_TAG.sub("", text)
    text = LIQUID_OUTPUT.sub("", text)
    return HUGO_SHORTCODE.sub("", text)


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
