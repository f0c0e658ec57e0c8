"""The learned query adapter: a small linear map that moves a question's MiniLM vector toward the passages
that answer questions like it.

MiniLM embeds a question as a text like any other: "How much do welders make?" sits near other text about
welders' pay as much as near the sentence that gives it. The adapter is fitted across corpora by
`bench/train_ranker.py` on gold questions and the units that answer them: a low-rank correction
q + (q U) Vᵀ, renormalised. It acts on questions only, so the guides' vectors and the index stay as built.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

ADAPTER_FILE = Path(__file__).with_name("query_adapter.npz")

override: "tuple[np.ndarray, np.ndarray] | None | bool" = None  # (U, V) being fitted, or False for none


@lru_cache(maxsize=1)
def _fitted() -> tuple[np.ndarray, np.ndarray] | None:
    if not ADAPTER_FILE.exists():
        return None
    with np.load(ADAPTER_FILE, allow_pickle=False) as saved:
        return saved["U"].astype(np.float32), saved["V"].astype(np.float32)


def weights() -> tuple[np.ndarray, np.ndarray] | None:
    """The adapter's (U, V), or None when questions are searched with their own vectors."""
    if override is False:
        return None
    return override if override is not None else _fitted()


def adapt(vectors: np.ndarray) -> np.ndarray:
    """Question vectors (one per row, L2-normalised) as the adapter moves them, still L2-normalised."""
    uv = weights()
    if uv is None or vectors.size == 0:
        return vectors
    u, v = uv
    moved = vectors + (vectors @ u) @ v.T
    return (moved / np.linalg.norm(moved, axis=1, keepdims=True)).astype(np.float32)
