"""The rules scene settings follow: how many words a scene shows, which model, layer and head a scene
gets when none is named, which scenes tell the story, and notes said once per process."""

from __future__ import annotations

import logging

from attention_math.errors import InputError

MAX_TOKENS = 14       # numbers in a grid's cells stay readable at 480p up to this many tokens
MAX_DOT_TOKENS = 48   # words: a grid of dots keeps every label at least 12 px tall at 720p up to this many
DOT_SCENES = ("TokensToEmbeddings", "QueriesAndKeys", "QueriesMeetKeys", "ScaledSoftmax", "CausalMask",
              "ValuesUpdateEmbeddings", "MultiHeadSum", "AttentionFormula", "AttentionBlock",
              "CrossAttention")                                                   # dots where numbers do not fit


def too_long(count: int, unit: str, scene: str, limit: int, hide_special: bool = False) -> str:
    """The one-line error for a sentence longer than ``scene`` shows: the count, the limit, the fix.

    Parameters
    ----------
    count : int
        How many words (or tokens) the sentence has.
    unit : str
        What was counted: "words" or "tokens".
    scene : str
        The scene that cannot show them.
    limit : int
        The most it shows (``MAX_TOKENS`` for numbers, ``MAX_DOT_TOKENS`` for dots).
    hide_special : bool
        Also suggest running MiniLM without [CLS]/[SEP].

    Returns
    -------
    str
        The message, one line.

    Examples
    --------
    >>> too_long(50, "words", "ScaledSoftmax", 48)
    'the sentence has 50 words; ScaledSoftmax shows at most 48: shorten it to 48 words'
    >>> too_long(20, "words", "ScaledSoftmax", 14)
    'the sentence has 20 words; ScaledSoftmax shows at most 14 with --cells numbers (a number must fit its cell; up to 48 as dots: --cells dots), or shorten it'
    """
    if limit == MAX_TOKENS and limit < MAX_DOT_TOKENS:
        return (f"the sentence has {count} {unit}; {scene} shows at most {limit} with --cells numbers (a number must "
                f"fit its cell; up to {MAX_DOT_TOKENS} as dots: --cells dots), or shorten it")
    hide = " or hide special tokens (--no-special-tokens)" if hide_special else ""
    return f"the sentence has {count} {unit}; {scene} shows at most {limit}: shorten it to {limit} {unit}{hide}"



DEFAULT_LAYER_HEAD = {"toy": (0, 0)}   # fixed defaults; tiny-gpt's and the translator's come with their weights
AUTO_HEAD_MODELS = ("minilm",)         # the teaching head is chosen per sentence (attention_math.heads)
LONG_CONTEXT_LAYER_HEAD = (5, 6)       # QuadraticScaling's long paragraph (MiniLM), whatever the sentence
# The core story and the video of all of it: one model for a sentence, so tokens and numbers agree
# from clip to clip (a decoder when it knows every word). Other scenes read their own models.
STORY_SCENES = ("TokensToEmbeddings", "QueriesAndKeys", "QueriesMeetKeys", "ScaledSoftmax", "CausalMask", "ValuesUpdateEmbeddings",
                "MultiHeadSum", "AttentionFormula", "AttentionBlock")
CAUSAL_STORY = STORY_SCENES   # former name
DECODERS = ("tiny-gpt",)      # models trained to predict the next token: causal as they were trained
log = logging.getLogger("attention_animated")
_said: set[str] = set()


def note_once(message: str) -> None:
    """A note on stderr ("note: …"), said once per process however often the settings are resolved.

    Parameters
    ----------
    message : str
        The note, logged as a warning the first time only.

    Examples
    --------
    >>> from scenes.kit.model_rules import note_once
    >>> note_once("an example note, said once")        # on stderr the first time; never again
    """
    if message not in _said:
        _said.add(message)
        log.warning(message)


