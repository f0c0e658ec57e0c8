"""Keep one loaded engine per corpus and index: build the index when missing, reload it when rebuilt,
update it when the guides changed, and wait out another process's build or swap."""
from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import child_build
from .corpus import FileStat
from .errors import BuildLockedError, CareerbotError, IndexError_
from .settings import Settings

STALE_POLICIES = ("rebuild", "warn", "error")
ENCODER_ENV = "CAREERBOT_ENCODER"  # auto (the index's ONNX export when it has one), onnx, or torch
SWAP_WAIT_SECONDS = 5.0  # how long a loaded engine waits for an index being swapped in by another build


@dataclass
class _Loaded:
    engine: "object"  # retrieve.Engine
    stamp: tuple  # _stamp() of its index when loaded


_cache: dict[tuple[Path, Path], _Loaded] = {}
_cache_lock = threading.Lock()


# the manifest, and the files a loaded index maps into memory or reads on demand
STAMPED_FILES = ("manifest.json", "chunks.faiss", "units.faiss", "units.npy", "chunks.npy", "stems.npy", "text.bin",
                 "bm25/data.csc.index.npy", "bm25/indices.csc.index.npy", "bm25/indptr.csc.index.npy")


def _stamp(index_dir: Path) -> tuple:
    """The identity of the index's files as loaded. A memory-mapped file cut short or rewritten in place under
    a loaded engine would kill the process at its next search, so a change means loading again."""
    stamp = [(index_dir / STAMPED_FILES[0]).stat()]  # no manifest: no index
    for name in STAMPED_FILES[1:]:
        try:
            stamp.append((index_dir / name).stat())
        except FileNotFoundError:  # loading says what is missing
            stamp.append(None)
    return tuple(st and FileStat.of(st) for st in stamp)


def _stale_policy() -> str:
    policy = os.environ.get("CAREERBOT_ON_STALE", "rebuild").lower()
    if policy not in STALE_POLICIES:
        raise CareerbotError(f"CAREERBOT_ON_STALE must be one of {', '.join(STALE_POLICIES)}, not {policy!r}")
    return policy


def forget_engines() -> None:
    """Drop every loaded engine: the next question loads its index again (benchmarks, tests)."""
    with _cache_lock:
        _cache.clear()


def _encoder_choice() -> str:
    return os.environ.get(ENCODER_ENV, "auto").lower()


_builds_in_child = False


def build_in_child_processes() -> None:
    """From now on this process builds its indexes in a child process, as the app's server does: the model
    that embeds guides is never loaded into it, and an index whose guides changed keeps answering (each
    quote checked against its guide) until the child's new index is swapped in."""
    global _builds_in_child
    _builds_in_child = True


def _build_or_wait(settings: Settings, why: str) -> None:
    """Build the index; when another process is already building it, wait for that build instead."""
    from .index import build, wait_for_build

    if _builds_in_child:
        child_build.start(settings, why)
        child_build.wait(settings)
        return
    print(f"careerbot: {why}", file=sys.stderr)
    try:
        print(build(settings).summary(), file=sys.stderr)
    except BuildLockedError:
        wait_for_build(settings)


def _manifest_appears(index_dir: Path, seconds: float) -> bool:
    """Whether the index's manifest exists now or within `seconds` (an index being swapped in)."""
    deadline = time.monotonic() + seconds
    while not (index_dir / "manifest.json").exists():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _milvus(settings: Settings) -> str | None:
    """The Milvus the index's vectors are searched in, or None for the index folder's FAISS files."""
    if settings.backend != "milvus":
        return None
    from .milvus_backend import uri_of

    return uri_of(settings)


def engine_for(settings: Settings, changed: bool = False):
    """The loaded engine for this corpus and index: built if missing, reloaded if rebuilt, refreshed if stale.
    `changed` says the caller found the guides changed although their files look the same (a quote no longer
    at its offsets): refreshed then too, or an error when the index must not be updated."""
    from .index import built_by_this_pipeline, is_stale, load
    from .retrieve import load_engine

    key = (settings.corpus, settings.index)
    with _cache_lock:
        loaded = _cache.get(key)  # the corpus is stat-ed before every answer: cheap for hundreds of guides
        if not _manifest_appears(settings.index, SWAP_WAIT_SECONDS if loaded else 0.0):
            _build_or_wait(settings, f"no index in {settings.index}; building it from {settings.corpus}")
            loaded = None
        try:
            stamp = _stamp(settings.index)
        except FileNotFoundError:
            raise IndexError_(f"no index in {settings.index}: run `careerbot index` to build it") from None
        if loaded is None or loaded.stamp != stamp:
            _cache.pop(key, None)  # never searched again: its files may be cut short
            if not built_by_this_pipeline(settings.index):  # its files may differ from this version's
                if _stale_policy() != "rebuild":
                    raise IndexError_(f"the index in {settings.index} was built by another version of careerbot: "
                                      "run `careerbot index`")
                _build_or_wait(settings, f"the index in {settings.index} was built by another version of "
                                         "careerbot; building it again")
                stamp = _stamp(settings.index)
            loaded = _Loaded(load_engine(load(settings.index), _encoder_choice(), settings.corpus, _milvus(settings)),
                             stamp)
        if changed or is_stale(loaded.engine.index, settings.corpus):
            policy = _stale_policy()
            if policy == "error" or (changed and policy == "warn"):
                raise IndexError_(f"the guides in {settings.corpus} changed since the index was built: run `careerbot index`")
            if policy == "warn":
                print("careerbot: warning: the guides changed since the index was built; run `careerbot index`",
                      file=sys.stderr)
            elif _builds_in_child and not changed:
                child_build.start(settings, f"the guides in {settings.corpus} changed; updating the index")
            else:
                _build_or_wait(settings, f"the guides in {settings.corpus} changed; updating the index")
                engine = load_engine(load(settings.index), _encoder_choice(), settings.corpus, _milvus(settings))
                loaded = _Loaded(engine, _stamp(settings.index))
        _cache[key] = loaded
        return loaded.engine
