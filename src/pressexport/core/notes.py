"""Footnotes: lifted out of the body as records; calls renumbered in order."""

from __future__ import annotations

from lxml import etree

from ..model import Note
from .tree import drop_keep_tail

def extract_notes(tree: etree._Element) -> tuple[list[etree._Element], dict[int, list[str]]]:
    """Lift Python-Markdown's footnote list out of the body and renumber the calls.

    Returns each note's content in a detached ``<div>`` (note 1 first) and the ids of each note's calls.
    """
    container = next(iter(tree.xpath('.//div[contains(concat(" ", @class, " "), " footnote ")]')), None)
    if container is None:
        return [], {}
    numbers: dict[str, int] = {}
    bodies = []
    for item in container.xpath("./ol/li[@id]"):
        numbers[item.get("id")] = len(bodies) + 1
        for backref in item.xpath('.//a[contains(@class, "footnote-backref")]'):
            drop_keep_tail(backref)
        item.getparent().remove(item)
        item.tag = "div"
        item.attrib.clear()
        item.tail = None
        bodies.append(item)
    container.getparent().remove(container)
    return bodies, rewrite_note_calls(tree, numbers)


def rewrite_note_calls(tree: etree._Element, numbers: dict[str, int]) -> dict[int, list[str]]:
    """Turn each footnote call into ``<a class="noteref" href="#note-N" id="noteref-N[-k]">``; returns the
    ids of each note's calls, in text order."""
    calls: dict[int, list[str]] = {}
    for link in tree.xpath('.//a[contains(@class, "footnote-ref")]'):
        number = numbers.get((link.get("href") or "").lstrip("#"))
        sup = link.getparent()
        if number is None:
            drop_keep_tail(sup if sup is not None and sup.tag == "sup" else link)
            continue
        ids = calls.setdefault(number, [])
        ids.append(f"noteref-{number}" + (f"-{len(ids) + 1}" if ids else ""))
        call = etree.Element("a", {"class": "noteref", "href": f"#note-{number}", "id": ids[-1]})
        call.text = str(number)
        target = sup if sup is not None and sup.tag == "sup" else link
        call.tail = target.tail
        target.getparent().replace(target, call)
    return calls


def note_records(bodies: list[etree._Element], calls: dict[int, list[str]]) -> tuple[Note, ...]:
    """The notes as records, numbered from 1, their content trimmed of surrounding white space."""
    for body in bodies:
        body.text = (body.text or "").lstrip() or None
        last = body[-1] if len(body) else None
        if last is not None:
            last.tail = (last.tail or "").rstrip() or None
        elif body.text:
            body.text = body.text.rstrip()
    return tuple(Note(number=number, body=body, call_ids=tuple(calls.get(number, ())))
                 for number, body in enumerate(bodies, start=1))