def tiny_gpt(device: str):
    """tiny-gpt's weights on ``device`` (loaded once per process).

    Parameters
    ----------
    device : str
        "cpu", "cuda", … or "auto".
    """
    from attention_math.device import resolve_device
    from attention_math.weights import load_tiny_gpt

    return load_tiny_gpt(resolve_device(device))


def translator(device: str):
    """The translator's weights on ``device`` (loaded once per process).

    Parameters
    ----------
    device : str
        "cpu", "cuda", … or "auto".
    """
    from attention_math.device import resolve_device
    from attention_math.weights import load_translator

    return load_translator(resolve_device(device))


def default_model(scene: str, sentence: str, device: str = "cpu") -> str:
    """The story's model for ``sentence``: tiny-gpt when it knows every word, else minilm (one rule for
    every scene of ``STORY_SCENES``, so the clips of a series agree); the translator for
    CrossAttention when it knows every word; minilm for the other scenes.

    Parameters
    ----------
    scene : str
        The scene's name.
    sentence : str
        The sentence the scene will read.
    device : str
        Where to load tiny-gpt or the translator to ask whether they know every word.

    Returns
    -------
    str
        "tiny-gpt", "translator" or "minilm".

    Examples
    --------
    >>> from scenes.kit.model_rules import default_model
    >>> default_model("MyScene", "the cat sat")            # not a scene of the story
    'minilm'
    """
    if scene == "CrossAttention":
        try:
            fits = translator(device).fits(sentence)
        except InputError:
            fits = False
        if not fits:
            note_once(f"{scene}: the translator does not know every word of the sentence, so it uses minilm "
                      "reading --context (pass --model to choose)")
        return "translator" if fits else "minilm"
    if scene not in STORY_SCENES:
        return "minilm"
    fits = story_fits_tiny_gpt(sentence, device)
    if not fits and _readable(sentence):      # an unreadable sentence gets its own error, and no note before it
        note_once(f"{scene}: tiny-gpt does not know every word of the sentence, so it uses minilm "
                  "(pass --model to choose)")
    return "tiny-gpt" if fits else "minilm"


def models_like(scene_class: type) -> str:
    """The scene whose default model a scene class gets: its ``models_like`` (a scene made with ``new``
    names the built-in scene it starts from), else its own name.

    Parameters
    ----------
    scene_class : type
        A scene class.

    Returns
    -------
    str
        A scene name, for ``SceneSettings.for_scene``.

    Examples
    --------
    >>> class MyCopy:
    ...     models_like = "ScaledSoftmax"
    >>> models_like(MyCopy), models_like(type("Other", (), {}))
    ('ScaledSoftmax', 'Other')
    """
    return getattr(scene_class, "models_like", None) or scene_class.__name__


def _readable(sentence: str) -> bool:
    """Whether the sentence passes the common checks (not empty, no control characters)."""
    from attention_math.tokenize import clean_sentence

    try:
        clean_sentence(sentence)
    except InputError:
        return False
    return True


def story_fits_tiny_gpt(sentence: str, device: str = "cpu") -> bool:
    """Whether tiny-gpt knows every word of ``sentence`` (False when its weights are missing).

    Parameters
    ----------
    sentence : str
        The sentence.
    device : str
        Where to load tiny-gpt.

    Returns
    -------
    bool
        True when every word is in tiny-gpt's vocabulary.

    Examples
    --------
    >>> from scenes.kit.model_rules import story_fits_tiny_gpt
    >>> story_fits_tiny_gpt("zyzzyva quux")
    False
    """
    try:
        return bool(tiny_gpt(device).fits(sentence))
    except InputError:
        return False


def is_decoder(model: str) -> bool:
    """A model trained to predict the next token (causal by training), not an encoder.

    Parameters
    ----------
    model : str
        The model's name, as in ``SceneSettings.model``.

    Returns
    -------
    bool
        True for tiny-gpt and GPT-2.

    Examples
    --------
    >>> from scenes.kit.model_rules import is_decoder
    >>> is_decoder("tiny-gpt"), is_decoder("minilm")
    (True, False)
    """
    return model in DECODERS

