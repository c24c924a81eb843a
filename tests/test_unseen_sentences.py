"""Sentences the code has not seen: words MiniLM does not know (cut into pieces, shown as words),
punctuation, a word four times, a 48-word paragraph. Each lays out (nothing cut, overlapping or under
12 px at 720p), its captions count right, and its key labels read back from the frame as whole words."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from attention_math import InputError
from scenes.kit.model_rules import MAX_DOT_TOKENS, MAX_TOKENS
from scenes.kit.settings import SceneSettings

pytestmark = pytest.mark.render

UNSEEN = "my cat ignores every word I say, but the dog and the bird and the fish listen to the radio all night long"
PARAGRAPH = ("the old lighthouse keeper watched the cold grey sea every night while his small dog slept beside the warm "
             "stove, and the wind carried salt across the rocks until morning came slowly over the quiet harbour where "
             "fishing boats waited for the tide to turn again.")      # 46 words and 2 marks: 48 words on screen
DOT_SCENES_48 = ("TokensToEmbeddings", "QueriesAndKeys", "QueriesMeetKeys", "ScaledSoftmax", "CausalMask",
                 "ValuesUpdateEmbeddings", "MultiHeadSum", "AttentionFormula")


def test_too_many_words_name_the_limit_and_the_fix():
    long = " ".join(["word"] * (MAX_DOT_TOKENS + 1))
    with pytest.raises(InputError, match=rf"^the sentence has {MAX_DOT_TOKENS + 1} words; ScaledSoftmax shows at most "
                                         rf"{MAX_DOT_TOKENS}: shorten it to {MAX_DOT_TOKENS} words$"):
        SceneSettings(sentence=long).check_input("ScaledSoftmax")
    with pytest.raises(InputError, match=rf"at most {MAX_TOKENS} with --cells numbers \(a number must fit its cell; "
                                         rf"up to {MAX_DOT_TOKENS} as dots: --cells dots\)"):
        SceneSettings(sentence=" ".join(["word"] * 20), cells="numbers").check_input("ScaledSoftmax")
    SceneSettings(sentence=" ".join(["word"] * MAX_DOT_TOKENS)).check_input("MyOwnScene")    # own scenes: dots' limit


def test_the_folded_special_row_is_not_a_word():
    settings = SceneSettings(sentence=PARAGRAPH, model="minilm")
    trace = settings.trace()
    assert len(trace.tokens) == MAX_DOT_TOKENS and len(trace.key_tokens) == MAX_DOT_TOKENS + 1
    settings.check_token_count(trace, "ScaledSoftmax")          # 48 words and [CLS]+[SEP]: fine


def test_tokens_to_embeddings_counts_words_and_adds_up(rendered):
    """A word four times: the caption says so and boxes all four; the rows drawn add up to the third
    (MiniLM: position and segment together), and the frame checks pass on 24 words with pieces."""
    _, scene = rendered("TokensToEmbeddings", fmt="png", sentence=UNSEEN)
    assert not scene.frame_checks, scene.frame_checks.report()
    trace = scene.trace()
    assert trace.is_words and trace.tokens.count("the") == 4
    said = [text for _, text in scene.subtitles] if hasattr(scene, "subtitles") else None
    captions = [c.content for c in scene.renderer.file_writer.subcaptions] if said is None else said
    assert any("“the” appears 4 times" in c for c in captions), captions
    assert not any("twice" in c for c in captions)
    _, token_rows = scene.shown["token_embeddings_dots"]
    _, added = scene.shown["positions_dots"]
    _, sums = scene.shown["sums_dots"]
    np.testing.assert_allclose(np.asarray(token_rows) + np.asarray(added), sums, atol=1e-5)
    np.testing.assert_allclose(sums, trace.input_embeddings[:, :3])


def _still_720p(name: str, sentence: str, out):
    from scenes.output.render_one import render_scene
    from scenes.output.request import RenderRequest
    from tests.frame_checks import checked_sections

    with checked_sections() as checks:
        result = render_scene(RenderRequest(name, SceneSettings(sentence=sentence), fmt="png", output_dir=out,
                                            resolution=(1280, 720), fps=5), force=True)
    return np.asarray(Image.open(result.path).convert("RGB")), result.scene, checks


@pytest.mark.slow
@pytest.mark.parametrize("name", DOT_SCENES_48)
def test_a_48_word_paragraph_lays_out_at_720p(name, tmp_path):
    _, scene, checks = _still_720p(name, PARAGRAPH, tmp_path)
    assert len(scene.trace().tokens) == MAX_DOT_TOKENS
    assert not checks, checks.report()


@pytest.mark.slow
@pytest.mark.parametrize("sentence", [UNSEEN, PARAGRAPH], ids=["unseen-24", "paragraph-48"])
def test_key_labels_read_as_whole_words(sentence, tmp_path):
    """OCR of every row label of the grid, in the 720p still: the word itself (no '##' piece)."""
    from tests.ocr import key_label_readings, tesseract_available

    if not tesseract_available():
        pytest.skip("tesseract is not installed (make test installs it)")
    frame, scene, checks = _still_720p("ScaledSoftmax", sentence, tmp_path)
    assert not checks, checks.report()
    readings = key_label_readings(frame, scene)
    words = [(want, got) for want, got in readings if want.isalpha()]      # the [CLS]+[SEP] row and marks aside
    assert all("##" not in got for _, got in readings), readings
    right = [want.casefold() == got.casefold() for want, got in words]
    assert np.mean(right) >= 0.9, [pair for pair, ok in zip(words, right) if not ok]
