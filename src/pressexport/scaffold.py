"""``pressexport init``: a new publication's folder, from the templates in ``data/init/``: its config, a
commented house stylesheet showing the hooks, and one sample article that builds without a warning."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from .errors import InputError
from .language.tags import is_language_tag
from .options import PageSize, choice
from .safety.atomic import write_all_atomic
from .sources.licences import resolve_licence
from .sources.publication import CONFIG_FILE

SAMPLE = Path("articles") / "first-article" / "article.md"
HOUSE = Path("styles") / "house.css"
TEMPLATES = {CONFIG_FILE: Path(CONFIG_FILE), "house.css": HOUSE, "article.md": SAMPLE}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class NewPublication:
    """What ``init`` asks for: the publication's name, language, licence and paper size."""

    name: str = "My Magazine"
    lang: str = "en"
    licence: str = "CC-BY-4.0"
    page_size: str = "a4"

    def checked(self) -> NewPublication:
        """The same, each value checked as the config will check it (an InputError naming the option)."""
        if not self.name.strip():
            raise InputError("the publication needs a name", hint="give --name 'The Tidal Review'")
        if not is_language_tag(self.lang.replace("_", "-")):
            raise InputError(f"'{self.lang}' is not a language tag", hint="use a BCP 47 tag such as en, fr or pt-BR")
        resolve_licence(self.licence, where="--licence")
        return NewPublication(" ".join(self.name.split()), self.lang.replace("_", "-"), self.licence,
                              choice(PageSize, self.page_size, "page size").value)


def scaffold(folder: Path, publication: NewPublication = NewPublication()) -> list[Path]:
    """Write a new publication into ``folder`` (made if missing) and return the files written; a folder that
    already holds a config, or any of the files, is left as it is (an InputError says so)."""
    publication = publication.checked()
    targets = {folder / path: name for name, path in TEMPLATES.items()}
    existing = [path for path in targets if path.exists()]
    if existing:
        raise InputError(f"{existing[0]} exists already", where=folder,
                         hint="init makes a new publication: give an empty or new folder")
    values = template_values(publication)
    return write_all_atomic({path: filled(name, values).encode() for path, name in targets.items()})


def template_values(publication: NewPublication) -> dict[str, str]:
    """The placeholders' values: YAML scalars in the config and front matter ({name}), plain text in comments
    and Markdown ({comment_name}, {text_name}), and inside a CSS comment ({css_name})."""
    def yaml_scalar(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar

    return {"name": yaml_scalar(publication.name), "comment_name": publication.name,
            "css_name": publication.name.replace("*/", "* /"), "lang": yaml_scalar(publication.lang),
            "licence": yaml_scalar(publication.licence), "page_size": publication.page_size,
            "subtitle": yaml_scalar(f"What a page of {publication.name} looks like"),
            "text_name": publication.name, "date": dt.date.today().isoformat()}


def filled(template: str, values: dict[str, str]) -> str:
    """A template with its ``{placeholder}``s replaced (CSS braces, which hold spaces, are left alone)."""
    text = (files("pressexport") / "data" / "init" / template).read_text(encoding="utf-8")
    return PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)
