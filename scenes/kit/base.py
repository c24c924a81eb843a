"""The base of every scene: settings, theme, trace access, captions and beats."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, ReplacementTransform, Scene, Text, VGroup, config
from manim.animation.animation import prepare_animation

from attention_math import AttentionTrace

from scenes.kit.camera import PathCachingCamera
from scenes.output.memory import release_free_memory
from scenes.kit.mobjects import AttentionGrid, label
from scenes.kit.palette import Theme, themed
from scenes.kit.scene_settings import SceneSettings, active_settings, head_of


@dataclass(frozen=True)
class Drawn:
    """What one drawn mobject showed when it was recorded: its text, width and colour."""
    text: str | None
    width: float
    color: str

    @classmethod
    def of(cls, mobject) -> Drawn:
        return cls(getattr(mobject, "text", None), float(mobject.width), mobject.get_color().to_hex())


class AttentionScene(Scene):
    """A scene that reads one trace and draws it. Subclasses split ``construct`` into beats.

    The base of every scene: ``setup`` reads the settings (sentence, model, head, theme, pacing)
    from the renderer, a settings file or :func:`~scenes.kit.use_settings`; ``trace()`` gives the
    trace of those settings; ``beat`` starts a section; ``title`` and ``caption`` write text;
    ``play`` and ``wait`` apply the settings' pacing; ``record`` keeps what was drawn for tests.

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
    >>> from scenes.kit import AttentionScene, TokenBoxes
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
    >>> Tokens.description
    'The sentence, token by token.'

    Render it with ``attention-render render my_file.py:Tokens``.
    """

    description = ""   # one line, for `attention-render list`
    needs: tuple[str, ...] = ()   # SceneSettings methods beyond the trace that the scene reads (checked before rendering)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("camera_class", PathCachingCamera)
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        """Read the settings, the theme and the head before ``construct`` runs (manim calls it).

        A subclass that overrides it calls ``super().setup()`` first.

        Examples
        --------
        >>> from scenes.kit import AttentionScene
        >>> class Light(AttentionScene):
        ...     def setup(self) -> None:
        ...         super().setup()
        ...         self.numbers_shown = 0
        """
        self.settings: SceneSettings = active_settings(type(self).__name__).for_scene(type(self).__name__)
        self.theme: Theme = themed(self.settings)
        self.camera.background_color = self.theme.background
        self.head = head_of(self.settings)
        self._caption: Text | None = None
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
        >>> from scenes.kit import GridScene
        >>> class Recorded(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         pattern = trace.on_screen("pattern", self.head)
        ...         grid, numbers = self.show_grid(trace, pattern)
        ...         self.record("pattern", numbers, pattern)   # tests: self.shown["pattern"]
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
        >>> from scenes.kit import AttentionScene
        >>> class Shapes(AttentionScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace(causal=True)
        ...         pattern = trace.on_screen("pattern", self.head)    # [keys, queries], masked
        """
        return self.settings.trace(causal=causal, cross=cross)

    # --- pacing: the settings' multipliers apply to every animation and pause -----------------
    def play(self, *animations, **kwargs) -> None:
        """Play animations, their run time multiplied by the settings' pacing (``run_time``).

        Examples
        --------
        >>> from manim import Circle, Create
        >>> from scenes.kit import AttentionScene
        >>> class Paced(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.play(Create(Circle(color=self.theme.query)), run_time=1)  # × pacing.run_time
        """
        if self.settings.run_time != 1.0:
            if "run_time" not in kwargs:
                kwargs["run_time"] = max(prepare_animation(a).run_time for a in animations)
            kwargs["run_time"] *= self.settings.run_time
        super().play(*animations, **kwargs)
        release_free_memory(config.pixel_width * config.pixel_height)   # the finished animation's encoder buffers

    def wait(self, duration: float = 1.0, *args, **kwargs) -> None:
        """Pause, the duration multiplied by the settings' pacing (``wait``).

        Examples
        --------
        >>> from scenes.kit import AttentionScene
        >>> class Pause(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.wait(1.5)          # 1.5 s × pacing.wait
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
        >>> from scenes.kit import GridScene
        >>> class TwoBeats(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         # --- the scores ---
        ...         self.beat("scores")
        ...         self.show_grid(trace, trace.on_screen("scores", self.head), "Scores")
        ...         # --- the end ---
        ...         self.beat("end")
        ...         self.wait(1)
        """
        if not self.in_chapters:
            self.next_section(name)

    def title(self, text: str) -> Text:
        """Fade in a title at the top of the frame.

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
        >>> from scenes.kit import AttentionScene
        >>> class Titled(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.title("Queries meet keys")
        """
        title = label(text, self.theme, 26).to_edge(UP, buff=0.2)
        self.play(FadeIn(title, shift=DOWN * 0.2), run_time=0.6)
        self.title_mobject = title
        return title

    def caption(self, text: str, run_time: float = 0.6) -> Text:
        """Replace the caption at the bottom of the frame.

        Parameters
        ----------
        text
            Plain text; scaled down to fit the frame's width when long.
        run_time
            Seconds of the cross-fade from the previous caption.

        Returns
        -------
        Text
            The new caption.

        Examples
        --------
        >>> from scenes.kit import AttentionScene
        >>> class Captioned(AttentionScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         self.caption(f"every column sums to 1 · {self.model_note(trace)}")
        """
        new = label(text, self.theme, 20, color=self.theme.muted).to_edge(DOWN, buff=0.12)
        if new.width > config.frame_width - 0.6:
            new.scale_to_fit_width(config.frame_width - 0.6)
        self.add_subcaption(text)    # for the .srt/.vtt beside the video; it lasts until the next caption
        if self._caption is not None:
            # Speed: manim redraws every mobject above the first one animated; on top, only
            # the two captions are redrawn each frame (they overlap nothing).
            self.bring_to_front(self._caption)
            self.play(FadeOut(self._caption), FadeIn(new), run_time=run_time)
        else:
            self.play(FadeIn(new), run_time=run_time)
        self._caption = new
        return new

    def model_note(self, trace: AttentionTrace) -> str:
        """"<model>, layer L, head H": the words that say where the numbers on screen come from.

        Examples
        --------
        >>> from scenes.kit import AttentionScene
        >>> class Noted(AttentionScene):
        ...     def construct(self) -> None:
        ...         self.caption(self.model_note(self.trace()))
        """
        return f"{trace.description}, layer {trace.layer}, head {self.head}"


