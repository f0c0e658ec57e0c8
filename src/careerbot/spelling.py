"""Mend a question's misspelt words against the guides' own vocabulary ("sallary" -> "salary")."""
from __future__ import annotations

import difflib
import re
from functools import lru_cache

from .intent import QUESTION_STOP

CUTOFF = 0.8
_WORD = re.compile(r"[A-Za-z]+")


class Speller:
    """Knows the corpus vocabulary; corrects words it does not know to a close one it does."""

    def __init__(self, vocabulary: frozenset[str]):
        self.vocabulary = vocabulary
        self._by_first: dict[str, list[str]] = {}
        for word in vocabulary:
            if word.isalpha() and len(word) >= 3:
                self._by_first.setdefault(word[0], []).append(word)
        self.correct_word = lru_cache(maxsize=4096)(self._correct_word)

    def _correct_word(self, word: str) -> str | None:
        """The vocabulary word meant by `word`, `word` itself if known, None if nothing is close."""
        if word in self.vocabulary or word in QUESTION_STOP:
            return word
        if len(word) < 4:
            return None
        pool = [w for w in self._by_first.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        match = difflib.get_close_matches(word, pool, n=1, cutoff=CUTOFF)
        return match[0] if match else None

    def correct(self, text: str) -> tuple[str, list[str]]:
        """The text with misspelt words mended, and the words that match nothing in the guides."""
        unknown: list[str] = []

        def fix(m: re.Match[str]) -> str:
            word = m.group(0)
            lower = word.lower()
            found = self.correct_word(lower)
            if found is None:
                unknown.append(lower)
                return word
            return word if found == lower else found

        return _WORD.sub(fix, text), unknown
