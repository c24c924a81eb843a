"""The answers that need no model or renderer: listing, beats, cached re-renders and usage errors
import neither manim nor torch; failed renders leave no folder; every command's quality obeys
the settings precedence (defaults < file < command line)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import render as render_cli
from render import cli

ROOT = Path(__file__).resolve().parent.parent
TINY = ("--resolution", "256x144", "--fps", "5", "--model", "toy")

# Runs the command line in a fresh interpreter and prints which heavy libraries it imported.
PROBE = """
import sys
sys.path.insert(0, {root!r})
import render
try:
    render.cli.main(sys.argv[1:], prog_name="attention-render")
except SystemExit as exc:
    code = exc.code
print("IMPORTED", [m for m in ("manim", "torch") if m in sys.modules])
print("EXIT", code)
"""


def probe(*args: str, cwd: Path) -> tuple[list[str], int, str]:
    """(heavy libraries imported, exit code, output) of ``attention-render ARGS`` in a new process."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT)), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    lines = done.stdout.splitlines()
    imported = json.loads(next(line for line in lines if line.startswith("IMPORTED")).split(" ", 1)[1].replace("'", '"'))
    code = int(next(line for line in lines if line.startswith("EXIT")).split()[1])
    return imported, code, done.stdout + done.stderr


@pytest.mark.parametrize("args", [("--help",), ("list",), ("list", "--json"), ("list", "causalmask"),
                                  ("render", "--help")])
def test_help_and_listing_import_neither_manim_nor_torch(args, tmp_path):
    imported, code, output = probe(*args, cwd=tmp_path)
    assert code == 0, output
    assert imported == [], f"{args} imported {imported}"


@pytest.mark.parametrize("args, message", [
    (("-s", ""), "the sentence is empty"),
    (("-s", " ".join(["word"] * 50)), "shows at most 48: shorten it to 48 words"),
    (("-s", " ".join(["word"] * 15), "--cells", "numbers"), 'at most 14 with --cells numbers'),
    (("-s", "a\x07b c"), "control character U+0007"),
    (("-o", "{file}/sub"), "cannot create output directory"),
    (("--device", "tpu"), "unknown device 'tpu'"),
])
def test_argument_errors_answer_without_manim_or_torch(args, message, tmp_path):
    (tmp_path / "a-file").write_text("")
    args = tuple(a.replace("{file}", str(tmp_path / "a-file")) for a in args)
    imported, code, output = probe("render", "ScaledSoftmax", *args, cwd=tmp_path)
    assert code == 2 and message in output, output
    assert "Traceback" not in output
    assert imported == [], f"{args} imported {imported}"
    assert not (tmp_path / "media").exists()          # nothing made for a request that cannot run


def test_cuda_without_a_gpu_driver_is_refused_at_once(tmp_path):
    from attention_math.device import gpu_driver_present

    if gpu_driver_present():
        pytest.skip("this machine has a GPU driver: torch decides whether CUDA works")
    imported, code, output = probe("render", "ScaledSoftmax", "--device", "cuda", cwd=tmp_path)
    assert code == 2 and "has no CUDA GPU" in output and imported == []
    imported, code, output = probe("render", "ScaledSoftmax", "--device", "auto", "--format", "png", *TINY,
                                   cwd=tmp_path)
    assert code == 0, output                           # auto falls back to the CPU


def test_an_unchanged_rerender_is_answered_without_manim_or_torch(tmp_path):
    scene = tmp_path / "dots.py"
    assert CliRunner().invoke(cli, ["new", str(scene)]).exit_code == 0
    for name in ("ScaledSoftmax", str(scene)):
        imported, code, output = probe("render", name, *TINY, "--format", "png", cwd=tmp_path)
        assert code == 0 and "manim" in imported, output        # the first render draws
        imported, code, output = probe("render", name, *TINY, "--format", "png", cwd=tmp_path)
        assert code == 0 and "cached" in output, output
        assert imported == [], f"the cached re-render of {name} imported {imported}"
    scene.write_text(scene.read_text() + "\n# changed\n")          # the file's source is part of the stamp
    imported, code, output = probe("render", str(scene), *TINY, "--format", "png", cwd=tmp_path)
    assert code == 0 and "cached" not in output and "manim" in imported, output


def test_list_name_prints_the_beats_at_takes(tmp_path):
    result = CliRunner().invoke(cli, ["list", "CausalMask"])
    assert result.exit_code == 0
    assert [line.strip() for line in result.output.splitlines()[1:5]] == ["scaled", "mask", "softmax", "why"]
    info = json.loads(CliRunner().invoke(cli, ["list", "tokenstoembeddings", "--json"]).output)
    assert info["name"] == "TokensToEmbeddings" and info["beats"][0] == "tokens"
    assert "same word" in info["when"]
    typo = CliRunner().invoke(cli, ["list", "CausalMsk"])
    assert typo.exit_code == 2 and "did you mean CausalMask" in typo.output
    scene = tmp_path / "two_beats.py"
    scene.write_text("from scenes.kit import GridScene\n\nclass TwoBeats(GridScene):\n"
                     "    description = 'two beats'\n\n    def construct(self):\n"
                     "        self.beat('first')\n        self.wait(0.1)\n        self.beat('second')\n")
    own = json.loads(CliRunner().invoke(cli, ["list", str(scene), "--json"]).output)
    assert own["name"] == "TwoBeats" and own["beats"] == ["first", "second"] and own["description"] == "two beats"


def test_a_scene_file_that_raises_leaves_no_output_folder(tmp_path):
    scene = tmp_path / "broken.py"
    scene.write_text("from scenes.kit import GridScene\n\nclass Broken(GridScene):\n"
                     "    def construct(self):\n        raise ValueError('no such word')\n")
    out = tmp_path / "new" / "media"
    result = CliRunner().invoke(cli, ["render", str(scene), *TINY, "-o", str(out)])
    assert result.exit_code == 2 and "raised ValueError" in result.output
    assert not (tmp_path / "new").exists()
    existing = tmp_path / "kept"
    existing.mkdir()
    result = CliRunner().invoke(cli, ["render", str(scene), *TINY, "-o", str(existing)])
    assert result.exit_code == 2 and existing.is_dir()        # a folder that was there stays


@pytest.mark.parametrize("command, default", [("render", "low"), ("slides", "high"), ("sheet", "medium")])
def test_quality_precedence_holds_for_every_command(command, default, tmp_path, monkeypatch):
    """Defaults < settings file < command line, for render, slides and sheet alike."""
    asked: list[str] = []

    def capture(requests, jobs, force, quiet):        # noqa: ARG001
        asked.extend(r.quality for r in requests)
        raise click.exceptions.Exit(0)

    monkeypatch.setattr(render_cli, "_render_requests", capture)
    config = tmp_path / "settings.toml"
    config.write_text('quality = "production"\n')
    for args, expected in ((), default), (("--config", str(config)), "production"), \
                          (("--config", str(config), "-qm"), "medium"):
        asked.clear()
        result = CliRunner().invoke(cli, [command, "ScaledSoftmax", "-o", str(tmp_path), *args])
        assert result.exit_code == 0, result.output
        assert asked == [expected], (command, args)
