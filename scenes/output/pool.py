"""Many renders, in parallel processes, and interrupts: Ctrl-C or SIGTERM stops every render, each
removing its temporary folder."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from attention_math.errors import InputError
from attention_math.files import check_output_dir, missing_folders, remove_if_empty

from scenes.catalog import CATALOG
from scenes.output.render_one import CheckedRender, FrameCallback, check_render, run_render
from scenes.output.request import RenderRequest, RenderResult
from scenes.output.stamps import stamp_path


def _interrupt(signum, frame) -> None:   # noqa: ARG001
    raise KeyboardInterrupt


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C (KeyboardInterrupt), so cleanup runs on either."""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:          # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


ProgressCallback = Callable[[int, str, int], None]   # (request index, state, frames)


def _error_result(request: RenderRequest, exc: BaseException, seconds: float = 0.0) -> RenderResult:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    usage = isinstance(exc, InputError)
    if request.from_file and not usage:         # the user's own scene raised: name it, the error and the line
        from scenes.scene_file import describe_failure

        return RenderResult(request, error=describe_failure(request.scene, exc), usage_error=True, seconds=seconds)
    return RenderResult(request, error=text if usage else f"{type(exc).__name__}: {text}", usage_error=usage,
                        seconds=seconds)


def interruption_behind(exc: BaseException) -> BaseException | None:
    """The Ctrl-C or termination behind an error, if any: manim's video encoder wraps whatever
    stops it while it opens or writes a segment, a KeyboardInterrupt included, in a RuntimeError."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _render_safely(planned: RenderResult | CheckedRender, verbose: bool,
                   on_frame: FrameCallback | None) -> RenderResult:
    """A checked render run (or the stamp's result it already has), its failure reported in the result."""
    if isinstance(planned, RenderResult):
        return planned
    request = planned.asked
    started = time.perf_counter()
    try:
        return run_render(planned, verbose=verbose, on_frame=on_frame)
    except Exception as exc:          # one scene's failure is reported; the others go on
        interruption = interruption_behind(exc)
        if interruption is not None:  # an interrupt, not a failure: stop everything
            raise interruption from None
        if verbose:
            logging.getLogger("attention").exception("render of %s failed", request.scene)
        return _error_result(request, exc, time.perf_counter() - started)


_queue = None
_rendering = False        # a worker is inside a render (its temporary folder exists)


def _exit_quietly(signum, frame) -> None:   # noqa: ARG001
    """A worker's SIGTERM (the pool's terminate()): unwind through the render's cleanup, or end
    at once when no render is running (between tasks, or already exiting)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)     # a second SIGTERM simply ends the process
    if not _rendering:
        os._exit(130)
    raise SystemExit(130)


def _worker_init(queue, verbose: bool) -> None:
    global _queue
    _queue = queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)       # Ctrl-C reaches the parent, which terminates the pool
    signal.signal(signal.SIGTERM, _exit_quietly)       # the pool's terminate()
    # manim's progress bars (tqdm) would make a cross-process lock, a named semaphore that a
    # terminated worker never releases; workers draw no shared bars, a thread lock does.
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())
    if not verbose:
        logging.getLogger("manim").setLevel("ERROR")
    logging.getLogger("attention_animated").setLevel("ERROR")   # the parent said the notes when it checked the requests


def _worker(index: int, planned: RenderResult | CheckedRender, verbose: bool) -> RenderResult:
    global _rendering

    def on_frame(frames: int) -> None:
        if frames % 10 == 0:
            _queue.put((index, "rendering", frames))
    _queue.put((index, "rendering", 0))
    _rendering = True
    try:
        result = _render_safely(planned, verbose, on_frame)
    except SystemExit:
        # Terminated: render_scene's cleanup has run. Leave now: an interrupted render can leave
        # an encoder thread that interpreter shutdown would wait for, and exit handlers that a
        # second signal would interrupt with a traceback.
        os._exit(130)
    finally:
        _rendering = False
    result.scene = None          # scenes do not cross process boundaries
    return result


def render_many(requests: list[RenderRequest], jobs: int = 1, verbose: bool = False, force: bool = False,
                progress: ProgressCallback | None = None) -> list[RenderResult]:
    """Render every request; ``jobs`` > 1 renders in that many separate processes.

    A scene that fails is reported in its result and the others still render. Ctrl-C or
    SIGTERM stops every render (their temporary files removed) and raises KeyboardInterrupt.
    """
    made: list[Path] = []          # output folders this call creates: removed again if nothing lands in them
    for request in requests:
        made += [p for p in missing_folders(request.output_dir) if p not in made]
        check_output_dir(request.output_dir, create=True)
    try:
        planned = [check_render(request, force) for request in requests]   # usage errors surface before anything renders
        report = progress or (lambda index, state, frames: None)
        if jobs > 1 and len(requests) > 1:
            return _render_in_pool(requests, planned, jobs, verbose, report)
        results = []
        for i, plan in enumerate(planned):
            report(i, "rendering", 0)
            result = _render_safely(plan, verbose, lambda frames, i=i: report(i, "rendering", frames))
            report(i, "done" if result.ok else "failed", result.frames)
            results.append(result)
        return results
    finally:
        remove_if_empty(made)


def _expected_frames(request: RenderRequest) -> float:
    """A guess of a render's length, so the pool starts the longest first: the last render's
    frame count from its stamp, else its number of beats in the catalog (AttentionBlock: its chapters)."""
    try:
        return float(json.loads(stamp_path(request).read_text())["frames"])
    except (OSError, ValueError, KeyError):
        beats = len(CATALOG[request.scene].beats) if request.scene in CATALOG else 1
        return 1e6 * beats      # unknown: more beats first, ahead of any known length


def _render_in_pool(requests: list[RenderRequest], planned: list[RenderResult | CheckedRender], jobs: int,
                    verbose: bool, report: ProgressCallback) -> list[RenderResult]:
    import multiprocessing
    import queue as queue_module

    context = multiprocessing.get_context("spawn")     # manim's config is one per process
    events = context.Queue()
    results: dict[int, RenderResult] = {}
    pool = context.Pool(min(jobs, len(requests)), initializer=_worker_init, initargs=(events, verbose))
    try:
        longest_first = sorted(range(len(requests)), key=lambda i: -_expected_frames(requests[i]))
        pending = {i: pool.apply_async(_worker, (i, planned[i], verbose)) for i in longest_first}
        while pending:
            try:
                index, state, frames = events.get(timeout=0.1)
                if index not in results:
                    report(index, state, frames)
            except queue_module.Empty:
                pass
            for i, handle in list(pending.items()):
                if handle.ready():
                    try:
                        results[i] = handle.get()
                    except Exception as exc:       # the worker process itself died
                        results[i] = _error_result(requests[i], exc)
                    report(i, "done" if results[i].ok else "failed", results[i].frames)
                    del pending[i]
        pool.close()
    except BaseException:
        pool.terminate()       # SIGTERM to the workers: each removes its temporary folder
        raise
    finally:
        pool.join()
        events.close()
        events.join_thread()
    return [results[i] for i in range(len(requests))]
