"""The signals a candidate answer unit is judged on, and the learned weights that turn them into a score.

The weights in `ranking_weights.json` are fitted by `bench/train_ranker.py` (logistic regression on the
gold questions in tests/data/qa.jsonl: is this unit one that states the gold fact, from the right guide?).
Every signal is generic, not tied to one question or guide, so the weights carry over to new questions.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .intent import FIGURE_INTENTS, LEVEL_WORDS, Question

FEATURES = (
    "dense", "chunk", "lexical", "intent", "figure_miss", "role_yes", "role_no", "level_match", "level_extra",
    "acronym_def", "fact", "row", "item", "short", "section_question", "unit_overlap", "section_overlap",
    "definition", "place", "place_miss", "list_answer",
)
DECLINE_FEATURES = ("top_score", "own_dense", "own_chunk", "unit_overlap", "figure_miss", "unknown", "specific",
                    "margin", "lexical_hits", "guide_cover", "role_untitled", "role_other")
# "Certified Public Accountant (CPA)" and "OSHA (Occupational Safety and Health ...)"
_ACRONYM_AFTER = re.compile(r"\(([A-Z][A-Za-z]{1,6})\)")
_ACRONYM_BEFORE = re.compile(r"\b([A-Z]{2,6})\s*\(((?:[A-Z][a-z]+[\s&,-]*(?:and |of |for |the )?){2,})")
WEIGHTS_FILE = Path(__file__).with_name("ranking_weights.json")


def spells_out(acronym: str, words: str) -> bool:
    """Whether `words` spell out `acronym`: its letters found in order, the first one starting a word
    (Schwartz & Hearst's test), so "Health Insurance Portability and Accountability Act" spells out HIPAA
    and "Health data privacy and security management" does not."""
    s, i = len(acronym) - 1, len(words) - 1
    while s >= 0:
        c = acronym[s].lower()
        while i >= 0 and (words[i].lower() != c or (s == 0 and i > 0 and words[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return False
        i, s = i - 1, s - 1
    return True


def defined_acronyms(text: str) -> frozenset[str]:
    """The acronyms a text spells out, in lower case: "Certified Public Accountant (CPA)"."""
    found = set()
    for m in _ACRONYM_AFTER.finditer(text):
        acronym = m.group(1)
        before = text[:m.start()].split()[-(len(acronym) + 3):]
        if spells_out(acronym, " ".join(before)):
            found.add(acronym.lower())
    for m in _ACRONYM_BEFORE.finditer(text):
        if spells_out(m.group(1), m.group(2).strip()):
            found.add(m.group(1).lower())
    return frozenset(found)


@dataclass(frozen=True)
class UnitSignals:
    """What can be known of a unit before any question: its kind, words and the acronyms it defines."""

    stems: tuple[str, ...]  # distinct stems of its text
    section_stems: frozenset[str]
    text: str
    section: str
    levels: frozenset[str]
    defines: frozenset[str]  # lower-case acronyms the unit spells out: "(CPA)"
    kind: str
    short: bool
    section_question: bool
    listed: bool = False  # an item of a list, a list on its own, or the sentence that introduces one

    @property
    def words(self) -> frozenset[str]:
        """Lower-case words of the unit and its section, for places (asked for only when a question names one)."""
        return frozenset(re.findall(r"[a-z]+", f"{self.section} {self.text}".lower()))


def unit_signals(text: str, section: str, kind: str, stems: list[str], section_stems: frozenset[str],
                 listed: bool = False) -> UnitSignals:
    """A unit's question-independent signals; `listed` when it can be quoted as a list."""
    head = re.findall(r"[a-z]+", text[:80].lower())
    return UnitSignals(
        stems=tuple(dict.fromkeys(stems)), section_stems=section_stems, text=text, section=section,
        levels=frozenset(w for w in head if w in LEVEL_WORDS),
        defines=defined_acronyms(text),
        kind=kind, short=len(text) < 40, section_question=section.endswith("?"), listed=listed,
    )


def features(sig: UnitSignals, offers: frozenset[str], question: Question, q_stems: frozenset[str],
             dense: float, chunk: float, lexical: float, role: float, places: frozenset[str]) -> list[float]:
    """The feature vector of one candidate, in FEATURES order; `places` are the ones the question names."""
    wanted = question.intents
    has = offers
    figure_wanted = wanted & FIGURE_INTENTS
    q_levels = question.levels
    n = max(1, len(q_stems))
    place = bool(places) and any(set(p.split()) <= sig.words for p in places)
    return [
        dense, chunk, lexical,
        len(wanted & has) / len(wanted) if wanted else 0.0,
        1.0 if figure_wanted and not figure_wanted & has else 0.0,
        1.0 if role == 1.0 else 0.0,
        1.0 if role == 0.0 else 0.0,
        1.0 if q_levels & sig.levels else 0.0,
        float(min(2, len(sig.levels - q_levels))),
        1.0 if sig.defines & set(question.words) else 0.0,
        1.0 if sig.kind == "fact" else 0.0,
        1.0 if sig.kind == "row" else 0.0,
        1.0 if sig.kind == "item" else 0.0,
        1.0 if sig.short else 0.0,
        1.0 if sig.section_question else 0.0,
        len(q_stems.intersection(sig.stems)) / n,
        len(q_stems & sig.section_stems) / n,
        1.0 if "define" in wanted and sig.defines & set(question.words) else 0.0,
        1.0 if place else 0.0,
        1.0 if places and not place else 0.0,
        1.0 if question.wants_list and sig.listed else 0.0,
    ]


override: dict | None = None  # weights being fitted (bench/train_ranker.py), in place of the file's


@lru_cache(maxsize=1)
def _fitted() -> dict:
    return json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))


