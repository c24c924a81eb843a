"""Outputs that do not fight the user: folders made when missing, names that never collide,
manim's habits (-ql … -qk, scene names in any case), colour-blind-safe themes, trace sizes,
and the writers' behaviour when a write fails."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from render import cli
from scenes.kit.settings import SceneSettings
from scenes.output.request import RenderRequest

TINY = ("--resolution", "256x144", "--fps", "5", "--model", "toy")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def planned(monkeypatch):
    """The requests the CLI would render (render_many replaced by a recorder; nothing renders)."""
    import scenes.output.pool as pool

    seen: list[RenderRequest] = []

    def record(requests, **kwargs):
        seen.extend(requests)
        return []

    monkeypatch.setattr(pool, "render_many", record)
    return seen


@pytest.fixture
def notes():
    """What the CLI says as "note: …" lines."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    handler = Collect()
    logger = logging.getLogger("attention_animated")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


# --- output folders ---------------------------------------------------------------------------

@pytest.mark.render
def test_missing_output_folder_is_created_with_its_parents(tmp_path):
    out = tmp_path / "a" / "b" / "c"
    result = run("render", "ScaledSoftmax", *TINY, "-o", str(out), "--format", "png", "--quiet")
    assert result.exit_code == 0, result.output
    (path,) = [Path(line) for line in result.stdout.split()]
    assert path.parent == out and path.exists()


def test_a_bad_render_into_a_missing_folder_leaves_no_folder(tmp_path):
    result = run("render", "ScaledSoftmax", "-s", "", "-o", str(tmp_path / "new" / "folder"))
    assert result.exit_code == 2 and not (tmp_path / "new").exists()


@pytest.mark.render
def test_demo_writes_into_media_of_the_current_folder(tmp_path, monkeypatch):
    from scenes.kit.choices import QUALITIES

    monkeypatch.chdir(tmp_path)                                   # any folder, not the clone
    monkeypatch.setitem(QUALITIES, "low", (256, 144, 5))   # the demo's own quality, tiny for the test
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "media" / "ScaledSoftmax_dark_low.mp4").stat().st_size > 1000


def test_atomic_write_makes_missing_folders(tmp_path):
    from attention_math.files import atomic_write_bytes

    path = atomic_write_bytes(tmp_path / "x" / "y" / "t.json", b"{}")
    assert path.read_bytes() == b"{}"


# --- names ------------------------------------------------------------------------------------

def name_of(scene: str = "ScaledSoftmax", **settings) -> str:
    return RenderRequest(scene, SceneSettings(**settings)).output_path().name


def test_default_content_keeps_the_plain_name():
    assert name_of() == "ScaledSoftmax_dark_low.mp4"
    assert name_of(theme="light") == "ScaledSoftmax_light_low.mp4"
    assert name_of("ContextShiftsMeaning", model="minilm", device="auto") == "ContextShiftsMeaning_dark_low.mp4"  # same content (a request is checked as it is made: "cuda" needs a GPU here)
    assert name_of("QuadraticScaling", decimals=2) == "QuadraticScaling_dark_low.mp4"


def test_changed_content_gets_a_readable_tag_and_a_hash():
    assert re.fullmatch(r"ScaledSoftmax_dark_low_L3H2-[0-9a-f]{6}\.mp4", name_of(layer=3, head=2))
    assert re.fullmatch(r"CausalMask_dark_low_minilm-L3H2-[0-9a-f]{6}\.mp4", name_of("CausalMask", model="minilm", layer=3, head=2))
    assert re.fullmatch(r"ScaledSoftmax_dark_low_toy-[0-9a-f]{6}\.mp4", name_of(model="toy"))
    assert re.fullmatch(r"ScaledSoftmax_dark_low_the-mole-[0-9a-f]{6}\.mp4", name_of(sentence="the mole and the mole"))
    assert re.fullmatch(r"ScaledSoftmax_dark_low_focus-creature-[0-9a-f]{6}\.mp4", name_of(focus="creature:blue"))
    variants = [dict(), dict(sentence="the cat sat"), dict(sentence="the cat sat down"), dict(head=0), dict(head=1),
                dict(layer=0, head=1), dict(model="toy"), dict(model="toy", seed=1), dict(colors=(("query", "#ff0000"),)),
                dict(run_time=2.0), dict(decimals=3), dict(causal=True), dict(query_token="blue")]
    names = [name_of(**v) for v in variants]
    assert len(set(names)) == len(names), names


