"""Find the answer units that best match a question: dense (FAISS) and lexical (BM25) search, fused.

Candidates come from dense search over units, dense search over chunks and BM25 over units. Each one is
scored by the learned ranker (ranking.py) from its own vector's similarity to the question, its chunk's,
its BM25 score, whether it offers what the question asks for (an amount, a degree...), and whether its
guide is about the role the question names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import CareerbotError, IndexError_
from .index import REBUILD, Index, role_of, unit_passage
from .intent import QUESTION_STOP, Question, figures, offers, pay_periods
from .lexical import Lexical, text_tokens, tokenize, words
from .conversation import Lexicon, lexicon
from .coverage import NOT_A_ROLE, Coverage, boilerplate, credential_acronyms, singular, survey
from .ranking import UnitSignals, features, rank_scores, unit_signals
from .terms import Reader

DENSE_K = 48
LEXICAL_K = 24
CHUNK_K = 8


@dataclass
class Engine:
    """Everything a question is answered from, loaded once per index."""

    index: Index
    lexical: Lexical
    offers: list[frozenset[str]]
    figures: list[frozenset[str]]
    duplicate_of: list[int]  # the first unit with the same words, or itself
    role_words: dict[str, frozenset[str]]  # per guide: title words that name its role and no other's, or empty
    role_phrases: dict[str, frozenset[str]]  # per guide with no such word: all its title words
    reader: Reader  # reads question words against the corpus vocabulary
    signals: list[UnitSignals]  # per unit, what is known of it before any question
    chunk_units: list[list[int]]  # per chunk, the units it holds
    encode: Callable[[list[str]], np.ndarray]  # question texts -> unit vectors (ONNX, or torch as a fallback)
    lists: list[tuple[int, ...]] = field(default_factory=list)  # runs of list items under one heading
    list_of: dict[int, int] = field(default_factory=dict)  # item unit -> its run in `lists`
    corpus: Path | None = None  # where the guides' text is read, to quote a list whole
    anchors: frozenset[str] = frozenset()  # stems that tie a question to these careers (see `topic_stems`)
    title_stems: frozenset[str] = frozenset()  # stems of the guides' titles ("medic", "practic", "manag")
    pay_periods: frozenset[str] = frozenset()  # periods a passage naming an amount gives pay for ("hour")
    scope_words: frozenset[str] = frozenset()  # singular words of the guides' titles and headings: their roles
    credentials: frozenset[str] = frozenset()  # lower-case acronyms the guides use beside credential words
    guide_stems: dict[str, frozenset[str]] = field(default_factory=dict)  # per guide, the stems it uses
    chrome: frozenset[int] = frozenset()  # units that are site chrome, never quoted (coverage.boilerplate)
    coverage: Coverage = field(default_factory=Coverage)  # roles, topics and example questions, for people
    lexicon: Lexicon = field(default_factory=Lexicon)  # roles, credentials and headings, to read follow-ups


@dataclass
class Candidate:
    """A unit considered for the answer, with the signals it was scored on."""

    unit: int
    dense: float = 0.0
    chunk: float = 0.0
    lexical: float = 0.0
    features: list[float] = field(default_factory=list)
    score: float = 0.0


def _role_words(titles: dict[str, str]) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Per guide, the title words that name its role and not every guide's ("site" in "Site Supervisor" beside
    "Shift Supervisor"); and for a guide whose title words are all common to every title ("Supervisor"), those."""
    per = {s: frozenset(words(role_of(t))) for s, t in titles.items()}
    common = frozenset.intersection(*per.values()) if len(per) > 1 else frozenset()
    distinct = {s: ws - common for s, ws in per.items()}
    phrases = {s: per[s] for s, ws in distinct.items() if not ws and per[s]}
    return distinct, phrases


ENCODERS = ("auto", "onnx", "torch")


