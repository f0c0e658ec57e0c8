"""The three searches behind a question's candidates, on the index's own FAISS and BM25 files.

A question's `Hits` are the units nearest its vector, the chunks nearest it, and the units its words score
best on with BM25, with the way to score any other unit or chunk it must compare. Another backend gives the
same `Hits` from a search engine shared by many answering processes (milvus_backend.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Scores = Callable[[list[int]], np.ndarray]


@dataclass
class Hits:
    """What the searches found for one question, best first, as (position, score) pairs."""

    units: list[tuple[int, float]]  # dense search over answer units
    chunks: list[tuple[int, float]]  # dense search over chunks
    lexical: list[tuple[int, float]]  # BM25 over answer units, scores above 0
    top_lexical: float  # the best BM25 score (0 when no unit shares a word with the question)
    unit_dense: Scores  # the question's similarity to any units
    chunk_dense: Scores  # ... to any chunks
    unit_lexical: Scores  # the BM25 score of any units


def _faiss_search(faiss_index, qvec: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
    import faiss

    k = min(k, faiss_index.ntotal)
    if k <= 0 or (allowed is not None and len(allowed) == 0):
        return []
    params = None
    if allowed is not None:
        selector = faiss.IDSelectorBatch(allowed)
        params = faiss.SearchParametersIVF(sel=selector, nprobe=faiss_index.nprobe) \
            if isinstance(faiss_index, faiss.IndexIVF) else faiss.SearchParameters(sel=selector)
    scores, ids = faiss_index.search(qvec.reshape(1, -1), k, params=params)
    return [(int(i), float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]


def _reconstructed(faiss_index, qvec: np.ndarray) -> Scores:
    def scores(ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros(0, np.float32)
        return faiss_index.reconstruct_batch(np.asarray(ids, dtype=np.int64)) @ qvec
    return scores


def faiss_hits(index, lexical, qvec: np.ndarray, q_tokens: tuple[str, ...], units_k: int, chunks_k: int,
               lexical_k: int, sources: list[int] | None = None) -> Hits:
    """The searches on the index folder's FAISS vectors and BM25 index; `sources` limits them to those guides
    (positions in the index's guide list)."""
    allowed_units = allowed_chunks = None
    if sources is not None:
        allowed_units = np.flatnonzero(np.isin(index.units.column("source"), sources)).astype(np.int64)
        allowed_chunks = np.flatnonzero(np.isin(index.chunks.column("source"), sources)).astype(np.int64)
    lex = lexical.scores(q_tokens)
    if allowed_units is not None:
        mask = np.zeros_like(lex, dtype=bool)
        mask[allowed_units] = True
        lex = np.where(mask, lex, 0.0)
    top = float(lex.max()) if lex.size else 0.0
    return Hits(
        units=_faiss_search(index.unit_vectors, qvec, units_k, allowed_units),
        chunks=_faiss_search(index.chunk_vectors, qvec, chunks_k, allowed_chunks),
        lexical=_best(lex, lexical_k) if top > 0 else [], top_lexical=top,
        unit_dense=_reconstructed(index.unit_vectors, qvec),
        chunk_dense=_reconstructed(index.chunk_vectors, qvec),
        unit_lexical=lambda ids: lex[np.asarray(ids, dtype=np.int64)] if ids else np.zeros(0, np.float32),
    )


def _best(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k highest positive scores, best first, ties to the lower position (a partition, not a sort of
    every unit: sorting 1.2 M scores took 144 ms a question)."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    floor = max(float(np.partition(scores, len(scores) - k)[len(scores) - k]), np.nextafter(np.float32(0), 1))
    ids = np.flatnonzero(scores >= floor)
    ids = ids[np.lexsort((ids, -scores[ids]))][:k]
    return [(int(i), float(scores[i])) for i in ids]
