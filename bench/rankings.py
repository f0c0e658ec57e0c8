"""Question signals shared by every system, and retrieval-only rankings over careerbot's own answer units.

Every `*_answerer` here returns a function `question -> (Answer, ranked guide sources)`, the shape
`careerbot.evaluate.evaluate(items, answer=...)` expects, so baselines are scored by careerbot's own rules.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from careerbot.answer import Answer, Citation
from careerbot.ask import clean_question
from careerbot.embedding import encode
from careerbot.lexical import tokenize

RRF_K = 60
Answerer = Callable[[str], tuple[Answer, list[str]]]


class QuestionCache:
    """Each question's cleaned text, dense vector and BM25 scores over the engine's units, computed once."""

    def __init__(self, engine):
        self.engine = engine
        self._vectors: dict[str, np.ndarray] = {}
        self._lexical: dict[str, np.ndarray] = {}

    def prefetch(self, questions: Iterable[str]) -> None:
        """Embed all not-yet-seen questions in one batch."""
        texts = sorted({clean_question(q) for q in questions} - set(self._vectors))
        if texts:
            self._vectors.update(zip(texts, encode(texts)))

    def vector(self, question: str) -> np.ndarray:
        """The question's unit-length embedding (as careerbot embeds it: the cleaned text)."""
        text = clean_question(question)
        if text not in self._vectors:
            self._vectors[text] = encode([text])[0]
        return self._vectors[text]

    def lexical(self, question: str) -> np.ndarray:
        """BM25 score of every unit for the question's tokens."""
        text = clean_question(question)
        if text not in self._lexical:
            self._lexical[text] = self.engine.lexical.scores(tokenize([text])[0])
        return self._lexical[text]


def guides_in_order(sources: Iterable[str]) -> list[str]:
    """Guides ranked by their first appearance in a ranked list of sources."""
    return list(dict.fromkeys(sources))


def dense_order(engine, qvec: np.ndarray) -> np.ndarray:
    """Every unit id, most similar to the question vector first (exact FAISS inner-product search)."""
    vectors = engine.index.unit_vectors
    _, ids = vectors.search(qvec.reshape(1, -1).astype(np.float32), vectors.ntotal)
    return ids[0][ids[0] >= 0]


def bm25_order(scores: np.ndarray) -> np.ndarray:
    """Unit ids with a positive BM25 score, best first (ties in index order)."""
    order = np.argsort(-scores, kind="stable")
    return order[scores[order] > 0]


def rrf_order(*orders: np.ndarray, k: int = RRF_K) -> list[int]:
    """Reciprocal-rank fusion: each unit scores the sum of 1/(k + rank) over the lists it appears in (rank from 1)."""
    fused: dict[int, float] = {}
    for order in orders:
        for rank, unit in enumerate(order, 1):
            fused[int(unit)] = fused.get(int(unit), 0.0) + 1.0 / (k + rank)
    return sorted(fused, key=lambda u: -fused[u])


def _unit_sources(engine, ids: Iterable[int]) -> list[str]:
    return guides_in_order(engine.index.units[int(i)].source for i in ids)


def _declined(question: str) -> Answer:
    return Answer(question=question, text="", answered=False)


def retrieval_answerer(engine, cache: QuestionCache, method: str) -> Answerer:
    """Ranking only (the answer is a blank decline): guides by first appearance in the unit ranking of
    `method`, one of "dense", "bm25", "rrf"."""

    def rank(question: str) -> list[int]:
        if method == "dense":
            return list(dense_order(engine, cache.vector(question)))
        if method == "bm25":
            return list(bm25_order(cache.lexical(question)))
        if method == "rrf":
            return rrf_order(dense_order(engine, cache.vector(question)), bm25_order(cache.lexical(question)))
        raise ValueError(f"unknown ranking method {method!r}")

    def answer(question: str) -> tuple[Answer, list[str]]:
        return _declined(question), _unit_sources(engine, rank(question))

    return answer


def dense_top1_answerer(engine, cache: QuestionCache) -> Answerer:
    """Always answer with the single unit most similar to the question, cited like careerbot cites it."""

    def answer(question: str) -> tuple[Answer, list[str]]:
        vec = cache.vector(question)
        order = dense_order(engine, vec)
        u = engine.index.units[int(order[0])]
        sim = float(engine.index.unit_vectors.reconstruct(int(order[0])) @ vec)
        title = engine.index.titles.get(u.source, u.source)
        cite = Citation(title=title, source=u.source, section=u.section, quote=u.text, start=u.start, end=u.end,
                        score=round(min(1.0, max(0.0, sim)), 4))
        text = f"{' '.join(u.text.split())} [1]"
        return (Answer(question=clean_question(question), text=text, answered=True, citations=[cite],
                       score=cite.score), _unit_sources(engine, order))

    return answer
