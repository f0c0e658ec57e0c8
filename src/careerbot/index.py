"""Build, save, check and load careerbot's index folder.

An index folder holds `manifest.json` (format version, model, dimension, settings, the documents with
their hashes, and the size and hash of every other file); the chunk and unit records as memory-mapped
columns (records.py); what the build learned of the guides (`knowledge.json`, knowledge.py); the BM25 index
(`bm25/`, bm25s's own files); and `chunks.faiss` / `units.faiss` (inner-product FAISS indexes of unit-length
vectors). Nothing is pickled. A build writes a new folder beside the old one and swaps it in with renames,
so a crash leaves the previous index as it was. Loading maps the files: it builds no object per passage.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import knowledge, records
from .chunking import Chunk, chunk_corpus
from .corpus import FileStat, Skipped, file_sha256, file_stats, load_corpus
from .coverage import role_aliases, role_of, survey
from .errors import BuildLockedError, IndexError_
from .lexical import Lexical
from .settings import MODEL_NAME, Settings
from .structure import Unit

FORMAT_VERSION = 2
# Bump when the way guides are cut into chunks and units, or the passages embedded, changes: an index built
# by another pipeline version is not reused incrementally (every guide is chunked and embedded again).
PIPELINE_VERSION = 13
# A unit holding a control character (a NUL, a stray escape) is damaged text: it is never quoted
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MANIFEST = "manifest.json"
VECTOR_FILES = ("chunks.faiss", "units.faiss")
BM25_DIR = "bm25"
DATA_FILES = (*records.FILES, knowledge.FILE, *VECTOR_FILES)  # and the BM25 index's files, under BM25_DIR
ENCODER_FILES = ("encoder.onnx", "tokenizer.json")  # the query encoder without torch, when its export passed
REBUILD = "run `careerbot index --full` to rebuild it"
APPROXIMATE_FROM = 100_000  # vectors: below this, exact search takes a few ms; above, an IVF index (faiss)
NPROBE = 32  # clusters an IVF search visits: recall@10 against exact search is measured in bench/scale.py
ADD_BATCH = 65_536


@dataclass(frozen=True)
class UnitRecord:
    """An answer unit as the index stores it: its document, its chunk, its span and where it stands."""

    source: str
    chunk: int
    start: int
    end: int
    kind: str
    section: str
    context: str
    text: str


@dataclass
class Index:
    """A loaded index: records (read on demand), their vectors, and the manifest they were built with."""

    path: Path
    manifest: dict
    chunks: "records.Table"  # of Chunk
    units: "records.Table"  # of UnitRecord
    chunk_vectors: "object"  # faiss.Index
    unit_vectors: "object"  # faiss.Index
    records: "records.Records"  # the columns `chunks` and `units` read from
    titles: dict[str, str] = field(default_factory=dict)
    by_file: dict[str, dict] = field(default_factory=dict)  # manifest documents by corpus file (origin or source)
    files: frozenset[str] = frozenset()  # every corpus file the build saw, indexed or skipped
    confirmed: dict[str, FileStat] = field(default_factory=dict)  # files whose new identity hides the same bytes

    @property
    def roles(self) -> dict[str, str]:
        """The role each guide is about, by source (`manifest_roles`)."""
        return manifest_roles(self.manifest)

    @property
    def aliases(self) -> dict[str, list[str]]:
        """The other names each guide gives its role, by source (`manifest_aliases`)."""
        return manifest_aliases(self.manifest)


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    documents: int
    chunks: int
    units: int
    seconds: float
    skipped: list[Skipped]
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0  # passage texts embedded by this build; the others' vectors were reused

    def summary(self) -> str:
        line = (f"indexed {self.documents} guides ({self.added} added, {self.changed} changed, {self.removed} removed, "
                f"{self.unchanged} unchanged): {self.chunks} chunks, {self.units} answer units "
                f"({self.embedded} passages embedded) in {self.seconds:.1f} s")
        if self.skipped:
            line += "; skipped " + ", ".join(f"{s.source} ({s.reason})" for s in self.skipped)
        return line


def chunk_passage(chunk: Chunk, role: str) -> str:
    """The text embedded and searched for a chunk: its guide's role, its heading, then its words."""
    parts = [p for p in (role, chunk.section, " ".join(chunk.text.split())) if p]
    return ". ".join(parts)


