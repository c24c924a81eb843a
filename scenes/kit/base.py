"""The base of every scene: settings, theme, trace access, captions and beats."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, Rectangle, Scene, Text, VGroup, Write, config
from manim.utils.rate_functions import rush_from, rush_into, smooth, squish_rate_func
from manim.animation.animation import Animation, prepare_animation

from attention_math import AttentionTrace

from scenes.kit.camera import PathCachingCamera
from scenes.kit.memory import release_free_memory
from scenes.kit.mobjects import MIN_TEXT_POINTS, UPRIGHT_PITCH, AttentionGrid, format_number, label, wrapped_label
from scenes.kit.notation import plain, typeset
from scenes.kit.palette import Theme, themed
from scenes.kit.scene_settings import MAX_TOKENS, SceneSettings, active_settings, head_of, is_decoder, models_like


@dataclass(frozen=True)
class Drawn:
    """What one drawn mobject showed when it was recorded: its text, width and colour.

    Parameters
    ----------
    text : str or None
        The mobject's text (``None`` for a shape: a dot, a bracket).
    width : float
        Its width in scene units.
    color : str
        Its colour, "#rrggbb".

    Examples
    --------
    >>> from manim import Dot
    >>> from scenes.kit.base import Drawn
    >>> Drawn.of(Dot(radius=0.5, color="#ff0000"))
    Drawn(text=None, width=1.0, color='#FF0000')
    """
    text: str | None
    width: float
    color: str

    @classmethod
    def of(cls, mobject) -> Drawn:
        """What ``mobject`` shows now.

        Parameters
        ----------
        mobject : Mobject
            A drawn mobject (a ``FlatText`` has ``.text``).

        Returns
        -------
        Drawn
            Its text, width and colour.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, label, themed
        >>> from scenes.kit.base import Drawn
        >>> Drawn.of(label("cat", themed(SceneSettings()))).text
        'cat'
        """
        return cls(getattr(mobject, "text", None), float(mobject.width), mobject.get_color().to_hex())


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


class AttentionScene(Scene):
    """A scene that reads one trace and draws it. Subclasses split ``construct`` into beats.

    The base of every scene: ``setup`` reads the settings (sentence, model, head, theme, pacing)
    from the renderer, a settings file or :func:`~scenes.kit.use_settings`; ``trace()`` gives the
    trace of those settings; ``beat`` starts a section; ``title`` and ``caption`` write text;
    ``play`` and ``wait`` apply the settings' pacing; ``record`` keeps what was drawn for tests.

    Parameters
    ----------
    settings : SceneSettings or None
        What to show: the renderer gives each scene its request's. None (plain ``manim``, a
        notebook): ``setup`` reads ``active_settings``, the environment's and ``use_settings``'.

    Attributes
    ----------
    description : str
        One line for ``attention-render list``.
    needs : tuple of str
        ``SceneSettings`` methods beyond the trace the scene reads (checked before rendering).
    settings : SceneSettings
        The settings of this render (after ``setup``).
    theme : Theme
        The palette of those settings.
    head : int
        The head to show.

    Examples
    --------
    >>> from manim import FadeIn
    >>> from scenes.kit import AttentionScene, TokenBoxes, render_frame
    >>> class Tokens(AttentionScene):
    ...     description = "The sentence, token by token."
    ...
    ...     def construct(self) -> None:
    ...         trace = self.trace()
    ...         # --- the tokens ---
    ...         self.beat("tokens")
    ...         self.title("The sentence, as the model reads it")
    ...         self.play(FadeIn(TokenBoxes(trace.tokens, self.theme)))
    ...         self.caption(f"{len(trace.tokens)} tokens · {self.model_note(trace)}")
    >>> render_frame(Tokens).renderer.file_writer.subcaptions[-1].content
    '3 tokens · toy model (seed 0, d_model 12, 3 heads), layer 0, head 0'

    >>> Tokens.description
    'The sentence, token by token.'

    Render it with ``attention-render render my_file.py:Tokens``.
    """

    description = ""   # one line, for `attention-render list`
    needs: tuple[str, ...] = ()   # SceneSettings methods beyond the trace that the scene reads (checked before rendering)
    cross: bool = False           # the scene reads the cross-attention trace (checked before rendering)

    def __init__(self, *args, settings: SceneSettings | None = None, **kwargs) -> None:
        kwargs.setdefault("camera_class", PathCachingCamera)
        self._given_settings = settings      # the renderer's; None: the environment's and use_settings' (setup)
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        """Read the settings, the theme and the head before ``construct`` runs (manim calls it).

        A subclass that overrides it calls ``super().setup()`` first.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Light(AttentionScene):
        ...     def setup(self) -> None:
        ...         super().setup()
        ...         self.numbers_shown = 0
        >>> render_frame(Light).numbers_shown
        0

        """
        name = type(self).__name__
        given = self._given_settings
        self.settings: SceneSettings = (given or active_settings(name)).for_scene(models_like(type(self)))
        self.theme: Theme = themed(self.settings)
        self.camera.background_color = self.theme.background
        self.head = head_of(self.settings)
        self._caption: Text | None = None
        self._pending_caption: Text | None = None      # a first caption waits for the next play's content
        self._pending_title: Text | None = None        # … and so does a title
        self._entering = False                         # the next play follows a clear (see ``clear_frame``)
        self._caption_said: tuple[float, float] | None = None    # (when the caption was said, the seconds it needs)
        self.title_mobject: Text | None = None
        self.shown: dict[str, tuple[VGroup, np.ndarray]] = {}   # what was drawn, and from which values

    def record(self, name: str, group: VGroup, values) -> VGroup:
        """Remember what a drawn group shows and the trace values behind it, so tests can compare the two.

        Parameters
        ----------
        name
            The key in ``self.shown``.
        group
            The mobjects drawn (their text, width and colour are kept as they are now).
        values
            The trace values they show.

        Returns
        -------
        VGroup
            ``group``, so the call can wrap the expression that makes it.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Recorded(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         pattern = trace.on_screen("pattern", self.head)
        ...         grid, numbers = self.show_grid(trace, pattern)
        ...         self.record("pattern", numbers, pattern)   # tests: self.shown["pattern"]
        >>> sorted(render_frame(Recorded).shown)
        ['pattern', 'query_column']

        """
        self.shown[name] = ([Drawn.of(m) for m in group], np.asarray(values))   # later transforms morph the group
        return group

    def trace(self, causal: bool | None = None, cross: bool = False) -> AttentionTrace:
        """The trace of the settings; ``causal=None`` follows the settings' --causal choice.

        Parameters
        ----------
        causal
            Mask future keys (True), never (False), or as the settings say (None).
        cross
            Cross-attention: keys and values from the settings' ``context`` sentence.

        Returns
        -------
        AttentionTrace
            Named tensors of one attention layer (cached: scenes of one render share it).

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Shapes(AttentionScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace(causal=True)
        ...         pattern = trace.on_screen("pattern", self.head)    # [keys, queries], masked
        >>> render_frame(Shapes).head
        0

        """
        trace = self.settings.trace(causal=causal, cross=cross)
        self.settings.check_token_count(trace, type(self).__name__)
        return trace

    # --- pacing: the settings' multipliers apply to every animation and pause -----------------
    def play(self, *animations, **kwargs) -> None:
        """Play animations, their run time multiplied by the settings' pacing (``run_time``).

        Parameters
        ----------
        *animations : Animation
            As for manim's ``Scene.play``; a pending title or caption comes in with them.
        **kwargs
            As for ``Scene.play``; ``run_time`` (default: the longest animation's) is multiplied by the
            settings' ``run_time``.

        Examples
        --------
        >>> from manim import Circle, Create
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Paced(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.play(Create(Circle(color=self.theme.query)), run_time=1)  # × pacing.run_time
        >>> render_frame(Paced).time, render_frame(Paced, run_time=2.0).time
        (1.0, 2.0)

        """
        if self._pending_title is not None:
            animations = (FadeIn(self._pending_title, shift=DOWN * 0.2), *animations)
            self._pending_title = None
        if self._entering:             # the frame was just cleared: what comes in comes in fast, no dim frames
            for animation in animations:
                for part in getattr(animation, "animations", [animation]):     # a LaggedStart's parts too
                    if isinstance(part, (FadeIn, Create, Write)):
                        part.rate_func = rush_from
            self._entering = False
        if self._pending_caption is not None:
            animations = (*animations, FadeIn(self._pending_caption))
            self._pending_caption = None
        if self.settings.run_time != 1.0:
            if "run_time" not in kwargs:
                kwargs["run_time"] = max(prepare_animation(a).run_time for a in animations)
            kwargs["run_time"] *= self.settings.run_time
        super().play(*animations, **kwargs)
        release_free_memory(config.pixel_width * config.pixel_height)   # the finished animation's encoder buffers

    def wait(self, duration: float = 1.0, *args, **kwargs) -> None:
        """Pause, the duration multiplied by the settings' pacing (``wait``).

        Parameters
        ----------
        duration : float
            Seconds before the pacing multiplier (``settings.wait``).
        *args, **kwargs
            As for manim's ``Scene.wait``.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Pause(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.wait(1.5)          # 1.5 s × pacing.wait
        >>> render_frame(Pause).time, render_frame(Pause, wait=2.0).time
        (1.5, 3.0)

        """
        super().wait(duration * self.settings.wait, *args, **kwargs)

    in_chapters = False   # AttentionBlock: one section per chapter, not per beat

    def beat(self, name: str) -> None:
        """Start a new section, so lecturers can cut clips at every beat.

        Each beat is one clip of ``--sections`` and one slide of ``attention-render slides``; put it
        first under the beat's headline comment.

        Parameters
        ----------
        name
            The section's name (the clip's and slide's name).

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class TwoBeats(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         # --- the scores ---
        ...         self.beat("scores")
        ...         self.show_grid(trace, trace.on_screen("scores", self.head), "Scores")
        ...         # --- the end ---
        ...         self.beat("end")
        ...         self.wait(1)
        >>> sorted(render_frame(TwoBeats).shown)
        ['query_column']

        """
        self.hold_caption()           # the last beat ends once its caption has been read
        if not self.in_chapters:
            self.next_section(name)

    def title(self, text: str) -> Text:
        """Fade in a title at the top of the frame, with the next animation's content (a title alone
        on an empty frame reads as a gap).

        Parameters
        ----------
        text
            Plain text (never markup, never LaTeX).

        Returns
        -------
        Text
            The title, also kept as ``self.title_mobject``.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class Titled(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.title("Queries meet keys")
        >>> bool(render_frame(Titled).title_mobject.get_top()[1] > 3.5)      # at the top of the frame
        True

        """
        title = label(text, self.theme, 26).to_edge(UP, buff=0.2)
        self._pending_title = title      # it comes in with the next play's content: never a title alone on the frame
        self.title_mobject = title
        return title

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

    def tear_down(self) -> None:
        """After ``construct``: a caption said after the last play still reaches the last frame.

        Examples
        --------
        >>> from scenes.kit import AttentionScene, render_frame
        >>> class LastWord(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.caption("said last, shown in the final frame")
        >>> render_frame(LastWord).renderer.file_writer.subcaptions[-1].content
        'said last, shown in the final frame'

        """
        for pending in (self._pending_title, self._pending_caption):   # said after the last play: in the last frame
            if pending is not None:
                self.add(pending)
        self._pending_title = self._pending_caption = None
        self.hold_caption()                          # the last caption stays until it has been read
        super().tear_down()

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


MODEL_NAMES = {"minilm": "MiniLM", "toy": "the toy model", "translator": "the translator"}   # others: as typed
GRID_WIDTH = 9.0        # the grid's cells; the strip to their right holds what is lifted out of the grid
CAPTION_TOP = -3.45     # the caption's band starts under this line
CAPTION_POINTS = 20
LIFT_GAP = 0.55         # between the grid and a column lifted out of it


OUT_FIRST = squish_rate_func(smooth, 0.0, 0.5)    # a cross-fade in one animation: the old fade out first,
IN_SECOND = squish_rate_func(smooth, 0.5, 1.0)    # then the new fade in, never both half-drawn at once

RGBA_ARRAYS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")   # the colour arrays a fade scales


class _OpacityFade(Animation):
    """A fade in or out that scales the mobject's own opacities: no copies of it (manim's FadeIn and
    FadeOut deep-copy the whole group twice, which for a grid of glyphs cost more than drawing it)."""

    def __init__(self, mobject, fade_in: bool, introducer: bool | None = None, **kwargs) -> None:
        self.fade_in = fade_in      # introducer=False: fade in where it already is in the scene's order
        super().__init__(mobject, introducer=fade_in if introducer is None else introducer, remover=not fade_in,
                         **kwargs)

    def create_starting_mobject(self):
        return self.mobject                     # nothing to copy: the opacities are kept below

    def begin(self) -> None:
        self.parts = [(p, {k: a[:, 3].copy() for k in RGBA_ARRAYS if (a := getattr(p, k, None)) is not None and len(a)})
                      for p in self.mobject.family_members_with_points()]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        shown = self.rate_func(alpha) if self.fade_in else 1 - self.rate_func(alpha)
        for part, alphas in self.parts:
            for key, original in alphas.items():
                getattr(part, key)[:, 3] = original * shown

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        if not self.fade_in:
            self.interpolate_mobject(0)          # removed, and left as it was (as FadeOut leaves it)


class GridScene(AttentionScene):
    """Shared beats of the scenes built on the attention grid.

    Up to ``MAX_TOKENS`` tokens a cell can hold a number; beyond (up to ``MAX_DOT_TOKENS``) the
    beats that would show numbers show dots, and the frame says so. The pattern itself is drawn
    as the ``cells`` setting asks: dots (area ∝ weight), numbers, or both.

    Examples
    --------
    >>> from manim import ReplacementTransform
    >>> from scenes.kit import GridScene, render_frame
    >>> class DotsSoftmax(GridScene):
    ...     def construct(self) -> None:
    ...         trace = self.trace()
    ...         pattern = trace.on_screen("pattern", self.head)    # [keys, queries]
    ...         # --- the grid ---
    ...         self.beat("grid")
    ...         grid, numbers = self.show_grid(trace, pattern, "Who attends to whom")
    ...         # --- dots ---
    ...         self.beat("dots")
    ...         self.play(ReplacementTransform(numbers, grid.dots(pattern)))
    ...         self.show_column_sums(grid, trace)
    >>> sorted(render_frame(DotsSoftmax).shown)
    ['query_column', 'sums']

    """

    # --- the grid and its layout ------------------------------------------------------------
    def place_grid(self, trace: AttentionTrace, title: str | None = None, query_prefix: str = "",
                   key_prefix: str = "", width: float = GRID_WIDTH, strip: float = 2.8) -> AttentionGrid:
        """Build the grid from the token counts: title on top (beside it for long sentences), key labels at
        the left edge, the strip on the right free for the lifted column, room under it for the Σ row.

        Parameters
        ----------
        trace : AttentionTrace
            The trace whose tokens label the rows (keys) and the columns (queries).
        title : str or None
            A title (none when None): on top, or in the top right corner beside the grid of a long sentence.
        query_prefix, key_prefix : str
            Written before each column's and row's token (e.g. "Q·").
        width : float
            The most scene units the cells may take across.
        strip : float
            Scene units kept free right of the grid for a lifted column (0: none, the grid centred alone).

        Returns
        -------
        AttentionGrid
            Placed, not yet shown (``show_grid`` places and shows).

        Examples
        --------
        >>> from manim import Create
        >>> from scenes.kit import GridScene, render_frame
        >>> class Empty(GridScene):
        ...     def construct(self) -> None:
        ...         grid = self.place_grid(self.trace(), "An empty grid")
        ...         self.play(Create(grid.lines))
        >>> render_frame(Empty).grid.n_rows
        3

        """
        n = max(len(trace.key_tokens), len(trace.tokens))
        big = n > MAX_TOKENS
        top = config.frame_height / 2 - 0.2
        if title and not big:
            top = self.title(title).get_bottom()[1] - 0.15
        height = 5.8 if big else 4.9
        for _ in range(3):            # shrink until the grid, its labels and the Σ row clear the caption
            across = min(width, max(height, len(trace.tokens) * UPRIGHT_PITCH)) if big else width   # upright labels clear
            grid = AttentionGrid(trace.key_tokens, trace.tokens, self.theme, width=across,
                                 height=height, query_prefix=query_prefix, key_prefix=key_prefix,
                                 max_cell_w=1.6, max_cell_h=1.0)
            block = grid.width + (LIFT_GAP + strip if strip else 0)      # centred, with the strip, when it fits
            left = max(-config.frame_width / 2 + 0.35, -block / 2)
            grid.shift(RIGHT * (left - grid.get_left()[0]) + UP * (top - grid.get_top()[1]))
            overflow = CAPTION_TOP - (grid.frame.get_bottom()[1] - grid.cell_h * 1.5)
            if overflow <= 0:
                break
            height -= overflow
        if title and big:
            heading = label(title, self.theme, 26).to_corner(UP + RIGHT, buff=0.25)
            room = config.frame_width / 2 - 0.25 - (grid.get_right()[0] + 0.2)     # right of the upright labels
            if heading.width > room:          # two lines before a smaller font, never under MIN_TEXT_POINTS
                words = title.split(" ")
                cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(title) / 2), default=0)
                if cut:
                    heading = label(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]), self.theme, 26)
                    heading.to_corner(UP + RIGHT, buff=0.25)
            if heading.width > room:
                heading.scale_to_fit_width(room).to_corner(UP + RIGHT, buff=0.25)
            self.play(FadeIn(heading, shift=DOWN * 0.2), run_time=0.6)
            self.title_mobject = heading
        self.grid = grid
        return grid

    def numbers_fit(self, grid: AttentionGrid) -> bool:
        """Whether the grid is small enough for numbers in its cells (else dots).

        Parameters
        ----------
        grid : AttentionGrid
            The placed grid.

        Returns
        -------
        bool
            True up to ``MAX_TOKENS`` rows and columns.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Fits(GridScene):
        ...     def construct(self) -> None:
        ...         grid = self.place_grid(self.trace())
        ...         self.caption("numbers" if self.numbers_fit(grid) else "dots")
        >>> render_frame(Fits).renderer.file_writer.subcaptions[-1].content
        'numbers'

        """
        return max(grid.n_rows, grid.n_cols) <= MAX_TOKENS

    def pattern_mode(self, grid: AttentionGrid) -> str:
        """How the pattern's cells are drawn: the ``cells`` setting, dots where numbers do not fit.

        Parameters
        ----------
        grid : AttentionGrid
            The placed grid.

        Returns
        -------
        str
            "dots", "numbers" or "both".

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Mode(GridScene):
        ...     def construct(self) -> None:
        ...         grid = self.place_grid(self.trace())
        ...         self.caption(f"cells drawn as {self.pattern_mode(grid)}")     # dots, numbers or both
        >>> render_frame(Mode).renderer.file_writer.subcaptions[-1].content
        'cells drawn as dots'

        """
        return self.settings.cells if self.numbers_fit(grid) else "dots"

    def lift_x(self, grid: AttentionGrid) -> float:
        """Where a lifted column stands: in the strip right of the grid.

        Parameters
        ----------
        grid : AttentionGrid
            The placed grid.

        Returns
        -------
        float
            The scene x of the lifted column's centre.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Lift(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, cells = self.show_grid(trace, trace.on_screen("scores", self.head))
        ...         column = grid.column(cells, 0)
        ...         self.play(column.animate.shift(grid.lift_offset(0, self.lift_x(grid))))
        >>> sorted(render_frame(Lift).shown)
        ['query_column']

        """
        return grid.frame.get_right()[0] + LIFT_GAP + grid.cell_w / 2

    def show_grid(self, trace: AttentionTrace, values, title: str | None = None,
                  query_prefix: str = "", key_prefix: str = "", name: str | None = None) -> tuple[AttentionGrid, VGroup]:
        """Draw the grid (keys as rows, queries as columns), the followed query's column marked, and fill
        it with ``values`` [T_k, T_q]: numbers, or dots when the sentence is too long for numbers.

        Parameters
        ----------
        trace
            The trace whose tokens label the rows and columns.
        values
            Numbers in screen orientation, from ``trace.on_screen(name, head)``.
        title
            A title above the grid (none when None).
        query_prefix, key_prefix
            Written before each column's and row's token (e.g. "Q·").
        name
            Record the cells under this name (``self.shown``), for tests.

        Returns
        -------
        tuple of (AttentionGrid, VGroup)
            The grid (also ``self.grid``) and its cells, row-major.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Scores(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, numbers = self.show_grid(trace, trace.on_screen("scores", self.head), "K·Q", name="scores")
        >>> render_frame(Scores).shown["scores"][1].shape
        (3, 3)

        """
        grid = self.place_grid(trace, title, query_prefix, key_prefix)
        band = self.mark_query_column(grid, trace)
        self.play(Create(grid.lines), FadeIn(grid.query_labels), FadeIn(grid.key_labels), FadeIn(band), run_time=1)
        cells = self.number_cells(grid, name, values)
        self.play(LaggedStart(*(FadeIn(n) for n in cells), lag_ratio=min(0.01, 2 / len(cells)), run_time=1.2))
        if not self.numbers_fit(grid):
            self.say_dots_not_numbers(grid)
        return grid, cells

    def mark_query_column(self, grid: AttentionGrid, trace: AttentionTrace) -> Rectangle:
        """An outline around the followed query's column (``--query-token``), kept to the end.

        Parameters
        ----------
        grid : AttentionGrid
            The placed grid.
        trace : AttentionTrace
            The trace drawn (the settings' ``query_token`` is found in its tokens).

        Returns
        -------
        Rectangle
            The outline, not yet shown (also ``self.query_band``, recorded as ``query_column``).

        Examples
        --------
        >>> from manim import FadeIn
        >>> from scenes.kit import GridScene, render_frame
        >>> class Band(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid = self.place_grid(trace)
        ...         self.play(FadeIn(grid), FadeIn(self.mark_query_column(grid, trace)))
        >>> sorted(render_frame(Band).shown)
        ['query_column']

        """
        qi = self.settings.query_index(trace)
        band = grid.column_highlight(qi, self.theme.of("selected")).set_stroke(width=2)    # an outline: no tint
        self.query_band = self.record("query_column", VGroup(band), [qi])[0]             # to mix with a masked cell
        return band

    def show_mask_marks(self, grid: AttentionGrid, lag_ratio: float = 0.0, run_time: float = 0.6) -> VGroup:
        """Shade the masked cells (a later key than the query) in the masked grey, behind everything on the
        grid, and keep them marked to the end; recorded as ``mask_marks``.

        Parameters
        ----------
        grid : AttentionGrid
            The grid whose ``future_cells`` are shaded.
        lag_ratio : float
            The delay between two marks' fade-ins, as a fraction of one fade (0: all at once).
        run_time : float
            Seconds of the whole fade-in.

        Returns
        -------
        VGroup
            The marks, one square per masked cell.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Masked(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace(causal=True)
        ...         grid, _ = self.show_grid(trace, trace.on_screen("masked", self.head))
        ...         self.show_mask_marks(grid)
        >>> sorted(render_frame(Masked).shown)
        ['mask_marks', 'query_column']

        """
        marks = grid.mask_marks()
        self.record("mask_marks", marks, grid.future_cells())
        self.add(marks)
        self.bring_to_back(marks)       # under the grid lines, the outline and the numbers: they fade in there
        span = 1 + (len(marks) - 1) * lag_ratio        # lagged by hand: a LaggedStart's group would be added on top
        self.play(*(_OpacityFade(m, fade_in=True, introducer=False,
                                 rate_func=squish_rate_func(smooth, i * lag_ratio / span, (i * lag_ratio + 1) / span))
                    for i, m in enumerate(marks)), run_time=run_time)
        return marks

    def say_dots_not_numbers(self, grid: AttentionGrid) -> VGroup:
        """The note on screen when beats that would show numbers show dots.

        Parameters
        ----------
        grid : AttentionGrid
            The grid the note is about (its size is written), placed under the title or above the grid.

        Returns
        -------
        VGroup
            The note, shown (also ``self.dots_note``).

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Long(GridScene):
        ...     def construct(self) -> None:
        ...         grid = self.place_grid(self.trace())
        ...         if not self.numbers_fit(grid):
        ...             self.say_dots_not_numbers(grid)
        >>> hasattr(render_frame(Long), "dots_note")        # 3 tokens: numbers fit, no note
        False

        """
        note = self._dots_note(max(grid.n_rows, grid.n_cols), aligned_edge=RIGHT)
        if note.width > config.frame_width / 2 - 0.25 - (grid.get_right()[0] + 0.15):     # clear of the grid's labels
            note = self._dots_note(max(grid.n_rows, grid.n_cols), aligned_edge=RIGHT, short=True)
        anchor = self.title_mobject.get_bottom()[1] - 0.2 if self.title_mobject is not None else grid.frame.get_top()[1]
        note.move_to(RIGHT * (config.frame_width / 2 - 0.25 - note.width / 2) + UP * (anchor - note.height / 2))
        self.play(FadeIn(note), run_time=0.5)
        self.dots_note = note
        return note

    # --- what the cells show ----------------------------------------------------------------
    def number_cells(self, grid: AttentionGrid, name: str | None, values, max_abs: float | None = None) -> VGroup:
        """A beat about numbers: the numbers, or signed dots when numbers do not fit; recorded as ``name``
        (numbers) or ``name_dots`` (dots).

        Parameters
        ----------
        grid : AttentionGrid
            The grid the cells sit in.
        name : str or None
            The name to record the cells under (nothing recorded when None).
        values : numpy.ndarray
            ``[n_keys, n_queries]`` in screen orientation.
        max_abs : float or None
            The |value| of a dot that fills its cell (default: the largest finite |value|).

        Returns
        -------
        VGroup
            The cells, row-major, not yet shown.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Scaled(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, scores = self.show_grid(trace, trace.on_screen("scores", self.head))
        ...         scaled = self.number_cells(grid, "scaled", trace.on_screen("scaled", self.head))
        ...         self.cross_fade(scores, scaled)
        >>> sorted(render_frame(Scaled).shown)
        ['query_column', 'scaled']

        """
        if self.numbers_fit(grid):
            cells = grid.numbers(values, self.settings.decimals, color_scale=self.color_scale(values))
            return self.record(name, cells, values) if name else cells
        cells = grid.dots(values, max_abs=max_abs)
        return self.record(f"{name}_dots", cells, values) if name else cells

    def pattern_cells(self, grid: AttentionGrid, name: str, values, max_abs: float | None = 1.0,
                      mode: str | None = None) -> VGroup:
        """A beat about the pattern: per ``mode`` (default ``pattern_mode``) dots whose area is ∝ the value
        (a full cell at ``max_abs``), numbers, or a dot under each number; recorded as ``name_dots`` and ``name``.

        Parameters
        ----------
        grid : AttentionGrid
            The grid the cells sit in.
        name : str
            The name to record the cells under.
        values : numpy.ndarray
            The weights, ``[n_keys, n_queries]`` in screen orientation.
        max_abs : float or None
            The weight of a dot that fills its cell (None: the largest weight).
        mode : str or None
            "dots", "numbers" or "both" (a faint dot under each number); None: ``pattern_mode(grid)``.

        Returns
        -------
        VGroup
            The cells, row-major, not yet shown ("both": a (dot, number) group per cell).

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Pattern(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, scaled = self.show_grid(trace, trace.on_screen("scaled", self.head))
        ...         weights = self.pattern_cells(grid, "pattern", trace.on_screen("pattern", self.head), mode="dots")
        ...         self.cross_fade(scaled, weights)
        >>> sorted(render_frame(Pattern).shown)
        ['pattern_dots', 'query_column']

        """
        mode = mode or self.pattern_mode(grid)
        if mode == "numbers":
            return self.record(name, grid.numbers(values, self.settings.decimals, color_scale=self.color_scale(values)),
                               values)
        dots = self.record(f"{name}_dots", grid.dots(values, max_abs=max_abs, opacity=0.45 if mode == "both" else 1.0),
                           values)
        if mode == "dots":
            return dots
        numbers = self.record(name, grid.numbers(values, self.settings.decimals), values)
        return grid.paired(dots, numbers)

    def cross_fade(self, old: VGroup, new: VGroup, run_time: float = 1.2) -> None:
        """Old cells out, then new cells in, in place, in one animation: numbers never morph into other
        numbers' glyphs, and old and new are never drawn over each other (the old are gone before the new
        appear).

        Parameters
        ----------
        old : VGroup
            The cells on screen; removed at the end.
        new : VGroup
            The cells that replace them (not yet added).
        run_time : float
            Seconds of the whole animation: the first half fades out, the second fades in.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Fade(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, scores = self.show_grid(trace, trace.on_screen("scores", self.head))
        ...         self.cross_fade(scores, grid.numbers(trace.on_screen("scaled", self.head)), run_time=1)
        >>> sorted(render_frame(Fade).shown)
        ['query_column']

        """
        # out, then in: half-faded numbers on top of each other read as neither
        self.play(_OpacityFade(old, fade_in=False, rate_func=OUT_FIRST),
                  _OpacityFade(new, fade_in=True, rate_func=IN_SECOND), run_time=run_time)
        self.remove(*old)        # the faded cells, wherever they were added

    @staticmethod
    def color_scale(values) -> float:
        """The largest finite |value|: the scale numbers are coloured against.

        Parameters
        ----------
        values : numpy.ndarray
            The numbers drawn (−∞ allowed).

        Returns
        -------
        float
            The scale (1.0 when nothing is finite).

        Examples
        --------
        >>> import numpy as np
        >>> from scenes.kit import GridScene
        >>> GridScene.color_scale(np.array([[0.5, -2.0], [-np.inf, 1.0]]))
        2.0
        """
        finite = values[np.isfinite(values)]
        return float(np.abs(finite).max()) if finite.size else 1.0

    # --- the softmax, column by column ------------------------------------------------------
    def softmax_by_column(self, grid: AttentionGrid, old: VGroup, new: VGroup,
                          numbered: tuple[np.ndarray, np.ndarray] | None = None, slow_columns: int = 2,
                          rest_caption: str | None = None) -> None:
        """The softmax down each column, labelled "softmax" beside the grid: the first ``slow_columns`` one by
        one, each lifted out of the grid into the strip beside it, replaced by its softmax there and put
        back; then all the other columns together, in place, in one step (``slow_columns=0``: every column
        at once, for a viewer who has already seen it column by column).

        Nothing moves across the grid: a lifted column cross-fades between the grid and the strip, so no
        cell passes over another's digits; and old cells fade out before new ones fade in, in the strip
        and in the grid, so old and new numbers are never drawn over each other.

        ``numbered`` (the values before and after) shows the slow columns' numbers beside the lifted
        cells when the cells themselves are dots and numbers fit.

        Parameters
        ----------
        grid
            The grid both groups sit in.
        old, new
            The cells before and after (row-major).
        numbered
            The values before and after, to write beside the lifted dots.
        slow_columns
            How many columns go one by one before the rest go together.
        rest_caption
            A caption for the step where the other columns go together (none when None).

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Softmax(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, scaled = self.show_grid(trace, trace.on_screen("scaled", self.head))
        ...         pattern = self.pattern_cells(grid, "pattern", trace.on_screen("pattern", self.head))
        ...         self.softmax_by_column(grid, scaled, pattern, rest_caption="the other columns, at once")
        >>> sorted(render_frame(Softmax).shown)
        ['pattern_dots', 'query_column']

        """
        x = self.lift_x(grid)
        name = label("softmax", self.theme, 20, color=self.theme.of("selected"))
        name.next_to(grid.frame, DOWN, buff=0.12).set_x(x).align_to(grid.frame.get_right() + RIGHT * 0.15, LEFT)
        self.play(FadeIn(name), run_time=0.4)
        before_numbers = after_numbers = None
        if numbered is not None and self.numbers_fit(grid):
            d = self.settings.decimals
            before_numbers = grid.numbers(numbered[0], d, color_scale=self.color_scale(numbered[0]))
            after_numbers = grid.numbers(numbered[1], d, color_scale=1.0)
        slow = min(max(0, slow_columns), grid.n_cols)
        shown = []
        for col in range(slow):
            highlight = grid.column_highlight(col, self.theme.of("selected"))
            offset = grid.lift_offset(col, x)
            before, after = grid.column(old, col), grid.column(new, col)
            lifted, lifted_after = before.copy().shift(offset), after.copy().shift(offset)
            slot = highlight.copy().shift(offset)
            extra_in, extra_out = [], []
            if before_numbers is not None:
                beside = offset + RIGHT * (grid.cell_w / 2 + 0.15 + grid.column(before_numbers, col).width / 2)
                b, a = grid.column(before_numbers, col).shift(beside), grid.column(after_numbers, col).shift(beside)
                extra_in, extra_out = [FadeIn(b)], [FadeOut(b, rate_func=OUT_FIRST), FadeIn(a, rate_func=IN_SECOND)]
                shown.append((a, numbered[1][:, col]))
            # lifted by a cross-fade into the strip (moving cells would pass over their neighbours' numbers)
            self.play(FadeIn(highlight), FadeIn(slot), FadeOut(before), FadeIn(lifted), *extra_in, run_time=0.7)
            self.play(FadeOut(lifted, rate_func=OUT_FIRST), FadeIn(lifted_after, rate_func=IN_SECOND), *extra_out,
                      run_time=0.9)
            back = [FadeOut(shown[-1][0])] if extra_out else []
            self.play(FadeOut(lifted_after), FadeIn(after), FadeOut(highlight), FadeOut(slot), *back, run_time=0.6)
            self.remove(*before, *lifted, *lifted_after)
        if slow < grid.n_cols:           # the other columns: the same softmax, all in one step, in place
            if rest_caption:
                self.caption(rest_caption)
            outline = grid.columns_highlight(slow, grid.n_cols, self.theme.of("selected"))
            rest = range(slow, grid.n_cols)
            before = VGroup(*(cell for col in rest for cell in grid.column(old, col)))
            after = VGroup(*(cell for col in rest for cell in grid.column(new, col)))
            self.play(FadeIn(outline), run_time=0.4)
            self.cross_fade(before, after, run_time=1.2)
            self.play(FadeOut(outline), FadeOut(name), run_time=0.4)
        else:
            self.play(FadeOut(name), run_time=0.3)
        if shown:
            self.record("softmax_numbers", VGroup(*(m for group, _ in shown for m in group)),
                        np.concatenate([values for _, values in shown]))

    def show_dot_legend(self, grid: AttentionGrid, masked: bool = False, scores: np.ndarray | None = None) -> VGroup | None:
        """Beside the grid, in the strip the softmax used: how to read a dot, drawn at the pattern's own
        scale (``pattern_cells``: a weight of 1 fills its cell) for 1, 0.5 and 0.1, and the masked
        cells' shade when ``masked``. Given signed ``scores`` (drawn by ``grid.dots(scores)``: the largest
        |score| fills its cell), dots for the largest |score|, half of it and minus half of it instead.
        Nothing when the cells are numbers only or the strip is too narrow; recorded as ``legend``.

        Parameters
        ----------
        grid : AttentionGrid
            The grid whose dots the legend explains (drawn at its dot size, in its strip).
        masked : bool
            Add a swatch of the masked cells' shade.
        scores : numpy.ndarray or None
            Signed values the dots show instead of weights (their largest |value| fills a cell).

        Returns
        -------
        VGroup or None
            The legend, shown; None when nothing was drawn.

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Legend(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         pattern = trace.on_screen("pattern", self.head)
        ...         grid, _ = self.show_grid(trace, pattern)
        ...         self.show_dot_legend(grid)
        >>> sorted(render_frame(Legend).shown)
        ['legend', 'query_column']

        """
        if self.pattern_mode(grid) == "numbers" and scores is None:
            return None
        scale = 1.0                                               # as pattern_cells draws weights (max_abs=1)
        weights = [1.0, 0.5, 0.1]
        heading = "dot area = weight"
        if scores is not None:                                    # as grid.dots draws scores: the largest is full
            scale = float(np.abs(scores[np.isfinite(scores)]).max()) or 1.0
            weights, heading = [scale, scale / 2, -scale / 2], "dot area = |score|, colour = sign"
        d = self.settings.decimals
        dots = VGroup(*(grid.dot(w, scale, np.zeros(3)) for w in weights))
        rows, y = VGroup(), 0.0
        for dot, w in zip(dots, weights):                           # the dots on one vertical line, each number beside
            number = label(format_number(w, d), self.theme, MIN_TEXT_POINTS + 2, color=self.theme.text)
            dot.move_to([0, y, 0])
            number.move_to([grid.max_radius + 0.2 + number.width / 2, y, 0])
            rows.add(VGroup(dot, number))
            y -= max(2 * grid.max_radius, number.height) + 0.25
        left = grid.frame.get_right()[0] + LIFT_GAP
        room = config.frame_width / 2 - 0.25 - left
        legend = VGroup(wrapped_label(heading, self.theme, 18, room, color=self.theme.muted), rows)
        if masked:
            side = min(grid.cell_w, grid.cell_h, 0.45)           # a swatch of the cells' shade, small enough to fit
            shade = Rectangle(width=side, height=side, stroke_width=0, fill_color=self.theme.of("masked"), fill_opacity=1)
            legend.add(VGroup(shade, label("masked: −∞ → 0", self.theme, 18, color=self.theme.muted))
                       .arrange(RIGHT, buff=0.2))
        legend.arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        if legend.width > room:
            return None
        legend.move_to([left + legend.width / 2, grid.frame.get_center()[1], 0])
        self.record("legend", dots, weights)
        self.play(FadeIn(legend), run_time=0.5)
        return legend

    def show_column_sums(self, grid: AttentionGrid, trace: AttentionTrace) -> VGroup:
        """The Σ row: every column's weights add up to 1 (numbers, or dots when numbers do not fit).

        Parameters
        ----------
        grid : AttentionGrid
            The grid of the pattern; the sums stand under its columns.
        trace : AttentionTrace
            The trace whose pattern is summed (``trace.column_sums("pattern", head)``).

        Returns
        -------
        VGroup
            The Σ and the sums (also ``self.sums_row``).

        Examples
        --------
        >>> from scenes.kit import GridScene, render_frame
        >>> class Sums(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, _ = self.show_grid(trace, trace.on_screen("pattern", self.head))
        ...         self.show_column_sums(grid, trace)
        >>> sorted(render_frame(Sums).shown)
        ['query_column', 'sums']

        """
        sums = trace.column_sums("pattern", self.head)
        if self.numbers_fit(grid):
            drawn = grid.below_columns(sums, self.settings.decimals, color=self.theme.of("weight"))
        else:
            drawn = grid.dots_below_columns(sums)
        self.record("sums", drawn, sums)
        sigma = label("Σ", self.theme, max(MIN_TEXT_POINTS * 1.3, grid.font_size * 1.3), color=self.theme.of("weight"))
        sigma.next_to(drawn, LEFT, buff=0.3).align_to(grid.key_labels, LEFT)
        self.play(FadeIn(sigma), LaggedStart(*(FadeIn(s, shift=DOWN * 0.1) for s in drawn), lag_ratio=0.05))
        self.sums_row = VGroup(sigma, drawn)
        return self.sums_row
