"""Writing output files so that a failure never leaves a half file or destroys a good one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import InputError


def _nearest_existing(folder: Path) -> Path:
    """``folder`` or its closest ancestor that exists."""
    for candidate in (folder, *folder.absolute().parents):
        if candidate.exists():
            return candidate
    return Path("/")


def check_output_dir(folder: str | Path, create: bool = False) -> Path:
    """A writable directory (made with its parents when missing and ``create``), or InputError
    saying what is wrong and what to do. Without ``create`` a missing folder passes when it could be made."""
    folder = Path(folder)
    if not folder.exists():
        base = _nearest_existing(folder)
        if not base.is_dir():
            raise InputError(f"cannot create output directory {str(folder)!r}: {str(base)!r} is a file; "
                             "pick another with --output")
        if not os.access(base, os.W_OK | os.X_OK):
            raise InputError(f"cannot create output directory {str(folder)!r}: {str(base)!r} is not writable; "
                             "pick another with --output")
        if not create:
            return folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create output directory {str(folder)!r} ({exc.strerror}): "
                             "pick another with --output") from None
    if not folder.is_dir():
        raise InputError(f"output path {str(folder)!r} is a file, not a directory: pick a directory with --output")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"output directory {str(folder)!r} is not writable: pick another with --output")
    return folder


def missing_folders(folder: str | Path) -> list[Path]:
    """The folders that making ``folder`` would create, outermost first (none when it exists)."""
    folder = Path(folder).absolute()
    base = _nearest_existing(folder)
    return [p for p in (folder, *folder.parents) if p != base and base in p.parents][::-1]


def remove_if_empty(folders: list[Path]) -> None:
    """Remove those of ``folders`` that are (or become) empty, innermost first: what a failed run made."""
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            pass


def no_space_error(folder: str | Path) -> InputError:
    """The one-line error for a full disk: names the output folder and the fix (not a temporary's path)."""
    return InputError(f"no space left on the device of output directory {str(folder)!r}: "
                      "free some space, or pick another folder with --output")


def is_no_space(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    The folder is created when missing. On any failure the temporary is removed and a previous
    file at ``path`` is left as it was; a full disk is an InputError naming the folder.
    """
    path = Path(path)
    folder = check_output_dir(path.parent if str(path.parent) else ".", create=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)          # mkstemp makes 0600; a written file gets the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if is_no_space(exc):
            raise no_space_error(folder) from None
        raise
    return path
