from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_SENTENCE = "a fluffy blue creature roamed the verdant forest"


@pytest.fixture(scope="session")
def minilm_source():
    import torch

    from attention_math.minilm import load_minilm

    return load_minilm(torch.device("cpu"))


@pytest.fixture(scope="session")
def hf_bert():
    """Hugging Face's own BertModel on the same files: the oracle for our forward pass."""
    from transformers import BertModel

    from attention_math.minilm import model_path

    model = BertModel.from_pretrained(str(model_path()), attn_implementation="eager")
    model.eval()
    return model
