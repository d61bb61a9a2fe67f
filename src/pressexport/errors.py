"""Errors that reach users as one clear line (a line per problem when several are found at once)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class PressexportError(Exception):
    """A problem with the user's input or set-up, reported as one line.

    ``where`` names the file (and line or key) at fault; ``hint`` says what to do.
    """

    def __init__(self, message: str, *, where: str | Path | None = None, hint: str = ""):
        self.message = message
        self.where = str(where) if where is not None else None
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as a single line: ``where: message (hint)``."""
        text = self.message if not self.where else f"{self.where}: {self.message}"
        if self.hint:
            text = f"{text}; {self.hint}"
        return " ".join(text.split())


def missing_library(exc: ImportError) -> str:
    """Why a library pressexport needs cannot be loaded (an incomplete install, never the user's file), and
    what to install, in one line."""
    said = " ".join(str(exc).split())
    top = (exc.name or "").split(".")[0]
    if top == "pressexport":  # its own files are incomplete or of two versions
        return f"pressexport's own files cannot be loaded ({said}); reinstall it: pip install --force-reinstall pressexport"
    advice = f"install it: pip install {DISTRIBUTIONS.get(top, top)}" if top else (
        "install what it names, or reinstall pressexport with a current pip (pip install --upgrade pip)")
    return f"a library pressexport needs cannot be loaded ({said}); {advice}"


# modules whose distribution has another name (the rest are named as they are imported)
DISTRIBUTIONS = {"PIL": "pillow", "yaml": "pyyaml", "fontTools": "fonttools", "pymdownx": "pymdown-extensions",
                 "distributed": "'pressexport[dask]'", "dask": "'pressexport[dask]'"}


class InputError(PressexportError):
    """The article, its front matter or one of its assets is unusable."""


class InputErrors(InputError):
    """Several problems of one input, found together (an article's front matter is checked in full)."""

    def __init__(self, errors: Sequence[InputError], *, where: str | Path, message: str):
        self.errors = tuple(errors)
        super().__init__(message, where=where)

    def one_line(self) -> str:
        """The summary, then each problem on a line of its own: the one error that takes several lines, so
        that a user sees every problem at once, each with its file and line."""
        return "\n".join([super().one_line(), *(f"  {error.one_line()}" for error in self.errors)])


class UnknownLicence(InputError):
    """A licence value that the catalogue does not know."""


class OutputError(PressexportError):
    """An output file could not be written."""
