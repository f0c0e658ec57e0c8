"""The index's vectors and BM25 weights in Milvus, searched by every answering process that shares it.

`careerbot index` with CAREERBOT_BACKEND=milvus writes the index folder as always, then makes two Milvus
collections hold what the folder's FAISS and BM25 files hold: one row per answer unit (its dense vector, its
BM25 weights as a sparse vector, its guide) and one per chunk. Rows are keyed by position in the index's
records, upserted, and rows past the end deleted. The vectors are copied from the folder, never embedded
again. A question's three searches then become Milvus queries (`hits`); ranking, declining and quoting
see the same candidates as with FAISS. The records, the corpus's knowledge and the query encoder still come
from the index folder, which every answering process reads (a shared volume, or a copy).

The URI is a Milvus server ("http://milvus:19530") or a milvus-lite file, which one process at a time opens
(tests, a single machine); by default the file `<index>.milvus.db` beside the index folder.
"""
from __future__ import annotations

import os
import threading
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import IndexError_
from .search import Hits

PREFIX_ENV = "CAREERBOT_MILVUS_COLLECTION"  # the collections' name prefix: one pair per index on a server
BATCH = 2000  # rows an upsert sends at once
_lock = threading.Lock()


def uri_of(settings) -> str:
    """The Milvus this index's vectors live in."""
    return settings.milvus_uri or str(settings.index.parent / f"{settings.index.name}.milvus.db")


def _names() -> tuple[str, str]:
    prefix = os.environ.get(PREFIX_ENV, "careerbot")
    return f"{prefix}_units", f"{prefix}_chunks"


@lru_cache(maxsize=4)
def client(uri: str):
    """A connection to the Milvus at `uri` (one per process and URI); IndexError_ when it cannot be reached."""
    from .quiet import hush

    hush()
    try:
        from pymilvus import MilvusClient

        if "://" not in uri:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        return MilvusClient(uri)
    except ImportError:
        raise IndexError_("CAREERBOT_BACKEND=milvus needs pymilvus: pip install 'careerbot[milvus]'") from None
    except Exception as exc:  # noqa: BLE001 - pymilvus raises its own kinds for an unreachable server
        raise IndexError_(f"cannot reach Milvus at {uri} ({type(exc).__name__}): start it, or set "
                          "CAREERBOT_MILVUS_URI to one that runs") from None


@contextmanager
def _speaking(uri: str):
    """Milvus's own errors as one line that says what to do."""
    try:
        yield
    except IndexError_:
        raise
    except Exception as exc:  # noqa: BLE001 - pymilvus raises MilvusException and grpc's errors
        if type(exc).__module__.split(".")[0] not in ("pymilvus", "grpc", "milvus_lite"):
            raise
        message = str(getattr(exc, "message", "") or exc).splitlines()[0][:200]
        raise IndexError_(f"Milvus at {uri} failed ({message}): check that it runs, then run `careerbot index`") from None


def _create(milvus, name: str, dim: int, sparse: bool) -> None:
    from pymilvus import DataType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("pos", DataType.INT64, is_primary=True)
    schema.add_field("source", DataType.INT64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    params = milvus.prepare_index_params()
    params.add_index("vector", index_type="FLAT", metric_type="IP")
    if sparse:
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP",
                         params={"drop_ratio_build": 0.0})
    milvus.create_collection(name, schema=schema, index_params=params)


def _bm25_rows(lexical, n: int):
    """unit -> its BM25 weights by token id, read from the BM25 index's token-by-unit score matrix (re-sorted
    by unit once): a question's BM25 score for a unit is the sum of its tokens' weights, the inner product
    Milvus computes."""
    scores = lexical.matrix()
    indptr = np.asarray(scores["indptr"])
    tokens = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    units = np.asarray(scores["indices"])
    order = np.argsort(units, kind="stable")
    units, tokens, weights = units[order], tokens[order], np.asarray(scores["data"])[order]
    bounds = np.searchsorted(units, np.arange(n + 1))
    return lambda i: dict(zip(tokens[bounds[i]:bounds[i + 1]].tolist(), weights[bounds[i]:bounds[i + 1]].tolist()))


def sync(index, lexical, uri: str) -> None:
    """Make the Milvus at `uri` hold this index's unit and chunk vectors and BM25 weights."""
    with _speaking(uri):
        _sync(client(uri), index, lexical)


