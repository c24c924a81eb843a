"""One palette for every scene: the colours viewers know, in a dark and a light theme.

Query yellow, key teal, value red (value-down and value-up in two reds, the stapled output
matrix pink); E grey, ΔE yellow, E′ teal. Numbers are coloured by sign and size: positive
blue, negative red, lighter (dark theme) or deeper (light theme) as the magnitude grows.
``dark-cb`` and ``light-cb`` are the colour-blind-safe variants of the two themes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from manim import ManimColor, interpolate_color

FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"


@dataclass(frozen=True)
class Theme:
    """A palette: the background, text, and one colour per role viewers know.

    Query yellow, key teal, value red; E grey, ΔE yellow, E′ teal; numbers blue when positive,
    red when negative. ``themed(settings)`` gives the settings' theme with its overrides.

    Examples
    --------
    >>> from scenes.kit import SceneSettings, themed
    >>> theme = themed(SceneSettings())
    >>> theme.name, theme.query.to_hex()
    ('dark', '#FFD84D')
    """
    name: str
    background: ManimColor
    text: ManimColor
    muted: ManimColor          # captions, grid lines, ellipses
    box: ManimColor            # token boxes
    query: ManimColor
    key: ManimColor
    value_down: ManimColor
    value_up: ManimColor
    output: ManimColor         # W_O, the stapled value-ups
    embedding: ManimColor      # E
    delta: ManimColor          # ΔE
    updated: ManimColor        # E′
    positive_faint: ManimColor
    positive: ManimColor
    negative_faint: ManimColor
    negative: ManimColor
    masked: ManimColor         # −∞ cells
    series1: ManimColor        # series1…4: what has no role (a word's senses, a plot's curves, a share),
    series2: ManimColor        # apart from each other and from the query, key and value colours
    series3: ManimColor
    series4: ManimColor

    @property
    def series(self) -> tuple[ManimColor, ...]:
        """The four colours for things that are not a role, in order.

        Examples
        --------
        >>> from scenes.kit.palette import THEMES
        >>> len(THEMES["dark"].series), THEMES["dark"].series[0] == THEMES["dark"].series1
        (4, True)
        """
        return (self.series1, self.series2, self.series3, self.series4)

    def value_color(self, value: float, scale: float) -> ManimColor:
        """Blue for positive, red for negative, stronger as |value| approaches ``scale``.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> theme.value_color(1.0, 1.0) == theme.positive, theme.value_color(-1.0, 1.0) == theme.negative
        (True, True)
        """
        if value != value or value == float("-inf"):
            return self.masked
        alpha = min(1.0, abs(value) / scale) if scale > 0 else 0.0
        if value >= 0:
            return interpolate_color(self.positive_faint, self.positive, alpha)
        return interpolate_color(self.negative_faint, self.negative, alpha)


DARK = Theme(
    name="dark",
    background=ManimColor("#0f1117"),
    text=ManimColor("#ECECEC"),
    muted=ManimColor("#8A8F98"),
    box=ManimColor("#5A5F68"),
    query=ManimColor("#FFD84D"),
    key=ManimColor("#3FD1C5"),
    value_down=ManimColor("#FF6B6B"),
    value_up=ManimColor("#E0443E"),
    output=ManimColor("#FF8FC7"),
    embedding=ManimColor("#C9CDD4"),
    delta=ManimColor("#FFD84D"),
    updated=ManimColor("#3FD1C5"),
    positive_faint=ManimColor("#6A8DB3"),
    positive=ManimColor("#8FD0FF"),
    negative_faint=ManimColor("#B36A6A"),
    negative=ManimColor("#FF9C9C"),
    masked=ManimColor("#E0443E"),
    series1=ManimColor("#C792EA"),
    series2=ManimColor("#9CCC65"),
    series3=ManimColor("#D4A373"),
    series4=ManimColor("#90A4AE"),
)

LIGHT = Theme(
    name="light",
    background=ManimColor("#FBFAF7"),
    text=ManimColor("#1B1D22"),
    muted=ManimColor("#6C717A"),
    box=ManimColor("#A3A8B0"),
    query=ManimColor("#B88A00"),
    key=ManimColor("#00897B"),
    value_down=ManimColor("#D64545"),
    value_up=ManimColor("#A8201A"),
    output=ManimColor("#C2185B"),
    embedding=ManimColor("#4A4F57"),
    delta=ManimColor("#B88A00"),
    updated=ManimColor("#00897B"),
    positive_faint=ManimColor("#7FA6CC"),
    positive=ManimColor("#0B4F8A"),
    negative_faint=ManimColor("#CC8080"),
    negative=ManimColor("#9B1C1C"),
    masked=ManimColor("#C62828"),
    series1=ManimColor("#33691E"),
    series2=ManimColor("#8E24AA"),
    series3=ManimColor("#1A237E"),
    series4=ManimColor("#5D4037"),
)

# Colour-blind-safe variants (--theme dark-cb / light-cb): query, key, value, positive and negative
# stay apart under deuteranopia and protanopia (simulated in tests/test_outputs.py: at least 15
# CAM02-UCS ΔE between any two roles, in normal vision too). Negative numbers leave the value red:
# orange on dark, plum on light; the roles keep their families (query yellow, key teal, value red).
DARK_CB = replace(
    DARK,
    name="dark-cb",
    query=ManimColor("#FAE345"),
    key=ManimColor("#7FE0F5"),
    value_down=ManimColor("#FFB4B4"),
    value_up=ManimColor("#FF8F8F"),
    delta=ManimColor("#FAE345"),
    updated=ManimColor("#7FE0F5"),
    positive_faint=ManimColor("#55709F"),
    positive=ManimColor("#6A90F0"),
    negative_faint=ManimColor("#8F5A2E"),
    negative=ManimColor("#D0701A"),
    series1=ManimColor("#C792EA"),
    series2=ManimColor("#90A4AE"),
    series3=ManimColor("#9575CD"),
    series4=ManimColor("#8D6E63"),
)

LIGHT_CB = replace(
    LIGHT,
    name="light-cb",
    query=ManimColor("#BB881E"),
    key=ManimColor("#418978"),
    value_down=ManimColor("#B8322A"),
    value_up=ManimColor("#8A1616"),
    delta=ManimColor("#BB881E"),
    updated=ManimColor("#418978"),
    positive_faint=ManimColor("#8FA8D8"),
    positive=ManimColor("#205ABA"),
    negative_faint=ManimColor("#B07898"),
    negative=ManimColor("#600142"),
    series1=ManimColor("#7E57C2"),
    series2=ManimColor("#AD1457"),
    series3=ManimColor("#6A1B9A"),
    series4=ManimColor("#00695C"),
)

THEMES: dict[str, Theme] = {"dark": DARK, "light": LIGHT, "dark-cb": DARK_CB, "light-cb": LIGHT_CB}


def themed(settings) -> Theme:
    """The settings' theme with its colour overrides (``colors``: role → "#rrggbb") applied.

    Examples
    --------
    >>> from scenes.kit import SceneSettings, themed
    >>> themed(SceneSettings(theme="light", colors=(("query", "#ff8800"),))).query.to_hex()
    '#FF8800'
    """
    from attention_math import InputError

    theme = THEMES[settings.theme]
    roles = [f.name for f in fields(Theme) if f.name != "name"]
    changes = {}
    for role, value in settings.colors:
        if role not in roles:
            raise InputError(f"unknown colour {role!r}: choose from {', '.join(roles)}")
        try:
            changes[role] = ManimColor(value)
        except Exception:
            raise InputError(f"colour {role} = {value!r} is not a colour: write it as \"#rrggbb\"") from None
    return replace(theme, **changes) if changes else theme