def unit_passage(unit: UnitRecord | Unit, role: str) -> str:
    """The text embedded and searched for an answer unit: role, heading, table header, then the unit."""
    parts = [p for p in (role, unit.section, unit.context, " ".join(unit.text.split())) if p]
    return ". ".join(parts)


def _faiss_of(vectors: np.ndarray, dim: int):
    """Vectors stored as float16 (half the memory; inner products move by about 1e-5). Exact inner-product
    search while it is fast; past APPROXIMATE_FROM vectors, an inverted-file index that compares the question
    with the vectors of its NPROBE nearest clusters only."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    fp16 = faiss.ScalarQuantizer.QT_fp16
    if len(vectors) < APPROXIMATE_FROM:
        index = faiss.IndexScalarQuantizer(dim, fp16, faiss.METRIC_INNER_PRODUCT)
    else:
        clusters = int(2 * np.sqrt(len(vectors)))
        index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, clusters, fp16, faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), clusters * 64), replace=False)
        index.cp.verbose = False
        index.train(vectors[np.sort(sample)])
        index.nprobe = NPROBE
    for start in range(0, len(vectors), ADD_BATCH):
        index.add(vectors[start:start + ADD_BATCH])
    return index


def search_kind(index) -> str:
    """"exact", or "ivf" for the approximate index of a large corpus."""
    import faiss

    return "ivf" if isinstance(index, faiss.IndexIVF) else "exact"


def _lock_file(settings: Settings):
    from filelock import FileLock

    settings.index.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.index.parent / f".{settings.index.name}.lock"))


def wait_for_build(settings: Settings, seconds: float = 900.0) -> None:
    """Block until no process holds the build lock of this index (at most `seconds`)."""
    from filelock import Timeout

    lock = _lock_file(settings)
    try:
        with lock.acquire(timeout=seconds):
            pass
    except Timeout:
        raise BuildLockedError(f"{settings.index} has been locked by another build for {seconds:.0f} s: "
                               "if no build is running, delete the .lock file beside it") from None


def _lock(settings: Settings):
    from filelock import Timeout

    lock = _lock_file(settings)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildLockedError(f"another `careerbot index` is building {settings.index} right now: wait for it to finish") from None
    return lock


def build(settings: Settings, full: bool = False, progress: bool = True) -> BuildReport:
    """(Re)build the index of `settings.corpus` into `settings.index`, reusing the vectors of unchanged guides.

    With `full`, every guide is chunked and embedded again. Raises CorpusError when no guide is readable,
    BuildLockedError when another build holds the lock, and IndexError_ when the index's folder cannot be
    written (the index there, if any, is left as it was).
    """
    try:
        lock = _lock(settings)
    except OSError as exc:
        raise _unwritable(settings, exc) from None
    marker = _building_marker(settings)
    started = time.time()

    def step(name: str, done: int = 0, total: int = 0) -> None:
        _write_marker(marker, {"pid": os.getpid(), "started": started, "step": name, "done": done, "total": total})

    try:
        step("reading the guides")
        report = _build(settings, full, progress, step)
        if settings.backend == "milvus":
            from .milvus_backend import sync, uri_of

            step("copying the vectors to Milvus")
            sync(load(settings.index), Lexical.load(settings.index / BM25_DIR), uri_of(settings))
        return report
    except OSError as exc:
        if exc.filename and not str(exc.filename).startswith(str(settings.index.parent)):
            raise
        raise _unwritable(settings, exc) from None
    finally:
        marker.unlink(missing_ok=True)
        lock.release()


def _unwritable(settings: Settings, exc: OSError) -> IndexError_:
    return IndexError_(f"cannot write the index in {settings.index} ({exc.strerror or exc}): make its folder "
                       "writable, or set CAREERBOT_INDEX to a folder that is")


def _building_marker(settings: Settings) -> Path:
    return settings.index.parent / f".{settings.index.name}.building"


def _write_marker(marker: Path, record: dict) -> None:
    """Say which step a build is at, for anyone who shows it (whole, never half-written)."""
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, marker)


def build_progress(settings: Settings) -> dict | None:
    """The step a live build of this index is at ({"step": "embedding passages", "done": 120, "total": 900}),
    or None when no live process is building it (read without touching the build lock)."""
    try:
        record = json.loads(_building_marker(settings).read_text(encoding="utf-8"))
        pid = int(record["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # a build that was killed
    except PermissionError:
        pass  # another user's live process
    return record


def build_in_progress(settings: Settings) -> bool:
    """Whether a live process is building this index now (read without touching the build lock)."""
    return build_progress(settings) is not None


def _reusable(settings: Settings, full: bool) -> Index | None:
    if full or not (settings.index / MANIFEST).exists():
        return None
    try:
        old = load(settings.index, check_files=True)
    except IndexError_:
        return None
    same = (old.manifest.get("settings") == _settings_record(settings))
    return old if same else None


def _previous_documents(path: Path) -> list[dict]:
    try:
        documents = read_manifest(path).get("documents", [])
    except IndexError_:
        return []
    return [d for d in documents if isinstance(d, dict)] if isinstance(documents, list) else []


def _settings_record(settings: Settings) -> dict:
    return {"chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap, "pipeline": PIPELINE_VERSION}


def _build(settings: Settings, full: bool, progress: bool, step: Callable[..., None]) -> BuildReport:
    started = time.perf_counter()
    indexed = frozenset(str(d.get("source")) for d in _previous_documents(settings.index))
    docs, skipped = load_corpus(settings.corpus, keep=indexed)
    old = _reusable(settings, full)
    old_docs = {d["source"]: d for d in old.manifest["documents"]} if old else {}
    kept = {d.source for d in docs if old_docs.get(d.source, {}).get("sha256") == d.sha256}
    if not old:  # not reusable, but what it held still tells added from changed in the summary
        old_docs = {d.get("source"): d for d in _previous_documents(settings.index)}
    fresh = [d for d in docs if d.source not in kept]
    if old and not fresh and [d.source for d in docs] == [d["source"] for d in old.manifest["documents"]]:
        return _restamp(settings, old, docs, skipped, started)

    chunks, pieces = chunk_corpus(fresh, settings.chunk_size, settings.chunk_overlap)
    units = [UnitRecord(p.source, p.chunk, p.unit.start, p.unit.end, p.unit.kind, p.unit.section, p.unit.context,
                        p.unit.text) for p in pieces if not CONTROL_CHARS.search(p.unit.text)]
    roles = {d.source: role_of(d.title, d.text) for d in docs}
    aliases = role_aliases(roles, {d.source: d.text for d in docs})
    passages = [chunk_passage(c, roles[c.source]) for c in chunks] + \
               [unit_passage(u, roles[u.source]) for u in units]
    made: dict = {}  # the record of an export this build makes to embed with
    vectors, embedded = _embed(passages, _previous_vectors(old) if old and fresh else {}, progress,
                               lambda done, total: step("embedding passages", done, total),
                               lambda: _passage_encoder(old, _encoder_check_texts(units, roles), made))
    step("writing the index")
    dim = vectors.shape[1] if embedded else int(old.manifest["dimension"]) if old else _model_dimension()
    vectors = vectors.reshape(len(passages), dim)
    chunk_vecs, unit_vecs = vectors[: len(chunks)], vectors[len(chunks):]

    if old and kept:
        chunks, units, chunk_vecs, unit_vecs = _merge_kept(old, kept, chunks, units, chunk_vecs, unit_vecs)

    order = {d.source: i for i, d in enumerate(docs)}
    chunks, units, chunk_vecs, unit_vecs = _in_document_order(order, chunks, units, chunk_vecs, unit_vecs)
    stats = file_stats(settings.corpus)
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": MODEL_NAME,
        "dimension": dim,
        "settings": _settings_record(settings),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "documents": [_document_record(d, roles[d.source], stats, settings.corpus, aliases.get(d.source, []))
                      for d in docs],
        "skipped": [asdict(s) for s in skipped],
        "chunks": len(chunks),
        "units": len(units),
    }
    derived = knowledge.derive(manifest_titles(manifest), roles, chunks, units)
    manifest["coverage"] = asdict(survey(roles, [u.text for u in units], derived.unit_offers,
                                         sorted({u.section for u in units})))
    check_texts = _encoder_check_texts(units, roles)
    _write(settings.index, manifest, [d.source for d in docs], chunks, units, derived, chunk_vecs, unit_vecs,
           dim, check_texts, _exported_encoder(old), made)
    removed = len(set(old_docs) - {d.source for d in docs})
    added = sum(1 for d in fresh if d.source not in old_docs)
    return BuildReport(len(docs), len(chunks), len(units), time.perf_counter() - started, skipped,
                       added=added, changed=len(fresh) - added, removed=removed, unchanged=len(kept),
                       embedded=embedded)


def _restamp(settings: Settings, old: Index, docs, skipped: list[Skipped], started: float) -> BuildReport:
    """Nothing to index again (the same guides, text for text): record the guides' files as they are now in
    the manifest, replaced whole, and keep every other file."""
    stats = file_stats(settings.corpus)
    roles = manifest_roles(old.manifest)  # the same guides, text for text: the same roles
    aliases = manifest_aliases(old.manifest)
    manifest = {**old.manifest, "documents": [_document_record(d, roles[d.source], stats, settings.corpus,
                                                                aliases.get(d.source, [])) for d in docs],
                "skipped": [asdict(s) for s in skipped]}
    tmp = settings.index / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, settings.index / MANIFEST)
    return BuildReport(len(docs), len(old.chunks), len(old.units), time.perf_counter() - started, skipped,
                       unchanged=len(docs))


def _model_dimension() -> int:
    from .embedding import dimension

    return dimension()


def _embed(passages: list[str], known: dict[str, np.ndarray], progress: bool,
           on_batch: Callable[[int, int], None] | None = None,
           encoder: Callable[[], Callable[[list[str]], np.ndarray] | None] = lambda: None) -> tuple[np.ndarray, int]:
    """Vectors for the passages, and how many texts were embedded for them: a passage whose very text was
    embedded by the previous build keeps its vector, and each other distinct text is embedded once (by
    `encoder()`'s encoder when it gives one, else by sentence-transformers)."""
    todo = list(dict.fromkeys(p for p in passages if p not in known))
    if todo:
        from .embedding import encode

        from .onnx_encoder import BUILD_BATCH

        onnx = encoder()
        vectors = encode(todo, progress=progress, on_batch=on_batch, encoder=onnx,
                         **({"batch_size": BUILD_BATCH} if onnx else {}))
        known = {**known, **dict(zip(todo, vectors))}
    if not passages:
        return np.zeros((0, 0), np.float32), 0
    return np.vstack([known[p] for p in passages]).astype(np.float32, copy=False), len(todo)


def _passage_encoder(old: "Index | None", check_texts: list[str], made: dict):
    """The ONNX export to embed passages with (onnx_encoder.passage_encoder), or None for torch."""
    from .onnx_encoder import passage_encoder

    try:
        return passage_encoder(check_texts, _exported_encoder(old), made)
    except Exception:  # noqa: BLE001 - onnxruntime's own errors: a damaged export; torch embeds instead
        return None


def _previous_vectors(old: Index) -> dict[str, np.ndarray]:
    """The previous build's vectors by passage text (the model and the way passages are written are the
    same, or the old index would not be reused): a changed guide's untouched passages, or a new guide's
    passages that repeat an indexed one, are not embedded again."""
    roles = manifest_roles(old.manifest)
    texts = [chunk_passage(c, roles[c.source]) for c in old.chunks] + \
            [unit_passage(u, roles[u.source]) for u in old.units]
    vectors = np.vstack([_reconstruct(old.chunk_vectors, range(len(old.chunks))),
                         _reconstruct(old.unit_vectors, range(len(old.units)))])
    return dict(zip(texts, vectors))


def _document_record(doc, role: str, stats: dict[str, FileStat], corpus: Path, aliases: list[str] = ()) -> dict:
    """What the manifest keeps of a guide: its title, the `role` read from it and the role's other names in its
    text, its text's hash and the identity of its file, which tells when it changed. An extracted guide also
    names its original and keeps that file's own hash."""
    st = stats[doc.file]
    record = {"source": doc.source, "title": doc.title, "role": role, "aliases": list(aliases), "sha256": doc.sha256,
              "size": st.size, "mtime_ns": st.mtime_ns, "ctime_ns": st.ctime_ns, "inode": st.inode}
    if doc.origin:
        record["origin"] = doc.origin
        record["origin_sha256"] = file_sha256(corpus / doc.origin)
    return record


def _merge_kept(old: Index, kept: set[str], chunks, units, chunk_vecs, unit_vecs):
    """Add the unchanged guides' chunks, units and vectors from the old index to the fresh ones."""
    old_chunk_ids = [i for i, c in enumerate(old.chunks) if c.source in kept]
    old_unit_ids = [i for i, u in enumerate(old.units) if u.source in kept]
    remap = {old_id: len(chunks) + k for k, old_id in enumerate(old_chunk_ids)}
    chunks = chunks + [old.chunks[i] for i in old_chunk_ids]
    units = units + [UnitRecord(**{**asdict(old.units[i]), "chunk": remap[old.units[i].chunk]}) for i in old_unit_ids]
    chunk_vecs = np.vstack([chunk_vecs, _reconstruct(old.chunk_vectors, old_chunk_ids)])
    unit_vecs = np.vstack([unit_vecs, _reconstruct(old.unit_vectors, old_unit_ids)])
    return chunks, units, chunk_vecs, unit_vecs


def _reconstruct(index, ids: list[int] | range) -> np.ndarray:
    """The stored vectors of `ids`."""
    if not len(ids):
        return np.zeros((0, index.d), np.float32)
    if isinstance(ids, range) and ids.step == 1:
        return index.reconstruct_n(ids.start, len(ids)).astype(np.float32, copy=False)
    return np.vstack([index.reconstruct(i) for i in ids]).astype(np.float32)


def _in_document_order(order: dict[str, int], chunks, units, chunk_vecs, unit_vecs):
    """Sort chunks and units by (document, offset) so that a rebuild's result does not depend on history."""
    chunk_perm = sorted(range(len(chunks)), key=lambda i: (order[chunks[i].source], chunks[i].start))
    new_id = {old: new for new, old in enumerate(chunk_perm)}
    unit_perm = sorted(range(len(units)), key=lambda i: (order[units[i].source], units[i].start, units[i].end))
    chunks = [chunks[i] for i in chunk_perm]
    units = [UnitRecord(**{**asdict(units[i]), "chunk": new_id[units[i].chunk]}) for i in unit_perm]
    return chunks, units, chunk_vecs[chunk_perm], unit_vecs[unit_perm]


def manifest_roles(manifest: dict) -> dict[str, str]:
    """The role each indexed guide is about, by source, as the build read it from its title and text."""
    return {d["source"]: d.get("role") or role_of(d["title"]) for d in manifest["documents"]}


def manifest_aliases(manifest: dict) -> dict[str, list[str]]:
    """The other names each indexed guide gives its role ("exterminators"), by source."""
    return {d["source"]: list(d.get("aliases") or []) for d in manifest["documents"]}


def manifest_titles(manifest: dict) -> dict[str, str]:
    """Each indexed guide's title, by source."""
    return {d["source"]: d["title"] for d in manifest["documents"]}


def _encoder_check_texts(units: list[UnitRecord], roles: dict[str, str]) -> list[str]:
    """Unit passages spread over the whole corpus, to check an ONNX export on."""
    from .onnx_encoder import CHECK_PASSAGES

    step = max(1, len(units) // CHECK_PASSAGES)
    return [unit_passage(u, roles[u.source]) for u in units[::step][:CHECK_PASSAGES]]


def _exported_encoder(old: Index | None) -> dict | None:
    """The ONNX export of the index being replaced, with its manifest record, when there is one to keep
    (the old index was loaded and checked to be reused, so its files are intact and of this model)."""
    if old is None:
        return None
    record = old.manifest.get("query_encoder")
    files = old.manifest["files"]
    if not isinstance(record, dict) or not all(name in files for name in ENCODER_FILES):
        return None
    return {"record": record, "files": {name: files[name] for name in ENCODER_FILES}, "from": old.path}


def _add_encoder(folder: Path, manifest: dict, check_texts: list[str], previous: dict | None, made: dict) -> None:
    """Put the ONNX query encoder into `folder`: the previous index's (hard-linked), else a checked export of
    this model kept in the cache (onnx_encoder.cache_dir: by an earlier build, or by this one, whose record is
    `made`), else a fresh, checked export (then kept). When the export fails, the index is still complete and
    questions are encoded with torch."""
    from .onnx_encoder import ExportError, cached_export, export, keep_export

    if previous:
        for name in ENCODER_FILES:
            _link_or_copy(previous["from"] / name, folder / name)
        manifest["query_encoder"] = previous["record"]
        manifest["files"].update(previous["files"])
        return
    cached = cached_export(folder)  # checked when it was made: the same model, exporter and code
    if cached is not None:
        manifest["query_encoder"], hashes = cached
        if made:  # exported by this build, not an earlier one's
            manifest["query_encoder"] = made
        manifest["files"].update(hashes)
        return
    try:
        manifest["query_encoder"] = export(folder, check_texts)
        keep_export(folder, manifest["query_encoder"])
    except ExportError as e:
        print(f"careerbot: warning: {e}; questions will be encoded with sentence-transformers", file=sys.stderr)
        manifest["query_encoder"] = None
        for name in ENCODER_FILES:
            (folder / name).unlink(missing_ok=True)
        return
    manifest["files"].update({name: file_sha256(folder / name) for name in ENCODER_FILES})


def _link_or_copy(source: Path, dest: Path) -> None:
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


def _write(target: Path, manifest: dict, sources: list[str], chunks, units, derived: "knowledge.Derived", chunk_vecs,
           unit_vecs, dim: int, check_texts: list[str], previous_encoder: dict | None, made: dict) -> None:
    """Write the index into a fresh folder beside `target`, then swap it in."""
    import faiss

    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in [*target.parent.glob(f".{target.name}.build-*"), *target.parent.glob(f".{target.name}.old-*")]:
        shutil.rmtree(leftover, ignore_errors=True)  # from a build that was killed; we hold the lock
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o777 & ~mask)  # the index folder readable as any folder is, not mkdtemp's 0700
    try:
        records.write(tmp, sources, chunks, units, derived.columns, derived.stems, derived.offer_names)
        knowledge.save(tmp, derived.knowledge)
        roles = manifest_roles(manifest)
        (tmp / BM25_DIR).mkdir()
        bm25_files = Lexical.of([unit_passage(u, roles[u.source]) for u in units]).save(tmp / BM25_DIR)
        chunk_index, unit_index = _faiss_of(chunk_vecs, dim), _faiss_of(unit_vecs, dim)
        faiss.write_index(chunk_index, str(tmp / "chunks.faiss"))
        faiss.write_index(unit_index, str(tmp / "units.faiss"))
        manifest["search"] = {"chunks": search_kind(chunk_index), "units": search_kind(unit_index)}
        names = [*DATA_FILES, *(f"{BM25_DIR}/{name}" for name in bm25_files)]
        manifest["files"] = {name: file_sha256(tmp / name) for name in names}
        _add_encoder(tmp, manifest, check_texts, previous_encoder, made)
        manifest["sizes"] = {name: (tmp / name).stat().st_size for name in manifest["files"]}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        readme = target / "README.md"
        if readme.exists():
            shutil.copy2(readme, tmp / "README.md")
        for name in [*manifest["files"], MANIFEST]:
            with open(tmp / name, "rb") as f:
                os.fsync(f.fileno())
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(new: Path, target: Path) -> None:
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


def read_manifest(path: Path) -> dict:
    """The index's manifest; IndexError_ when it is missing or unreadable."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexError_(f"no index in {path}: run `careerbot index` to build it") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise IndexError_(f"the index manifest in {path} is damaged: {REBUILD}") from None
    if not isinstance(manifest, dict) or not _well_typed(manifest):
        raise IndexError_(f"the index manifest in {path} is damaged: {REBUILD}")
    return manifest


# What each manifest field holds when present (an older manifest may lack some: it is then rebuilt)
MANIFEST_TYPES = {"format_version": int, "model": str, "dimension": int, "settings": dict, "built_at": str,
                  "documents": list, "skipped": list, "chunks": int, "units": int, "coverage": dict,
                  "search": dict, "files": dict, "sizes": dict, "query_encoder": (dict, type(None))}  # None: no ONNX export


def _well_typed(manifest: dict) -> bool:
    """Whether every field the manifest has is of its kind, and every guide it lists has a source and title."""
    if any(key in manifest and not isinstance(manifest[key], kind) for key, kind in MANIFEST_TYPES.items()):
        return False
    return all(isinstance(d, dict) and isinstance(d.get("source"), str) and isinstance(d.get("title"), str)
               for d in manifest.get("documents", []))


def check_manifest(path: Path, manifest: dict, check_files: bool) -> None:
    """Raise IndexError_ unless the manifest is of this version and model and its files are intact."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexError_(f"the index in {path} has format {manifest.get('format_version')!r}, "
                          f"this careerbot reads {FORMAT_VERSION}: {REBUILD}")
    if manifest.get("model") != MODEL_NAME:
        raise IndexError_(f"the index in {path} was built with {manifest.get('model')!r}, not {MODEL_NAME}: {REBUILD}")
    files, sizes = manifest.get("files"), manifest.get("sizes")
    if not isinstance(files, dict) or not isinstance(sizes, dict) or set(sizes) != set(files) or \
            not set(DATA_FILES) <= set(files) or \
            any(name not in {*DATA_FILES, *ENCODER_FILES} and not name.startswith(f"{BM25_DIR}/") for name in files):
        raise IndexError_(f"the index manifest in {path} is damaged: {REBUILD}")
    for name in files:
        try:
            size = (path / name).stat().st_size
        except FileNotFoundError:
            raise IndexError_(f"the index in {path} is missing {name}: {REBUILD}") from None
        if size != sizes[name] or (check_files and file_sha256(path / name) != files[name]):
            raise IndexError_(f"the index file {path / name} is damaged or was edited: {REBUILD}")


