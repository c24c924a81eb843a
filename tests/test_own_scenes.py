"""Scenes of your own: a scene file outside the repository renders through the CLI like a built-in
scene (cache, sections, GIF, --jobs, settings file), `new` writes one that renders, and settings
come from Python (use_settings, ATTENTION_CONFIG) for plain manim and notebooks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import av
import pytest
from click.testing import CliRunner
from PIL import Image

from render import cli

TINY = ("--resolution", "256x144", "--fps", "5", "--model", "toy")

DOTS = textwrap.dedent('''
    from manim import ReplacementTransform

    from scenes.kit import GridScene


    class DotsSoftmax(GridScene):
        def construct(self) -> None:
            trace = self.trace()
            pattern = trace.on_screen("pattern", self.head)
            self.beat("grid")
            grid, numbers = self.show_grid(trace, pattern, "Attention as dots")
            self.record("pattern", numbers, pattern)
            self.beat("dots")
            self.play(ReplacementTransform(numbers, grid.dots(pattern)), run_time=0.4)
            self.caption("CAPTION")
''')


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def render(out: Path, *args: str) -> list[Path]:
    result = run("render", *TINY, "-o", str(out), "--quiet", *args)
    assert result.exit_code == 0, result.output
    return [Path(line) for line in result.stdout.split()]


@pytest.fixture
def scene_file(tmp_path) -> Path:
    folder = tmp_path / "mine"          # outside the repository
    folder.mkdir()
    path = folder / "dots.py"
    path.write_text(DOTS)
    return path


@pytest.mark.render
def test_a_scene_file_renders_is_cached_and_renders_again_after_an_edit(scene_file, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (first,) = render(out, f"{scene_file}:DotsSoftmax")
    assert first.parent == out and first.name.startswith("DotsSoftmax_dark_256x144p5") and first.stat().st_size > 0
    written = first.stat().st_mtime_ns
    (again,) = render(out, str(scene_file))            # the file's one scene, by the file alone
    assert again == first and first.stat().st_mtime_ns == written, "an unchanged re-render was rendered again"
    table = run("render", *TINY, "-o", str(out), str(scene_file))
    assert table.exit_code == 0 and "cached" in table.output
    scene_file.write_text(DOTS.replace("CAPTION", "an edited caption"))
    (edited,) = render(out, str(scene_file))
    assert edited == first and first.stat().st_mtime_ns != written, "an edit of the scene file did not re-render"
    assert not list(scene_file.parent.glob("__pycache__")), "importing the scene file left bytecode beside it"


@pytest.mark.slow
@pytest.mark.render
def test_a_scene_file_renders_with_sections_slides_a_sheet_and_as_a_gif(scene_file, tmp_path):
    (video,) = render(tmp_path, str(scene_file), "--sections")
    sections = video.with_name(video.stem + "_sections")
    clips = sorted(sections.glob("*.mp4"))
    assert len(clips) == 2, clips                        # one clip per beat: grid, dots
    for clip in clips:
        with av.open(str(clip)) as container:
            assert container.streams.video[0].codec_context.width == 256
    deck = run("slides", *TINY, "-o", str(tmp_path), "--quiet", str(scene_file))     # the same clips, from the cache
    assert deck.exit_code == 0, deck.output
    clips = sorted(p.name for p in (tmp_path / "slides" / "clips").glob("*.mp4"))
    assert clips == ["DotsSoftmax_00.mp4", "DotsSoftmax_01.mp4"]
    sheet = run("sheet", *TINY, "-o", str(tmp_path), "--quiet", "--frames", "4", str(scene_file))
    assert sheet.exit_code == 0, sheet.output
    with Image.open(sheet.stdout.split()[-1]) as image:
        assert image.format == "PNG"
    (gif,) = render(tmp_path, str(scene_file), "--format", "gif")
    with Image.open(gif) as image:
        assert gif.suffix == ".gif" and image.format == "GIF" and image.size == (256, 144) and image.n_frames > 5


@pytest.mark.slow
@pytest.mark.render
def test_jobs_render_a_file_of_two_scenes_in_worker_processes(scene_file, tmp_path):
    scene_file.write_text(DOTS + textwrap.dedent('''
        class Plain(GridScene):
            def construct(self) -> None:
                trace = self.trace()
                self.show_grid(trace, trace.on_screen("scores", self.head), "Scores")
    '''))
    from scenes.output.pool import render_many
    from scenes.output.settings_file import plan_renders

    requests, jobs = plan_renders([f"{scene_file}:DotsSoftmax", f"{scene_file}:Plain"], False,
                                  {"resolution": "256x144", "fps": 5, "model": "toy", "output": str(tmp_path),
                                   "jobs": 2})
    results = render_many(requests, jobs=jobs)
    assert all(r.ok for r in results), [r.error for r in results]
    assert [r.path.name.split("_")[0] for r in results] == ["DotsSoftmax", "Plain"]
    import os

    assert all(r.pid != os.getpid() for r in results), "not rendered in worker processes"


def test_the_settings_file_and_its_table_for_a_scene_of_a_file(scene_file, tmp_path):
    from scenes.output.settings_file import plan_renders

    config = tmp_path / "s.toml"
    config.write_text('sentence = "the cat sat"\ntheme = "light"\n[scenes.DotsSoftmax]\nsentence = "a dog ran home"\n')
    (request,), _ = plan_renders([str(scene_file)], False, {"model": "toy"}, config)
    assert request.settings.sentence == "a dog ran home" and request.settings.theme == "light"
    assert request.scene_name == "DotsSoftmax" and request.scene == f"{scene_file.resolve()}:DotsSoftmax"
    config.write_text('[scenes.DotSoftmax]\nsentence = "typo"\n')
    result = run("render", str(scene_file), "--config", str(config), "-o", str(tmp_path))
    assert result.exit_code == 2 and "unknown scene [scenes.DotSoftmax]" in result.output


def test_the_stamp_is_keyed_on_the_scene_files_source(scene_file):
    from scenes.output.settings_file import plan_renders

    (request,), _ = plan_renders([str(scene_file)], False, {"model": "toy"})
    key = request.stamp_key()
    assert request.stamp_key() == key
    scene_file.write_text(DOTS + "\n# a comment\n")
    assert request.stamp_key() != key


@pytest.mark.render
def test_the_scene_draws_what_the_settings_say(scene_file, tmp_path):
    """Through the library: the file's scene reads the sentence given and records the trace's pattern."""
    import numpy as np

    from scenes.output.render_one import render_scene
    from scenes.output.settings_file import plan_renders

    (request,), _ = plan_renders([str(scene_file)], False, {"model": "toy", "sentence": "the cat sat",
                                                            "resolution": "256x144", "fps": 5,
                                                            "output": str(tmp_path)})
    result = render_scene(request, force=True)
    scene = result.scene
    assert type(scene).__name__ == "DotsSoftmax" and scene.settings.sentence == "the cat sat"
    drawn, values = scene.shown["pattern"]
    assert np.allclose(values, scene.trace().on_screen("pattern", scene.head))
    assert [d.text for d in drawn][:3] == [f"{v:.2f}" for v in values.ravel()[:3]]


# --- new -------------------------------------------------------------------------------------

def test_new_writes_a_scene_file_and_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("new", "DotsSoftmax")
    assert result.exit_code == 0, result.output
    path = tmp_path / "dots_softmax.py"
    text = path.read_text()
    assert "class DotsSoftmax(GridScene)" in text and "# ---" in text and "attention-render render" in text
    path.write_text(text + "# mine\n")
    again = run("new", "DotsSoftmax")
    assert again.exit_code == 2 and again.output.count("\n") == 1 and "already exists" in again.output
    assert path.read_text().endswith("# mine\n")
    bad = run("new", "Copy", "--from", "Nope")
    assert bad.exit_code == 2 and "unknown scene 'Nope'" in bad.output and not (tmp_path / "copy.py").exists()


@pytest.mark.render
@pytest.mark.parametrize("args", [("MyGrid",), ("my_softmax.py", "--from", "ScaledSoftmax")])
def test_a_new_scene_file_renders_as_it_is(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = run("new", *args)
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    (video,) = render(tmp_path, str(path))
    assert video.name.startswith("MyGrid_" if args[0] == "MyGrid" else "MySoftmax_") and video.stat().st_size > 0


# --- settings from Python --------------------------------------------------------------------

def test_use_settings_and_attention_config_choose_what_plain_manim_renders(tmp_path, monkeypatch):
    from attention_math import InputError
    from scenes.kit import active_settings, use_settings

    monkeypatch.delenv("ATTENTION_SETTINGS", raising=False)
    config = tmp_path / "s.toml"
    config.write_text('sentence = "the cat sat"\nquality = "high"\n[pacing]\nrun_time = 0.5\n'
                      '[scenes.ScaledSoftmax]\nsentence = "a dog ran"\n')
    try:
        monkeypatch.setenv("ATTENTION_CONFIG", str(config))
        assert active_settings("CausalMask").sentence == "the cat sat"
        assert active_settings("ScaledSoftmax").sentence == "a dog ran"
        assert active_settings().run_time == 0.5
        monkeypatch.setenv("ATTENTION_SETTINGS", '{"theme": "light"}')
        assert active_settings().theme == "light" and active_settings().sentence == "the cat sat"
        use_settings(sentence="one two three", model="toy", layer=0)
        assert active_settings("ScaledSoftmax").sentence == "one two three"
        assert active_settings().model == "toy" and active_settings().theme == "light"
        monkeypatch.delenv("ATTENTION_CONFIG")
        monkeypatch.delenv("ATTENTION_SETTINGS")
        use_settings(config=config, theme="light")
        assert active_settings("ScaledSoftmax").sentence == "a dog ran" and active_settings().theme == "light"
        with pytest.raises(InputError, match="'layer' must be an integer"):
            use_settings(layer="5")
        with pytest.raises(InputError, match="does not exist"):
            use_settings(config=tmp_path / "missing.toml")
    finally:
        use_settings()
    assert active_settings().sentence != "one two three"


def test_the_renderer_ignores_use_settings(tmp_path):
    """On the command line its options decide: the renderer gives each scene its settings, and a
    use_settings call left in a file does not leak in."""
    from scenes.kit import AttentionScene, render_frame, use_settings

    class Empty(AttentionScene):
        def construct(self) -> None:
            pass

    try:
        use_settings(sentence="from python")
        assert render_frame(Empty, sentence="from the command line").settings.sentence == "from the command line"
        assert render_frame(Empty).settings.sentence == "the cat sat"          # render_frame's own default
    finally:
        use_settings()


# --- the walkthrough -------------------------------------------------------------------------

WALKTHROUGH = Path(__file__).resolve().parent.parent / "docs" / "your-own-scene.md"


def walkthrough_scene() -> str:
    """The walkthrough's scene: its python block that defines a class."""
    import re

    blocks = re.findall(r"```python\n(.*?)```", WALKTHROUGH.read_text(encoding="utf-8"), flags=re.S)
    (scene,) = [b for b in blocks if "\nclass " in b]
    return scene


