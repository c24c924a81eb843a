"""Sentence clean-up and the toy model's word-level tokenizer."""

from __future__ import annotations

import re
import unicodedata

from .errors import InputError

# A word (letters/digits, with inner apostrophes) or any single other visible character.
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)


def clean_sentence(sentence: str) -> str:
    """NFC-normalise and check a user sentence; raises InputError naming the problem."""
    if not isinstance(sentence, str):
        raise InputError(f"the sentence must be text, got {type(sentence).__name__}")
    text = unicodedata.normalize("NFC", sentence).strip()
    if not text:
        raise InputError("the sentence is empty: pass some words, e.g. --sentence 'a fluffy blue creature'")
    for ch in text:
        if unicodedata.category(ch) == "Cc" and not ch.isspace():
            raise InputError(f"the sentence contains the control character U+{ord(ch):04X}: remove it")
    return text


def word_tokenize(sentence: str) -> list[str]:
    """Split into words and punctuation marks: 'the cat sat.' → ['the', 'cat', 'sat', '.']."""
    return _TOKEN.findall(clean_sentence(sentence))
