"""The PDF engine's native libraries found from one reading of the loader cache.

WeasyPrint opens Pango, HarfBuzz and fontconfig through cffi, trying several names for each library
(Linux, macOS and Windows spellings). cffi asks ``ctypes.util.find_library`` about every name, and on
Linux each question runs ``ldconfig -p``, and for a name that is not there also ``gcc`` and ``ld``:
about fifty processes, an eighth of a second, before every PDF. While the engine is imported, the
questions are answered from one run of ``ldconfig -p`` instead; the answer is the one ctypes would give.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import struct
import subprocess
import sys
from contextlib import contextmanager
from functools import lru_cache

# ctypes' own names for the loader cache's ABI column (Lib/ctypes/util.py, _findSoname_ldconfig).
ABI_TYPES = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
             "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


@contextmanager
def libraries_looked_up_once():
    """Inside the block, ``ctypes.util.find_library`` reads a cached ``ldconfig -p`` where it can."""
    cache = loader_cache()
    if cache is None:  # not glibc's loader: leave ctypes alone
        yield
        return
    original = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        found = soname(cache, name)
        if found is None and os.environ.get("LD_LIBRARY_PATH"):
            return original(name)  # only the linker's search knows these folders
        return found

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


@lru_cache(maxsize=1)
def loader_cache() -> bytes | None:
    """The output of ``ldconfig -p`` (None off Linux or when it cannot run)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, check=True, timeout=10,
                              stdin=subprocess.DEVNULL, env={"LC_ALL": "C", "LANG": "C"}).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def soname(cache: bytes, name: str) -> str | None:
    """The file name ctypes would find for library ``name`` in the loader cache, if any."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    pattern = rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({ABI_TYPES.get(machine, 'libc6')}"
    found = re.search(os.fsencode(pattern), cache)
    return os.fsdecode(found.group(1)) if found else None
