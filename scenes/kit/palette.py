"""One palette for every scene: the colours viewers know, in a dark and a light theme, one meaning each.

Query yellow, key teal, value red (value-down and value-up in two reds, the stapled output
matrix pink); E grey, ΔE green, E′ violet. Numbers are coloured by sign and size: positive
blue, negative orange, lighter (dark theme) or deeper (light theme) as the magnitude grows.
Masked cells are a solid neutral grey; whatever is selected or followed (the followed query's
column, the softmax's column, a box around a term) is outlined in white on dark, black on light;
attention weights written or drawn as multipliers (w×, Σ, the lines of cross-attention) are
periwinkle. ``MEANINGS`` names the role of each meaning: a scene asks ``theme.of("masked")``,
never for a colour by its name, so no colour serves two meanings. ``dark-cb`` and ``light-cb``
are the colour-blind-safe variants of the two themes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from manim import ManimColor, interpolate_color

FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"


@dataclass(frozen=True)
class Theme:
    """A palette: the background, text, and one colour per role viewers know.

    Query yellow, key teal, value red; E grey, ΔE green, E′ violet; numbers blue when positive,
    orange when negative; masked cells solid grey; the selection outlined in white (black on
    light); weights periwinkle. ``theme.of(meaning)`` gives the colour of a meaning of
    ``MEANINGS``; ``themed(settings)`` gives the settings' theme with its overrides.

    Parameters
    ----------
    name : str
        The theme's name ("dark", "light", …).
    background, text : ManimColor
        The frame's background and the text on it.
    muted : ManimColor
        Captions, grid lines, ellipses.
    box : ManimColor
        Token boxes.
    query, key : ManimColor
        Queries and keys.
    value_down, value_up : ManimColor
        The two halves of a value map (``value_up`` draws value vectors).
    output : ManimColor
        W_O, the stapled value-ups.
    embedding, delta, updated : ManimColor
        E, ΔE and E′.
    selected : ManimColor
        Outlines: the followed query's column, the softmax's column, a boxed term.
    weight : ManimColor
        Attention weights as multipliers: w×, Σ, the lines of cross-attention.
    positive_faint, positive, negative_faint, negative : ManimColor
        Numbers and dots by sign, from faint (near 0) to full (at the scale).
    masked : ManimColor
        The solid fill of a masked cell.
    series1, series2, series3, series4 : ManimColor
        What has no role (a word's senses, a plot's curves, a share).

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
    selected: ManimColor       # outlines: the followed query's column, the softmax's column, a boxed term
    weight: ManimColor         # attention weights as multipliers: w×, Σ, the lines of cross-attention
    positive_faint: ManimColor
    positive: ManimColor
    negative_faint: ManimColor
    negative: ManimColor
    masked: ManimColor         # the solid fill of a masked cell (−∞, then 0), drawn opaque
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

    def of(self, meaning: str) -> ManimColor:
        """The colour of ``meaning`` (a key of ``MEANINGS``): what a scene draws a meaning with.

        Parameters
        ----------
        meaning
            What the mark means: "query", "masked", "selected", "weight", … (``MEANINGS``).

        Returns
        -------
        ManimColor
            The theme's colour for the role ``MEANINGS[meaning]``.

        Examples
        --------
        >>> from scenes.kit.palette import THEMES
        >>> THEMES["dark"].of("selected").to_hex(), THEMES["light"].of("masked").to_hex()
        ('#FFFFFF', '#E3E4E7')
        >>> THEMES["dark"].of("value") == THEMES["dark"].value_up
        True
        """
        try:
            return getattr(self, MEANINGS[meaning])
        except KeyError:
            raise KeyError(f"no meaning {meaning!r}: choose from {', '.join(MEANINGS)}") from None

    def value_color(self, value: float, scale: float, decimals: int | None = None) -> ManimColor:
        """Blue for positive, red for negative, stronger as |value| approaches ``scale``; a value drawn
        as zero at ``decimals`` places (0.00) in the muted text colour, as it shows no sign.

        Parameters
        ----------
        value : float
            The number (NaN or −∞: the masked colour).
        scale : float
            The |value| drawn at full strength.
        decimals : int or None
            The places the value is drawn with, if it is drawn as a number.

        Returns
        -------
        ManimColor
            Between the faint and the full colour of the value's sign.

        Examples
        --------
        >>> from scenes.kit import SceneSettings, themed
        >>> theme = themed(SceneSettings())
        >>> theme.value_color(1.0, 1.0) == theme.positive, theme.value_color(-1.0, 1.0) == theme.negative
        (True, True)
        >>> theme.value_color(-0.001, 1.0, decimals=2) == theme.muted      # drawn "0.00"
        True
        """
        if value != value or value == float("-inf"):
            return self.masked
        if decimals is not None and round(abs(value), decimals) == 0:
            return self.muted             # drawn as 0.00: neither sign
        alpha = min(1.0, abs(value) / scale) if scale > 0 else 0.0
        if value >= 0:
            return interpolate_color(self.positive_faint, self.positive, alpha)
        return interpolate_color(self.negative_faint, self.negative, alpha)


