"""The settings of the editions, each declared once: its name, the option it sets, how a written value is
read, where it may be given (the publication config, an article's front matter, the command line) and which
editions a change to it makes stale.

The layers are applied in that order, the later winning: the options' defaults, ``pressexport.yaml``, the
article's front matter, then what the command line (or the API) gives. The config's schema, the front
matter's edition keys and the batch record's settings digest are all made from ``SETTINGS``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .options import BuildOptions, EcoImages, LinkStyle, PageSize, PdfVariant, choice

CONFIG, FRONT_MATTER, COMMAND_LINE = "config", "front matter", "command line"
EVERYWHERE = frozenset({CONFIG, FRONT_MATTER, COMMAND_LINE})
PUBLICATION_WIDE = frozenset({CONFIG, COMMAND_LINE})  # one choice for a whole publication, not per article


def yes_or_no(written: Any) -> bool:
    """A YAML boolean (true/false, yes/no)."""
    if isinstance(written, bool):
        return written
    raise InputError(f"'{written}' is not true or false", hint="write true or false")


def column_count(written: Any) -> int:
    """1 or 2."""
    if isinstance(written, int) and not isinstance(written, bool) and written in (1, 2):
        return written
    raise InputError(f"'{written}' is not a column count", hint="use 1 or 2")


def one_of(kind: type, what: str) -> Callable[[Any], Any]:
    """A reader of a value from an enumeration, by the name users type."""
    def read(written: Any) -> Any:
        return choice(kind, str(written), what)

    read.__doc__ = f"One of {', '.join(member.value for member in kind)}."
    return read


@dataclass(frozen=True)
class Setting:
    """One setting: its name (the config's and front matter's key; the flag is ``--name-with-dashes``), the
    option it sets ('pdf.page_size'), how a written value is read, where it may be given, and the editions a
    change to it makes stale."""

    name: str
    option: str
    read: Callable[[Any], Any]
    places: frozenset[str]
    editions: tuple[str, ...]
    help: str

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def default(self) -> Any:
        """The option's default, as options.py declares it."""
        return value_of(BuildOptions(), self.option)


SETTINGS = (
    Setting("page_size", "pdf.page_size", one_of(PageSize, "page size"), EVERYWHERE, ("pdf",),
            f"PDF paper size: {', '.join(size.value for size in PageSize)}."),
    Setting("pdf_variant", "pdf.variant", one_of(PdfVariant, "PDF variant"), PUBLICATION_WIDE, ("pdf",),
            "pdf/ua-1: tagged, accessible PDF; pdf/a-3b: archival PDF that embeds the Markdown source."),
    Setting("links", "pdf.links", one_of(LinkStyle, "link style"), EVERYWHERE, ("pdf",),
            "Web addresses in print: notes (lettered a, b, c at the page foot; the link text stays in the "
            "line), inline (after the link text) or none."),
    Setting("eco", "pdf.eco", yes_or_no, PUBLICATION_WIDE, ("pdf",),
            "Also write the eco edition, <slug>.eco.pdf: every word, less paper and toner."),
    Setting("eco_columns", "pdf.eco_columns", column_count, EVERYWHERE, ("pdf",),
            "Eco edition: 1 or 2 columns."),
    Setting("eco_images", "pdf.eco_images", one_of(EcoImages, "eco image mode"), EVERYWHERE, ("pdf",),
            "Eco edition images: grey (greyscale and reduced) or none (dropped, captions and credits kept)."),
    Setting("embed_fonts", "epub.embed_fonts", yes_or_no, PUBLICATION_WIDE, ("epub",),
            "Embed the shipped OFL fonts in the EPUB (unobfuscated, with their licence)."),
    Setting("allow_remote", "allow_remote", yes_or_no, frozenset({COMMAND_LINE}), ("pdf", "epub"),
            "Fetch http(s) images."),
    Setting("split", "split", yes_or_no, frozenset({COMMAND_LINE}), ("pdf", "epub"),
            "An issue's articles also get editions of their own."),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


def settable_in(place: str) -> tuple[Setting, ...]:
    """The settings that may be given in ``place``."""
    return tuple(setting for setting in SETTINGS if place in setting.places)


def value_of(options: BuildOptions, option: str) -> Any:
    """The value of a dotted option ('pdf.page_size') in the build's options."""
    value: Any = options
    for part in option.split("."):
        value = getattr(value, part)
    return value


def given_names(options: BuildOptions) -> frozenset[str]:
    """The settings the build's options set: as said (``options.given``), else those that differ from the
    defaults (an API caller's ``PdfOptions(page_size='a5')`` wins over the config, as a flag would)."""
    if options.given is not None:
        return options.given
    return frozenset(setting.name for setting in SETTINGS if value_of(options, setting.option) != setting.default)


def layered(options: BuildOptions, *publication: Mapping[str, Any]) -> BuildOptions:
    """The build's options with the publication's settings (config, then front matter: later mappings win)
    applied where the command line left a setting unset."""
    given = given_names(options)
    values: dict[str, Any] = {}
    for layer in publication:
        values.update({name: value for name, value in layer.items() if name not in given})
    return with_values(options, values) if values else options


def with_values(options: BuildOptions, values: Mapping[str, Any]) -> BuildOptions:
    """``options`` with each named setting set (checked again by the options' own constructors)."""
    changes: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {}
    for name, value in values.items():
        owner, _, field = BY_NAME[name].option.rpartition(".")
        (changes.setdefault(owner, {}) if owner else top)[field] = value
    nested = {owner: dataclasses.replace(getattr(options, owner), **fields) for owner, fields in changes.items()}
    return dataclasses.replace(options, **nested, **top)


def described(options: BuildOptions, editions: Iterable[str] = ("pdf", "epub")) -> str:
    """The settings that decide the given editions, as one line for the batch record's digest: each value,
    and whether the command line gave it (a given value wins over the publication's, an unset one does not)."""
    wanted = set(editions)
    given = given_names(options)
    return ";".join(f"{setting.name}={value_of(options, setting.option)}{'!' if setting.name in given else ''}"
                    for setting in SETTINGS if wanted & set(setting.editions))