def test_name_chooses_the_file_name_and_is_validated(planned, tmp_path):
    assert run("render", "ScaledSoftmax", "--name", "intro", "-o", str(tmp_path)).exit_code == 0
    assert planned[0].output_path() == tmp_path / "intro.mp4"
    for bad, fragment in [("a/b", "contains a path separator"), (".hidden", "starts with a dot"), ("", "is empty")]:
        result = run("render", "ScaledSoftmax", "--name", bad, "-o", str(tmp_path))
        assert result.exit_code == 2 and fragment in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
    result = run("render", "ScaledSoftmax", "CausalMask", "--name", "same", "-o", str(tmp_path))
    assert result.exit_code == 2 and "would both write same.mp4" in result.output


@pytest.mark.render
def test_two_sentences_or_heads_into_one_folder_never_overwrite(tmp_path):
    written = []
    for extra in (("-s", "the cat sat"), ("-s", "the dog ran"), ("--heads", "2", "--head", "0"),
                  ("--heads", "2", "--head", "1")):
        result = run("render", "ScaledSoftmax", *TINY, "-o", str(tmp_path), "--format", "png", "--quiet", *extra)
        assert result.exit_code == 0, result.output
        written += [Path(line) for line in result.stdout.split()]
    assert len(set(written)) == 4 and all(p.exists() for p in written)
    assert len({p.read_bytes() for p in written}) == 4


@pytest.mark.render
def test_the_table_and_a_note_say_which_head_focus_picked(tmp_path, notes, monkeypatch):
    import scenes.kit.model_rules as model_rules
    from attention_math import find_heads

    monkeypatch.setattr(model_rules, "_said", set())     # as in a fresh process

    best = find_heads("the cat sat on the mat", "mat", ["cat"], model="toy", heads=4)[0]
    result = run("render", "ScaledSoftmax", *TINY, "--heads", "4", "-s", "the cat sat on the mat",
                 "--focus", "mat:cat", "-o", str(tmp_path), "--format", "png")
    assert result.exit_code == 0, result.output
    flat = re.sub(r"[│\s]", "", result.stdout)
    assert f"toyL{best.layer}H{best.head}(focus)" in flat
    assert any(f"picked toy layer {best.layer} head {best.head}" in line for line in notes), notes


def test_result_table_shows_model_layer_and_head():
    from rich.console import Console

    from scenes.output.request import RenderResult
    from scenes.output.report import results_table

    request = RenderRequest("ScaledSoftmax", SceneSettings(model="minilm"), fmt="png")
    console = Console(width=200, record=True)
    for shown, expected in [(("minilm", 5, 6), "minilm L5 H6"), (("tiny-gpt", 1, 2), "tiny-gpt L1 H2")]:
        result = RenderResult(request, path=Path(__file__), model_layer_head=shown)
        console.print(results_table([result]))
        assert expected in console.export_text()


# --- manim's habits ---------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["render", "sheet", "slides", "demo"])
@pytest.mark.parametrize("flag,quality", [("-ql", "low"), ("-qm", "medium"), ("-qh", "high"), ("-qp", "production"),
                                          ("-qk", "4k"), ("-q", "high"), ("--quality", "medium")])
def test_manim_quality_flags(planned, tmp_path, command, flag, quality):
    args = [command] + ([] if command == "demo" else ["ScaledSoftmax"]) + ["-o", str(tmp_path)]
    args += [flag] if flag.startswith("-q") and len(flag) == 3 else [flag, quality]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert planned[0].quality == quality


def test_quiet_keeps_its_long_name(planned, tmp_path):
    result = run("render", "ScaledSoftmax", "--quiet", "-o", str(tmp_path), "-ql")
    assert result.exit_code == 0 and planned[0].quality == "low"