class Meanings(dict):
    """What each colour means: meaning → the ``Theme`` field drawn for it. A scene asks for a meaning
    (``theme.of("masked")``), so one colour never stands for two things; ``tests/test_palette_meanings.py``
    keeps the colours of any two meanings apart (CAM02-UCS ΔE, in simulated colour blindness too for
    the ``-cb`` themes). ``value`` and ``value_down`` are one family on purpose (two reds).

    Examples
    --------
    >>> from scenes.kit.palette import MEANINGS, THEMES
    >>> MEANINGS["masked"], THEMES["dark"].of("masked") == THEMES["dark"].masked
    ('masked', True)
    >>> sorted(set(MEANINGS) - {"value_down"})[:4]
    ['delta', 'embedding', 'key', 'masked']
    """


MEANINGS: dict[str, str] = Meanings({
    "query": "query",            # a query: its vector, its word, its column's name
    "key": "key",                # a key: its vector, its word, its row's name
    "value": "value_up",         # a value vector V⃗ = value-up · value-down · E⃗ (value_down: its other half, one family)
    "value_down": "value_down",
    "output": "output",          # W_O, the value-ups of all heads stapled together
    "embedding": "embedding",    # E⃗, a token's embedding before the layer
    "delta": "delta",            # ΔE⃗, what attention adds
    "updated": "updated",        # E⃗′ = E⃗ + ΔE⃗
    "positive": "positive",      # a positive number or dot (scores, weights in a grid, vector entries)
    "negative": "negative",      # a negative one
    "masked": "masked",          # a masked cell (a later key): −∞, then 0
    "selected": "selected",      # what is followed or being worked on: outlines, the "softmax" label
    "weight": "weight",          # an attention weight as a multiplier: w×, Σ weights, cross-attention lines
})

SAME_FAMILY: frozenset[frozenset[str]] = frozenset({frozenset(("value", "value_down"))})

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
    delta=ManimColor("#A5D66B"),
    updated=ManimColor("#A77BFF"),
    selected=ManimColor("#FFFFFF"),
    weight=ManimColor("#9CA6F3"),
    positive_faint=ManimColor("#6A8DB3"),
    positive=ManimColor("#8FD0FF"),
    negative_faint=ManimColor("#B5794A"),
    negative=ManimColor("#FF9F45"),
    masked=ManimColor("#3A3E46"),
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
    query=ManimColor("#9A7400"),
    key=ManimColor("#00897B"),
    value_down=ManimColor("#D64545"),
    value_up=ManimColor("#A8201A"),
    output=ManimColor("#C2185B"),
    embedding=ManimColor("#4A4F57"),
    delta=ManimColor("#558B2F"),
    updated=ManimColor("#7B2FBF"),
    selected=ManimColor("#000000"),
    weight=ManimColor("#4F6BED"),
    positive_faint=ManimColor("#5A82AD"),
    positive=ManimColor("#0B4F8A"),
    negative_faint=ManimColor("#B8723E"),
    negative=ManimColor("#C8580F"),
    masked=ManimColor("#E3E4E7"),
    series1=ManimColor("#33691E"),
    series2=ManimColor("#8E24AA"),
    series3=ManimColor("#1A237E"),
    series4=ManimColor("#5D4037"),
)

# Colour-blind-safe variants (--theme dark-cb / light-cb): query, key, value, positive and negative
# stay apart under deuteranopia and protanopia (simulated in tests/test_outputs.py: at least 15
# CAM02-UCS ΔE between any two roles, in normal vision too), and every two meanings of MEANINGS at
# least 10 (tests/test_palette_meanings.py). Negative numbers leave the value red: orange on dark,
# plum on light; the roles keep their families (query yellow, key teal, value red).
DARK_CB = replace(
    DARK,
    name="dark-cb",
    query=ManimColor("#FAE345"),
    key=ManimColor("#7FE0F5"),
    value_down=ManimColor("#FFB4B4"),
    value_up=ManimColor("#FF8F8F"),
    delta=ManimColor("#B0C040"),
    updated=ManimColor("#B0AEFF"),
    output=ManimColor("#DF457D"),
    embedding=ManimColor("#A3A8AE"),
    weight=ManimColor("#8078B0"),
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
    delta=ManimColor("#5C9E5C"),
    updated=ManimColor("#633A72"),
    output=ManimColor("#F0509F"),
    embedding=ManimColor("#4B4F55"),
    weight=ManimColor("#1C0A90"),
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

    Parameters
    ----------
    settings : SceneSettings
        Its ``theme`` (a name of ``THEMES``) and ``colors`` (role or meaning → "#rrggbb").

    Returns
    -------
    Theme
        The theme with the overrides.

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