@pytest.mark.render
def test_the_walkthroughs_example_renders_as_a_gif(tmp_path):
    text = WALKTHROUGH.read_text(encoding="utf-8")
    assert "attention-render new DotsSoftmax" in text and "--format gif" in text
    path = tmp_path / "dots_softmax.py"
    path.write_text(walkthrough_scene())
    (gif,) = render(tmp_path, str(path), "--format", "gif", "--sentence", "the cat sat on the mat")
    assert gif.name.startswith("DotsSoftmax_dark_256x144p5") and gif.suffix == ".gif"
    with Image.open(gif) as image:
        assert image.format == "GIF" and image.size == (256, 144) and image.n_frames > 10


# --- the notebook ----------------------------------------------------------------------------

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "example.ipynb"


def test_the_example_notebook_is_stored_without_outputs():
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert sum(c.source.startswith("%%manim") for c in code) >= 2


@pytest.mark.slow
@pytest.mark.render
def test_the_example_notebook_runs_in_a_real_kernel_quietly(tmp_path):
    """Every cell runs in an IPython kernel; each %%manim cell shows its video, manim's one-line
    banner, and nothing else: no progress bars, no logs."""
    nbclient = pytest.importorskip("nbclient")
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:      # tiny renders: the notebook's "-ql" (480p15) becomes 256x144 at 15 fps
        cell.source = cell.source.replace("%%manim -ql", "%%manim -ql -r 256,144")
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    renders = [c for c in notebook.cells if c.cell_type == "code" and c.source.startswith("%%manim")]
    for cell in renders:
        videos = [o for o in cell.outputs if "<video" in str(o.get("data", ""))]
        others = [str(o.get("data", o.get("text", ""))) for o in cell.outputs if o not in videos]
        assert len(videos) == 1, (cell.source.splitlines()[0], cell.outputs)
        assert all("Manim Community" in text for text in others) and len(others) <= 1, others
    videos = sorted(p.name for p in tmp_path.rglob("*.mp4") if "partial" not in str(p))
    assert any(v.startswith("ScaledSoftmax") for v in videos) and any(v.startswith("DotsSoftmax") for v in videos)


def test_a_file_scene_is_the_one_class_that_draws_a_base_class_of_helpers_aside(tmp_path):
    from scenes.scene_file import resolve

    path = tmp_path / "based.py"
    path.write_text("from scenes.kit import GridScene\n\nclass Base(GridScene):\n    def helper(self):\n"
                    "        return 1\n\nclass Real(Base):\n    def construct(self):\n        self.wait(0.2)\n")
    assert resolve(str(path)) == [f"{path.resolve()}:Real"]
    assert resolve(f"{path}:Base") == [f"{path.resolve()}:Base"]        # named, any scene class renders
