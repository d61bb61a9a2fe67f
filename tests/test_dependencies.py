"""Every distribution pressexport imports is a direct dependency, and a pip as old as the one ``python3 -m
venv`` brings installs a pressexport whose import of a web page works."""

from __future__ import annotations

import ast
import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from conftest import PROJECT

SOURCE = PROJECT / "src" / "pressexport"
PAGE = Path(__file__).parent / "data" / "import" / "pages" / "medium-post.html"


def imported_top_level_modules() -> set[str]:
    """The top-level modules the package's code imports (absolute imports only)."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"__future__", "pressexport"}


def declared() -> set[str]:
    """The distributions pyproject.toml names: the dependencies and the dask extra."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dask"]
    return {canonical(Requirement(line).name) for line in requirements}


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def test_every_imported_distribution_is_declared_directly():
    by_module = importlib.metadata.packages_distributions()
    imported = {module: {canonical(name) for name in by_module.get(module, [module])}
                for module in imported_top_level_modules()}
    assert "weasyprint" in imported and "lxml" in imported  # the scan sees the imports
    undeclared = {module: names for module, names in imported.items() if not names & declared()}
    assert not undeclared, f"imported but not in pyproject.toml's dependencies: {undeclared}"


def test_the_html_cleaner_that_trafilatura_needs_is_declared():
    # jusText's "lxml[html_clean]" is not matched to lxml 6's "html-clean" extra by pip 23: name it directly
    assert "lxml-html-clean" in declared()


def test_a_missing_library_is_one_line_naming_what_to_install():
    from pressexport.errors import missing_library

    line = missing_library(ModuleNotFoundError("No module named 'yaml'", name="yaml"))
    assert line == ("a library pressexport needs cannot be loaded (No module named 'yaml'); "
                    "install it: pip install pyyaml")
    unnamed = missing_library(ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\n"
                                          "Install lxml[html-clean] or lxml_html_clean directly."))
    assert "\n" not in unnamed and "lxml_html_clean directly" in unnamed


@pytest.mark.slow
def test_the_pip_that_venv_brings_installs_a_working_import(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    pip = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, text=True, check=True).stdout
    installed = subprocess.run([python, "-m", "pip", "install", "-q", str(PROJECT)], capture_output=True, text=True,
                               timeout=1200)
    assert installed.returncode == 0, installed.stderr[-3000:]
    done = subprocess.run([venv / "bin" / "pressexport", "import", str(PAGE), "--out", str(tmp_path / "content")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"with {pip}: {done.stdout}{done.stderr}"
    (article,) = (tmp_path / "content").glob("*/article.md")
    assert article.read_text(encoding="utf-8").startswith("---\ntitle: ")
