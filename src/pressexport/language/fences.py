"""The lines of Markdown outside fenced code blocks, for the passes that read Markdown before it is rendered
(the title taken from the first heading, the text shown to the language classifier)."""

from __future__ import annotations

import re
from collections.abc import Iterator

FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def lines_outside_fences(markdown: str) -> Iterator[tuple[int, str]]:
    """(index, line) of every line outside fenced code; the fence lines themselves are left out too. A fence
    closes with the same mark, as long or longer (CommonMark)."""
    fence = ""
    for index, line in enumerate(markdown.split("\n")):
        marker = FENCE.match(line)
        if marker and (not fence or marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence)):
            fence = "" if fence else marker.group(1)
        elif not fence:
            yield index, line
