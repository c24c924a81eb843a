"""A synthetic language whose next-token task needs a noun's adjectives (seeded, reproducible).

    a fluffy blue creature roamed the verdant forest . the creature was blue

Each sentence: a subject phrase and an object phrase, each a determiner, 0–3 adjectives from
different kinds (colour, texture, size), and a noun; a verb between them; then a clause
"the NOUN was COLOUR" about the subject or the object, whichever has a colour (chosen at
random when both do). Predicting that colour needs the colour in front of that noun: a head
that moves adjective information into the noun solves it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

DETERMINERS = ("a", "the")
ADJECTIVES = {
    "colour": ("blue", "red", "green", "yellow", "purple", "grey", "verdant", "golden"),
    "texture": ("fluffy", "smooth", "spiky", "shaggy", "silky", "scaly"),
    "size": ("tiny", "huge", "small", "giant", "little", "tall"),
}
NOUNS = ("creature", "forest", "dog", "cat", "bird", "fox", "river", "stone", "tree", "dragon", "mouse", "hill")
VERBS = ("roamed", "chased", "watched", "crossed", "found", "saw", "left", "guarded")
SPECIAL = ("<pad>", ".", "was")
COLOURS = ADJECTIVES["colour"]
VOCAB: tuple[str, ...] = SPECIAL + DETERMINERS + tuple(a for kind in ADJECTIVES.values() for a in kind) + NOUNS + VERBS
CONTEXT = 18   # the longest sentence: 2 × (det + 3 adjectives + noun) + verb + ". the noun was colour"


@dataclass(frozen=True)
class Example:
    words: tuple[str, ...]
    answer_position: int          # index of the colour the task asks for (the last word)
    noun_positions: tuple[int, int]                      # the subject's and the object's noun
    adjective_positions: tuple[tuple[int, ...], tuple[int, ...]]   # each noun's own adjectives


def _phrase(rng: random.Random, need_colour: bool) -> list[str]:
    kinds = [k for k in ADJECTIVES if rng.random() < 0.5]
    if need_colour and "colour" not in kinds:
        kinds.append("colour")
    rng.shuffle(kinds)
    return [rng.choice(DETERMINERS), *(rng.choice(ADJECTIVES[k]) for k in kinds), rng.choice(NOUNS)]


def make_example(rng: random.Random) -> Example:
    """One sentence of the language."""
    subject_has_colour = rng.random() < 0.75
    subject = _phrase(rng, subject_has_colour)
    obj = _phrase(rng, not subject_has_colour or rng.random() < 0.5)
    while obj[-1] == subject[-1]:
        obj[-1] = rng.choice(NOUNS)
    words = subject + [rng.choice(VERBS)] + obj
    nouns = (len(subject) - 1, len(words) - 1)
    adjectives = (tuple(range(1, len(subject) - 1)), tuple(range(len(subject) + 2, len(words) - 1)))
    with_colour = [i for i in (0, 1) if any(words[p] in COLOURS for p in adjectives[i])]
    which = rng.choice(with_colour)
    colour = next(words[p] for p in adjectives[which] if words[p] in COLOURS)
    words += [".", "the", words[nouns[which]], "was", colour]
    return Example(tuple(words), len(words) - 1, nouns, adjectives)


def make_dataset(n: int, seed: int) -> list[Example]:
    rng = random.Random(seed)
    return [make_example(rng) for _ in range(n)]


def encode_words(words: tuple[str, ...] | list[str]) -> list[int]:
    index = {w: i for i, w in enumerate(VOCAB)}
    return [index[w] for w in words]
