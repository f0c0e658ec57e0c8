"""Find the answer units that best match a question: dense and lexical (BM25) search, fused.

Candidates come from dense search over units, dense search over chunks and BM25 over units (search.py: the
index's FAISS and BM25 files, or Milvus); the dense searches take the question's vector as the fitted query
adapter moves it (query_adapter.py). Each one is
scored by the learned ranker (ranking.py) from its own vector's similarity to the question, its chunk's,
its BM25 score, whether it offers what the question asks for (an amount, a degree...), and whether its
guide is about the role the question names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import CareerbotError, IndexError_
from . import knowledge, unit_views
from .index import BM25_DIR, REBUILD, Index
from .intent import QUESTION_STOP, Question
from .lexical import Lexical, text_tokens, tokenize
from .query_adapter import adapt
from .conversation import Lexicon, lexicon
from .coverage import Coverage, role_words, singular
from .locality import LastAnswer, near_signals, neighbourhood
from .ranking import features, rank_scores
from .search import Hits, faiss_hits
from .terms import Reader

DENSE_K = 48
LEXICAL_K = 24
CHUNK_K = 8  # the nearest chunks whose units all become candidates
CHUNK_SEARCH_K = 32  # the nearest chunks whose similarity is known without another look-up
EACH_K = 8  # for a question about two or more roles: the nearest units searched in each one's guides


@dataclass
class Engine:
    """Everything a question is answered from, loaded once per index; per-unit facts are views that read the
    index's columns for the units a question touches (unit_views.py)."""

    index: Index
    lexical: Lexical
    offers: unit_views.Offers  # offers[i]: the intents unit i can satisfy
    figures: unit_views.Figures  # figures[i]: the amounts and percentages it states
    duplicate_of: np.ndarray  # the first unit with the same words, or itself
    role_words: dict[str, frozenset[str]]  # per guide: title words that name its role and no other's, or empty
    role_phrases: dict[str, frozenset[str]]  # per guide with no such word: all its title words
    reader: Reader  # reads question words against the corpus vocabulary
    signals: unit_views.Signals  # signals[i]: what is known of unit i before any question
    chunk_units: unit_views.ChunkUnits  # chunk_units[k]: the units chunk k holds
    encode: Callable[[list[str]], np.ndarray]  # question texts -> unit vectors (ONNX, or torch as a fallback)
    search: Callable[[np.ndarray, tuple[str, ...], "list[int] | None"], Hits]  # (vector, stems, guides) -> Hits
    lists: unit_views.Runs  # lists[n]: run n of list items under one heading
    list_of: unit_views.Runs  # list_of.get(i): the run unit i is an item of
    corpus: Path | None = None  # where the guides' text is read, to quote a list whole
    anchors: frozenset[str] = frozenset()  # stems that tie a question to these careers (knowledge.topic_stems)
    title_stems: frozenset[str] = frozenset()  # stems of the guides' titles ("medic", "practic", "manag")
    pay_periods: frozenset[str] = frozenset()  # periods a passage naming an amount gives pay for ("hour")
    scope_words: frozenset[str] = frozenset()  # singular words of the guides' titles and headings: their roles
    credentials: frozenset[str] = frozenset()  # lower-case acronyms the guides use beside credential words
    guide_stems: "unit_views.GuideStems | dict" = field(default_factory=dict)  # .get(source): stems it uses
    chrome: "unit_views.Chrome | frozenset" = frozenset()  # units that are site chrome, never quoted
    coverage: Coverage = field(default_factory=Coverage)  # roles, topics and example questions, for people
    lexicon: Lexicon = field(default_factory=Lexicon)  # roles, credentials and headings, to read follow-ups
    answered: dict = field(default_factory=dict, repr=False, compare=False)  # earlier turns (ask.remembered)


@dataclass
class Candidate:
    """A unit considered for the answer, with the signals it was scored on."""

    unit: int
    dense: float = 0.0
    chunk: float = 0.0
    lexical: float = 0.0
    features: list[float] = field(default_factory=list)
    score: float = 0.0
    # the best candidate's and its chunk's similarity to the question's own vector, before the query adapter
    # moved it: what the decline model weighs (0 for the others)
    own: float = 0.0
    own_chunk: float = 0.0
    near: list[float] = field(default_factory=list)  # for a follow-up: how near it is to the last answer's quotes


