"""The options of every edition, declared and validated once (the CLI and the API share them)."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError


class PageSize(str, enum.Enum):
    """PDF page sizes, by the names users type."""

    a4 = "a4"
    letter = "letter"
    a5 = "a5"

    @property
    def css(self) -> str:
        """The size as CSS's ``@page { size: … }`` names it."""
        return {"a4": "A4", "letter": "letter", "a5": "A5"}[self.value]


class PdfVariant(str, enum.Enum):
    """PDF variants: accessible (tagged) and archival (with the Markdown source attached)."""

    ua1 = "pdf/ua-1"
    a3b = "pdf/a-3b"


class EcoImages(str, enum.Enum):
    """What the eco edition does with images."""

    grey = "grey"  # greyscale, lightened and reduced
    none = "none"  # dropped; captions and credits kept


class LinkStyle(str, enum.Enum):
    """How print shows a web link's address (the link text always stays in the line)."""

    notes = "notes"  # as a numbered note, so the line keeps its even spacing
    inline = "inline"  # after the link text, in angle brackets
    none = "none"  # not at all


FORMATS = ("pdf", "epub")
ECO_COLUMNS = (1, 2)


def choice(kind: type[enum.Enum], value, what: str):
    """``value`` as a member of ``kind``, or an InputError listing the accepted values."""
    try:
        return kind(value.lower() if isinstance(value, str) else value)
    except ValueError:
        accepted = ", ".join(member.value for member in kind)
        raise InputError(f"unknown {what} '{value}'", hint=f"use one of {accepted}") from None


@dataclass(frozen=True)
class PdfOptions:
    """How the PDF edition is laid out; strings are accepted and checked once, here."""

    page_size: PageSize = PageSize.a4
    variant: PdfVariant | None = None  # None: a plain PDF
    eco: bool = False  # also the eco edition: less paper and toner, same words
    # Two: the eco edition's small type across a whole page makes lines of 95 (A5) to 135 (A4) characters.
    eco_columns: int = 2  # 1 or 2
    eco_images: EcoImages = EcoImages.grey
    links: LinkStyle = LinkStyle.notes

    def __post_init__(self) -> None:
        object.__setattr__(self, "page_size", choice(PageSize, self.page_size, "page size"))
        object.__setattr__(self, "links", choice(LinkStyle, self.links, "link style"))
        if self.variant is not None:
            object.__setattr__(self, "variant", choice(PdfVariant, self.variant, "PDF variant"))
        object.__setattr__(self, "eco_images", choice(EcoImages, self.eco_images, "eco image mode"))
        if self.eco_columns not in ECO_COLUMNS:
            raise InputError(f"unknown eco column count '{self.eco_columns}'", hint="use 1 or 2")


@dataclass(frozen=True)
class EpubOptions:
    """How the EPUB edition is packaged."""

    embed_fonts: bool = False  # embed the shipped OFL fonts (unobfuscated, with their licence)


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build needs besides the articles."""

    out_dir: Path = Path("output")
    formats: tuple[str, ...] = FORMATS
    root: Path | None = None
    pdf: PdfOptions = field(default_factory=PdfOptions)
    epub: EpubOptions = field(default_factory=EpubOptions)
    allow_remote: bool = False  # fetch http(s) images (timeout, size cap, public addresses only)
    split: bool = False  # an issue's articles also get editions of their own
    # the settings (settings.py) given on the command line, which win over the publication's config and front
    # matter; None: those whose value differs from the default
    given: frozenset[str] | None = None

    def __post_init__(self) -> None:
        unknown = [name for name in self.formats if name not in FORMATS]
        if unknown:
            raise InputError(f"unknown format '{unknown[0]}'", hint=f"use {' or '.join(FORMATS)}")


# import reads a source in a worker under this deadline by default: the largest page it accepts takes under a
# minute to read, a page built to stall it (a hundred thousand attributes on one tag) many minutes
IMPORT_TIMEOUT = 120.0


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs: how many workers, and the limits that keep one article from stopping the rest."""

    jobs: int = 0  # worker processes; 0: one per core
    timeout: float = 300.0  # seconds one article may take before its worker is stopped
    memory_mb: int = 2048  # each worker's memory ceiling (address space), in MiB
    renders_per_worker: int = 100  # a worker is replaced after this many articles: WeasyPrint keeps memory
    force: bool = False  # rebuild articles the record calls up to date
    scheduler: object = None  # a Dask scheduler's address (tcp://host:8786) or a distributed.Client; None: local

    def __post_init__(self) -> None:
        checks = (("jobs", self.jobs, 0), ("timeout", self.timeout, 1), ("memory_mb", self.memory_mb, 256),
                  ("renders_per_worker", self.renders_per_worker, 1))
        for name, value, lowest in checks:
            if value < lowest:
                raise InputError(f"{name.replace('_', ' ')} must be at least {lowest}, not {value}")

    @property
    def workers(self) -> int:
        """The number of worker processes."""
        return self.jobs or os.cpu_count() or 1