def query_encoder(index: Index, choice: str = "auto") -> Callable[[list[str]], np.ndarray]:
    """How questions are turned into vectors: the index's checked ONNX export when it has one ("auto"), else
    sentence-transformers on torch. "onnx" insists on the export; "torch" always uses sentence-transformers."""
    if choice not in ENCODERS:
        raise CareerbotError(f"CAREERBOT_ENCODER must be one of {', '.join(ENCODERS)}, not {choice!r}")
    record = index.manifest.get("query_encoder")
    if choice != "torch" and isinstance(record, dict):
        from .onnx_encoder import load

        try:
            return load(index.path, int(record["max_length"])).encode
        except Exception:  # noqa: BLE001 - onnxruntime's own errors: a damaged export
            raise IndexError_(f"the query encoder in {index.path} cannot be loaded: {REBUILD}") from None
    if choice == "onnx":
        raise IndexError_(f"the index in {index.path} has no ONNX query encoder: {REBUILD}")
    from .embedding import encode

    return encode


def item_runs(units: list) -> list[tuple[int, ...]]:
    """Runs of two or more consecutive list items of one guide under one heading: the lists a list
    question ("what soft skills...") can be answered with."""
    runs: list[tuple[int, ...]] = []
    current: list[int] = []
    for i, u in enumerate(units):
        prev = units[current[-1]] if current else None
        if prev is not None and u.kind == "item" and (u.source, u.section) == (prev.source, prev.section):
            current.append(i)
            continue
        if len(current) > 1:
            runs.append(tuple(current))
        current = [i] if u.kind == "item" else []
    if len(current) > 1:
        runs.append(tuple(current))
    return runs


# A sentence that lists examples in line: "entry-level positions like ward clerk, administrative
# assistant, or billing specialist"
INLINE_LIST = re.compile(
    r"\b(?:like|such as|including|e\.g\.,?)\s+[^,.;:]{2,60}(?:,\s*[^,.;:]{2,60}){1,},?\s+(?:and|or)\s+")


def listable(units: list, lists: list[tuple[int, ...]]) -> set[int]:
    """Units a list question can be answered with: items of a list, an item that is a list on its own
    (several lines), a sentence ending in a colon just before a list, and a sentence listing examples in line."""
    found = {i for run in lists for i in run}
    found |= {i for i, u in enumerate(units) if u.kind == "item" and u.text.count("\n") >= 2}
    found |= {run[0] - 1 for run in lists if run[0] > 0 and units[run[0] - 1].source == units[run[0]].source
              and units[run[0] - 1].text.rstrip().endswith((":", units[run[0]].section or ":"))}
    found |= {i for i, u in enumerate(units) if u.kind == "sentence" and INLINE_LIST.search(u.text)}
    return found


ANCHOR_UNITS = 6  # a word used in this many answer units is one of the guides' topics


def topic_stems(index: Index, unit_stems: list[list[str]]) -> frozenset[str]:
    """Stems that tie a question to what the guides are about: the words of their titles and headings, the
    words many units use, and the words that name what a question asks for (pay, degree...); not stop words."""
    from collections import Counter

    from .intent import INTENT_WORDS, QUESTION_STOP

    headings = sorted({u.section for u in index.units} | set(index.titles.values()))
    found: set[str] = set().union(*tokenize(headings)) if headings else set()
    used = Counter(t for stems in unit_stems for t in set(stems))
    found |= {t for t, n in used.items() if n >= ANCHOR_UNITS}
    found |= set(tokenize([" ".join(w for ws in INTENT_WORDS.values() for w in ws)])[0])
    return frozenset(found - set(tokenize([" ".join(QUESTION_STOP) + " what how doe"])[0]))


def _guide_stems(index: Index, unit_tokens: list[list[str]]) -> dict[str, frozenset[str]]:
    """Per guide, the stems of its title, headings and units."""
    found: dict[str, set[str]] = {s: set(tokenize([t])[0]) for s, t in index.titles.items()}
    for u, stems in zip(index.units, unit_tokens):
        found.setdefault(u.source, set()).update(stems)
    sections = sorted({(u.source, u.section) for u in index.units})
    for (source, _), stems in zip(sections, tokenize([s for _, s in sections])):
        found[source].update(stems)
    return {s: frozenset(v) for s, v in found.items()}