def _role_words(roles: dict[str, str], aliases: dict[str, list[str]] | None = None
                ) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Per guide, the title words that name its role and not every guide's ("site" in "Site Supervisor" beside
    "Shift Supervisor"), with the last word of each other name its text gives the role ("exterminator"); and
    for a guide whose title words are all common to every title ("Supervisor"), those."""
    per = {s: frozenset(role_words(r)) for s, r in roles.items()}
    common = frozenset.intersection(*per.values()) if len(per) > 1 else frozenset()
    distinct = {s: ws - common | alias_heads((aliases or {}).get(s, [])) for s, ws in per.items()}
    phrases = {s: per[s] for s, ws in distinct.items() if not ws and per[s]}
    return distinct, phrases


def alias_heads(aliases: list[str]) -> frozenset[str]:
    """The last words of a role's other names, singular: "exterminators" -> "exterminator"."""
    return frozenset(singular(a.split()[-1]) for a in aliases if a.split())


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


def load_engine(index: Index, encoder: str = "auto", corpus: Path | None = None, milvus: str | None = None) -> Engine:
    """Prepare an index for answering: its BM25 index, the per-unit views, what the build learned of the
    corpus, and the query encoder (see `query_encoder`); `corpus` is where the indexed guides are, to quote
    whole lists; `milvus`, the URI of the Milvus that searches its vectors (else its own FAISS files).
    Nothing here is computed per unit: every per-unit fact is read when a question needs it."""
    try:
        lexical = Lexical.load(index.path / BM25_DIR)
        known = knowledge.load(index.path)
    except (OSError, ValueError, KeyError, TypeError):
        raise IndexError_(f"the index in {index.path} is damaged: {REBUILD}") from None
    import faiss

    # one question's search is a few thousand vectors or a few clusters: OpenMP's workers only contend with
    # the query encoder's threads (measured: 10.2 ms against 6.5 ms for ask() with two cores)
    faiss.omp_set_num_threads(1)
    records = index.records
    aliases = index.aliases
    distinct, phrases = _role_words(index.roles, aliases)
    other_names = [a for names in aliases.values() for a in names]
    cover = Coverage(**index.manifest["coverage"])
    by_role = {cover.roles.get(s, ""): names for s, names in aliases.items() if names}
    runs = unit_views.Runs(records)
    return Engine(
        index=index,
        lexical=lexical,
        offers=unit_views.Offers(records),
        figures=unit_views.Figures(records),
        duplicate_of=records.units.column("duplicate_of"),
        role_words=distinct,
        role_phrases=phrases,
        reader=Reader(known.vocabulary, known.years, lexical.vocabulary),
        signals=unit_views.Signals(records),
        chunk_units=unit_views.ChunkUnits(records),
        encode=query_encoder(index, encoder),
        search=_searcher(index, lexical, milvus),
        lists=runs,
        list_of=runs,
        corpus=corpus,
        anchors=known.anchors,
        title_stems=frozenset(t for ts in tokenize(list(index.titles.values()) or [""]) for t in ts),
        pay_periods=known.pay_periods,
        scope_words=known.scope_words | alias_heads(other_names),
        credentials=known.credentials,
        guide_stems=unit_views.GuideStems(records, index.titles),
        chrome=unit_views.Chrome(records),
        coverage=cover,
        lexicon=lexicon(list(cover.roles.values()), known.credentials, known.heading_words, known.vocabulary,
                        by_role),
    )


def _searcher(index: Index, lexical: Lexical, milvus: str | None):
    """(question vector, stems, guides) -> Hits, on the index's FAISS files or in Milvus."""
    if milvus is None:
        return lambda qvec, q_tokens, sources: faiss_hits(index, lexical, qvec, q_tokens, DENSE_K, CHUNK_SEARCH_K,
                                                          LEXICAL_K, sources)
    from . import milvus_backend

    milvus_backend.check(index, milvus)
    return lambda qvec, q_tokens, sources: milvus_backend.hits(milvus, lexical, qvec, q_tokens, DENSE_K,
                                                               CHUNK_SEARCH_K, LEXICAL_K, sources)


@lru_cache(maxsize=1)
def stop_stems() -> frozenset[str]:
    """The stems of the words every question uses ("how", "much", "what"): they say nothing of its topic."""
    return frozenset(t for ts in tokenize(sorted(QUESTION_STOP)) for t in ts)


def named_guides(engine: Engine, question: Question) -> set[str]:
    """The guides whose role the question names: by a distinctive title word ("office"), else by every
    word of a generic title ("manager")."""
    asked = {singular(w) for w in question.words}
    named = {s for s, ws in engine.role_words.items() if ws & asked}
    return named or {s for s, ws in engine.role_phrases.items() if ws <= asked}


