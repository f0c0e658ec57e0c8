"""How long the first embedding of the guides' passages takes in one process (torch on every core) and with
sentence-transformers' multi-process pool of 1 and 2 CPU workers, and whether the vectors agree.

    .venv/bin/python bench/embedding_pool.py

On the 2-core machine the README's figures come from, the pool is slower than one process: torch already
uses both cores for a batch. With several GPUs the pool is what spreads a big first build over them.
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import sys  # noqa: E402 - the offline switches above come before any Hugging Face import
import time  # noqa: E402

import numpy as np  # noqa: E402


def main() -> int:
    import torch

    from careerbot.embedding import encode, load_model
    from careerbot.index import chunk_passage, load, unit_passage
    from careerbot.loading import engine_for
    from careerbot.quiet import hush
    from careerbot.settings import resolve

    hush()
    settings = resolve()
    engine_for(settings)  # builds the index when it is missing
    idx = load(settings.index, check_files=False)
    texts = list(dict.fromkeys([chunk_passage(c, idx.roles[c.source]) for c in idx.chunks] +
                               [unit_passage(u, idx.roles[u.source]) for u in idx.units]))
    model = load_model()
    encode(texts[:64])  # warm
    start = time.perf_counter()
    alone = encode(texts)
    print(f"{len(texts)} passages, one process ({torch.get_num_threads()} torch threads): "
          f"{time.perf_counter() - start:.1f} s")
    for workers in (1, 2):
        pool = model.start_multi_process_pool(["cpu"] * workers)
        try:
            model.encode(texts[:64], pool=pool, batch_size=64)  # warm
            start = time.perf_counter()
            pooled = model.encode(texts, pool=pool, batch_size=64, normalize_embeddings=True)
            took = time.perf_counter() - start
        finally:
            model.stop_multi_process_pool(pool)
        print(f"pool of {workers} worker process(es): {took:.1f} s; "
              f"largest difference from one process {np.abs(np.asarray(pooled) - alone).max():.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
