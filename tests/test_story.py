"""One story across the clips: the story's scenes read one model for a sentence; what each draws is the trace."""

from __future__ import annotations

import numpy as np
import pytest

from scenes import SCENES
from scenes.kit.scene_settings import STORY_SCENES, SceneSettings, is_decoder

CORE = ("TokensToEmbeddings", "QueriesAndKeys", "ScaledSoftmax", "CausalMask", "ValuesUpdateEmbeddings",
        "MultiHeadSum", "AttentionFormula", "AttentionBlock")
UNKNOWN_WORD = "a fluffy blue creature roamed the enchanted forest"   # "enchanted": not in tiny-gpt's vocabulary


def test_the_story_is_every_core_scene():
    assert set(CORE) <= set(STORY_SCENES) and set(STORY_SCENES) <= set(SCENES)


def test_every_story_scene_reads_tiny_gpt_for_the_default_sentence():
    resolved = {name: SceneSettings().for_scene(name) for name in CORE}
    assert {s.model for s in resolved.values()} == {"tiny-gpt"}
    traces = [s.trace() for s in resolved.values()]
    assert len({t.tokens for t in traces}) == 1 and len({(t.layer, s.model_layer_head()) for t, s in
                                                          zip(traces, resolved.values())}) == 1
    assert all(t is traces[0] for t in traces), "one trace, shared: the same numbers in every clip"
    assert traces[0].causal and is_decoder(traces[0].model)
    assert "[CLS]" not in traces[0].tokens


def test_a_word_tiny_gpt_does_not_know_sends_the_whole_story_to_minilm(caplog):
    with caplog.at_level("WARNING", logger="attention_animated"):
        resolved = {name: SceneSettings(sentence=UNKNOWN_WORD).for_scene(name) for name in CORE}
    assert {s.model for s in resolved.values()} == {"minilm"}
    assert "tiny-gpt does not know every word" in caplog.text
    assert len({s.trace().tokens for s in resolved.values()}) == 1
    assert not is_decoder("minilm")


def test_scenes_outside_the_story_keep_minilm_and_model_always_wins():
    for name in set(SCENES) - set(STORY_SCENES):
        assert SceneSettings().for_scene(name).model == "minilm"
    assert {SceneSettings(model="toy").for_scene(n).model for n in CORE} == {"toy"}