@pytest.mark.parametrize("typed", ["scaledsoftmax", "SCALEDSOFTMAX", "ScaledSoftMax"])
def test_scene_names_match_in_any_case(planned, tmp_path, typed):
    assert run("render", typed, "-o", str(tmp_path)).exit_code == 0
    assert planned[0].scene == "ScaledSoftmax"


@pytest.mark.parametrize("typed,suggestion", [("ScaledSoftmx", "ScaledSoftmax"), ("causalmsk", "CausalMask"),
                                              ("AttentionFormla", "AttentionFormula")])
def test_a_typo_gets_did_you_mean(tmp_path, typed, suggestion):
    result = run("render", typed, "-o", str(tmp_path))
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert f"did you mean {suggestion}?" in line


def test_transparent_alone_picks_mov_and_says_so(planned, tmp_path, notes):
    assert run("render", "ScaledSoftmax", "--transparent", "-o", str(tmp_path)).exit_code == 0
    assert planned[0].fmt == "mov" and planned[0].output_path().name == "ScaledSoftmax_dark_low_alpha.mov"
    assert [line for line in notes if "QuickTime RLE" in line and "MOV" in line]
    planned.clear()
    assert run("render", "ScaledSoftmax", "--transparent", "--format", "webm", "-o", str(tmp_path)).exit_code == 0
    assert planned[0].fmt == "webm"


# --- colour-blind-safe themes -----------------------------------------------------------------

ROLES = ("query", "key", "value_down", "value_up", "positive", "negative")
SAME_FAMILY = {frozenset(("value_down", "value_up"))}       # two shades of the value colour, on purpose
VISIONS = ("normal", "deuteranomaly", "protanomaly")
CB_MIN_DELTA_E = 15.0        # CAM02-UCS ΔE: clearly different colours at a glance


def seen_as(hex_color: str, vision: str):
    """The colour as a viewer with ``vision`` sees it (Machado 2009 at severity 100: full dichromacy)."""
    import numpy as np
    from colorspacious import cspace_convert

    rgb = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    if vision == "normal":
        return rgb
    simulated = cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}, "sRGB1")
    return np.clip(simulated, 0, 1)


def closest_roles(theme, vision: str, roles=ROLES) -> tuple[float, str, str]:
    """The smallest CAM02-UCS ΔE between two roles of ``theme`` as seen with ``vision``, and which two."""
    import itertools

    from colorspacious import deltaE

    seen = {role: seen_as(getattr(theme, role).to_hex(), vision) for role in roles}
    return min((float(deltaE(seen[a], seen[b], input_space="sRGB1", uniform_space="CAM02-UCS")), a, b)
               for a, b in itertools.combinations(roles, 2) if frozenset((a, b)) not in SAME_FAMILY)


def test_simulation_is_real():
    """The simulation itself: red and green, far apart in normal vision, collapse for a deuteranope."""
    import types

    from manim import ManimColor

    theme = types.SimpleNamespace(query=ManimColor("#D03030"), key=ManimColor("#30A030"))
    assert closest_roles(theme, "normal", ("query", "key"))[0] > 40
    assert closest_roles(theme, "deuteranomaly", ("query", "key"))[0] < 20


@pytest.mark.parametrize("name", ["dark-cb", "light-cb"])
@pytest.mark.parametrize("vision", VISIONS)
def test_colour_blind_themes_keep_the_roles_apart(name, vision):
    from scenes.kit.palette import THEMES

    theme = THEMES[name]
    distance, a, b = closest_roles(theme, vision)
    assert distance >= CB_MIN_DELTA_E, f"{name}, {vision}: {a} and {b} are only ΔE {distance:.1f} apart"
    faint = closest_roles(theme, vision, ("positive_faint", "negative_faint"))[0]
    assert faint >= CB_MIN_DELTA_E, f"{name}, {vision}: faint positive and negative only ΔE {faint:.1f} apart"


