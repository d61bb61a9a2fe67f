"""Atomic file writes: temporary files in the same folder, then renames."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputError


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    return write_all_atomic({path: data})[0]


def write_all_atomic(files: dict[Path, bytes]) -> list[Path]:
    """Write several files as one step: all are staged first, and only when every one is complete on disk
    are they renamed into place. A failure leaves the previous files as they were and no temporary file."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((stage(path, data), path))
    except OutputError:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    return [commit(temp, path) for temp, path in staged]


def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path`` and flush it to disk."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write to folder: {exc.strerror}", where=folder,
                          hint="choose another folder with --out") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, 0o644)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise OutputError(f"cannot write file: {exc.strerror}", where=path,
                          hint="check free space and permissions") from None
    return Path(temp_name)


def commit(temp: Path, path: Path) -> Path:
    """Rename a staged file into place."""
    try:
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write file: {exc.strerror}", where=path,
                          hint="check that it is not a folder and that you may replace it") from None
    return path
