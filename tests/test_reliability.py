"""Bad input, interruption, concurrency, determinism and safety (the README's troubleshooting table)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attention_math import InputError, build_trace
from attention_math.tokenize import word_tokenize
from render import cli
from tests.bad_inputs import CASES, LITERAL, Case

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--model", "toy", "--resolution", "256x144", "--fps", "5"]


def one_line_error(result, code: int, fragment: str) -> None:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", CASES, ids=[c.what for c in CASES])
def test_bad_input_is_one_line_and_leaves_nothing(case: Case, tmp_path):
    file = tmp_path / "settings.toml"
    if case.config is not None:
        file.write_bytes(case.config.encode() if isinstance(case.config, str) else case.config)
    if case.scene is not None:
        (tmp_path / "scene.py").write_text(case.scene)
    before = sorted(tmp_path.iterdir())
    args = [a.format(out=tmp_path, file=file, scene=tmp_path / "scene.py") for a in case.args]
    one_line_error(CliRunner().invoke(cli, args), case.code, case.message)
    assert sorted(tmp_path.iterdir()) == before, "a file was left behind"


def test_there_are_at_least_25_cases_and_the_readme_lists_each():
    readme = (ROOT / "README.md").read_text()
    assert len(CASES) >= 25
    for case in CASES:
        assert f"| {case.what} |" in readme and case.message in readme, case.what
    for what in LITERAL:
        assert f"| {what} in the sentence |" in readme


def invoke_unprivileged(args: list[str]):
    """``cli`` with ``args`` as an ordinary user: as is when not root; as root, in a forked child that
    drops to ``nobody`` first, so the kernel's permission checks are real (root passes them all).
    A fork, not a subprocess: the interpreter lives under /root, which ``nobody`` cannot enter."""
    import json
    import pwd

    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        result = CliRunner().invoke(cli, args)
        return result.exit_code, result.output
    import scenes.output.settings_file  # noqa: F401  (imported before the fork: nobody cannot read /root)

    nobody = pwd.getpwnam("nobody")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                                      # the child: drop root, run, report, leave
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            assert os.geteuid() == nobody.pw_uid and not os.access("/root", os.R_OK)
            result = CliRunner().invoke(cli, args)
            report = [result.exit_code, result.output]
        except BaseException as exc:                  # noqa: BLE001 (reported to the parent)
            report = [-1, repr(exc)]
        os.write(write_end, json.dumps(report).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return tuple(json.loads(data))


class Outcome:
    def __init__(self, code: int, output: str) -> None:
        self.exit_code, self.output, self.exception = code, output, None


def test_unreadable_settings_and_unwritable_output():
    """Real permissions, for an ordinary user (as root: the CLI runs as nobody)."""
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="attention-perm-", dir="/tmp"))   # reachable by nobody, unlike tmp_path
    try:
        base.chmod(0o755)
        config = base / "s.toml"
        config.write_text('sentence = "x y"\n')
        config.chmod(0)
        out = base / "out"
        out.mkdir(mode=0o555)
        out.chmod(0o555)
        one_line_error(Outcome(*invoke_unprivileged(["render", "ScaledSoftmax", "--config", str(config), "-o",
                                                     str(base)])), 2, "is not readable")
        one_line_error(Outcome(*invoke_unprivileged(["render", "ScaledSoftmax", "-o", str(out)])), 2, "is not writable")
        one_line_error(Outcome(*invoke_unprivileged(["render", "ScaledSoftmax", "-o", str(out / "new")])), 2,
                       "cannot create output directory")
        assert sorted(p.name for p in base.iterdir()) == ["out", "s.toml"] and not list(out.iterdir())
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_cuda_without_a_gpu_is_an_error_and_auto_falls_back(tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    result = CliRunner().invoke(cli, ["render", "ScaledSoftmax", "--device", "cuda", "-o", str(tmp_path)])
    one_line_error(result, 2, "has no CUDA GPU: use --device cpu (or auto)")
    assert build_trace("a cat", model="toy", device="auto") == build_trace("a cat", model="toy", device="cpu")


@pytest.mark.parametrize("what", list(LITERAL))
def test_odd_but_valid_sentences_are_drawn_literally(what):
    """Emoji, accents, RTL, TeX and markup reach the screen as typed (Text, never LaTeX or markup)."""
    import unicodedata

    from scenes.kit.mobjects import TokenBoxes, short
    from scenes.kit.palette import DARK

    sentence = LITERAL[what]
    for model in ("toy", "minilm"):
        trace = build_trace(sentence, model=model, special_tokens=False)
        boxes = TokenBoxes(trace.tokens, DARK)
        drawn = [box[1].text for box in boxes]
        assert drawn == [short(t) for t in trace.tokens]
    toy_tokens = build_trace(sentence, model="toy").tokens
    assert "".join(toy_tokens) == "".join(unicodedata.normalize("NFC", sentence).split())


# --- interruption -----------------------------------------------------------------------------

def start_render(out: Path, *extra: str) -> subprocess.Popen:
    # A runner started in the background (nohup, CI) may ignore SIGINT, and Python keeps an ignored
    # SIGINT ignored: give the child the default disposition, as a terminal would.
    return subprocess.Popen([sys.executable, str(ROOT / "render.py"), "render", *extra, *TINY, "-o", str(out),
                             "--force", "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_temporary(out: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not list(out.glob(".render-*")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the render never started"
        time.sleep(0.05)
    time.sleep(1.5)       # well into the render


@pytest.mark.slow
@pytest.mark.render
@pytest.mark.parametrize("sig,jobs", [(signal.SIGINT, "1"), (signal.SIGTERM, "1"), (signal.SIGTERM, "2")])
def test_interrupt_keeps_the_previous_video_and_leaves_no_temporary(tmp_path, sig, jobs):
    previous = b"the previous good video"
    names = ["AttentionBlock", "CrossAttention"] if jobs == "2" else ["AttentionBlock"]
    slow = tmp_path.parent / f"{tmp_path.name}-slow.toml"      # every render long enough to interrupt
    slow.write_text("[pacing]\nrun_time = 4\nwait = 4\n")
    from scenes.output.settings_file import plan_renders

    requests, _ = plan_renders(names, False, {"model": "toy", "resolution": "256x144", "fps": 5,
                                              "output": str(tmp_path)}, slow)
    targets = [request.output_path() for request in requests]
    for target in targets:
        target.write_bytes(previous)
    process = start_render(tmp_path, *names, "--jobs", jobs, "--config", str(slow))
    wait_for_temporary(tmp_path, process)
    process.send_signal(sig)
    started = time.monotonic()
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 15, "did not stop promptly"
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1].startswith("Interrupted"), stderr
    assert "Traceback" not in stderr
    for target in targets:
        assert target.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".cache") == sorted(t.name for t in targets)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".part")]


LINGERING = """
import threading, click, render
threading.Thread(target=threading.Event().wait, name="encoder left waiting").start()

