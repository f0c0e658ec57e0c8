"""Pick the 1-3 answer units to quote, and decide whether the guides answer the question at all."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .intent import FIGURE_INTENTS, Question
from .ranking import answer_probability, decline_threshold, decline_vector
from .retrieve import Candidate, Engine
from .terms import Reading

SECOND_GAP = 2.0  # a second unit joins when its log-odds are within this of the best unit's
THIRD_GAP = 0.75  # and a third when within this
DISAGREE_GAP = 5.0  # another guide's different figure joins when within this

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
    reason: str = ""  # "", "not covered" or "medical"


def is_medical_advice(question: Question) -> bool:
    """A personal health question ("what should I take for a migraine"), which careerbot must not answer."""
    text = question.text
    career = re.search(r"\b(?:manager|management|career|job|salary|degree|certif\w*|practice|office)\b", text, re.I)
    return bool(MEDICAL.search(text)) and not career


def confidence(engine: Engine, question: Question, ranked: list[Candidate], reading: Reading) -> float:
    """How likely the guides answer the question with the best unit, in [0, 1]."""
    from .lexical import tokenize

    best = ranked[0]
    second = ranked[1].score if len(ranked) > 1 else 0.0
    stems = tokenize([question.text])[0]
    hits = sum(1 for t in stems if t in engine.lexical.vocabulary) / max(1, len(stems))
    return answer_probability(decline_vector(best.features, best.score, second, len(reading.unknown),
                                             len(reading.specific), len(question.words), hits))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def choose(engine: Engine, question: Question, ranked: list[Candidate], reading: Reading,
           max_units: int = 3) -> Decision:
    """The units to quote for `question`, or an empty choice with the reason to decline."""
    if not ranked:
        return Decision([], 0.0, "not covered")
    best = ranked[0]
    if is_medical_advice(question):
        return Decision([], min(0.2, confidence(engine, question, ranked, reading)), "medical")
    conf = confidence(engine, question, ranked, reading)
    if conf < decline_threshold():
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
        wanted_figures = question.intents & FIGURE_INTENTS
        gap = _logit(best.score) - _logit(c.score)
        fits = not wanted_figures or bool(wanted_figures & engine.offers[c.unit])
        # another guide giving a different figure for the same thing is shown, not hidden
        disagree = bool(wanted_figures) and fits and other_guide and figures and not figures <= known \
            and gap <= DISAGREE_GAP
        close = fits and gap <= (SECOND_GAP if len(chosen) < 2 else THIRD_GAP)
        if disagree or close:
            chosen.append(c)
    return Decision(chosen, conf)
