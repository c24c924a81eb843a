"""The whole story as one video: its chapters in order, each a section, reusing their code."""

from __future__ import annotations

from manim import FadeOut

from scenes.attention_formula import AttentionFormula
from scenes.causal_mask import CausalMask
from scenes.multi_head_sum import MultiHeadSum
from scenes.queries_and_keys import QueriesAndKeys
from scenes.queries_meet_keys import QueriesMeetKeys
from scenes.scaled_softmax import ScaledSoftmax
from scenes.tokens_to_embeddings import TokensToEmbeddings
from scenes.values_update_embeddings import ValuesUpdateEmbeddings

CHAPTERS = (TokensToEmbeddings, QueriesAndKeys, QueriesMeetKeys, ScaledSoftmax, CausalMask, ValuesUpdateEmbeddings,
            MultiHeadSum, AttentionFormula)


class AttentionBlock(*CHAPTERS):
    """Inherits every chapter, so each chapter's ``construct`` and helpers run unchanged on this scene."""

    description = "The story's chapters in one video, one section per chapter."
    CHAPTER_COUNT = len(CHAPTERS)      # the renderer starts the longest scene first
    in_chapters = True

    def construct(self) -> None:
        for i, chapter in enumerate(CHAPTERS):
            self.next_section(chapter.__name__)
            if i:
                self.clear_chapter()      # in the new chapter's section: each section ends on its chapter's picture
            chapter.construct(self)

    def clear_chapter(self) -> None:
        """Fade everything out and forget the chapter's title and caption."""
        if self.mobjects:
            self.play(*(FadeOut(m) for m in self.mobjects), run_time=0.6)
        self._caption = None
        self.title_mobject = None