class GridScene(AttentionScene):
    """Shared beats of the scenes built on the attention grid: show it, softmax it, sum it.

    Examples
    --------
    >>> from manim import ReplacementTransform
    >>> from scenes.kit import GridScene
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
    """

    def show_grid(self, trace: AttentionTrace, values, title: str | None = None,
                  query_prefix: str = "", key_prefix: str = "") -> tuple[AttentionGrid, VGroup]:
        """Draw the grid (keys as rows, queries as columns) and fill it with ``values`` [T_k, T_q].

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

        Returns
        -------
        tuple of (AttentionGrid, VGroup)
            The grid (also ``self.grid``) and its numbers, row-major.

        Examples
        --------
        >>> from scenes.kit import GridScene
        >>> class Scores(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, numbers = self.show_grid(trace, trace.on_screen("scores", self.head), "K·Q")
        """
        top = self.title(title) if title else None
        grid = AttentionGrid(trace.key_tokens, trace.tokens, self.theme,
                             query_prefix=query_prefix, key_prefix=key_prefix)
        if top is not None:
            grid.next_to(top, DOWN, buff=0.15)
        grid.shift(LEFT * grid.frame.get_center()[0] + RIGHT * 0.4)
        numbers = grid.numbers(values, self.settings.decimals, color_scale=self.color_scale(values))
        self.grid = grid
        self.play(Create(grid.lines), FadeIn(grid.query_labels), FadeIn(grid.key_labels), run_time=1)
        self.play(LaggedStart(*(FadeIn(n) for n in numbers), lag_ratio=0.01, run_time=1.2))
        return grid, numbers

    @staticmethod
    def color_scale(values) -> float:
        """The largest finite |value|: the scale numbers are coloured against.

        Examples
        --------
        >>> import numpy as np
        >>> from scenes.kit import GridScene
        >>> GridScene.color_scale(np.array([[0.5, -2.0], [-np.inf, 1.0]]))
        2.0
        """
        finite = values[np.isfinite(values)]
        return float(np.abs(finite).max()) if finite.size else 1.0

    def softmax_by_column(self, grid: AttentionGrid, old: VGroup, new: VGroup) -> None:
        """Lift each column out and replace it by its softmax: slowly for the first two, then briskly.

        Parameters
        ----------
        grid
            The grid both groups sit in.
        old, new
            The numbers before and after (row-major, from ``grid.numbers``).

        Examples
        --------
        >>> from scenes.kit import GridScene
        >>> class Softmax(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, scaled = self.show_grid(trace, trace.on_screen("scaled", self.head))
        ...         pattern = grid.numbers(trace.on_screen("pattern", self.head), color_scale=1.0)
        ...         self.softmax_by_column(grid, scaled, pattern)
        """
        for col in range(grid.n_cols):
            slow = col < 2
            highlight = grid.column_highlight(col, self.theme.query)
            before, after = grid.column(old, col), grid.column(new, col)
            self.play(FadeIn(highlight), before.animate.shift(UP * 0.08), run_time=0.4 if slow else 0.15)
            self.play(ReplacementTransform(before, after), run_time=0.9 if slow else 0.35)
            self.play(FadeOut(highlight), run_time=0.3 if slow else 0.1)

    def show_column_sums(self, grid: AttentionGrid, trace: AttentionTrace) -> VGroup:
        """Write each column's sum of the pattern under the grid, with a Σ: every column sums to 1.

        Returns
        -------
        VGroup
            The Σ and the sums (also ``self.sums_row``).

        Examples
        --------
        >>> from scenes.kit import GridScene
        >>> class Sums(GridScene):
        ...     def construct(self) -> None:
        ...         trace = self.trace()
        ...         grid, _ = self.show_grid(trace, trace.on_screen("pattern", self.head))
        ...         self.show_column_sums(grid, trace)
        """
        sums = self.record("sums", grid.below_columns(trace.column_sums("pattern", self.head), self.settings.decimals,
                                                      color=self.theme.query), trace.column_sums("pattern", self.head))
        sigma = label("Σ", self.theme, grid.font_size * 1.3, color=self.theme.query).next_to(sums, LEFT, buff=0.3)
        sigma.align_to(grid.key_labels, LEFT)
        self.play(FadeIn(sigma), LaggedStart(*(FadeIn(s, shift=DOWN * 0.1) for s in sums), lag_ratio=0.05))
        self.sums_row = VGroup(sigma, sums)
        return self.sums_row
