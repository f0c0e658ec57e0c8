"""BM25 keyword search over answer units (bm25s), so acronyms, figures and names are found exactly."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

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
    """A BM25 index over a fixed list of passages, saved with the index and memory-mapped when loaded."""

    def __init__(self, bm25):
        self._bm25 = bm25
        self.vocabulary: frozenset[str] = frozenset(bm25.vocab_dict)

    @classmethod
    def of(cls, passages: list[str]) -> "Lexical":
        """Index the passages."""
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index(tokenize(passages), show_progress=False)
        return cls(bm25)

    def save(self, folder: Path) -> list[str]:
        """Write the BM25 index into `folder`; the names of the files written, relative to it."""
        self._bm25.save(str(folder), show_progress=False)
        return sorted(p.name for p in folder.iterdir())

    @classmethod
    def load(cls, folder: Path) -> "Lexical":
        """The BM25 index saved in `folder`, its score matrix memory-mapped (no pickle)."""
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=True, allow_pickle=False, show_progress=False))

    def matrix(self) -> dict:
        """The token-by-passage BM25 weights as bm25s keeps them (CSC: "data", "indices", "indptr")."""
        return self._bm25.scores

    def token_ids(self, tokens: list[str] | tuple[str, ...]) -> list[int]:
        """The ids of the known tokens, in order, repeats kept (each adds its weight again, as in `scores`)."""
        vocab = self._bm25.vocab_dict
        return [vocab[t] for t in tokens if t in vocab]

    def passages_with(self, token: str) -> np.ndarray:
        """The indices of the passages that hold a token (none when no passage does)."""
        k = self._bm25.vocab_dict.get(token)
        if k is None:
            return np.zeros(0, dtype=np.int64)
        m = self._bm25.scores
        return np.asarray(m["indices"][m["indptr"][k]:m["indptr"][k + 1]])

    def scores(self, query_tokens: list[str] | tuple[str, ...]) -> np.ndarray:
        """BM25 score of every passage for the query's tokens (zeros when none is known)."""
        known = [t for t in query_tokens if t in self.vocabulary]
        if not known:
            return np.zeros(self._bm25.scores["num_docs"], dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)


def words(text: str) -> list[str]:
    """Lower-case word tokens of a text, unstemmed, stop words kept."""
    return re.findall(TOKEN_PATTERN, text.lower())
