"""Notation with subscripts (W_Q, d_head) inside plain on-screen text, never through LaTeX or markup.

A subscript run is written between two control characters no user text can hold (the sentence
checks reject control characters that are not whitespace, and tokens come from a checked sentence):
``sub("W", "Q")`` is ``"W\\x0eQ\\x0f"``. The kit's text builder (``cached_text``, so ``label`` and
every caption) draws the string without the markers and sets each run lowered and smaller;
anything written as plain text (subtitles, messages) reads ``plain(text)``: ``"W_Q"``.

This module imports nothing heavy: the subtitle writer and the CLI use ``plain`` too.

Examples
--------
>>> from scenes.kit.notation import W_Q, d_head, plain, shown, sub
>>> f"{W_Q} ({d_head} rows)" == f"{sub('W', 'Q')} ({sub('d', 'head')} rows)"
True
>>> plain(f"{W_Q} ({d_head} rows)"), shown(W_Q)
('W_Q (d_head rows)', 'WQ')
"""

from __future__ import annotations

import re

SUB_START = "\x0e"     # SHIFT OUT: the characters after it, up to SUB_END, are a subscript
SUB_END = "\x0f"       # SHIFT IN: back on the baseline
MARKERS = SUB_START + SUB_END


def sub(base: str, subscript: str) -> str:
    """``base`` with ``subscript`` set as its subscript on screen (``label``, captions); ``base_subscript``
    in plain text (subtitles). Use it inside an f-string with user text: no markup is read.

    Parameters
    ----------
    base, subscript
        Plain characters; the subscript is not empty.

    Examples
    --------
    >>> from scenes.kit import label, plain, sub, SceneSettings, themed
    >>> w_v = sub("W", "V")
    >>> plain(f"{w_v}·E"), label(f"{w_v}·E", themed(SceneSettings())).text == w_v + "·E"
    ('W_V·E', True)
    """
    if any(c in MARKERS for c in base + subscript) or not subscript:
        raise ValueError(f"not a subscript: {base!r}, {subscript!r}")
    return f"{base}{SUB_START}{subscript}{SUB_END}"


W_Q = sub("W", "Q")          # the query map
W_K = sub("W", "K")          # the key map
W_O = sub("W", "O")          # the output matrix: every head's value-up, stapled
b_O = sub("b", "O")          # its bias
d_k = sub("d", "k")          # the key size (the papers' name)
d_head = sub("d", "head")    # the size of one head's queries and keys
d_model = sub("d", "model")  # the size of an embedding


_PLAIN = re.compile(r"(?<!\w)([Wbd])_(Q|K|V|O|k|head|model)(?!\w)")


def typeset(text: str) -> str:
    """Notation written plainly (``d_model 12`` in the math layer's model descriptions) as subscripts.

    Parameters
    ----------
    text : str
        Plain text with ``W_Q``, ``b_O``, ``d_k``, ``d_head``, ``d_model``.

    Returns
    -------
    str
        The text with those set as subscripts (``sub``); other underscores kept.

    Examples
    --------
    >>> plain(typeset("toy model (seed 0, d_model 12, 3 heads)")) == "toy model (seed 0, d_model 12, 3 heads)"
    True
    >>> typeset("d_model 12") == f"{d_model} 12", typeset("snake_case") == "snake_case"
    (True, True)
    """
    return _PLAIN.sub(lambda m: sub(m.group(1), m.group(2)), text)


def has_notation(text: str) -> bool:
    """Whether ``text`` holds a subscript marker.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    bool
        True when ``text`` has a subscript.

    Examples
    --------
    >>> from scenes.kit.notation import W_Q, has_notation
    >>> has_notation(f"{W_Q} maps E"), has_notation("W_Q maps E")
    (True, False)
    """
    return any(c in MARKERS for c in text)


def plain(text: str) -> str:
    """The text as plain characters, a subscript after an underscore: for subtitles and messages.

    Parameters
    ----------
    text : str
        Text with subscript markers (or without: returned as is).

    Returns
    -------
    str
        The text, each subscript written after an underscore.

    Examples
    --------
    >>> from scenes.kit import plain
    >>> from scenes.kit.notation import d_k
    >>> plain(f"every score divided by √{d_k}")
    'every score divided by √d_k'
    """
    return text.replace(SUB_START, "_").replace(SUB_END, "") if has_notation(text) else text


def shown(text: str) -> str:
    """The characters drawn, markers left out (what one ``Text`` of the whole string is made from).

    Parameters
    ----------
    text : str
        Text with subscript markers.

    Returns
    -------
    str
        The characters drawn.

    Examples
    --------
    >>> from scenes.kit.notation import d_head, shown
    >>> shown(f"{d_head} = 4")
    'dhead = 4'
    """
    return text.replace(SUB_START, "").replace(SUB_END, "") if has_notation(text) else text


def subscript_runs(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The characters drawn and, as (start, end) indices into them, each subscript run.

    Parameters
    ----------
    text : str
        Text with subscript markers.

    Returns
    -------
    drawn : str
        The characters drawn (``shown(text)``).
    runs : list of (int, int)
        Each subscript's start and end index in ``drawn``.

    Raises
    ------
    ValueError
        For a subscript inside a subscript, or a marker without its pair.

    Examples
    --------
    >>> subscript_runs("W\\x0eQ\\x0f and d\\x0ehead\\x0f")
    ('WQ and dhead', [(1, 2), (8, 12)])
    """
    drawn: list[str] = []
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for c in text:
        if c == SUB_START:
            if start is not None:
                raise ValueError(f"a subscript inside a subscript in {plain(text)!r}")
            start = len(drawn)
        elif c == SUB_END:
            if start is None:
                raise ValueError(f"a subscript's end without its start in {plain(text)!r}")
            if len(drawn) > start:
                runs.append((start, len(drawn)))
            start = None
        else:
            drawn.append(c)
    if start is not None:
        raise ValueError(f"a subscript without its end in {plain(text)!r}")
    return "".join(drawn), runs
