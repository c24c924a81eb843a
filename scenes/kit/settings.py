"""Scene settings: one place every scene reads its sentence, model and choices from.

The CLI (and a settings file) fill a ``SceneSettings`` and the renderer gives it to each scene; a
scene rendered by plain ``manim`` or in a notebook reads ``active_settings`` (scenes.kit.settings_env).
The rules the settings follow are in scenes.kit.model_rules, what they compute in scenes.kit.settings_cache.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from attention_math.errors import InputError

from scenes.kit import settings_cache
from scenes.kit.choices import CELLS, DEFAULT_CONTEXT, DEFAULT_QUERY_TOKEN, DEFAULT_SENTENCE
from scenes.kit.model_rules import (AUTO_HEAD_MODELS, DEFAULT_LAYER_HEAD, LONG_CONTEXT_LAYER_HEAD, MAX_DOT_TOKENS,
                                    MAX_TOKENS, default_model, note_once, tiny_gpt, too_long, translator)

if TYPE_CHECKING:
    from attention_math import AttentionTrace


@dataclass(frozen=True)
class SceneSettings:
    """What a scene shows: the sentence, the model, layer and head, the theme, pacing and choices.

    Every scene reads its numbers through these settings (``self.settings`` in a scene); the CLI
    and settings files fill them, plain ``manim`` and notebooks through ``use_settings``.

    Parameters
    ----------
    sentence : str
        The sentence the model reads.
    model : str or None
        "minilm", "tiny-gpt", "toy", "translator", …; None: tiny-gpt for the story's scenes when it
        knows every word, else minilm (``for_scene``).
    layer, head : int or None
        The layer and head shown; None: the model's default (MiniLM: the teaching head chosen for the sentence).
    heads : int or None
        The toy model's head count.
    focus : str or None
        "QUERY:KEY,KEY": pick the layer and head with the head finder.
    causal : bool
        Mask future keys in the scenes whose story allows either.
    seed : int
        The toy model's seed.
    device : str
        "cpu", "cuda", … (the model's device).
    theme : str
        A name of ``THEMES``.
    colors : tuple of (str, str)
        (palette role, "#rrggbb") overrides of the theme.
    run_time, wait : float
        Pacing: multipliers of every animation's run time and every pause.
    special_tokens : bool
        MiniLM's [CLS]/[SEP]; False runs the model without them.
    pieces : bool
        The model's own tokens (WordPiece pieces, [CLS]/[SEP]); False: one per word.
    query_token : str or None
        The query the scenes follow; None: "creature" if the sentence has it, else its last word.
    context : str
        Cross-attention's other sentence (minilm, toy).
    target : str or None
        The translator's translation of the sentence (None: its own, greedy).
    decimals : int
        Digits after the point of the numbers drawn.
    cells : str
        The pattern's cells: "dots" (area ∝ weight), "numbers" or "both".
    preset : str
        ParameterCount's model (``attention-render params --list``).
    shift_word, shift_sentences, shift_references, shift_meanings : str, tuple of str
        ContextShiftsMeaning: the word followed through the layers, the sentences it appears in, a
        reference sentence per meaning, and the meanings' names.

    Examples
    --------
    >>> from scenes.kit import SceneSettings
    >>> settings = SceneSettings(sentence="the cat sat on the mat", model="toy")
    >>> trace = settings.trace()
    >>> trace.tokens
    ('the', 'cat', 'sat', 'on', 'the', 'mat')
    """
    sentence: str = DEFAULT_SENTENCE
    model: str | None = None  # None: tiny-gpt for the story's scenes when it knows every word, else minilm
    layer: int | None = None  # None: the model's default (MiniLM: the teaching head chosen for the
    head: int | None = None   # sentence, most attention on words; see attention_math.heads.teaching_scores)
    heads: int | None = None  # toy model's head count
    focus: str | None = None  # "QUERY:KEY,KEY": pick layer and head with the head finder
    causal: bool = False      # mask future keys in the scenes whose story allows either
    seed: int = 0
    device: str = "cpu"
    theme: str = "dark"
    colors: tuple[tuple[str, str], ...] = ()   # (palette role, "#rrggbb") overrides of the theme
    run_time: float = 1.0     # pacing: multiplies every animation's run time
    wait: float = 1.0         # pacing: multiplies every pause
    special_tokens: bool = True   # MiniLM's [CLS]/[SEP]; hidden means the model runs without them
    pieces: bool = False      # the model's own tokens (WordPiece pieces, [CLS]/[SEP]); False: one per word
    query_token: str | None = None   # None: "creature" if the sentence has it, else its last word
    context: str = DEFAULT_CONTEXT   # cross-attention's other sentence (minilm, toy)
    target: str | None = None   # the translator's translation of the sentence (None: its own, greedy)
    decimals: int = 2
    cells: str = "dots"       # the pattern's cells: "dots" (area ∝ weight), "numbers" or "both"
    preset: str = "gpt3-175b"         # ParameterCount's model (see `attention-render params --list`)
    shift_word: str = "mole"          # ContextShiftsMeaning: the word followed through the layers …
    shift_sentences: tuple[str, ...] = ("the mole dug a tunnel under the garden", "one mole of carbon dioxide",
                                        "a mole on her skin was removed")   # … in these sentences,
    shift_references: tuple[str, ...] = ("the mole is a small animal that digs tunnels",   # … against the word
                                         "a mole is a unit of amount of substance in chemistry",   # in one
                                         "a mole is a dark spot on the skin")   # reference sentence per meaning
    shift_meanings: tuple[str, ...] = ("animal", "chemistry", "skin")   # … named so

    def __post_init__(self) -> None:
        if self.cells not in CELLS:
            raise InputError(f"cells = {self.cells!r} is not a way to draw cells: choose {', '.join(CELLS)}")

    def token_limit(self, scene: str) -> int:
        """The most words ``scene`` shows: 48 where its grid can be dots (a scene of one's own too), 14
        where it needs numbers (the ``cells = "numbers"`` setting: a number must fit its cell).

        Parameters
        ----------
        scene : str
            The scene's class name.

        Returns
        -------
        int
            ``MAX_DOT_TOKENS`` or ``MAX_TOKENS``.

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> SceneSettings().token_limit("ScaledSoftmax"), SceneSettings(cells="numbers").token_limit("ScaledSoftmax")
        (48, 14)
        """
        return MAX_TOKENS if self.cells == "numbers" else MAX_DOT_TOKENS

    def check_token_count(self, trace: AttentionTrace, scene: str) -> None:
        """InputError naming the limit when ``scene`` cannot show this many tokens.

        Parameters
        ----------
        trace : AttentionTrace
            The trace to draw (its query and key tokens count).
        scene : str
            The scene's class name (see ``token_limit``).

        Raises
        ------
        InputError
            When there are too many tokens, saying how to shorten the sentence.

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> settings = SceneSettings(sentence="the cat sat", model="toy")
        >>> settings.check_token_count(settings.trace(), "ScaledSoftmax")      # fine: nothing raised
        """
        limit = self.token_limit(scene)
        for tokens in (trace.tokens, trace.key_tokens[:len(trace.key_tokens) - bool(trace.special_key)]):
            if len(tokens) > limit:          # the folded [CLS]+[SEP] key row is not a word: not counted
                raise InputError(too_long(len(tokens), "words" if trace.is_words else "tokens", scene, limit,
                                          self.special_tokens and trace.model.startswith("minilm")
                                          and not trace.is_words))

    def check_input(self, scene: str, name: str | None = None) -> None:
        """The checks that need no model, so a bad sentence or device fails at once: an empty sentence,
        a control character, more words than ``scene`` shows (every model makes at least one token of
        each word), a device that cannot exist here. ``check_token_count`` counts the real tokens later.

        Parameters
        ----------
        scene
            The scene (a built-in name, or a scene file's spec) whose token limit applies.
        name
            How the error names the scene [default: ``scene``].

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> SceneSettings(sentence="the cat sat").check_input("ScaledSoftmax")     # fine: nothing raised
        >>> SceneSettings(sentence=" ").check_input("ScaledSoftmax")
        Traceback (most recent call last):
        ...
        attention_math.errors.InputError: the sentence is empty: pass some words, e.g. --sentence 'a fluffy blue creature'
        """
        from attention_math.device import check_device_name
        from attention_math.tokenize import clean_sentence

        words = len(clean_sentence(self.sentence).split())
        limit = self.token_limit(scene)
        if words > limit:
            raise InputError(too_long(words, "words", name or scene, limit))
        check_device_name(self.device)

    def replace(self, **changes: object) -> SceneSettings:
        """A copy with some fields changed.

        Parameters
        ----------
        **changes
            Field name → new value.

        Returns
        -------
        SceneSettings
            The copy (the settings are frozen).

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> SceneSettings().replace(theme="light").theme
        'light'
        """
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        """The settings as a JSON object (what ATTENTION_SETTINGS takes).

        Examples
        --------
        >>> import json
        >>> from scenes.kit import SceneSettings
        >>> json.loads(SceneSettings(model="toy").to_json())["model"]
        'toy'
        """
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_mapping(cls, data: dict[str, object], source: str = "settings") -> SceneSettings:
        """Settings from a mapping of field names (lists and dicts accepted for tuple fields).

        Raises InputError naming ``source`` for an unknown key.

        Parameters
        ----------
        data : dict
            Field name → value, as read from a settings file or JSON.
        source : str
            What the mapping came from, for the error message.

        Returns
        -------
        SceneSettings
            The settings (unnamed fields keep their defaults).

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> SceneSettings.from_mapping({"theme": "light", "colors": {"query": "#ff8800"}}).colors
        (('query', '#ff8800'),)
        """
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key in data:
            if key not in fields:
                raise InputError(f"unknown setting {key!r} in {source}: known ones are {', '.join(fields)}")
        data = dict(data)
        for key in ("shift_sentences", "shift_references", "shift_meanings"):
            if isinstance(data.get(key), list):
                data[key] = tuple(data[key])
        if isinstance(data.get("colors"), (list, dict)):
            items = data["colors"].items() if isinstance(data["colors"], dict) else data["colors"]
            data["colors"] = tuple(tuple(pair) for pair in items)
        return cls(**data)  # type: ignore[arg-type]

    def trace(self, causal: bool | None = None, cross: bool = False) -> AttentionTrace:
        """The trace every scene reads (cached, so the scenes of one render share it).

        Parameters
        ----------
        causal
            Mask future keys; None follows ``self.causal`` (tiny-gpt is always causal).
        cross
            Cross-attention: keys and values from ``context``.

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> trace = SceneSettings(sentence="a small red fox", model="toy").trace(causal=True)
        >>> trace.on_screen("pattern", 0).shape                  # [keys, queries]
        (4, 4)
        """
        model, layer, head = self.model_layer_head()
        causal = self.causal if causal is None else causal
        if model == "tiny-gpt" and not cross:
            causal = True          # a decoder: its patterns are causal, as it was trained
        if model == "translator":
            if not cross:
                raise InputError("the translator is shown by CrossAttention only: choose --model tiny-gpt, minilm "
                                 "or toy for this scene")
            return settings_cache.translation_trace(self.sentence, self.target, layer, head, self.device)
        return settings_cache.trace(self.sentence, model, layer, head, self.heads, self.seed, self.device,
                                    self.special_tokens, self.context if cross else None, causal, not self.pieces)

    def parameter_count(self):
        """The counter's tally for ``preset``.

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> SceneSettings(preset="gpt3-175b").parameter_count().per_head
        6291456
        """
        from attention_math import count_parameters, preset

        return count_parameters(preset(self.preset))

    def meaning_shift(self):
        """``shift_word`` through every layer of the model, in each of ``shift_sentences`` (cached).

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> settings = SceneSettings(shift_word="bank", shift_sentences=("the river bank", "the bank loan"))
        >>> shift = settings.meaning_shift()        # doctest: +SKIP
        """
        return settings_cache.meaning_shift(self.shift_sentences, self.shift_word, self.model or "minilm", self.device,
                                            self.special_tokens, self.shift_references, self.shift_meanings)

    def scaling(self):
        """The scaling probe on this machine's ``device`` (cached per process; it measures, so it takes a while).

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> probe = SceneSettings(device="cpu").scaling()      # doctest: +SKIP
        """
        return settings_cache.scaling(self.device)

    def long_context(self):
        """MiniLM's causal trace of a long paragraph at ``long_context_head``'s layer (cached):
        QuadraticScaling's pattern, over the model's own tokens (pieces, [CLS] and [SEP]).

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> trace = SceneSettings().long_context()       # doctest: +SKIP
        """
        return settings_cache.long_context(self.long_context_head()[0], self.device)

    def long_context_head(self) -> tuple[int, int]:
        """The layer and head of QuadraticScaling's long paragraph: MiniLM layer 5 head 6, its own
        (the teaching head is chosen for a short sentence, not for this paragraph), or the --layer
        and --head given for MiniLM.

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> SceneSettings().long_context_head(), SceneSettings(model="minilm", layer=2).long_context_head()
        ((5, 6), (2, 6))
        """
        layer, head = LONG_CONTEXT_LAYER_HEAD
        if (self.model or "minilm") != "minilm":
            return layer, head
        return (layer if self.layer is None else self.layer, head if self.head is None else self.head)

    def query_index(self, trace: AttentionTrace) -> int:
        """The token whose update the scenes follow (InputError if the chosen one is not in the sentence).

        Parameters
        ----------
        trace : AttentionTrace
            The trace whose tokens are searched.

        Returns
        -------
        int
            The index of ``query_token``, else of "creature", else of the last word.

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> settings = SceneSettings(sentence="a small red fox", model="toy")
        >>> settings.query_index(settings.trace()), settings.replace(query_token="red").query_index(settings.trace())
        (3, 2)
        """
        if self.query_token is not None:
            return trace.token_index(self.query_token)
        words = [i for i, t in enumerate(trace.tokens) if any(ch.isalnum() for ch in t) and t not in ("[CLS]", "[SEP]")]
        try:
            return trace.token_index(DEFAULT_QUERY_TOKEN)
        except InputError:
            return words[-1] if words else len(trace.tokens) - 1

    def for_scene(self, scene: str) -> SceneSettings:
        """Settings with the model chosen: the given one, else the default rule for ``scene`` (see ``default_model``).

        Parameters
        ----------
        scene : str
            The scene's name (or the built-in scene it is like, ``models_like``).

        Returns
        -------
        SceneSettings
            These settings when the model is given, else a copy with it chosen.

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> SceneSettings().for_scene("ScaledSoftmax").model     # the story's scenes: tiny-gpt knows every word
        'tiny-gpt'
        >>> SceneSettings().for_scene("QuadraticScaling").model, SceneSettings(model="toy").for_scene("MyScene").model
        ('minilm', 'toy')
        """
        if self.model is not None:
            return self
        if scene == "CrossAttention" and self.context != DEFAULT_CONTEXT and self.target is None:
            return self.replace(model="minilm")      # a second sentence was given: an encoder reads it
        return self.replace(model=default_model(scene, self.sentence, self.device))

    def model_layer_head(self) -> tuple[str, int, int]:
        """The model, layer and head to show: given ones, else the focus's best head, else the model's default.

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> SceneSettings(model="minilm").model_layer_head()      # the teaching head of the default sentence
        ('minilm', 0, 2)
        """
        model = self.model or "minilm"
        if self.focus and (self.layer is None or self.head is None):
            layer, head = settings_cache.focus_head(self.sentence, self.focus, model, self.device, self.heads, self.seed)
            layer, head = (layer if self.layer is None else self.layer, head if self.head is None else self.head)
            note_once(f"--focus {self.focus} picked {model} layer {layer} head {head} (the head finder's first"
                      f"{'' if self.layer is None and self.head is None else ', with the layer or head you gave'}; "
                      "see `attention-render heads`)")
        elif model == "tiny-gpt":
            layer, head = tiny_gpt(self.device).head    # the adjective→noun head the head finder found
        elif model == "translator":
            layer, head = translator(self.device).head  # the alignment head the head finder ranks first
        elif model in AUTO_HEAD_MODELS and (self.layer is None or self.head is None):
            layer, head = settings_cache.teaching_head(self.sentence, model, self.device, self.special_tokens)
        else:
            layer, head = DEFAULT_LAYER_HEAD.get(model, (0, 0))
        return (model, layer if self.layer is None else self.layer, head if self.head is None else self.head)

    def head_reason(self) -> str | None:
        """Why this head is shown when the automatic rule chose it ("chosen: most attention on words");
        None when the settings named it or --focus's head finder picked it.

        Examples
        --------
        >>> from scenes.kit import SceneSettings
        >>> SceneSettings(model="minilm").head_reason(), SceneSettings(model="minilm", layer=5, head=6).head_reason()
        ('chosen: most attention on words', None)
        """
        model = self.model or "minilm"
        if (self.layer is not None and self.head is not None) or self.focus:
            return None            # named, or the head finder's pick (its note says so)
        if model in AUTO_HEAD_MODELS:
            from attention_math.heads import TEACHING_RULE

            return f"chosen: {TEACHING_RULE}"
        return None



def head_of(settings: SceneSettings) -> int:
    """The head the settings show (after the head finder or the teaching-head rule chose one).

    Parameters
    ----------
    settings : SceneSettings
        Settings with the model chosen (``for_scene``).

    Returns
    -------
    int
        The head's index.

    Examples
    --------
    >>> from scenes.kit import SceneSettings
    >>> from scenes.kit.settings import head_of
    >>> head_of(SceneSettings(sentence="the cat sat", model="toy", head=2))
    2
    """
    return settings.model_layer_head()[2]