def _sync(milvus, index, lexical) -> None:
    units_name, chunks_name = _names()
    dim = int(index.manifest["dimension"])
    sources = {"units": index.units.column("source"), "chunks": index.chunks.column("source")}
    for name, faiss_index, kind in ((units_name, index.unit_vectors, "units"),
                                    (chunks_name, index.chunk_vectors, "chunks")):
        if milvus.has_collection(name):
            fields = {f["name"]: f for f in milvus.describe_collection(name)["fields"]}
            if fields.get("vector", {}).get("params", {}).get("dim") != dim:
                milvus.drop_collection(name)
        if not milvus.has_collection(name):
            _create(milvus, name, dim, sparse=kind == "units")
        n = faiss_index.ntotal
        sparse = _bm25_rows(lexical, n) if kind == "units" else None
        for start in range(0, n, BATCH):
            end = min(n, start + BATCH)
            vectors = faiss_index.reconstruct_n(start, end - start)
            rows = [{"pos": i, "source": int(sources[kind][i]), "vector": vectors[i - start].tolist()}
                    for i in range(start, end)]
            if sparse is not None:
                for row in rows:
                    row["sparse"] = sparse(row["pos"])
            milvus.upsert(name, rows)
        milvus.delete(name, filter=f"pos >= {n}")
        milvus.flush(name)


def check(index, uri: str) -> None:
    """Load this index's collections in the Milvus at `uri`; IndexError_ unless they hold as many units and
    chunks as the index."""
    with _speaking(uri):
        _check(client(uri), index, uri)


def _check(milvus, index, uri: str) -> None:
    for name, n in zip(_names(), (len(index.units), len(index.chunks))):
        held = -1
        if milvus.has_collection(name):
            milvus.load_collection(name)  # a collection is searched once loaded into the engine's memory
            held = int(milvus.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"])
        if held != n:
            raise IndexError_(f"Milvus at {uri} does not hold the index in {index.path} ({held} {name} rows, "
                              f"{n} in the index): run `careerbot index`")


def hits(uri: str, lexical, qvec: np.ndarray, q_tokens: tuple[str, ...], units_k: int, chunks_k: int,
         lexical_k: int, sources: list[int] | None = None) -> Hits:
    """The three searches as Milvus queries, with `search.faiss_hits`'s meaning."""
    with _speaking(uri):
        return _hits(client(uri), uri, lexical, qvec, q_tokens, units_k, chunks_k, lexical_k, sources)


def _hits(milvus, uri: str, lexical, qvec: np.ndarray, q_tokens: tuple[str, ...], units_k: int, chunks_k: int,
          lexical_k: int, sources: list[int] | None) -> Hits:
    units_name, chunks_name = _names()
    where = "" if sources is None else f"source in {sorted(sources)}"
    vector = qvec.astype(np.float32).tolist()
    query = {int(t): float(c) for t, c in Counter(lexical.token_ids(q_tokens)).items()}

    def search(name: str, data, field: str, k: int, params: dict) -> list[tuple[int, float]]:
        if k <= 0 or sources == []:
            return []
        with _lock:  # one client, many threads: its calls one at a time
            found = milvus.search(name, data=[data], anns_field=field, limit=k, filter=where,
                                  search_params={"metric_type": "IP", "params": params})
        return [(int(h["pos"] if "pos" in h else h["id"]), float(h["distance"])) for h in found[0]]

    dense_units = search(units_name, vector, "vector", units_k, {})
    dense_chunks = search(chunks_name, vector, "vector", chunks_k, {})
    lexical_units = [(i, s) for i, s in search(units_name, query, "sparse", lexical_k,
                                               {"drop_ratio_search": 0.0}) if s > 0] if query else []

    fetched: dict[tuple[str, int], dict] = {}

    def rows(name: str, ids: list[int], fields: list[str]) -> list[dict]:
        todo = [i for i in dict.fromkeys(ids) if (name, i) not in fetched]
        if todo:
            with _lock, _speaking(uri):
                for row in milvus.get(name, ids=todo, output_fields=fields):
                    fetched[(name, int(row["pos"]))] = row
        return [fetched[(name, i)] for i in ids]

    def dense(name: str):
        def scores(ids: list[int]) -> np.ndarray:
            if not ids:
                return np.zeros(0, np.float32)
            vectors = [r["vector"] for r in rows(name, ids, ["vector", "sparse"] if name == units_name else ["vector"])]
            return np.asarray(vectors, dtype=np.float32) @ qvec
        return scores

    def bm25(ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros(0, np.float32)
        return np.asarray([sum(r["sparse"].get(t, 0.0) * w for t, w in query.items())
                           for r in rows(units_name, ids, ["vector", "sparse"])], dtype=np.float32)

    return Hits(units=dense_units, chunks=dense_chunks, lexical=lexical_units,
                top_lexical=lexical_units[0][1] if lexical_units else 0.0,
                unit_dense=dense(units_name), chunk_dense=dense(chunks_name), unit_lexical=bm25)