@pytest.mark.parametrize("name", ["dark", "light", "dark-cb", "light-cb"])
def test_series_colours_are_apart_from_each_other_and_from_the_roles(name):
    """What has no role (a word's senses, a plot's curves) never borrows the query, key or value colour:
    the four series colours stay apart from those and from each other (every vision for the
    colour-blind variants, whose roles take most hues: ΔE 15 for the normal themes, 10 for those)."""
    import itertools

    from colorspacious import deltaE

    from scenes.kit.palette import THEMES

    theme = THEMES[name]
    for vision in VISIONS if name.endswith("-cb") else ("normal",):
        floor = 10.0 if name.endswith("-cb") else CB_MIN_DELTA_E
        seen = {c.to_hex(): seen_as(c.to_hex(), vision) for c in theme.series}
        roles = {r: seen_as(getattr(theme, r).to_hex(), vision) for r in ("query", "key", "value_down", "value_up")}
        pairs = [*itertools.combinations(seen, 2), *((a, r) for a in seen for r in roles)]
        for a, b in pairs:
            distance = float(deltaE(seen[a], seen.get(b, roles.get(b)), input_space="sRGB1", uniform_space="CAM02-UCS"))
            assert distance >= floor, f"{name}, {vision}: {a} and {b} only ΔE {distance:.1f} apart"


def test_minimum_distances_of_every_theme(capsys):
    """Prints the table the README quotes; the normal themes are told apart in normal vision, and the
    colour-blind variants do better than them where the normal ones fail (deuteranopia, protanopia)."""
    from scenes.kit.palette import THEMES

    rows = {name: {vision: closest_roles(theme, vision) for vision in VISIONS} for name, theme in THEMES.items()}
    with capsys.disabled():
        for name, row in rows.items():
            print(f"\n{name:9}" + "  ".join(f"{v[:4]} ΔE {d:5.1f} ({a}/{b})" for v, (d, a, b) in row.items()), end="")
        print()
    for plain in ("dark", "light"):
        worst_plain = min(d for d, _, _ in rows[plain].values())
        worst_cb = min(d for d, _, _ in rows[f"{plain}-cb"].values())
        assert worst_cb > worst_plain


@pytest.mark.parametrize("theme", ["dark-cb", "light-cb"])
def test_cb_theme_from_the_command_line_and_a_settings_file(planned, tmp_path, theme):
    assert run("render", "ScaledSoftmax", "--theme", theme, "-o", str(tmp_path)).exit_code == 0
    config = tmp_path / "s.toml"
    config.write_text(f'theme = "{theme}"\n')
    assert run("render", "CausalMask", "--config", str(config), "-o", str(tmp_path)).exit_code == 0
    assert [r.settings.theme for r in planned] == [theme, theme]
    assert planned[0].output_path().name == f"ScaledSoftmax_{theme}_low.mp4"


# --- trace files ------------------------------------------------------------------------------

FOURTEEN = "the quick brown fox jumps over the lazy dog and then sleeps"     # 12 words + [CLS]/[SEP]


@pytest.fixture(scope="module")
def long_trace():
    from attention_math import build_trace

    trace = build_trace(FOURTEEN, model="minilm")
    assert len(trace.tokens) == 14
    return trace


@pytest.mark.parametrize("suffix", ["json", "npz"])
def test_saved_trace_holds_what_the_scenes_show_in_under_a_megabyte(long_trace, tmp_path, suffix):
    from attention_math import load_trace
    from attention_math.trace import SHOWN_TENSORS

    path = long_trace.save(tmp_path / f"t.{suffix}")
    assert path.stat().st_size <= 1_000_000, path.stat().st_size
    loaded = load_trace(path)
    assert list(loaded.tensors) == [n for n in long_trace.tensors if n in SHOWN_TENSORS]
    assert not {"w_q", "w_k", "w_v_down", "w_v_up", "hidden_states", "all_patterns"} & set(loaded.tensors)
    for name in loaded.tensors:                      # exact: the shortest float32 text reads back the same float32
        assert np_equal(loaded.tensors[name], long_trace.tensors[name]), name
    assert loaded.metadata() == long_trace.metadata()


def np_equal(a, b) -> bool:
    import numpy as np

    return a.dtype == b.dtype and np.array_equal(a, b)


