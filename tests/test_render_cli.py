"""The render and slides commands: every format, settings files, sections, jobs, caching."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from render import cli

pytestmark = pytest.mark.render
TINY = ("--resolution", "256x144", "--fps", "5", "--model", "toy")
EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "settings.example.toml"


def untagged(path: Path) -> Path:
    """The name without the tag that names the toy model (``_toy-<hash>``)."""
    return path.with_name(re.sub(r"_toy-[0-9a-f]+", "", path.name))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def render(out: Path, *args: str):
    result = run("render", *TINY, "-o", str(out), "--quiet", *args)
    assert result.exit_code == 0, result.output
    return [Path(line) for line in result.stdout.split()]


def test_list_names_every_scene_and_json_matches():
    from scenes import SCENES

    text = run("list")
    assert text.exit_code == 0 and all(name in text.output for name in SCENES)
    rows = json.loads(run("list", "--json").output)
    assert [row["name"] for row in rows] == list(SCENES) and all(row["description"] for row in rows)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


def test_mp4_codec_size_rate_and_duration(out):
    (path,) = render(out, "CausalMask")
    assert untagged(path) == out / "CausalMask_dark_256x144p5.mp4"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
        assert stream.average_rate == 5
        frames = sum(1 for _ in container.decode(video=0))
        assert container.duration / 1e6 == pytest.approx(frames / 5, abs=0.25)
    assert frames > 20


@pytest.mark.slow
def test_gif_opens_with_pillow(out):
    (path,) = render(out, "CausalMask", "--format", "gif")
    with Image.open(path) as image:
        assert image.format == "GIF" and image.size == (256, 144) and image.n_frames > 20


def test_png_is_the_last_frame_as_a_still(out):
    (path,) = render(out, "CausalMask", "--format", "png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (256, 144)


def alpha_values(path: Path) -> np.ndarray:
    """The alpha channel of the last frame; VP9's alpha needs the libvpx decoder."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoder = av.codec.CodecContext.create("libvpx-vp9", "r") if stream.codec_context.name == "vp9" else stream.codec_context
        frame = None
        for packet in container.demux(stream):
            for frame in decoder.decode(packet):
                pass
        return frame.to_ndarray(format="rgba")[..., 3]


@pytest.mark.slow
@pytest.mark.parametrize("fmt,codec", [("webm", "vp9"), ("mov", "qtrle")])
def test_transparent_video_has_an_alpha_channel(out, fmt, codec):
    (path,) = render(out, "CausalMask", "--format", fmt, "--transparent")
    assert untagged(path).name == f"CausalMask_dark_256x144p5_alpha.{fmt}"
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.name == codec
    alpha = alpha_values(path)
    assert (alpha == 0).mean() > 0.5, "the background is transparent"
    assert (alpha > 128).mean() > 0.005, "the drawing is opaque (VP9 is lossy: not exactly 255)"


def test_transparent_png(out):
    (path,) = render(out, "CausalMask", "--format", "png", "--transparent")
    alpha = np.asarray(Image.open(path).convert("RGBA"))[..., 3]
    assert (alpha == 0).mean() > 0.5 and (alpha > 128).mean() > 0.005   # thin text at 256×144: anti-aliased


@pytest.mark.parametrize("fmt", ["mp4", "gif"])
def test_transparency_without_alpha_format_is_a_usage_error(out, fmt):
    result = run("render", "CausalMask", *TINY, "-o", str(out), "--format", fmt, "--transparent")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: {fmt} cannot hold transparency: use --format webm, mov or png with --transparent"]


@pytest.mark.slow
def test_sections_are_clips_with_an_index(out):
    (path,) = render(out, "ScaledSoftmax", "--sections")
    folder = path.with_name(path.stem + "_sections")
    index = json.loads((folder / "ScaledSoftmax.json").read_text())
    assert [entry["name"] for entry in index] == ["scores", "scale", "softmax", "sums"]
    for entry in index:
        with av.open(str(folder / entry["video"])) as container:
            assert container.streams.video[0].codec_context.width == 256


def test_table_then_cache_then_force(out):
    first = run("render", "ScaledSoftmax", *TINY, "-o", str(out), "--theme", "light")
    assert first.exit_code == 0, first.output
    (path,) = out.glob("ScaledSoftmax_light_256x144p5_toy-*.mp4")
    flat = re.sub(r"[│\s]", "", first.stdout)
    assert path.name in flat and "256×144" in flat and "mp4" in flat and "toyL0H0" in flat
    mtime = path.stat().st_mtime_ns
    again = run("render", "ScaledSoftmax", *TINY, "-o", str(out), "--theme", "light")
    assert "cached" in again.stdout and path.stat().st_mtime_ns == mtime
    forced = run("render", "ScaledSoftmax", *TINY, "-o", str(out), "--theme", "light", "--force", "--quiet")
    assert forced.exit_code == 0 and path.stat().st_mtime_ns != mtime


def test_a_changed_setting_is_not_answered_from_the_cache(out):
    (first,) = render(out, "TokensToEmbeddings", "--format", "png")
    before = first.read_bytes()
    (second,) = render(out, "TokensToEmbeddings", "--format", "png", "--sentence", "a different sentence")
    assert second != first and second.read_bytes() != before and first.read_bytes() == before   # no overwrite


