"""A parallel synthetic language: tiny-gpt's English sentences and their French-like translations.

    a fluffy blue creature roamed the verdant forest
    une créature duveteuse bleue arpentait la forêt verdoyante

English: a subject phrase, a verb, an object phrase; each phrase a determiner, 0–3 adjectives of
different kinds (colour, texture, size, in any order) and a noun: the first clause of tiny-gpt's
grammar (``attention_math.synthetic``), with its words.

French-like ("francien"): its own words, accents kept as typed (é, ê, ç, û…), and three rules:
- every adjective comes AFTER its noun, in the English order ("blue creature" → "créature bleue"),
  so the right alignment is not the diagonal: the reordered words cross;
- each noun has a gender, and its determiner and adjectives agree with it (un/une, le/la, bleu/bleue);
- everything else is word for word.

Each pair carries its alignment: ``alignment[i]`` is the index of the English word that target
word i translates (one to one). Seeded and reproducible: ``make_pairs(n, seed)``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .synthetic import ADJECTIVES, DETERMINERS, NOUNS, VERBS

# English noun → (francien noun, gender)
NOUN_WORDS: dict[str, tuple[str, str]] = {
    "creature": ("créature", "f"), "forest": ("forêt", "f"), "dog": ("chien", "m"), "cat": ("chat", "m"),
    "bird": ("moineau", "m"), "fox": ("renard", "m"), "river": ("rivière", "f"), "stone": ("pierre", "f"),
    "tree": ("chêne", "m"), "dragon": ("dragon", "m"), "mouse": ("souris", "f"), "hill": ("colline", "f"),
}
# English adjective → (masculine, feminine)
ADJECTIVE_WORDS: dict[str, tuple[str, str]] = {
    "blue": ("bleu", "bleue"), "red": ("rouge", "rouge"), "green": ("vert", "verte"),
    "yellow": ("jaune", "jaune"), "purple": ("violet", "violette"), "grey": ("gris", "grise"),
    "verdant": ("verdoyant", "verdoyante"), "golden": ("doré", "dorée"),
    "fluffy": ("duveteux", "duveteuse"), "smooth": ("lisse", "lisse"), "spiky": ("épineux", "épineuse"),
    "shaggy": ("hirsute", "hirsute"), "silky": ("soyeux", "soyeuse"), "scaly": ("écailleux", "écailleuse"),
    "tiny": ("minuscule", "minuscule"), "huge": ("énorme", "énorme"), "small": ("petit", "petite"),
    "giant": ("géant", "géante"), "little": ("menu", "menue"), "tall": ("élancé", "élancée"),
}
DETERMINER_WORDS: dict[str, tuple[str, str]] = {"a": ("un", "une"), "the": ("le", "la")}
VERB_WORDS: dict[str, str] = {
    "roamed": "arpentait", "chased": "poursuivait", "watched": "observait", "crossed": "traversait",
    "found": "découvrit", "saw": "aperçut", "left": "quittait", "guarded": "gardait",
}

PAD, START, END = "<pad>", "<s>", "</s>"
SOURCE_VOCAB: tuple[str, ...] = (PAD, *DETERMINERS, *(a for kind in ADJECTIVES.values() for a in kind), *NOUNS, *VERBS)
TARGET_VOCAB: tuple[str, ...] = (
    PAD, START, END,
    *(w for pair in DETERMINER_WORDS.values() for w in pair),
    *dict.fromkeys(w for pair in ADJECTIVE_WORDS.values() for w in pair),   # invariant forms once
    *(w for w, _ in NOUN_WORDS.values()),
    *VERB_WORDS.values(),
)
SOURCE_LENGTH = 11   # 2 × (determiner + 3 adjectives + noun) + verb
TARGET_LENGTH = SOURCE_LENGTH + 1   # <s> + the translation, or the translation + </s>


@dataclass(frozen=True)
class Pair:
    source: tuple[str, ...]
    target: tuple[str, ...]
    alignment: tuple[int, ...]      # target word i translates source word alignment[i]
    adjectives: tuple[int, ...]     # target positions of the adjectives: the words that moved past their noun


def _phrase(rng: random.Random) -> list[str]:
    kinds = [k for k in ADJECTIVES if rng.random() < 0.5]
    rng.shuffle(kinds)
    return [rng.choice(DETERMINERS), *(rng.choice(ADJECTIVES[k]) for k in kinds), rng.choice(NOUNS)]


def make_source(rng: random.Random) -> tuple[str, ...]:
    """One English sentence: det adj* noun verb det adj* noun (two different nouns)."""
    subject, obj = _phrase(rng), _phrase(rng)
    while obj[-1] == subject[-1]:
        obj[-1] = rng.choice(NOUNS)
    return tuple(subject + [rng.choice(VERBS)] + obj)


def translate_words(source: tuple[str, ...] | list[str]) -> Pair:
    """The reference translation of a grammatical English sentence, with its word alignment."""
    target: list[str] = []
    alignment: list[int] = []
    adjectives: list[int] = []
    pending: list[int] = []          # the current phrase's determiner and adjectives, waiting for the noun
    for i, word in enumerate(source):
        if word in DETERMINER_WORDS or word in ADJECTIVE_WORDS:
            pending.append(i)
        elif word in NOUN_WORDS:
            noun, gender = NOUN_WORDS[word]
            form = 0 if gender == "m" else 1
            for j in pending[:1]:                                   # the determiner, before the noun
                target.append(DETERMINER_WORDS[source[j]][form])
                alignment.append(j)
            target.append(noun)
            alignment.append(i)
            for j in pending[1:]:                                   # the adjectives, after it
                adjectives.append(len(target))
                target.append(ADJECTIVE_WORDS[source[j]][form])
                alignment.append(j)
            pending = []
        elif word in VERB_WORDS:
            target.append(VERB_WORDS[word])
            alignment.append(i)
        else:
            raise ValueError(f"{word!r} is not an English word of the parallel language")
    return Pair(tuple(source), tuple(target), tuple(alignment), tuple(adjectives))


def make_pair(rng: random.Random) -> Pair:
    return translate_words(make_source(rng))


def make_pairs(n: int, seed: int) -> list[Pair]:
    """``n`` sentence pairs from ``seed`` (the same on every machine)."""
    rng = random.Random(seed)
    return [make_pair(rng) for _ in range(n)]


def word_by_word(source: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The baseline: a dictionary, word for word, in the English order, masculine forms."""
    table = {**{e: f[0] for e, f in DETERMINER_WORDS.items()}, **{e: f[0] for e, f in ADJECTIVE_WORDS.items()},
             **{e: f for e, (f, _) in NOUN_WORDS.items()}, **VERB_WORDS}
    return tuple(table[w] for w in source)


def encode(words: tuple[str, ...] | list[str], vocab: tuple[str, ...]) -> list[int]:
    index = {w: i for i, w in enumerate(vocab)}
    return [index[w] for w in words]
