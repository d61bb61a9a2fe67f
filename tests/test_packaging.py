"""The wheel: built with ``python -m build``, installed apart from the checkout, it carries its styles,
fonts and licence data and builds the seed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import PROJECT as REPO, SEED

pytestmark = pytest.mark.slow
PACKAGE_DATA = ("pressexport/styles/print.css", "pressexport/styles/epub.css", "pressexport/styles/fonts/OFL.txt",
                "pressexport/data/licences.yaml", "pressexport/data/quotes.yaml", "pressexport/data/words/en.yaml",
                "pressexport/data/words/ru.yaml", "pressexport/data/licences/ru.yaml")


def project_copy(destination: Path) -> Path:
    """The project's sources without the virtualenv, outputs or caches (what a clean clone holds)."""
    ignore = shutil.ignore_patterns(".venv", ".git", "output", "__pycache__", "*.egg-info", "build", "dist")
    shutil.copytree(REPO, destination, ignore=ignore, symlinks=True)
    return destination


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the project by PyPA's ``build``."""
    folder = tmp_path_factory.mktemp("wheel")
    source = project_copy(folder / "project")
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(folder / "dist"), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (built,) = (folder / "dist").glob("pressexport-*.whl")
    return built


def test_the_wheel_carries_styles_fonts_and_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in PACKAGE_DATA if name not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert any(name.startswith("pressexport/styles/fonts/") and name.endswith(".ttf") for name in names)


def test_the_installed_wheel_builds_the_seed_outside_the_checkout(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    work = tmp_path / "elsewhere"
    shutil.copytree(SEED.parent, work / "article")
    env = {**os.environ, "PYTHONPATH": str(target), "SOURCE_DATE_EPOCH": "1700000000"}
    where = subprocess.run([sys.executable, "-c", "import pressexport; print(pressexport.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(target), "the checkout's package was imported, not the wheel's"
    done = subprocess.run([sys.executable, "-m", "pressexport", "build", "article", "--out", "out", "--eco"],
                          cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(path.suffixes[-1] for path in (work / "out").iterdir()) == [".epub", ".pdf", ".pdf"]
