"""The whole story as one video: its chapters in order, each a section, reusing their code."""

from __future__ import annotations

from manim import FadeOut

from scenes import scene_class
from scenes.catalog import CHAPTERS as CHAPTER_NAMES, about

CHAPTERS = tuple(scene_class(name) for name in CHAPTER_NAMES)     # the story's order, from the catalog


class AttentionBlock(*CHAPTERS):
    """Inherits every chapter, so each chapter's ``construct`` and helpers run unchanged on this scene."""

    description = about("AttentionBlock").description
    in_chapters = True

    def construct(self) -> None:
        for i, chapter in enumerate(CHAPTERS):
            self.hold_caption()           # the chapter ends once its last caption has been read
            self.next_section(chapter.__name__)
            if i:
                self.clear_chapter()      # in the new chapter's section: each section ends on its chapter's picture
            chapter.construct(self)

    def clear_chapter(self) -> None:
        """Clear the frame for the next chapter (quickly: a chapter change is a cut, not a dip to black)
        and forget the chapter's title."""
        self.clear_frame()
        self.title_mobject = None
