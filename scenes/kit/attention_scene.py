"""The base of every scene: settings, theme, trace access, beats, titles and pacing.

Its captions come from ``scenes.kit.captions`` and its words about the model from
``scenes.kit.story_notes``, both mixed into ``AttentionScene``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, UP, Create, FadeIn, Scene, Text, VGroup, Write, config
from manim.utils.rate_functions import rush_from
from manim.animation.animation import prepare_animation

from attention_math import AttentionTrace

from scenes.kit.camera import PathCachingCamera
from scenes.kit.captions import Captions
from scenes.kit.memory import release_free_memory
from scenes.kit.model_rules import models_like
from scenes.kit.palette import Theme, themed
from scenes.kit.settings import SceneSettings, head_of
from scenes.kit.settings_env import active_settings
from scenes.kit.story_notes import StoryNotes
from scenes.kit.text_mobjects import label


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
    >>> from scenes.kit.attention_scene import Drawn
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
        >>> from scenes.kit.attention_scene import Drawn
        >>> Drawn.of(label("cat", themed(SceneSettings()))).text
        'cat'
        """
        return cls(getattr(mobject, "text", None), float(mobject.width), mobject.get_color().to_hex())


class AttentionScene(Captions, StoryNotes, Scene):
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
