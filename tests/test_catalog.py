"""Every built-in scene renders a still at a tiny size, and the catalog (what `list` prints without
importing manim) says what the scenes do: their descriptions and their beats, in order."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from scenes import SCENES, scene_class
from scenes.catalog import CATALOG, CHAPTERS
from scenes.kit.palette import THEMES

pytestmark = pytest.mark.render


def test_the_catalog_is_the_registry_and_holds_each_scenes_description():
    assert list(SCENES) == list(CATALOG)
    for name, entry in CATALOG.items():
        cls = scene_class(name)
        assert cls.__name__ == name and cls.__module__ == entry.module
        assert cls.description == entry.description and entry.description
        assert len(entry.beats) == len(set(entry.beats)) >= 3
        assert {beat for beat, _ in entry.when} <= set(entry.beats)


def test_attention_block_plays_the_catalogs_chapters_in_order():
    from scenes.attention_block import CHAPTERS as CLASSES

    assert tuple(c.__name__ for c in CLASSES) == CHAPTERS == CATALOG["AttentionBlock"].beats


def _own_methods(cls) -> set[str]:
    """The methods a scene class defines itself (not construct or setup, which AttentionBlock calls per chapter)."""
    return {name for name, value in vars(cls).items()
            if callable(getattr(value, "__func__", value)) and not name.startswith("__")} - {"construct", "setup"}


def test_no_two_chapters_define_a_method_of_the_same_name():
    """AttentionBlock inherits every chapter: a name two chapters share (or one a chapter shares with the kit's
    scenes) resolves to one of them for all, silently changing the others' beats, hence the prefixed helpers."""
    from scenes.attention_block import CHAPTERS as CLASSES

    owners: dict[str, list[str]] = {}
    for cls in CLASSES:
        for name in _own_methods(cls):
            owners.setdefault(name, []).append(cls.__name__)
    shared = {name: classes for name, classes in owners.items() if len(classes) > 1}
    assert not shared, f"chapters define the same method names (prefix them per scene): {shared}"
    for cls in CLASSES:
        kit = {name for base in cls.__mro__[1:] for name in vars(base)}
        assert not _own_methods(cls) & kit, f"{cls.__name__} overrides the kit's {sorted(_own_methods(cls) & kit)}"


def in_order(seen: list[str], listed: tuple[str, ...]) -> bool:
    """Whether ``seen`` is ``listed`` with some beats left out, the order kept."""
    rest = iter(listed)
    return all(any(beat == candidate for candidate in rest) for beat in seen)


def test_in_order_notices_a_missing_or_reordered_beat():
    assert in_order(["a", "c"], ("a", "b", "c"))
    assert not in_order(["c", "a"], ("a", "b", "c")) and not in_order(["a", "x"], ("a", "b", "c"))


@pytest.mark.parametrize("name", [n for n in SCENES if n != "AttentionBlock"])
def test_every_scene_renders_a_still_whose_beats_the_catalog_lists(name, rendered):
    path, scene = rendered(name, fmt="png")
    image = np.asarray(Image.open(path).convert("RGB")).astype(float)
    assert image.shape == (144, 256, 3)
    background = np.array(THEMES["dark"].background.to_rgb()) * 255
    assert (np.abs(image - background).sum(axis=-1) > 60).mean() > 0.01, "the still is (almost) only background"
    seen = [beat for beat, _ in scene.next_section.starts]      # the renderer's SectionStarts saw every beat begin
    assert seen and in_order(seen, CATALOG[name].beats), (seen, CATALOG[name].beats)
    unlisted = set(CATALOG[name].beats) - set(seen) - {beat for beat, _ in CATALOG[name].when}
    assert not unlisted, f"{name} never reached the beats {unlisted} on the default sentence"
