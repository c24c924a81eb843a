"""Temporary folders and shared caches. Manim renders into a private temporary folder inside the
output directory (``.render-<pid>-…``), swept when its process is gone; each render reads manim's
Tex and text caches from ``<output>/.cache`` through a private copy (hard links) and publishes what
it added when it succeeds, so renders running at the same time never see each other's half files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

TEMP_PREFIX = ".render-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_temporaries(out_dir: Path) -> None:
    """Remove the temporary folders of renders whose process no longer exists (e.g. killed by SIGKILL)."""
    for path in out_dir.glob(TEMP_PREFIX + "*"):
        pid = path.name[len(TEMP_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def link_tree(source: Path, target: Path, only_new: bool = False) -> None:
    """Hard-link (or copy) every file of ``source`` into ``target``; with ``only_new``, atomically and only missing ones."""
    if not source.is_dir():
        return
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if not path.is_file():
            continue
        dest = target / path.name
        if dest.exists():
            continue
        tmp = target / f".{path.name}.{os.getpid()}.part" if only_new else dest
        try:
            os.link(path, tmp)
        except OSError:
            shutil.copy2(path, tmp)
        if only_new:
            os.replace(tmp, dest)


def replace_dir(new: Path, target: Path, work: Path) -> None:
    """Put folder ``new`` at ``target``; an old folder there moves into ``work`` (deleted with it)."""
    if target.exists():
        os.replace(target, work / "previous-sections")
    os.replace(new, target)