@pytest.mark.parametrize("suffix", ["json", "npz"])
def test_full_trace_on_request_round_trips(long_trace, tmp_path, suffix):
    from attention_math import load_trace

    path = long_trace.save(tmp_path / f"t.{suffix}", full=True)
    assert load_trace(path) == long_trace
    assert path.stat().st_size > 1_000_000            # the weights and every layer: the reason it is not the default


@pytest.mark.parametrize("suffix", ["json", "npz"])
def test_trace_command_writes_the_shown_tensors_and_all_on_request(tmp_path, suffix):
    from attention_math import build_trace, load_trace

    small, full = tmp_path / f"small.{suffix}", tmp_path / "sub" / f"full.{suffix}"
    assert run("trace", "--model", "toy", "-s", "the cat sat", "-o", str(small)).exit_code == 0
    assert run("trace", "--model", "toy", "-s", "the cat sat", "-o", str(full), "--all-tensors").exit_code == 0
    trace = build_trace("the cat sat", model="toy")
    assert list(load_trace(small).tensors) == trace.shown_tensors()
    assert load_trace(full) == trace
    picked = tmp_path / f"picked.{suffix}"
    assert run("trace", "--model", "toy", "-s", "the cat sat", "-o", str(picked), "--tensors", "pattern,w_q").exit_code == 0
    assert list(load_trace(picked).tensors) == ["pattern", "w_q"]
    both = run("trace", "--model", "toy", "-o", str(picked), "--tensors", "pattern", "--all-tensors")
    assert both.exit_code == 2 and "pass one of them" in both.output


# --- the slide deck -----------------------------------------------------------------------------

@pytest.fixture
def deck(tmp_path):
    """A deck of two fake section clips (the page does not look inside them)."""
    import json

    from scenes.output.request import RenderResult
    from scenes.output.slides import write_deck

    sections = tmp_path / "clips"
    sections.mkdir()
    (sections / "index.json").write_text(json.dumps([{"name": "one", "video": "a.mp4"}, {"name": "two", "video": "b.mp4"}]))
    for clip in ("a.mp4", "b.mp4"):
        (sections / clip).write_bytes(b"clip")
    result = RenderResult(RenderRequest("ScaledSoftmax", quality="low"), path=tmp_path / "x.mp4", sections=sections)
    return write_deck([result], tmp_path / "deck" / "slides").read_text()


DOM_STUB = """
const handlers = {}; let fullscreen = 0; const plays = [];
const fakeSlides = [0, 1].map(i => ({ dataset: { name: "s" + i, cues: "[]" }, classList: { toggle() {} },
  querySelector: () => ({ set currentTime(t) { plays.push([i, t]); }, get currentTime() { return 0; },
                          play() {}, pause() {}, addEventListener() {} }) }));
globalThis.document = {
  querySelectorAll: () => fakeSlides,
  addEventListener: (type, f) => { handlers[type] = f; },
  getElementById: () => ({}),
  documentElement: { requestFullscreen: () => { fullscreen += 1; } },
};
"""
PRESS = """
const press = key => handlers.keydown({ key, preventDefault() {} });
press("ArrowRight"); plays.length = 0;
press("r"); press("R"); press("f"); press("F");
console.log(JSON.stringify({ replays: plays, fullscreen }));
"""


