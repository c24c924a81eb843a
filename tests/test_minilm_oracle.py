"""Our MiniLM forward pass equals Hugging Face's BertModel on the same files."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from attention_math import build_trace
from attention_math.sources import Encoding

from .conftest import DEFAULT_SENTENCE

SENTENCES = [DEFAULT_SENTENCE, "one mole of carbon dioxide", "Attention is all you need, isn't it?"]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_every_pattern_and_hidden_state_matches_hugging_face(sentence, minilm_source, hf_bert):
    enc: Encoding = minilm_source.encode(sentence)
    ids = torch.tensor([minilm_source.tokenize(sentence)[1].ids])
    with torch.no_grad():
        out = hf_bert(input_ids=ids, output_attentions=True, output_hidden_states=True)
    assert len(out.attentions) == 6 and len(out.hidden_states) == 7
    for layer, attention in enumerate(out.attentions):
        np.testing.assert_allclose(enc.patterns[layer].numpy(), attention[0].numpy(), atol=1e-5)
    for layer, hidden in enumerate(out.hidden_states):
        np.testing.assert_allclose(enc.hidden_states[layer].numpy(), hidden[0].numpy(), atol=1e-5)


@pytest.mark.parametrize("layer", range(6))
def test_trace_of_each_layer_is_the_forward_pass(layer):
    trace = build_trace(DEFAULT_SENTENCE, model="minilm", layer=layer)
    np.testing.assert_array_equal(trace.embeddings, trace.hidden_states[layer])
    np.testing.assert_allclose(trace.pattern, trace.all_patterns[layer], atol=1e-6)


def test_tokens_are_wordpieces_with_specials():
    trace = build_trace(DEFAULT_SENTENCE, model="minilm")
    assert trace.tokens == ("[CLS]", "a", "fluffy", "blue", "creature", "roam", "##ed", "the",
                            "ve", "##rdan", "##t", "forest", "[SEP]")
    assert trace.d_model == 384 and trace.d_head == 32 and trace.n_heads == 12
    assert dict(trace.words)["verdant"] == (8, 9, 10)
