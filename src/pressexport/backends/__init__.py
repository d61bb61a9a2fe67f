"""Output backends, one module each, listed in one registry."""

from __future__ import annotations

from . import epub, pdf

BACKENDS = {"pdf": pdf, "epub": epub}
