"""A publication's config, ``pressexport.yaml``: what every article of the publication shares (its name,
ISSN, licence, language, print note, edition settings) and its house style, the publication's own
stylesheets (with the fonts and images they use), layered after the shipped ones.

The nearest config above an article, up to the content root, applies to it (as ``mkdocs.yml`` is found);
without ``--root`` the folder holding that config is the content root. The config is checked in full like
front matter, every problem at its line and key; a stylesheet, or a file a stylesheet uses, outside the
content root is refused. Front matter overrides the config, the command line both (settings.py).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tinycss2

from ..diagnostics import warn
from ..errors import InputError
from ..model import HouseStyle, Input
from ..settings import CONFIG, settable_in
from .frontmatter import BY_NAME as FRONT_MATTER_KEYS
from .frontmatter import raise_problems, setting, warn_unknown
from .yamlvalues import Problem, Value, decode_source, parse_front_matter, shown

CONFIG_FILE = "pressexport.yaml"
MAX_CONFIG_BYTES = 64 * 1024
MAX_LEVELS = 64  # folders looked up from an article for its config
MAX_STYLESHEET_BYTES = 1024 * 1024
# front-matter keys a config may give every article (an article's own value wins)
ARTICLE_DEFAULTS = ("publication", "issn", "licence", "lang", "print_note", "end_mark", "base_url")
EDITIONS = ("pdf", "epub")
FONT_SUFFIXES = {".ttf", ".otf", ".woff", ".woff2"}
LICENCE_NAMES = ("OFL*.txt", "OFL*", "LICENSE*", "LICENCE*", "COPYING*")
STYLES_HELP = "list stylesheets: 'styles: [house.css]', or 'styles: {pdf: [print.css], epub: [reader.css]}'"


@dataclass(frozen=True)
class Publication:
    """What a publication's config gives its articles (nothing, without a config)."""

    file: Path | None = None
    defaults: dict[str, Any] = field(default_factory=dict)  # front-matter keys → values, as front matter reads them
    settings: dict[str, Any] = field(default_factory=dict)  # edition settings (settings.py) → values
    house: HouseStyle = field(default_factory=HouseStyle)
    inputs: tuple[Input, ...] = ()  # the configs looked for (absent ones too) and the house files, hashed


def config_candidates(folder: Path, root: Path | None = None) -> Iterator[Path]:
    """Where a config for the articles in ``folder`` may lie, nearest first: in ``folder``, then in each folder
    above it, up to ``root`` (if given) and at most MAX_LEVELS up."""
    for level, candidate in enumerate((folder.absolute(), *folder.absolute().parents)):
        yield candidate / CONFIG_FILE
        if level == MAX_LEVELS or root is not None and candidate.resolve() == root:
            return


def config_above(folder: Path, root: Path | None = None) -> Path | None:
    """The nearest ``pressexport.yaml`` in ``folder`` or a folder above it (not above ``root``, if given)."""
    return next((candidate for candidate in config_candidates(folder, root) if candidate.is_file()), None)


def publication_for(folder: Path, root: Path) -> Publication:
    """The publication config that applies to the articles in ``folder`` (inside ``root``), checked."""
    looked_for = []
    for candidate in config_candidates(folder, root):
        looked_for.append(candidate)
        if candidate.is_file():
            break
    absent = tuple(Input(path, None) for path in looked_for[:-1])  # adding one of them changes the config
    file = looked_for[-1]
    if not file.is_file():
        return Publication(inputs=(*absent, Input(file, None)))
    stat = file.stat()
    publication = load_config(file.resolve(), root, stat.st_size, stat.st_mtime_ns)
    house = publication.house
    files = (publication.file, *house.pdf, *house.epub, *house.files)
    return Publication(publication.file, publication.defaults, publication.settings, house,
                       (*absent, *dict.fromkeys(map(hashed, files))))


