"""What a caption may claim, true to the model: its name, its head, its mask; dots for long sentences.

``AttentionScene`` mixes ``StoryNotes`` in: the same story is told with models that differ (an
encoder reads both ways, a decoder only backwards), so the words come from the trace.

Examples
--------
>>> from scenes.kit.story_notes import MODEL_NAMES
>>> MODEL_NAMES["minilm"]
'MiniLM'
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, VGroup

from attention_math import AttentionTrace

from scenes.kit.model_rules import MAX_TOKENS, is_decoder
from scenes.kit.notation import typeset
from scenes.kit.text_mobjects import label

MODEL_NAMES = {"minilm": "MiniLM", "toy": "the toy model", "translator": "the translator"}   # others: as typed


class StoryNotes:
    """The words of an ``AttentionScene`` about the model: where the numbers come from (``model_note``),
    what the model is (``model_name``, ``is_decoder``), why it is masked (``mask_note``, ``next_token_note``),
    and the note that a long sentence is drawn in dots.

    A mixin of ``AttentionScene`` (it reads the scene's ``settings``, ``theme`` and ``head``).

    Examples
    --------
    >>> from scenes.kit import AttentionScene, SceneSettings
    >>> trace = SceneSettings(sentence="the cat sat", model="toy").trace()
    >>> AttentionScene.model_name(trace), AttentionScene.is_decoder(trace)
    ('the toy model', False)
    """

    def model_note(self, trace: AttentionTrace) -> str:
        """"<model>, layer L, head H": the words that say where the numbers on screen come from.

        Parameters
        ----------
        trace : AttentionTrace
            The trace the numbers on screen come from.

        Returns
        -------
        str
            E.g. "the toy model (seed 0, d_model 12, 3 heads), layer 0, head 0", notation set as subscripts,
            and why this head was chosen when the settings say.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Noted(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.caption(self.model_note(self.trace()))
        >>> render_frame(Noted).renderer.file_writer.subcaptions[-1].content
        'toy model (seed 0, d_model 12, 3 heads), layer 0, head 0'

        """
        reason = self.settings.head_reason()
        return f"{typeset(trace.description)}, layer {trace.layer}, head {self.head}" + (f" ({reason})" if reason else "")

    # --- long sentences: dots where numbers do not fit ------------------------------------------
    @staticmethod
    def too_many_for_numbers(trace: AttentionTrace) -> bool:
        """More tokens than columns of numbers fit across the frame: the beats draw dots instead.

        Parameters
        ----------
        trace : AttentionTrace
            The trace to draw (its query and key tokens count).

        Returns
        -------
        bool
            True beyond ``MAX_TOKENS`` tokens.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, SceneSettings
        >>> AttentionScene.too_many_for_numbers(SceneSettings(sentence="the cat sat", model="toy").trace())
        False
        """
        return max(len(trace.tokens), len(trace.key_tokens)) > MAX_TOKENS

    def _dots_note(self, n: int, aligned_edge: np.ndarray, unit: str | None = None, short: bool = False) -> VGroup:
        """"n words: dots, not numbers" over "(numbers up to 14 words)", not yet placed (words when the
        trace shows words: ``n`` then counts no folded [CLS]+[SEP] row)."""
        if unit is None:
            trace = self.trace(cross=getattr(self, "cross", False))
            unit = "words" if trace.is_words else "tokens"
            if trace.is_words and trace.special_key and n == len(trace.key_tokens) > len(trace.tokens):
                n -= 1
        if short:        # beside a grid as wide as the frame allows
            note = VGroup(label(f"{n} {unit}: dots", self.theme, 18, color=self.theme.muted),
                          label(f"(numbers up to {MAX_TOKENS})", self.theme, 16, color=self.theme.muted))
        else:
            note = VGroup(label(f"{n} {unit}: dots, not numbers", self.theme, 18, color=self.theme.muted),
                          label(f"(numbers up to {MAX_TOKENS} {unit})", self.theme, 16, color=self.theme.muted))
        return note.arrange(DOWN, aligned_edge=aligned_edge, buff=0.08)

    # --- one story: what a caption may claim depends on the model -----------------------------
    @staticmethod
    def model_name(trace: AttentionTrace) -> str:
        """The model as a caption names it: "MiniLM", "tiny-gpt", "the toy model", "the translator".

        Parameters
        ----------
        trace : AttentionTrace
            The trace whose ``model`` is named.

        Returns
        -------
        str
            The name a caption uses (unknown models as typed).

        Examples
        --------
        >>> from scenes.kit import AttentionScene, SceneSettings
        >>> AttentionScene.model_name(SceneSettings(sentence="the cat sat", model="toy").trace())
        'the toy model'
        """
        return MODEL_NAMES.get(trace.model, trace.model)

    @staticmethod
    def is_decoder(trace: AttentionTrace) -> bool:
        """A decoder (trained to predict the next token, causal by training), not an encoder.

        Parameters
        ----------
        trace : AttentionTrace
            The trace whose ``model`` is asked about.

        Returns
        -------
        bool
            True for a decoder (tiny-gpt, GPT-2).

        Examples
        --------
        >>> from scenes.kit import AttentionScene, SceneSettings
        >>> AttentionScene.is_decoder(SceneSettings(sentence="the cat sat", model="toy").trace())
        False
        """
        return is_decoder(trace.model)

    def mask_note(self, trace: AttentionTrace) -> str:
        """Why this pattern is causal (or is not), true to the model: a caption.

        Parameters
        ----------
        trace : AttentionTrace
            The trace drawn (its model and whether it is ``causal``).

        Returns
        -------
        str
            The caption.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Masked(AttentionScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace(causal=True)
        ...         self.caption(self.mask_note(trace))     # "… is an encoder, masked here for illustration"
        >>> render_frame(Masked).renderer.file_writer.subcaptions[-1].content
        'the toy model is an encoder (it reads both ways), masked here for illustration'

        """
        if self.is_decoder(trace):
            return f"{self.model_name(trace)} is a decoder: each token attends only to itself and earlier tokens"
        if trace.causal:
            return f"{self.model_name(trace)} is an encoder (it reads both ways), masked here for illustration"
        return f"{self.model_name(trace)} is an encoder: every token attends to every token, before and after it"

    def next_token_note(self, trace: AttentionTrace) -> str:
        """The caption about next-token prediction: a claim only a decoder supports.

        Parameters
        ----------
        trace : AttentionTrace
            The trace drawn (its model).

        Returns
        -------
        str
            The caption: the claim for a decoder, "masked here for illustration" for an encoder.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class NextToken(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.caption(self.next_token_note(self.trace(causal=True)))
        >>> render_frame(NextToken).renderer.file_writer.subcaptions[-1].content
        'a decoder (GPT) masks like this to predict each next token; the toy model is an encoder, masked here for ...'

        """
        if self.is_decoder(trace):
            return "each position predicts the next token from earlier ones only: all trained at once, in parallel"
        return (f"a decoder (GPT) masks like this to predict each next token; {self.model_name(trace)} is an encoder, "
                "masked here for illustration")
