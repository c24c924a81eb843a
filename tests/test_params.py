from __future__ import annotations

import pytest

from attention_math import InputError, count_parameters, preset
from attention_math.params import PRESETS, custom_config


def test_gpt3_175b_matches_the_video():
    c = count_parameters(preset("gpt3-175b"))
    assert c.per_matrix == 12_288 * 128 == 1_572_864
    assert c.per_head == 6_291_456
    assert c.per_block_attention == 603_979_776
    assert c.attention_total == 57_982_058_496
    assert 174e9 < c.total < 176e9


def test_gpt2_small_total_is_huggingfaces_count():
    assert count_parameters(preset("gpt2-small")).total == 124_439_808


@pytest.mark.parametrize("name,billions", [("gpt2-medium", 0.355), ("gpt2-large", 0.774), ("gpt2-xl", 1.558),
                                           ("gpt3-13b", 12.85), ("gpt3-6.7b", 6.7)])
def test_presets_land_near_their_published_sizes(name, billions):
    assert count_parameters(preset(name)).total / 1e9 == pytest.approx(billions, rel=0.03)


def test_heads_times_d_head_need_not_equal_d_model():
    cfg = preset("gpt3-13b")
    assert cfg.n_heads * cfg.d_head == 5120 != cfg.d_model == 5140
    assert count_parameters(cfg).per_block_attention == 40 * 4 * 5140 * 128


def test_untied_adds_an_unembedding():
    tied = count_parameters(preset("gpt2-small"))
    untied = count_parameters(custom_config("gpt2-small", untied=True))
    assert untied.total - tied.total == 50257 * 768


def test_custom_config_and_errors():
    cfg = custom_config(d_model=64, n_heads=4, n_layers=2)
    assert (cfg.d_head, cfg.d_mlp) == (16, 256)
    with pytest.raises(InputError, match="unknown preset"):
        preset("gpt5")
    with pytest.raises(InputError, match="--n-layers"):
        custom_config(d_model=64, n_heads=4)
    with pytest.raises(InputError, match="positive"):
        custom_config("gpt2-small", d_model=0)
    assert "gpt3-175b" in PRESETS
