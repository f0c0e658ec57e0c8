"""Pick the 1-3 answer units to quote, and decide whether the guides answer the question at all."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .intent import Question
from .retrieve import Candidate, Engine

SECOND_MARGIN = 0.035  # a second unit joins when it scores this close to the best one
DISAGREE_MARGIN = 0.10  # another guide's different figure joins when this close
DECLINE_BELOW = 0.40  # confidence under which careerbot says the guides do not cover the question

MEDICAL = re.compile(
    r"\b(?:symptoms?|diagnos\w*|treat(?:ment|ing)?|medicat\w*|medicine|dos(?:e|age)|prescri\w*|pills?|migraine|"
    r"headache|fever|rash|pain|sick|illness|disease|infection|cancer|tumou?r|mole|diabet\w*|pregnan\w*|"
    r"blood pressure|cholesterol|antibiotic\w*|ibuprofen|tylenol|aspirin|vaccine\w*|covid|flu|cough|injur\w*|"
    r"chest|lump|allerg\w*|insulin|side effects?)\b", re.I)


@dataclass(frozen=True)
class Decision:
    """The units to quote (empty when declining), the confidence, and why careerbot declined."""

    chosen: list[Candidate]
    confidence: float
    reason: str = ""  # "", "not covered", "medical", "no terms"


def is_medical_advice(question: Question) -> bool:
    """A personal health question ("what should I take for a migraine"), which careerbot must not answer."""
    text = question.text
    career = re.search(r"\b(?:manager|management|career|job|salary|degree|certif\w*|practice|office)\b", text, re.I)
    return bool(MEDICAL.search(text)) and not career


def unknown_words(engine: Engine, question: Question) -> list[str]:
    """Content words of the question that no guide uses, even allowing for a typo: places, names, jargon."""
    from .lexical import tokenize

    out = []
    for word in question.words:
        if not re.search(r"[a-z]", word) or word in engine.vocabulary:
            continue
        stems = tokenize([word])[0]
        if stems and all(s in engine.stems for s in stems):
            continue
        if len(word) >= 4 and _near(word, engine.vocabulary):
            continue
        out.append(word)
    return out


def _near(word: str, vocabulary: frozenset[str]) -> bool:
    import difflib

    pool = [v for v in vocabulary if v[:1] == word[:1] and abs(len(v) - len(word)) <= 2]
    return bool(difflib.get_close_matches(word, pool, n=1, cutoff=0.8))


def confidence(engine: Engine, question: Question, best: Candidate, unknown: list[str]) -> float:
    """How likely the best unit answers the question, in [0, 1]."""
    z = 14.0 * (best.score - 0.42) + 2.0 * best.lexical
    n = max(1, len(question.words))
    z -= 6.0 * len(unknown) / n
    return 1.0 / (1.0 + math.exp(-z))


def choose(engine: Engine, question: Question, ranked: list[Candidate], max_units: int = 3) -> Decision:
    """The units to quote for `question`, or an empty choice with the reason to decline."""
    if not ranked:
        return Decision([], 0.0, "not covered")
    best = ranked[0]
    if is_medical_advice(question):
        return Decision([], min(0.2, confidence(engine, question, best, [])), "medical")
    unknown = unknown_words(engine, question)
    conf = confidence(engine, question, best, unknown)
    if conf < DECLINE_BELOW:
        return Decision([], conf, "not covered")
    chosen = [best]
    units = engine.index.units
    for c in ranked[1:]:
        if len(chosen) >= max_units:
            break
        u = units[c.unit]
        figures = engine.figures[c.unit]
        other_guide = all(units[k.unit].source != u.source for k in chosen)
        known = set().union(*(engine.figures[k.unit] for k in chosen))
        numeric = question.intents & {"pay", "outlook", "duration"}
        disagree = numeric and other_guide and figures and not figures <= known and \
            question.intents & engine.offers[c.unit] and best.score - c.score <= DISAGREE_MARGIN
        close = best.score - c.score <= SECOND_MARGIN and len(chosen) < 2
        if disagree or close:
            chosen.append(c)
    return Decision(chosen, conf)