def load_engine(index: Index, encoder: str = "auto", corpus: Path | None = None) -> Engine:
    """Prepare an index for answering: BM25 over unit passages, unit features, corpus vocabulary, and the
    query encoder (see `query_encoder`); `corpus` is where the indexed guides are, to quote whole lists."""
    passages = [unit_passage(u, index.titles.get(u.source, "")) for u in index.units]
    lexical = Lexical(passages)
    first: dict[str, int] = {}
    duplicate_of = []
    for i, u in enumerate(index.units):
        key = " ".join(words(u.text))
        duplicate_of.append(first.setdefault(key, i))
    role_words, role_phrases = _role_words(index.titles)
    chunk_units: list[list[int]] = [[] for _ in index.chunks]
    for i, u in enumerate(index.units):
        chunk_units[u.chunk].append(i)
    vocabulary: set[str] = set()
    years: set[str] = set()
    for c in index.chunks:
        years.update(re.findall(r"\b(?:19|20)\d{2}\b", c.text))
        vocabulary.update(words(c.text))
        vocabulary.update(words(c.section))
    lists = item_runs(index.units)
    unit_tokens = tokenize([u.text for u in index.units])
    listed = listable(index.units, lists)
    texts = [u.text for u in index.units]
    credentials = credential_acronyms(texts, list(index.titles.values()))
    unit_offers = [offers(t, credentials) for t in texts]
    sections = sorted({u.section for u in index.units})
    scope = {singular(w) for t in [*map(role_of, index.titles.values()), *sections] for w in words(t)
             if len(w) > 2 and w not in QUESTION_STOP and w not in NOT_A_ROLE}
    section_tokens = dict(zip(sections, tokenize(sections)))  # one call for all: each call has a fixed cost
    try:
        cover = Coverage(**index.manifest["coverage"])  # as the build surveyed it
    except (KeyError, TypeError):
        cover = survey(index.titles, texts, unit_offers, sections)
    return Engine(
        index=index,
        lexical=lexical,
        offers=unit_offers,
        figures=[figures(u.text) for u in index.units],
        duplicate_of=duplicate_of,
        role_words=role_words,
        role_phrases=role_phrases,
        reader=Reader(frozenset(vocabulary), frozenset(years), frozenset(lexical.vocabulary)),
        signals=[unit_signals(u.text, u.section, u.kind, stems, section_tokens[u.section], i in listed)
                 for i, (u, stems) in enumerate(zip(index.units, unit_tokens))],
        chunk_units=chunk_units,
        encode=query_encoder(index, encoder),
        lists=lists,
        list_of={i: n for n, run in enumerate(lists) for i in run},
        corpus=corpus,
        anchors=topic_stems(index, unit_tokens),
        title_stems=frozenset(t for ts in tokenize(list(index.titles.values()) or [""]) for t in ts),
        pay_periods=frozenset().union(*(pay_periods(u.text) for u, o in zip(index.units, unit_offers)
                                        if "salary" in o)),
        scope_words=frozenset(scope),
        credentials=credentials,
        guide_stems=_guide_stems(index, unit_tokens),
        chrome=boilerplate(index.units),
        coverage=cover,
        lexicon=lexicon(list(cover.roles.values()), credentials,
                        frozenset(singular(w) for s in sections for w in words(s)), frozenset(vocabulary)),
    )


def _search(faiss_index, qvec: np.ndarray, k: int, allowed: np.ndarray | None):
    import faiss

    k = min(k, faiss_index.ntotal)
    if k <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.int64)
    params = None
    if allowed is not None:
        if len(allowed) == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        selector = faiss.IDSelectorBatch(allowed)
        params = faiss.SearchParametersIVF(sel=selector, nprobe=faiss_index.nprobe) \
            if isinstance(faiss_index, faiss.IndexIVF) else faiss.SearchParameters(sel=selector)
    scores, ids = faiss_index.search(qvec.reshape(1, -1), k, params=params)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]


@lru_cache(maxsize=1)
def _stop_stems() -> frozenset[str]:
    return frozenset(t for ts in tokenize(sorted(QUESTION_STOP)) for t in ts)


