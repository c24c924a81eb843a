"""meaning_shift: the word's states equal Hugging Face's; the landmark measure and its plane are what they say."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from attention_math import InputError
from attention_math.meaning import (DEFAULT_REFERENCES, DEFAULT_SENTENCES, landmark_plane, meaning_shift,
                                    nearest_landmark, project)


@pytest.fixture(scope="module")
def shift():
    return meaning_shift()


def test_states_equal_hugging_face_hidden_states(hf_bert, minilm_source, shift):
    for group, states, positions in ((DEFAULT_SENTENCES, shift.states, shift.positions),
                                     (DEFAULT_REFERENCES, shift.landmarks, None)):
        for s, sentence in enumerate(group):
            ids = minilm_source.tokenize(sentence, True)[1]
            position = positions[s] if positions else ids.tokens.index("mole")
            with torch.no_grad():
                hidden = hf_bert(torch.tensor([ids.ids]), output_hidden_states=True).hidden_states   # L+1 × [1, T, d]
            for layer, h in enumerate(hidden):
                np.testing.assert_allclose(states[layer, s], h[0, position].numpy(), atol=2e-5)


def test_one_start_and_the_similarities(shift):
    assert shift.positions == (2, 2, 2)
    np.testing.assert_array_equal(shift.states[0], np.repeat(shift.states[0][:1], 3, axis=0))   # one point at layer 0
    unit = lambda a: a / np.linalg.norm(a, axis=-1, keepdims=True)   # noqa: E731
    for layer in range(shift.states.shape[0]):
        np.testing.assert_allclose(shift.similarity[layer], unit(shift.states[layer]) @ unit(shift.landmarks[layer]).T,
                                   atol=1e-12)
        np.testing.assert_allclose(shift.cosine[layer], unit(shift.states[layer]) @ unit(shift.states[layer]).T, atol=1e-12)


def test_each_word_ends_nearest_its_own_meaning(shift):
    """The scene's closing claim, from the numbers: own landmark more similar than every other one."""
    final = shift.similarity[-1]
    for s in range(3):
        assert final[s, s] > np.delete(final[s], s).max(), (s, final[s])
    assert shift.own_meaning_nearest().all()
    assert (shift.nearest[0] == -1).all(), "layer 0: one state, a tie, no nearest landmark"


def test_the_plane_keeps_which_landmark_is_nearest(shift):
    """In the plane through the unit landmarks, distance order = cosine order, at every layer."""
    assert shift.exact
    for layer in range(1, shift.states.shape[0]):
        words, marks = shift.projected[layer], shift.landmarks_projected[layer]
        distances = np.linalg.norm(words[:, None] - marks[None], axis=-1)              # [S, M]
        np.testing.assert_array_equal(distances.argmin(axis=1), shift.similarity[layer].argmax(axis=1))
        assert marks[0, 0] == pytest.approx(0, abs=1e-9) and marks[0, 1] > 0            # landmark 0 straight up
        assert marks[1, 0] < 0                                                         # landmark 1 on the left


def test_landmark_plane_exact_for_random_points():
    gen = torch.Generator().manual_seed(0)
    marks = torch.randn(3, 16, generator=gen, dtype=torch.float64)
    points = torch.randn(20, 16, generator=gen, dtype=torch.float64)
    origin, axes = landmark_plane(marks)
    np.testing.assert_allclose((axes @ axes.T).numpy(), np.eye(2), atol=1e-12)
    full = torch.cdist(points, marks) ** 2                                                # [20, 3]
    flat = torch.cdist(project(points, origin, axes), project(marks, origin, axes)) ** 2   # [20, 3]
    off = ((points - origin) - project(points, origin, axes) @ axes).norm(dim=-1, keepdim=True) ** 2
    np.testing.assert_allclose(full.numpy(), (flat + off).numpy(), atol=1e-9)           # same offset for every landmark


def test_nearest_landmark_marks_ties():
    sims = torch.tensor([[0.9, 0.8], [0.5, 0.5]])
    assert nearest_landmark(sims).tolist() == [0, -1]


def test_references_must_match_the_sentences():
    with pytest.raises(InputError, match="one reference sentence"):
        meaning_shift(DEFAULT_SENTENCES, references=DEFAULT_REFERENCES[:2])
    with pytest.raises(InputError, match="reference sentences"):
        meaning_shift(DEFAULT_SENTENCES, references=("a", "b", "c"))