@click.command()
@render.one_line_errors
def cut_off():
    raise KeyboardInterrupt

cut_off()
"""


def test_an_interrupt_ends_the_process_even_with_a_thread_left_waiting():
    """A library thread that never ends (an encoder whose frames stopped coming) does not keep an
    interrupted command alive: it exits 130 with the one line, at once."""
    process = subprocess.run([sys.executable, "-c", LINGERING], cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert process.returncode == 130, process.stderr
    assert process.stderr.strip().splitlines()[-1].startswith("Interrupted"), process.stderr


@pytest.mark.render
def test_an_interrupt_inside_the_video_encoder_is_an_interrupt_not_a_failure(tmp_path, monkeypatch):
    """manim's segment encoder wraps whatever stops it while it opens a segment, Ctrl-C included,
    in a RuntimeError: that must still stop the render as an interrupt (exit 130, no temporary)."""
    import av

    from scenes.output import pool

    real_open = av.open

    def interrupted_open(*args, **kwargs):
        if kwargs.get("mode") == "w" and "partial_movie_files" in str(args[0]):
            raise KeyboardInterrupt
        return real_open(*args, **kwargs)

    monkeypatch.setattr(av, "open", interrupted_open)
    failure = RuntimeError("Failed to open video segment x.mp4: ")
    failure.__cause__ = KeyboardInterrupt()
    assert isinstance(pool.interruption_behind(failure), KeyboardInterrupt)
    assert pool.interruption_behind(RuntimeError("a real failure")) is None

    result = CliRunner().invoke(cli, ["render", "CausalMask", *TINY, "-o", str(tmp_path), "--quiet"])
    assert result.exit_code == 130, result.output
    assert result.output.strip().splitlines()[-1].startswith("Interrupted"), result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
@pytest.mark.render
def test_stale_temporary_of_a_killed_render_is_swept(tmp_path):
    process = start_render(tmp_path, "AttentionBlock")
    wait_for_temporary(tmp_path, process)
    process.kill()                   # SIGKILL: no chance to clean up
    process.wait()
    assert list(tmp_path.glob(".render-*"))
    result = CliRunner().invoke(cli, ["render", "CausalMask", *TINY, "-o", str(tmp_path), "--format", "png", "--quiet"])
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob(".render-*"))


# --- concurrency ------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.render
def test_two_renders_into_one_folder_at_once(tmp_path):
    from PIL import Image

    runs = [start_render(tmp_path, "CausalMask", "--format", "png", "--theme", theme)
            for theme in ("dark", "light", "light")]        # different settings, and the same settings twice
    outputs = [p.communicate(timeout=300) for p in runs]
    assert [p.returncode for p in runs] == [0, 0, 0], outputs
    for theme in ("dark", "light"):
        (path,) = tmp_path.glob(f"CausalMask_{theme}_256x144p5_toy-*.png")     # the toy model is named in a tag
        with Image.open(path) as image:
            assert image.size == (256, 144)
    assert not list(tmp_path.glob(".render-*"))
    assert not [p for p in (tmp_path / ".cache").rglob("*.part")]


@pytest.mark.slow
@pytest.mark.render
def test_a_crashing_scene_is_reported_and_the_others_finish(tmp_path):
    """--jobs 2 with one of three scenes made to crash (patched in the worker processes through sitecustomize)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import scenes.causal_mask\n"
        "_real = scenes.causal_mask.CausalMask.construct\n"
        "def _boom(self):\n"
        "    if type(self).__name__ == 'CausalMask':\n"
        "        raise RuntimeError('boom in CausalMask')\n"
        "    _real(self)\n"
        "scenes.causal_mask.CausalMask.construct = _boom\n")
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{ROOT}"}
    names = ["ParameterCount", "CausalMask", "ScaledSoftmax"]      # the crash in the middle: those after it still run
    result = subprocess.run([sys.executable, str(ROOT / "render.py"), "render", *names, "--jobs", "2", *TINY,
                             "--format", "png", "-o", str(out), "--quiet"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)

    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: 1 of {len(names)} scenes failed; CausalMask: RuntimeError: boom in CausalMask"]
    written = sorted(p.name.split("_toy-")[0] for p in out.glob("*.png"))     # the toy model is named in a tag
    assert written == sorted(f"{name}_dark_256x144p5" for name in names if name != "CausalMask")


# --- determinism and safety -------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.render
def test_same_inputs_same_last_frame(rendered, tiny, tmp_path):
    first, _ = rendered("CausalMask", fmt="png", model="toy", theme="light")
    second, _ = tiny("CausalMask", tmp_path, fmt="png", model="toy", theme="light")
    assert first.read_bytes() == second.read_bytes()


def test_same_inputs_same_trace_json_bytes():
    a = build_trace("a fluffy blue creature", model="minilm", layer=5).to_json()
    b = build_trace("a fluffy blue creature", model="minilm", layer=5).to_json()
    assert a == b


@pytest.mark.render
def test_no_latex_file_contains_user_text(tiny, tmp_path):
    marker = "zqxjv"
    sentence = rf"\input{{{marker}}} $x$ 50% & {marker}"
    tiny("AttentionFormula", tmp_path, fmt="png", model="toy", sentence=sentence, query_token=marker)
    tex_files = list((tmp_path / ".cache" / "Tex").glob("*.tex"))
    assert tex_files, "AttentionFormula writes its formula through LaTeX: the cache must hold .tex files"
    for path in tex_files:
        assert marker not in path.read_text(errors="replace"), path.name


def test_settings_file_is_data_not_code(tmp_path):
    from scenes.output.settings_file import load_settings_file

    canary = tmp_path / "canary"
    config = tmp_path / "s.toml"
    config.write_text(f'sentence = "__import__(\'os\').system(\'touch {canary}\')"\n')
    assert load_settings_file(config).options["sentence"].startswith("__import__")
    assert not canary.exists()


# --- property-based: arbitrary Unicode never crashes ------------------------------------------

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_tokenizer_on_any_unicode(text):
    try:
        tokens = word_tokenize(text)
    except InputError:
        return
    assert all(tokens) and all(not t.isspace() for t in tokens)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40), st.sampled_from(["toy", "minilm"]))
def test_trace_on_any_unicode(text, model):
    try:
        trace = build_trace(text, model=model)
    except InputError:
        return
    assert trace.pattern.shape[-1] == len(trace.tokens) >= 1