def weights() -> dict:
    """The fitted weights: {"rank": {"bias", "w"}, "decline": {"bias", "w", "threshold"}, "follow": {"w"}}."""
    return override or _fitted()


def rank_scores(vectors: list[list[float]], near: np.ndarray | None = None) -> np.ndarray:
    """Candidates' scores in [0, 1]: how likely each is the unit that answers. `near`, for a follow-up about the
    last answer: how near each stands to what that answer quoted (locality.FOLLOW_FEATURES), which the fitted
    "follow" weights add to its log-odds."""
    if not vectors:
        return np.zeros(0)
    m = weights()
    z = m["rank"]["bias"] + np.asarray(vectors, dtype=float) @ np.asarray(m["rank"]["w"])
    if near is not None and "follow" in m:
        z = z + np.asarray(near, dtype=float) @ np.asarray(m["follow"]["w"])
    return 1.0 / (1.0 + np.exp(-z))


def decline_vector(top: list[float], top_score: float, second_score: float, unknown: int, specific: int,
                   n_words: int, lexical_hits: float, guide_cover: float, role_untitled: bool,
                   own_dense: float, own_chunk: float, role_other: bool) -> list[float]:
    """The question-level features the decline decision is made on, in DECLINE_FEATURES order: how the best
    unit scored and by how much it leads, how near it and its chunk are to the question as asked (`own_dense`,
    `own_chunk`: not as the query adapter moved it, which pulls unanswerable questions toward answers too),
    how much of the question it, its guide and the corpus hold, and whether the question names a role no
    guide is about (in a question frame: `role_untitled`; by a word for a person: `role_other`)."""
    f = dict(zip(FEATURES, top))
    return [top_score, own_dense, own_chunk, f["unit_overlap"], f["figure_miss"], unknown / max(1, n_words),
            float(min(2, specific)), top_score - second_score, lexical_hits, guide_cover, float(role_untitled),
            float(role_other)]


def answer_probability(vector: list[float]) -> float:
    """How likely the guides answer the question, in [0, 1]."""
    m = weights()["decline"]
    z = m["bias"] + float(np.dot(m["w"], vector))
    return 1.0 / (1.0 + math.exp(-z))


def decline_threshold() -> float:
    return float(weights()["decline"]["threshold"])
