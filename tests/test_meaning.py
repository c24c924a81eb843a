"""meaning_shift: the word's states equal Hugging Face's, and the similarities and PCA are what they say."""

from __future__ import annotations

import numpy as np
import torch

from attention_math.meaning import DEFAULT_SENTENCES, meaning_shift
from attention_math.minilm import MiniLM


def test_states_equal_hugging_face_hidden_states(hf_bert, minilm_source):
    shift = meaning_shift()
    for s, (sentence, position) in enumerate(zip(DEFAULT_SENTENCES, shift.positions)):
        ids = torch.tensor([minilm_source.tokenize(sentence, True)[1].ids])
        with torch.no_grad():
            hidden = hf_bert(ids, output_hidden_states=True).hidden_states      # L+1 × [1, T, d]
        assert shift.tokens[s][position] == "mole"
        for layer, h in enumerate(hidden):
            np.testing.assert_allclose(shift.states[layer, s], h[0, position].numpy(), atol=2e-5)


def test_same_start_and_similarities():
    shift = meaning_shift()
    assert np.array_equal(shift.token_embeddings[0], shift.token_embeddings[1])
    for layer in range(shift.states.shape[0]):
        a = shift.states[layer].astype(np.float64)
        unit = a / np.linalg.norm(a, axis=1, keepdims=True)
        np.testing.assert_allclose(shift.cosine[layer], unit @ unit.T, atol=1e-9)
    assert shift.cosine[-1][np.triu_indices(3, 1)].mean() < shift.cosine[0][np.triu_indices(3, 1)].mean()


def test_pca_plane_is_orthonormal_and_deterministic():
    from attention_math.meaning import pca_plane

    points = torch.randn(50, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    mean, axes, variance = pca_plane(points)
    np.testing.assert_allclose((axes @ axes.T).numpy(), np.eye(2), atol=1e-12)
    assert variance[0] >= variance[1] > 0
    np.testing.assert_array_equal(meaning_shift().projected, meaning_shift().projected)