def named_guides(engine: Engine, question: Question) -> set[str]:
    """The guides whose role the question names: by a distinctive title word ("office"), else by every
    word of a generic title ("manager")."""
    asked = {_singular(w) for w in question.words}
    named = {s for s, ws in engine.role_words.items() if ws & asked}
    return named or {s for s, ws in engine.role_phrases.items() if ws <= asked}


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def role_match(named: set[str], source: str) -> float:
    """1 when the question names this guide's role, 0 when it names another's instead, 0.5 when none."""
    if not named:
        return 0.5
    return 1.0 if source in named else 0.0


def candidates(engine: Engine, question: Question, qvec: np.ndarray, sources: set[str] | None = None,
               places: frozenset[str] = frozenset()) -> list[Candidate]:
    """Units worth considering for the answer, best first; `places` are those the question names."""
    idx = engine.index
    allowed_units = allowed_chunks = None
    if sources is not None:
        allowed_units = np.array([i for i, u in enumerate(idx.units) if u.source in sources], dtype=np.int64)
        allowed_chunks = np.array([i for i, c in enumerate(idx.chunks) if c.source in sources], dtype=np.int64)

    found: dict[int, Candidate] = {}
    dense_scores, dense_ids = _search(idx.unit_vectors, qvec, DENSE_K, allowed_units)
    for s, i in zip(dense_scores, dense_ids):
        found.setdefault(int(i), Candidate(int(i))).dense = float(s)

    chunk_scores, chunk_ids = _search(idx.chunk_vectors, qvec, max(CHUNK_K, 32), allowed_chunks)
    chunk_sim = {int(i): float(s) for s, i in zip(chunk_scores, chunk_ids)}
    top_chunks = set(list(chunk_sim)[:CHUNK_K])

    q_tokens = text_tokens(question.text)
    lex = engine.lexical.scores(q_tokens)
    if allowed_units is not None:
        mask = np.zeros_like(lex, dtype=bool)
        mask[allowed_units] = True
        lex = np.where(mask, lex, 0.0)
    top_lex = float(lex.max()) if lex.size else 0.0
    if top_lex > 0:
        for i in np.argsort(-lex)[:LEXICAL_K]:
            if lex[i] <= 0:
                break
            found.setdefault(int(i), Candidate(int(i)))
    for k in top_chunks:
        for i in engine.chunk_units[k]:
            found.setdefault(i, Candidate(i))

    missing_dense = [c for c in found.values() if c.dense == 0.0]
    if missing_dense:
        vecs = np.vstack([idx.unit_vectors.reconstruct(c.unit) for c in missing_dense])
        for c, s in zip(missing_dense, vecs @ qvec):
            c.dense = float(s)
    named = named_guides(engine, question)
    q_stems = frozenset(q_tokens)
    # a section on the asked topic that the named role's guides lack: there, another guide answers
    topic = q_stems - engine.title_stems - _stop_stems()
    headed = {i: len(topic & engine.signals[i].section_stems) for i in found}
    named_best = max((h for i, h in headed.items() if idx.units[i].source in named), default=0)
    for c in found.values():
        u = idx.units[c.unit]
        if u.chunk not in chunk_sim:
            chunk_sim[u.chunk] = float(idx.chunk_vectors.reconstruct(u.chunk) @ qvec)
        c.chunk = chunk_sim[u.chunk]
        c.lexical = float(lex[c.unit] / top_lex) if top_lex > 0 else 0.0
        role = role_match(named, u.source)
        if role == 0.0 and headed[c.unit] > named_best:
            role = 0.5
        c.features = features(engine.signals[c.unit], engine.offers[c.unit], question, q_stems, c.dense, c.chunk,
                              c.lexical, role, places)
    for c, score in zip(found.values(), rank_scores([c.features for c in found.values()])):
        c.score = float(score)
    ranked = sorted((c for c in found.values() if c.unit not in engine.chrome), key=lambda c: -c.score)
    seen: set[int] = set()
    unique = []
    for c in ranked:
        d = engine.duplicate_of[c.unit]
        if d not in seen:
            seen.add(d)
            unique.append(c)
    return unique