@functools.lru_cache(maxsize=32)
def load_config(file: Path, root: Path, size: int, mtime_ns: int) -> Publication:
    """Read and check one config (cached while its size and time stay the same: a batch reads it once)."""
    if not (file == root / CONFIG_FILE or root in file.parents):
        raise InputError(f"the publication config {file} lies outside the content root {root}",
                         hint="move it into the root, or give --root a folder that holds it")
    raw = file.read_bytes()
    if len(raw) > MAX_CONFIG_BYTES:
        raise InputError(f"the config is over {MAX_CONFIG_BYTES // 1024} KB", where=file)
    values, problems = parse_front_matter(decode_source(raw, file), file, first_line=1)
    defaults, settings, styles_value, unknown = read_values(values, problems)
    warn_unknown(unknown, file, "keys in the publication config")
    house = house_style(styles_value, file, root, problems) if styles_value is not None else HouseStyle()
    raise_problems(problems, file, "the publication config")
    return Publication(file, defaults, settings, house)


CONFIG_SETTINGS = {declared.name: setting(declared) for declared in settable_in(CONFIG)}


def read_values(values: list[Value], problems: list[Problem]):
    """The config's values sorted into article defaults, edition settings, styles and unknown keys; each
    wrong value's problem recorded."""
    defaults: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    styles_value = None
    unknown = []
    for value in values:
        key = FRONT_MATTER_KEYS.get(value.key)
        try:
            if key is not None and key.name in ARTICLE_DEFAULTS:
                defaults[key.name] = key.read(value)
            elif value.key in CONFIG_SETTINGS:
                read = CONFIG_SETTINGS[value.key](value)
                if read is not None:
                    settings[value.key] = read
            elif value.key == "styles":
                styles_value = value
            else:
                unknown.append(value)
        except InputError as error:
            problems.append(Problem(value.line, error, value.key))
    return defaults, settings, styles_value, unknown


# --- the house style ---------------------------------------------------------------------------------


def house_style(value: Value, file: Path, root: Path, problems: list[Problem]) -> HouseStyle:
    """The stylesheets ``styles:`` names for each edition (a list: both), checked, with the files they use."""
    sheets: dict[str, list[Path]] = {edition: [] for edition in EDITIONS}
    for edition_value, editions in styles_by_edition(value, problems):
        for index, entry in enumerate(edition_value.data if isinstance(edition_value.data, list)
                                      else [edition_value.data]):
            where = edition_value.at(index) if isinstance(edition_value.data, list) else edition_value
            try:
                sheet = stylesheet(entry, where, file.parent, root)
            except InputError as error:
                problems.append(Problem(where.line, error, "styles"))
                continue
            for edition in editions:
                sheets[edition].append(sheet)
    used: list[Path] = []
    for sheet in dict.fromkeys(sheets["pdf"] + sheets["epub"]):
        try:
            used += files_used_by(sheet, root)
        except InputError as error:
            problems.append(Problem(value.line, error, "styles"))
    return HouseStyle(pdf=tuple(dict.fromkeys(sheets["pdf"])), epub=tuple(dict.fromkeys(sheets["epub"])),
                      files=tuple(dict.fromkeys(used + licences_of(used))))


def styles_by_edition(value: Value, problems: list[Problem]) -> list[tuple[Value, tuple[str, ...]]]:
    """``styles:`` as (value, editions) pairs: a path or list for both, or a mapping of pdf, epub and both."""
    if isinstance(value.data, dict):
        pairs = []
        for name in value.data:
            editions = {"pdf": ("pdf",), "epub": ("epub",), "both": EDITIONS}.get(str(name))
            if editions is None:
                problems.append(Problem(value.at(str(name)).line, value.at(str(name)).error(
                    f"'styles.{name}' is not an edition", hint="use pdf, epub or both"), "styles"))
            else:
                pairs.append((value.at(str(name)), editions))
        return pairs
    if value.data is None or isinstance(value.data, (str, list)):
        return [(value, EDITIONS)] if value.data else []
    problems.append(Problem(value.line, value.error("'styles' must be a stylesheet, a list or a mapping",
                                                    hint=STYLES_HELP), "styles"))
    return []


