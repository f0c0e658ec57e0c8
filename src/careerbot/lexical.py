"""BM25 keyword search over answer units (bm25s), so acronyms, figures and names are found exactly."""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

# figures stay whole ("104,830", "2022-2032" -> "2022", "2032"), other tokens are words of 2+ characters
TOKEN_PATTERN = r"(?u)\d+(?:[.,]\d+)+|\b\w\w+\b"


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens of each text."""
    import bm25s

    return bm25s.tokenize(texts, token_pattern=TOKEN_PATTERN, stopwords="en", stemmer=_stemmer(),
                          return_ids=False, show_progress=False)


@lru_cache(maxsize=1024)
def text_tokens(text: str) -> tuple[str, ...]:
    """`tokenize` for one text, remembered: a question's tokens are asked for at several steps."""
    return tuple(tokenize([text])[0])


class Lexical:
    """A BM25 index over a fixed list of passages."""

    def __init__(self, passages: list[str]):
        import bm25s

        self.vocabulary: set[str] = set()
        tokens = tokenize(passages)
        for row in tokens:
            self.vocabulary.update(row)
        self._bm25 = bm25s.BM25()
        self._bm25.index(tokens, show_progress=False)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query's tokens (zeros when none is known)."""
        known = [t for t in query_tokens if t in self.vocabulary]
        if not known:
            return np.zeros(self._bm25.scores["num_docs"], dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)


def words(text: str) -> list[str]:
    """Lower-case word tokens of a text, unstemmed, stop words kept."""
    return re.findall(TOKEN_PATTERN, text.lower())
