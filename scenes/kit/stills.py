"""Stills in seconds: a PNG needs the scene's last picture only.

manim's last-frame mode skips writing the frames of every animation, but it still begins each
one (copies of its mobjects, point alignment of every transform), draws one frame per animation
and finishes it by interpolation. For a still, :func:`jump_to_the_end` replaces that, animation
by animation, with the end state itself: a fade-in or a drawing adds its mobject as it is, a
fade-out removes it, ``.animate`` applies its methods, a transform puts its target in place.
Only the final picture is drawn. An animation this module does not know, or a play with
updaters, runs the way manim runs it, so the picture is the same either way (the tests compare
the two, pixel for pixel).
"""

from __future__ import annotations

import numpy as np


def jump_to_the_end(scene) -> None:
    """Make every play that manim skips (all of them in a still, all before ``--at``'s beat end)
    jump to its end state without drawing."""
    renderer = scene.renderer
    _draw_no_frames_while_skipping(renderer)
    begin, play_internal = scene.begin_animations, scene.play_internal

    def skipping() -> bool:
        return renderer.skip_animations and not scene.updaters and not any(
            m.updaters for m in scene.get_mobject_family_members())

    def begin_animations() -> None:
        if not skipping():
            return begin()
        for animation in scene.animations:
            animation._setup_scene(scene)       # introducers join the scene, in order, as manim adds them
        scene.moving_mobjects, scene.static_mobjects = [], []

    def jump_internal(skip_rendering: bool = False) -> None:
        if not skipping():
            return play_internal(skip_rendering)
        for animation in scene.animations:
            _finish_at_once(animation, scene)
        renderer.static_image = None

    scene.begin_animations, scene.play_internal = begin_animations, jump_internal


def _finish_at_once(animation, scene) -> None:
    """The state ``animation`` leaves the scene in, without its frames."""
    from manim import (AnimationGroup, Create, FadeIn, FadeOut, FadeTransform, GrowArrow, GrowFromCenter,
                       GrowFromEdge, GrowFromPoint, LaggedStart, ReplacementTransform, Write)
    from manim.animation.transform import _MethodAnimation

    if float(animation.rate_func(1.0)) != 1.0:          # ends where it began (there_and_back and kin)
        return _as_manim_does(animation, scene)
    kind = type(animation)
    if kind in (AnimationGroup, LaggedStart):
        animation._on_finish(scene)
        for part in animation.animations:
            part.remover = part.remover or animation.remover
            _finish_at_once(part, scene)
    elif kind in (FadeIn, Create, Write, GrowArrow, GrowFromCenter, GrowFromEdge, GrowFromPoint):
        animation._on_finish(scene)                      # ends as the mobject it was given, already added
    elif kind is FadeOut:
        animation._on_finish(scene)
        scene.remove(animation.mobject)                  # and the mobject itself is left as it was
    elif kind is _MethodAnimation:
        for item in animation.methods:                   # what .animate's finish applies, without the frames
            item.method.__func__(animation.mobject, *item.args, **item.kwargs)
        animation._on_finish(scene)
    elif kind is ReplacementTransform and _all_vmobjects(animation):
        _become_without_point_alignment(animation.mobject, animation.target_mobject.copy())
        animation._on_finish(scene)
        scene.replace(animation.mobject, animation.target_mobject)
    elif kind is FadeTransform:
        animation._on_finish(scene)
        scene.remove(animation.mobject)                  # the source group, never changed
        scene.add(animation.to_add_on_completion)
    else:
        _as_manim_does(animation, scene)


def _as_manim_does(animation, scene) -> None:
    animation.begin()
    animation.finish()
    animation.clean_up_from_scene(scene)


def _all_vmobjects(animation) -> bool:
    from manim import VMobject

    return all(isinstance(m, VMobject) for m in [*animation.mobject.get_family(),
                                                 *animation.target_mobject.get_family()])


def _become_without_point_alignment(mobject, target) -> None:
    """``mobject.become(target)``, aligning only the family structure at every level (manim's
    ``align_data(skip_point_alignment=True)`` skips it at the top level only). ``target`` is
    changed (null submobjects added): pass a copy."""

    def align(a, b) -> None:
        a.null_point_align(b)
        a.align_submobjects(b)
        for m1, m2 in zip(a.submobjects, b.submobjects, strict=True):
            align(m1, m2)

    align(mobject, target)
    for m1, m2 in zip(mobject.get_family(), target.get_family(), strict=True):
        m1.points = np.array(m2.points)
        m1.interpolate_color(m1, m2, 1)


def _draw_no_frames_while_skipping(renderer) -> None:
    """While manim skips an animation, draw none of its frames either: manim's last-frame mode
    still draws one per animation (the static background it would reuse, the frozen frame of a
    wait); only the final picture, drawn when the scene has finished, is kept."""
    play, update_frame, save_static = renderer.play, renderer.update_frame, renderer.save_static_frame_data
    playing = False

    def skipped_play(*args, **kwargs) -> None:
        nonlocal playing
        playing = True
        try:
            play(*args, **kwargs)
        finally:
            playing = False

    def lazy_update_frame(*args, **kwargs) -> None:
        if not (playing and renderer.skip_animations):
            update_frame(*args, **kwargs)

    def lazy_static_frame(*args, **kwargs):
        if playing and renderer.skip_animations:
            renderer.static_image = None
            return None
        return save_static(*args, **kwargs)

    renderer.play, renderer.update_frame, renderer.save_static_frame_data = (
        skipped_play, lazy_update_frame, lazy_static_frame)
