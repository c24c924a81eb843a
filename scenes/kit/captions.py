"""Captions at the bottom of the frame: said, shown, and held until read.

A caption is written in the scene's theme at the bottom of the frame, added to the subtitles
(``.srt``/``.vtt``) in plain text, and kept on screen for the time it needs to be read
(``caption_seconds``) before the next caption, beat or clear. ``AttentionScene`` mixes
``Captions`` in; its ``play`` brings a pending caption in with the next animation's content.

Examples
--------
>>> from scenes.kit.captions import CAPTION_TOP, caption_seconds
>>> caption_seconds("the caption needs time to be read"), CAPTION_TOP
(2.3333333333333335, -3.45)
"""

from __future__ import annotations

import math

from manim import DOWN, FadeIn, FadeOut, Text, VGroup, config
from manim.utils.rate_functions import rush_into

from scenes.kit.notation import plain
from scenes.kit.text_mobjects import MIN_TEXT_POINTS, label, wrapped_label

CAPTION_MIN_SECONDS = 1.5      # no caption is on screen for less
CAPTION_WORDS_PER_SECOND = 3.0  # … nor read faster than this


def caption_seconds(text: str) -> float:
    """The seconds a caption needs on screen: at least 1.5, and 1/3 s for every word (a word has a letter
    or digit in it; "·" and "→" are not words).

    Parameters
    ----------
    text : str
        The caption (notation markers allowed: ``W_Q`` counts as one word).

    Returns
    -------
    float
        Seconds.

    Examples
    --------
    >>> caption_seconds("every column sums to 1")
    1.6666666666666667
    >>> caption_seconds("K·Q")
    1.5
    """
    words = sum(1 for part in plain(text).split() if any(ch.isalnum() for ch in part))
    return max(CAPTION_MIN_SECONDS, words / CAPTION_WORDS_PER_SECOND)


CAPTION_TOP = -3.45     # the caption's band starts under this line
CAPTION_POINTS = 20


class Captions:
    """The caption of an ``AttentionScene``: ``caption`` replaces it, ``hold_caption`` waits until it
    has been read, ``clear_frame`` fades out the frame and forgets it.

    A mixin of ``AttentionScene`` (it reads the scene's ``theme`` and caption state, set by its ``setup``).

    Examples
    --------
    >>> from scenes.kit import AttentionScene, render_frame
    >>> class Said(AttentionScene):
    ...     def construct(self) -> None:
    ...         self.caption("one caption")     # replaced before any play: never shown, not in the subtitles
    ...         self.caption("then another")
    >>> [s.content for s in render_frame(Said).renderer.file_writer.subcaptions]
    ['then another']
    """

    def caption(self, text: str, run_time: float = 0.6) -> Text | VGroup:
        """Replace the caption at the bottom of the frame.

        Parameters
        ----------
        text
            Plain text, with notation from ``scenes.kit.notation`` (``W_Q``) set as subscripts; scaled
            down to fit the frame's width when long. The subtitles write that notation plainly ("W_Q").
        run_time
            Seconds of the change: the previous caption fades out, then this one fades in.

        Returns
        -------
        Text
            The new caption.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Captioned(AttentionScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         self.caption(f"every column sums to 1 · {self.model_note(trace)}")
        >>> render_frame(Captioned).renderer.file_writer.subcaptions[-1].content
        'every column sums to 1 · toy model (seed 0, d_model 12, 3 heads), layer 0, head 0'

        """
        new = self.caption_mobject(text)
        if self._pending_caption is not None and self.renderer.file_writer.subcaptions:
            self.renderer.file_writer.subcaptions.pop()      # said but never shown: replaced before any play
        else:
            self.hold_caption()
        self.add_subcaption(plain(text))   # for the .srt/.vtt beside the video (W_Q: no subscripts there); it lasts until the next caption
        self._caption_said = (float(self.time), caption_seconds(text))
        if self._caption is not None and self._pending_caption is None:
            # Out, then in: two captions half-visible on top of each other read as neither. Speed: manim
            # redraws every mobject above the first one animated; on top, only the caption is redrawn.
            self.bring_to_front(self._caption)
            self.play(FadeOut(self._caption), run_time=run_time / 2)
            self.play(FadeIn(new), run_time=run_time / 2)
        else:        # on an empty or cleared frame it comes in with the next play's content, not alone
            self._pending_caption = new
        self._caption = new
        return new

    def caption_mobject(self, text: str) -> Text | VGroup:
        """The caption as drawn, at the bottom of the frame: one line, scaled down to the frame's width
        when long but never under 12 px at 720p; a caption longer than that breaks into two lines.

        Parameters
        ----------
        text
            As for ``caption``.

        Returns
        -------
        Text or VGroup
            The caption's text (one line), or its two lines.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Long(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.caption("a caption far too long for one line of the frame " * 5)
        >>> len(render_frame(Long)._caption.submobjects)      # two lines
        2

        """
        width = config.frame_width - 0.6
        new = label(text, self.theme, CAPTION_POINTS, color=self.theme.muted)
        floor = MIN_TEXT_POINTS / CAPTION_POINTS
        if new.width > width / floor:                     # one line would be under 12 px: two lines at the floor
            new = wrapped_label(text, self.theme, CAPTION_POINTS, new.width / 2 + 0.5, color=self.theme.muted)
            new.scale(min(floor, width / new.width)).to_edge(DOWN, buff=0.08)
            return new
        if new.width > width:
            new.scale_to_fit_width(width)
        return new.to_edge(DOWN, buff=0.12)

    def clear_frame(self, *keep, run_time: float = 0.4) -> None:
        """Fade out everything on screen but ``keep``, quickly and fastest at the end, so the frame is
        never dim for long; the next play's fade-ins start fast. A cleared caption is forgotten.

        Parameters
        ----------
        *keep
            Mobjects that stay (e.g. the title).
        run_time
            Seconds of the fade-out.

        Examples
        --------
        >>> from manim import Circle, FadeIn, Square
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class TwoPictures(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.play(FadeIn(Circle()))
        ...         self.clear_frame()
        ...         self.play(FadeIn(Square()))        # comes in fast: no dim frames between the two
        >>> [type(m).__name__ for m in render_frame(TwoPictures).mobjects]
        ['Square']

        """
        self.hold_caption()
        leaving = [m for m in self.mobjects if m not in keep]
        if leaving:
            self.play(*(FadeOut(m, rate_func=rush_into) for m in leaving), run_time=run_time)
            self._entering = True
        if self._caption is not None and self._caption not in keep:
            self._caption = None

    def hold_caption(self) -> None:
        """Pause until the caption on screen has been shown for the time it needs to be read
        (``caption_seconds``: at least 1.5 s, at most 3 words a second); nothing when it has.

        Called before a caption changes, a beat begins, the scene ends, or a scene clears its
        caption itself.

        Examples
        --------
        >>> from manim import FadeOut
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Cleared(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.caption("read this before it goes")
        ...         self.wait(0.2)
        ...         self.hold_caption()                 # the caption has had its 1.5 s
        ...         self.play(FadeOut(self._caption))
        >>> render_frame(Cleared).renderer.file_writer.subcaptions[-1].content
        'read this before it goes'

        """
        if self._caption_said is None:
            return
        said, needs = self._caption_said
        remaining = said + needs - float(self.time)
        if remaining > 1e-3:      # whole frames, rounded up (manim writes int(duration × fps) frames of a pause)
            frames = math.ceil(remaining * config.frame_rate - 1e-6)
            super().wait((frames + 1e-6) / config.frame_rate)     # the reader's time, not the pacing's: no multiplier
        self._caption_said = None
