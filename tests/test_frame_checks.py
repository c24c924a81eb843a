"""At the end of every section of every scene: nothing outside the frame, no overlapping text, no tiny text."""

from __future__ import annotations

import numpy as np
import pytest

from scenes import SCENES
from scenes.kit.model_rules import MAX_DOT_TOKENS
from tests.frame_checks import checked_sections, frame_problems, shows_nothing

pytestmark = [pytest.mark.render, pytest.mark.slow]   # frame checks after every animation: make test-all

KNOWN: dict[str, str] = {}   # scenes not yet held to every check, and why (strict: the test says when one is fixed)
CHECKED = set(SCENES) - set(KNOWN)
MINILM_SENTENCE = "a fluffy blue creature roamed the enchanted forest"
LONGEST = " ".join(["the", "lighthouse", "keeper", "watched"] * (MAX_DOT_TOKENS // 4))


def cases():
    for name in SCENES:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN[name])] if name in KNOWN else []
        yield pytest.param(name, {}, marks=marks, id=name)
    for name in ("TokensToEmbeddings", "QueriesAndKeys", "QueriesMeetKeys", "ScaledSoftmax", "CausalMask",
                 "ValuesUpdateEmbeddings", "MultiHeadSum", "AttentionFormula", "ParameterCount"):
        yield pytest.param(name, {"sentence": MINILM_SENTENCE, "theme": "light"}, id=f"{name}-minilm")
    for name in ("CausalMask", "AttentionFormula"):    # the longest sentence, as dots (ScaledSoftmax: CausalMask's layout)
        yield pytest.param(name, {"model": "toy", "sentence": LONGEST}, id=f"{name}-{MAX_DOT_TOKENS}")


@pytest.mark.parametrize("name,settings", list(cases()))
def test_every_section_ends_in_a_readable_frame(name, settings, rendered):
    _, scene = rendered(name, fmt="png", **settings)        # the still shared with other tests, checked as it rendered
    checks = scene.frame_checks
    assert len(checks.section_names) >= 3, f"every section's end is checked, got {checks.section_names}"
    assert not checks, checks.report()


def test_the_checks_catch_what_they_claim():
    """Each check fails on a frame built to break it (a check that cannot fail is no check)."""
    from manim import Scene

    from scenes.kit.mobjects import label
    from scenes.kit.notation import sub
    from scenes.kit.palette import THEMES

    theme = THEMES["dark"]
    scene = Scene()
    scene.add(label("Outside 1.00", theme, 24).move_to([7.5, 0, 0]))
    scene.add(label("Tiny 0.42", theme, 8).move_to([0, 2, 0]))
    scene.add(label("First 1", theme, 24).move_to([0, -2, 0]), label("Second 2", theme, 24).move_to([0.2, -2, 0]))
    scene.add(label("W_Q 1", theme, 24).move_to([0, 2.8, 0]))
    kinds = sorted({p.kind for p in frame_problems(scene)})
    assert kinds == ["notation", "outside", "overlap", "small"]
    slanted = Scene()        # 45° labels: boxes cross; apart they pass, on top of each other they fail
    first, second = (label(word, theme, 24).rotate(np.pi / 4) for word in ("lighthouse", "keeper"))
    slanted.add(first, second.move_to(first.get_center() + np.array([0.45, 0, 0])))
    assert frame_problems(slanted) == []
    second.move_to(first.get_center() + np.array([0.05, 0, 0]))
    assert [p.kind for p in frame_problems(slanted)] == ["overlap"]
    clean = Scene()
    clean.add(label("Readable 0.42", theme, 24), label("Apart 1", theme, 24).move_to([0, -2, 0]),
              label(f"{sub('W', 'Q')} 1", theme, 24).move_to([0, 2, 0]))
    assert frame_problems(clean) == []
    assert shows_nothing(Scene()) and not shows_nothing(clean)      # a section that ends on an empty frame