@pytest.mark.slow
def test_jobs_use_several_processes_and_equal_one_job(tmp_path):
    from scenes.output.settings_file import plan_renders
    from scenes.output.pool import render_many

    names = ["ScaledSoftmax", "CausalMask"]
    outputs = {}
    for jobs in (1, 2):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        requests, _ = plan_renders(names, False, {"model": "toy", "resolution": "256x144", "fps": 5,
                                                 "format": "png", "output": str(folder)})
        results = render_many(requests, jobs=jobs)
        assert all(r.ok for r in results)
        pids = {r.pid for r in results}
        if jobs == 2:
            assert len(pids) == 2 and os.getpid() not in pids
        else:
            assert pids == {os.getpid()}
        outputs[jobs] = [r.path.read_bytes() for r in results]
    assert outputs[1] == outputs[2]


def test_a_request_is_checked_once_and_its_scene_given_its_settings(tmp_path, monkeypatch):
    """The command line's path: plan_renders makes each request (checked as it is made), render_many
    checks its content once before it renders; the scene reads the request's settings, not use_settings'."""
    from scenes.kit import use_settings
    from scenes.output.pool import render_many
    from scenes.output.request import RenderRequest
    from scenes.output.settings_file import plan_renders

    calls = {"check": 0, "check_content": 0}
    for name in calls:
        def counted(self, real=getattr(RenderRequest, name), name=name):
            calls[name] += 1
            return real(self)
        monkeypatch.setattr(RenderRequest, name, counted)
    try:
        use_settings(sentence="a sentence from python")
        (request,), _ = plan_renders(["ScaledSoftmax"], False, {"model": "toy", "resolution": "256x144", "fps": 5,
                                                               "format": "png", "output": str(tmp_path),
                                                               "sentence": "the cat sat"})
        (result,) = render_many([request], force=True)
    finally:
        use_settings()
    assert result.ok, result.error
    assert calls == {"check": 1, "check_content": 1}
    assert result.scene.settings.sentence == "the cat sat"


# --- settings files ---------------------------------------------------------------------------

def test_example_settings_file_and_precedence():
    from scenes.output.settings_file import plan_renders

    requests, jobs = plan_renders(["ScaledSoftmax", "ValuesUpdateEmbeddings"], False, {"theme": "dark"}, EXAMPLE)
    softmax, values = requests
    assert softmax.settings.theme == "dark"                         # the command line wins
    assert softmax.fmt == "gif" and softmax.quality == "low"        # from the file's top level
    assert (softmax.settings.layer, softmax.settings.head) == (5, 6)   # from [scenes.ScaledSoftmax]
    assert values.settings.layer is None and values.settings.query_token == "forest"
    assert softmax.settings.special_tokens is False
    assert dict(softmax.settings.colors) == {"query": "#C77800", "key": "#00796B"}
    assert (softmax.settings.run_time, softmax.settings.wait) == (0.8, 1.5)
    assert jobs == 1


def test_settings_colours_and_pacing_reach_the_scene(tmp_path):
    from scenes.output.render_one import render_scene
    from scenes.output.settings_file import plan_renders

    config = tmp_path / "s.toml"
    config.write_text('model = "toy"\nresolution = "256x144"\nfps = 5\n[colors]\nquery = "#123456"\n'
                      '[pacing]\nrun_time = 0.5\nwait = 0.5\n')
    (fast,), _ = plan_renders(["CausalMask"], False, {"output": str(tmp_path)}, config)
    (normal,), _ = plan_renders(["CausalMask"], False, {"output": str(tmp_path), "model": "toy",
                                                        "resolution": "256x144", "fps": 5})
    fast_result, normal_result = render_scene(fast, force=True), render_scene(normal, force=True)
    assert fast_result.scene.theme.query.to_hex().lower() == "#123456"
    assert fast_result.frames < 0.65 * normal_result.frames


@pytest.mark.parametrize("text,message", [
    ('sentense = "x"\n', "unknown key 'sentense'"),
    ("layer = \"five\"\n", "'layer' must be an integer, not 'five'"),
    ("transparent = 1\n", "'transparent' must be true or false"),
    ("[pacing]\nspeed = 2\n", "unknown key 'pacing.speed'"),
    ("[scenes.Nope]\nlayer = 1\n", "unknown scene [scenes.Nope]"),
    ("[scenes.ScaledSoftmax]\noutput = \"x\"\n", "[scenes.ScaledSoftmax]: unknown key 'output'"),
    ("sentence = \n", "is not valid TOML"),
    ("[colors]\nquery = \"not-a-colour\"\n", "is not a colour"),
])
def test_settings_file_errors_name_the_key_and_the_file(tmp_path, text, message):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    result = run("render", "ScaledSoftmax", "-o", str(tmp_path), "--config", str(config))
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert ("bad.toml" in lines[0]) or "colour" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_focus_picks_the_head_finders_best_head():
    from attention_math import find_heads
    from scenes.kit.settings import SceneSettings

    settings = SceneSettings(focus="creature:fluffy,blue")
    best = find_heads(settings.sentence, "creature", ["fluffy", "blue"])[0]
    assert settings.model_layer_head() == ("minilm", best.layer, best.head)
    assert SceneSettings(focus="creature:blue", layer=1, head=2).model_layer_head() == ("minilm", 1, 2)


# --- slides -----------------------------------------------------------------------------------

@pytest.mark.slow
def test_slide_deck_references_only_local_files(tmp_path):
    result = run("slides", "ScaledSoftmax", "CausalMask", *TINY, "-o", str(tmp_path), "--quiet")
    assert result.exit_code == 0, result.output
    index = tmp_path / "slides" / "index.html"
    assert result.stdout.strip() == str(index)
    page = index.read_text()
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(refs) == 4 + 4          # one slide per section of both scenes
    for ref in refs:
        assert "://" not in ref and not ref.startswith("/")
        assert (index.parent / ref).is_file()
    assert "http" not in page and "<link" not in page and "<script src" not in page
