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
from scenes.kit.scene_settings import SceneSettings
from scenes.output.rendering import RenderRequest

TINY = ("--resolution", "256x144", "--fps", "5", "--model", "toy")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def planned(monkeypatch):
    """The requests the CLI would render (render_many replaced by a recorder; nothing renders)."""
    import scenes.output.rendering as rendering

    seen: list[RenderRequest] = []

    def record(requests, **kwargs):
        seen.extend(requests)
        return []

    monkeypatch.setattr(rendering, "render_many", record)
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
    import scenes.output.rendering as rendering

    monkeypatch.chdir(tmp_path)                                   # any folder, not the clone
    monkeypatch.setitem(rendering.QUALITIES, "low", (256, 144, 5))   # the demo's own quality, tiny for the test
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
    assert name_of(model="minilm", layer=5, head=6, device="cuda") == "ScaledSoftmax_dark_low.mp4"   # the same content


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
def test_the_table_and_a_note_say_which_head_focus_picked(tmp_path, notes):
    from attention_math import find_heads

    best = find_heads("the cat sat on the mat", "mat", ["cat"], model="toy", heads=4)[0]
    result = run("render", "ScaledSoftmax", *TINY, "--heads", "4", "-s", "the cat sat on the mat",
                 "--focus", "mat:cat", "-o", str(tmp_path), "--format", "png")
    assert result.exit_code == 0, result.output
    flat = re.sub(r"[│\s]", "", result.stdout)
    assert f"toyL{best.layer}H{best.head}(focus)" in flat
    assert any(f"picked toy layer {best.layer} head {best.head}" in line for line in notes), notes


def test_result_table_shows_model_layer_and_head():
    from rich.console import Console

    from scenes.output.rendering import RenderResult
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