def _read_faiss(path: Path):
    """A FAISS index from disk; an exact index's vectors are memory-mapped, not copied into memory, and an IVF
    index can give back any vector by id (retrieval scores lexical candidates with their stored vectors)."""
    import faiss

    with open(path, "rb") as f:
        exact = f.read(4) == b"IxSQ"  # IndexScalarQuantizer's tag
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY if exact else 0)
    if isinstance(index, faiss.IndexIVF):
        index.make_direct_map()
    return index


def load(path: Path, check_files: bool = False) -> Index:
    """Load and validate the index in `path`; IndexError_ with a one-line remedy when it is unusable.

    Every file's size is checked; with `check_files`, its hash too (a build does, before reusing vectors).
    """
    manifest = read_manifest(path)
    check_manifest(path, manifest, check_files)
    try:
        found = records.Records(path)
        chunk_vectors = _read_faiss(path / "chunks.faiss")
        unit_vectors = _read_faiss(path / "units.faiss")
        consistent = found.consistent()
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, RuntimeError):
        raise IndexError_(f"the index in {path} is damaged: {REBUILD}") from None
    chunks, units = found.chunks, found.units
    dim = manifest.get("dimension")
    if not consistent or (chunk_vectors.ntotal, unit_vectors.ntotal) != (len(chunks), len(units)) or \
            (len(chunks), len(units)) != (manifest.get("chunks"), manifest.get("units")) or \
            chunk_vectors.d != dim or unit_vectors.d != dim or \
            found.sources != [d["source"] for d in manifest["documents"]]:
        raise IndexError_(f"the index in {path} is inconsistent (vectors do not match records): {REBUILD}")
    by_file = {d.get("origin") or d["source"]: d for d in manifest["documents"]}
    files = frozenset(by_file) | {s["source"] for s in manifest.get("skipped", [])}
    return Index(path, manifest, chunks, units, chunk_vectors, unit_vectors, found, manifest_titles(manifest),
                 by_file, files)


