"""Writing output files so that a failure never leaves a half file or destroys a good one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError


def check_output_dir(folder: str | Path) -> Path:
    """An existing, writable directory, or InputError saying what is wrong and what to do."""
    folder = Path(folder)
    if not folder.exists():
        raise InputError(f"output directory {str(folder)!r} does not exist: create it, or pick another with --output")
    if not folder.is_dir():
        raise InputError(f"output path {str(folder)!r} is a file, not a directory: pick a directory with --output")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"output directory {str(folder)!r} is not writable: pick another with --output")
    return folder


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    check_output_dir(path.parent if str(path.parent) else ".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)          # mkstemp makes 0600; a written file gets the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