def test_deck_keys_f_and_r_work_in_either_case(deck):
    import json
    import shutil
    import subprocess

    if shutil.which("node") is None:
        pytest.skip("node (to run the deck's script) is not installed")
    script = deck.split("<script>")[1].split("</script>")[0]
    out = subprocess.run(["node", "-e", DOM_STUB + script + PRESS], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    state = json.loads(out.stdout)
    assert state == {"replays": [[1, 0], [1, 0]], "fullscreen": 2}


def test_deck_scales_every_clip_to_the_window(deck):
    style = deck.split("<style>")[1].split("</style>")[0]
    rule = re.search(r"video\s*\{([^}]*)\}", style).group(1)
    declarations = dict(part.split(":") for part in re.sub(r"/\*.*?\*/", "", rule).replace(" ", "").split(";") if part)
    assert declarations["width"] == "100vw" and declarations["object-fit"] == "contain"    # fills, aspect kept
    assert re.fullmatch(r"100vh|calc\(100vh-[\d.]+em\)", declarations["height"])     # (less a caption line)


# --- failed writes: a full disk, a failure mid-write ----------------------------------------------

def no_space(*args, **kwargs):
    import errno
    import os

    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/somewhere/.render-123/x.part")


@pytest.mark.slow
@pytest.mark.render
def test_no_space_left_names_the_output_folder_and_keeps_the_previous_video(tmp_path, monkeypatch):
    import os

    import scenes.output.render_one as render_one

    target = RenderRequest("ScaledSoftmax", SceneSettings(model="toy"), fmt="png", output_dir=tmp_path,
                           resolution=(256, 144), fps=5).output_path()
    target.write_bytes(b"the previous good still")
    real_replace = os.replace

    def full_disk(source, destination, *args, **kwargs):
        if Path(destination) == target:
            no_space()
        return real_replace(source, destination, *args, **kwargs)

    monkeypatch.setattr(render_one.os, "replace", full_disk)
    result = run("render", "ScaledSoftmax", *TINY, "--format", "png", "-o", str(tmp_path), "--force", "--quiet")
    (line,) = result.output.strip().splitlines()
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"no space left on the device of output directory {str(tmp_path)!r}" in line and "free some space" in line
    assert ".render-" not in line and ".part" not in line
    assert target.read_bytes() == b"the previous good still"
    assert not list(tmp_path.glob(".render-*"))


def test_atomic_write_on_a_full_disk_is_a_one_line_error_naming_the_folder(tmp_path, monkeypatch):
    import os

    from attention_math import InputError
    from attention_math.files import atomic_write_bytes

    path = tmp_path / "trace.json"
    path.write_bytes(b"previous")
    real_fdopen = os.fdopen

    class HalfWriter:                    # writes half of the data, then the disk is full
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            no_space()

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(InputError, match=f"no space left on the device of output directory {str(tmp_path)!r}"):
        atomic_write_bytes(path, b"x" * 1000)
    assert path.read_bytes() == b"previous" and sorted(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("error", ["ENOSPC", "EIO"])
def test_atomic_write_failing_at_the_rename_keeps_the_previous_file(tmp_path, monkeypatch, error):
    """A writer that wrote straight to the target would fail this: the rename is the only way in."""
    import errno
    import os

    from attention_math import InputError
    from attention_math.files import atomic_write_bytes

    path = tmp_path / "trace.json"
    path.write_bytes(b"previous")

    def broken_rename(*args, **kwargs):
        raise OSError(getattr(errno, error), os.strerror(getattr(errno, error)))

    monkeypatch.setattr(os, "replace", broken_rename)
    with pytest.raises(InputError if error == "ENOSPC" else OSError):
        atomic_write_bytes(path, b"new contents")
    assert path.read_bytes() == b"previous"
    assert sorted(tmp_path.iterdir()) == [path], "a temporary was left behind"


def test_trace_export_failing_at_the_rename_keeps_the_previous_file(tmp_path, monkeypatch):
    import errno
    import os

    path = tmp_path / "t.json"
    path.write_text("previous")
    monkeypatch.setattr(os, "replace", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    result = run("trace", "--model", "toy", "-s", "the cat sat", "-o", str(path))
    assert result.exit_code == 1 and "OSError" in result.output
    assert path.read_text() == "previous" and sorted(tmp_path.iterdir()) == [path]


# --- notes --------------------------------------------------------------------------------------

@pytest.mark.render
def test_the_tiny_gpt_fallback_note_is_said_once_per_render(tmp_path, notes, monkeypatch):
    import scenes.kit.model_rules as model_rules

    monkeypatch.setattr(model_rules, "_said", set())     # as in a fresh process
    result = run("render", "CausalMask", "--resolution", "256x144", "--fps", "5", "-s", "quantum zebras dance",
                 "--format", "png", "-o", str(tmp_path), "--quiet")
    assert result.exit_code == 0, result.output
    assert len([line for line in notes if "tiny-gpt does not know every word" in line]) == 1, notes