def built_by_this_pipeline(path: Path) -> bool:
    """Whether the index in `path` was cut by this version of careerbot's pipeline (a damaged or missing
    manifest counts as this version's: loading it says what is wrong)."""
    try:
        settings = read_manifest(path).get("settings")
    except IndexError_:
        return True
    return not isinstance(settings, dict) or settings.get("pipeline") == PIPELINE_VERSION


def is_stale(index: Index, corpus: Path) -> bool:
    """Whether the corpus differs from what the index was built from: file identities, then hashes (an
    index cut by another version of careerbot's pipeline is caught on loading, by `built_by_this_pipeline`)."""
    try:
        stats = file_stats(corpus)
    except Exception:  # noqa: BLE001 - a vanished corpus is "different"; the rebuild reports why
        return True
    if stats.keys() != index.files:
        return True
    for file, st in stats.items():
        doc = index.by_file.get(file)
        if doc is None:  # skipped by the build
            continue
        if doc.get("origin") and not (corpus / doc["source"]).is_file():
            return True  # the extracted text that citations point into is gone
        recorded = (doc["size"], doc["mtime_ns"], doc.get("ctime_ns"), doc.get("inode"))
        if st == recorded or index.confirmed.get(file) == st:
            continue
        if file_sha256(corpus / file) != doc.get("origin_sha256" if doc.get("origin") else "sha256"):
            return True
        index.confirmed[file] = st  # moved or copied with the same bytes: not hashed again
    return False