def stylesheet(entry: Any, where: Value, folder: Path, root: Path) -> Path:
    """One stylesheet named in the config: a .css file inside the content root, relative to the config."""
    if not isinstance(entry, str) or not entry.strip():
        raise where.error("each stylesheet must be a path relative to the config's folder", hint=STYLES_HELP)
    written = entry.strip()
    path = (folder / written).resolve()
    if Path(written).is_absolute() or not (root in path.parents):
        raise where.error(f"stylesheet '{shown(written)}' lies outside the content root {root}",
                          hint="copy it into the publication's folder and name it from there")
    if path.suffix.lower() != ".css":
        raise where.error(f"'{shown(written)}' is not a stylesheet (.css)")
    if not path.is_file():
        raise where.error(f"stylesheet '{shown(written)}' not found", hint="check the path against the config's folder")
    if path.stat().st_size > MAX_STYLESHEET_BYTES:
        raise where.error(f"stylesheet '{shown(written)}' is over {MAX_STYLESHEET_BYTES // 1024} KB")
    return path


def files_used_by(sheet: Path, root: Path) -> list[Path]:
    """The files a house stylesheet's ``url()``s name (fonts, images): each inside the content root, relative
    to the sheet. A remote address or an ``@import`` is refused: list every stylesheet in the config."""
    text = sheet.read_text(encoding="utf-8", errors="replace")
    used = []
    for line, kind, target in references(tinycss2.parse_stylesheet(text, skip_comments=True)):
        where = f"{sheet}:{line}"
        if kind == "import":
            raise InputError("@import is not followed", where=where, hint="list each stylesheet under 'styles:'")
        if target.startswith(("data:", "#")) or not target:
            continue
        if ":" in target.split("/")[0] or target.startswith(("/", "\\")):
            raise InputError(f"url({shown(target)}) is not a file beside the stylesheet", where=where,
                             hint="copy the file into the content root and give its path relative to the sheet")
        path = (sheet.parent / target.split("#")[0].split("?")[0]).resolve()
        if root not in path.parents:
            raise InputError(f"url({shown(target)}) leads outside the content root {root}", where=where,
                             hint="copy the file into the content root")
        if not path.is_file():
            raise InputError(f"url({shown(target)}) not found", where=where, hint="check the path against the sheet")
        used.append(path)
    return used


def references(nodes) -> list[tuple[int, str, str]]:
    """(line, 'url' or 'import', target) for every url() and @import in parsed CSS, nested blocks included."""
    found = []
    for node in nodes or ():
        if node.type == "at-rule" and node.lower_at_keyword == "import":
            found.append((node.source_line, "import", ""))
        elif node.type == "url":
            found.append((node.source_line, "url", node.value.strip()))
        elif node.type == "function" and node.lower_name == "url":
            strings = [arg.value for arg in node.arguments if arg.type == "string"]
            found.append((node.source_line, "url", strings[0].strip() if strings else ""))
        for part in ("prelude", "content", "arguments"):
            children = getattr(node, part, None)
            if isinstance(children, list):
                found += references(children)
    return found


def licences_of(used: list[Path]) -> list[Path]:
    """The licence files beside the fonts a house style uses (an EPUB carries them with the fonts); a font
    with none beside it is said once."""
    found = []
    for folder in dict.fromkeys(path.parent for path in used if path.suffix.lower() in FONT_SUFFIXES):
        licences = sorted({match for pattern in LICENCE_NAMES for match in folder.glob(pattern) if match.is_file()})
        if not licences:
            warn("font-licence-missing", folder, "no licence file (OFL.txt) beside the house style's fonts; "
                 "add the font's licence so the editions can carry it")
        found += licences
    return found


def hashed(path: Path) -> Input:
    """A house file as the batch record compares it (hashed again only when its size or time changed: a
    batch's articles share the same fonts)."""
    try:
        stat = path.stat()
    except OSError:
        return Input(path, None)
    return Input(path, digest(path, stat.st_size, stat.st_mtime_ns), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def digest(path: Path, size: int, mtime_ns: int) -> str | None:
    """The SHA-256 of a file's bytes, as they were at that size and time."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