def compared_roles(engine: Engine, question: Question) -> list[frozenset[str]]:
    """The roles of a question about two or more ("who earns more, a plumber or an electrician?"), each as the
    guides about it; else []. A guide is named by its title's distinctive words (`named_guides`), and only by
    words no other named guide's title matches more of ("a rad tech or a respiratory therapist" names the
    radiologic and the respiratory guides, not also one whose title only shares "therapist"); guides named by
    the same words are about one role."""
    asked = {singular(w) for w in question.words}
    matched = {s: ws & asked for s, ws in engine.role_words.items() if ws & asked}
    roles: dict[frozenset[str], set[str]] = {}
    for source, words in sorted(matched.items()):
        if not any(words < other for other in matched.values()):
            roles.setdefault(frozenset(words), set()).add(source)
    return [frozenset(g) for g in roles.values()] if len(roles) >= 2 else []


def role_match(named: set[str], source: str) -> float:
    """1 when the question names this guide's role, 0 when it names another's instead, 0.5 when none."""
    if not named:
        return 0.5
    return 1.0 if source in named else 0.0


def candidates(engine: Engine, question: Question, qvec: np.ndarray, sources: set[str] | None = None,
               places: frozenset[str] = frozenset(), last: LastAnswer | None = None) -> list[Candidate]:
    """Units worth considering for the answer, best first; `qvec` is the question's own vector (searched as
    the query adapter moves it), `places` the places the question names, `last` the last answer when the
    question is a follow-up about it (the units it quoted and their neighbours are considered too)."""
    idx = engine.index
    wanted = None if sources is None else [k for k, s in enumerate(idx.records.sources) if s in sources]
    q_tokens = text_tokens(question.text)
    moved = adapt(qvec.reshape(1, -1))[0]
    hits = engine.search(moved, q_tokens, wanted)

    found: dict[int, Candidate] = {}
    for i, s in hits.units:
        found.setdefault(i, Candidate(i)).dense = s
    chunk_sim = dict(hits.chunks)
    for i, _ in hits.lexical:
        found.setdefault(i, Candidate(i))
    for k, _ in hits.chunks[:CHUNK_K]:
        for i in engine.chunk_units[k]:
            found.setdefault(i, Candidate(i))
    for role in compared_roles(engine, question) if sources is None else []:
        # "who earns more, a plumber or an electrician?": each role's own guides are searched too
        guides = [k for k, s in enumerate(idx.records.sources) if s in role]
        for i, _ in engine.search(moved, q_tokens, guides).units[:EACH_K]:
            found.setdefault(i, Candidate(i))
    for i in neighbourhood(engine, last.units if last else []):
        if sources is None or idx.units[i].source in sources:
            found.setdefault(i, Candidate(i))

    missing_dense = [c for c in found.values() if c.dense == 0.0]
    for c, s in zip(missing_dense, hits.unit_dense([c.unit for c in missing_dense])):
        c.dense = float(s)
    missing_chunks = list(dict.fromkeys(idx.units[c.unit].chunk for c in found.values()
                                        if idx.units[c.unit].chunk not in chunk_sim))
    chunk_sim.update(zip(missing_chunks, map(float, hits.chunk_dense(missing_chunks))))
    lexical = dict(zip(found, map(float, hits.unit_lexical(list(found)))))
    top_lex = hits.top_lexical
    named = named_guides(engine, question)
    q_stems = frozenset(q_tokens)
    # a section on the asked topic that the named role's guides lack: there, another guide answers
    topic = q_stems - engine.title_stems - stop_stems()
    headed = {i: len(topic & engine.signals[i].section_stems) for i in found}
    named_best = max((h for i, h in headed.items() if idx.units[i].source in named), default=0)
    for c in found.values():
        u = idx.units[c.unit]
        c.chunk = chunk_sim[u.chunk]
        c.lexical = lexical[c.unit] / top_lex if top_lex > 0 else 0.0
        role = role_match(named, u.source)
        if role == 0.0 and headed[c.unit] > named_best:
            role = 0.5
        c.features = features(engine.signals[c.unit], engine.offers[c.unit], question, q_stems, c.dense, c.chunk,
                              c.lexical, role, places)
    signals = None
    if last is not None:
        signals = near_signals(engine, [c.unit for c in found.values()], last)
        for c, row in zip(found.values(), signals):
            c.near = [float(v) for v in row]
    for c, score in zip(found.values(), rank_scores([c.features for c in found.values()], signals)):
        c.score = float(score)
    # ties (copies of one sentence) go to the first in the guides, whichever search found it first
    ranked = sorted((c for c in found.values() if c.unit not in engine.chrome), key=lambda c: (-c.score, c.unit))
    seen: set[int] = set()
    unique = []
    for c in ranked:
        d = engine.duplicate_of[c.unit]
        if d not in seen:
            seen.add(d)
            unique.append(c)
    if unique:
        best = unique[0]
        best.own = float(idx.unit_vectors.reconstruct(best.unit) @ qvec)
        best.own_chunk = float(idx.chunk_vectors.reconstruct(idx.units[best.unit].chunk) @ qvec)
    return unique
