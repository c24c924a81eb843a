"""The output stamp: an unchanged re-render (same request, code and libraries) is answered from a
stamp beside the cache, ``<output>/.cache/outputs/<file>.json``, without rendering again."""

from __future__ import annotations

import json
from pathlib import Path

from scenes.output.request import RenderRequest, RenderResult


def stamp_path(request: RenderRequest) -> Path:
    return Path(request.output_dir) / ".cache" / "outputs" / (request.output_path().name + ".json")


def cached_result(request: RenderRequest) -> RenderResult | None:
    path, stamp = request.output_path(), stamp_path(request)
    try:
        data = json.loads(stamp.read_text())
        info = path.stat()
    except (OSError, ValueError):
        return None
    if data.get("key") != request.stamp_key() or data.get("size") != info.st_size or data.get("mtime_ns") != info.st_mtime_ns:
        return None
    if request.sections and not request.sections_path().is_dir():
        return None
    if not all(p.is_file() for p in request.subtitle_paths()):
        return None
    shown = tuple(data["head"]) if isinstance(data.get("head"), list) else None
    return RenderResult(request, path, frames=data.get("frames", 0), cached=True, model_layer_head=shown,
                        sections=request.sections_path() if request.sections else None)


def write_stamp(request: RenderRequest, frames: int, head: tuple[str, int, int] | None = None) -> None:
    from attention_math.files import atomic_write_bytes

    stamp, info = stamp_path(request), request.output_path().stat()
    stamp.parent.mkdir(parents=True, exist_ok=True)
    data = {"key": request.stamp_key(), "size": info.st_size, "mtime_ns": info.st_mtime_ns, "frames": frames,
            "head": list(head) if head else None}
    atomic_write_bytes(stamp, json.dumps(data).encode())
