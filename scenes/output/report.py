"""What the CLI shows while and after rendering: a live line per scene, then a table of outputs."""

from __future__ import annotations

import sys
from typing import Sequence

from rich.console import Console
from rich.live import Live
from rich.table import Table

from scenes.output.request import RenderRequest, RenderResult


def human_size(n_bytes: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    return ""


class RenderProgress:
    """One line per scene with its state and frames written; refreshed live on a terminal.

    Use as a context manager and pass the instance as ``render_many``'s progress callback.
    """

    def __init__(self, requests: Sequence[RenderRequest], console: Console | None = None) -> None:
        self.requests = list(requests)
        self.states = ["waiting"] * len(self.requests)
        self.frames = [0] * len(self.requests)
        self.console = console or Console(stderr=True)
        self._live = Live(self._table(), console=self.console, refresh_per_second=8, transient=False)
        self.enabled = self.console.is_terminal      # in a log or a pipe, only the final table is printed

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        for request, state, frames in zip(self.requests, self.states, self.frames):
            style = {"done": "green", "failed": "red", "rendering": "yellow"}.get(state, "dim")
            table.add_row(request.scene_name, f"[{style}]{state}[/]", f"{frames} frames")
        return table

    def __call__(self, index: int, state: str, frames: int) -> None:
        self.states[index], self.frames[index] = state, frames
        if self.enabled:
            self._live.update(self._table())

    def __enter__(self) -> RenderProgress:
        if self.enabled:
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._live.__exit__(*exc)


def shows(result: RenderResult) -> str:
    """Model, layer and head the scene showed, e.g. 'minilm L5 H6', marked when --focus chose them."""
    from scenes.output.naming import head_label

    settings = result.request.settings
    by_focus = bool(settings.focus) and (settings.layer is None or settings.head is None)
    return head_label(result.request.scene, result.model_layer_head, settings.focus if by_focus else None)


def results_table(results: Sequence[RenderResult]) -> Table:
    """Path, format, what it shows (model, layer, head), resolution, fps, duration and size of every output."""
    table = Table(title="written", title_justify="left")
    longest = max((len(str(r.path)) for r in results if r.path is not None), default=10)
    table.add_column("path", overflow="fold", min_width=min(longest, 40))
    for column in ("format", "shows", "resolution", "fps", "duration", "size", "time"):
        table.add_column(column, justify="left" if column in ("format", "shows") else "right", no_wrap=True)
    for result in results:
        request = result.request
        w, h, fps = request.size()
        if not result.ok:
            table.add_row(f"[red]{request.scene_name}: {result.error}[/]", request.fmt, "", f"{w}×{h}", str(fps), "", "", "")
            continue
        assert result.path is not None
        duration = "still" if result.duration is None else f"{result.duration:.1f} s"
        took = "cached" if result.cached else f"{result.seconds:.1f} s"
        kind = request.fmt + (" +alpha" if request.transparent else "")
        table.add_row(str(result.path), kind, shows(result), f"{w}×{h}", str(fps), duration,
                      human_size(result.path.stat().st_size), took)
        if result.sections is not None:
            clips = sorted(p for p in result.sections.iterdir() if p.suffix not in (".json", ".vtt"))
            table.add_row(f"  {result.sections}/ ({len(clips)} clips)", request.fmt, "", "", "", "", "", "")
    return table


def print_results(results: Sequence[RenderResult], console: Console | None = None) -> None:
    wide = None if sys.stdout.isatty() else 200          # a log or a pipe: one row per file, never cut
    (console or Console(file=sys.stdout, width=wide)).print(results_table(results))
