"""What a question asks for (pay, education, a certificate, a duration...) and what a unit offers."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# Words that signal each intent in a question; matched on word prefixes, and forgiving one typo.
INTENT_WORDS: dict[str, tuple[str, ...]] = {
    "pay": ("salary", "salaries", "pay", "paid", "earn", "earning", "wage", "income", "compensation", "money",
            "make", "makes", "making", "bonus", "raise", "dollars", "usd", "cash", "$", "£", "€", "cost", "costs",
            "tuition", "expensive", "price", "afford"),
    "education": ("degree", "bachelor", "bachelors", "master", "masters", "mha", "mba", "associate", "college",
                  "university", "school", "study", "major", "education", "educational", "diploma", "tuition", "course",
                  "courses", "program", "programs", "qualification", "qualifications", "academic"),
    "certification": ("certification", "certifications", "certificate", "certified", "certify", "credential",
                      "credentials", "cmpe", "cmm", "cmom", "fache", "cphq", "exam", "license", "licensed", "licensing"),
    "duration": ("long", "years", "year", "months", "time", "quickly", "fast", "takes", "duration"),
    "outlook": ("growth", "grow", "growing", "demand", "outlook", "openings", "future", "market", "jobs", "prospects",
                "hiring", "security", "stable"),
    "remote": ("remote", "remotely", "home", "hybrid", "wfh", "telework", "onsite", "site", "office-based"),
}
QUESTION_STOP = frozenset(
    "a an the is are was were be been do does did of to in on for at by with from and or but what whats what's which "
    "who whom how why when where can could should would will i me my we our you your it its this that these those "
    "there any some as if so than then into about much many much more most get got need needs".split())

_MONEY = re.compile(r"[$£€]|\bUSD\b|\bGBP\b|\bEUR\b|\bCAD\b|\bAUD\b|\bSGD\b|\d+k\b|\d{2,3},\d{3}")
_DURATION = re.compile(r"\b\d+\s*(?:[-–]\s*\d+\s*)?\+?\s*(?:years?|months?|weeks?)\b|yearsSupports|years total", re.I)
_PERCENT = re.compile(r"\d+\s*%")
_ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")
_DEGREE = re.compile(r"\b(?:bachelor|master|associate|degree|MHA|MBA|diploma|graduate)", re.I)
_CERT = re.compile(r"certif|credential|\bC[A-Z]{2,4}\b|FACHE", re.I)
_REMOTE = re.compile(r"remote|on-site|onsite|in-office|hybrid|physical presence", re.I)
_OUTLOOK = re.compile(r"growth|grow|demand|outlook|openings|job market", re.I)


@dataclass(frozen=True)
class Question:
    """A question as careerbot reads it: its text, content words and intents."""

    text: str
    words: tuple[str, ...]
    intents: frozenset[str]


def _matches(word: str, keys: tuple[str, ...]) -> bool:
    if word in keys:
        return True
    if len(word) >= 5:
        return bool(difflib.get_close_matches(word, [k for k in keys if len(k) >= 5], n=1, cutoff=0.85))
    return False


def read_question(text: str) -> Question:
    """Split a question into content words and recognise what kind of answer it wants."""
    tokens = re.findall(r"[$£€]|[\w'’-]+", text.lower())
    intents = {name for name, keys in INTENT_WORDS.items() if any(_matches(t, keys) for t in tokens)}
    lowered = text.lower()
    if re.search(r"how (?:long|many years|much time|soon)", lowered):
        intents.add("duration")
    if re.search(r"\bhow much\b", lowered):
        intents.add("pay")
    if "duration" in intents and not re.search(r"how (?:long|many years|much time|soon)|years? of|take", lowered):
        intents.discard("duration")
    words = tuple(t for t in tokens if t not in QUESTION_STOP and len(t) > 1)
    return Question(text=text, words=words, intents=frozenset(intents))


def offers(unit_text: str) -> frozenset[str]:
    """The intents a unit's text can satisfy: it names an amount, a degree, a certificate, a duration..."""
    found = set()
    if _MONEY.search(unit_text):
        found.add("pay")
    if _DEGREE.search(unit_text):
        found.add("education")
    if _CERT.search(unit_text):
        found.add("certification")
    if _DURATION.search(unit_text):
        found.add("duration")
    if _PERCENT.search(unit_text) or _OUTLOOK.search(unit_text):
        found.add("outlook")
    if _REMOTE.search(unit_text):
        found.add("remote")
    return frozenset(found)


def figures(unit_text: str) -> frozenset[str]:
    """The amounts, percentages and durations a unit states, normalised for comparison."""
    found = _MONEY.findall(unit_text) and re.findall(r"[$£€]?\d[\d,.]*k?\+?|\d+\s*%", unit_text)
    return frozenset(f.strip().lower() for f in (found or []) + _PERCENT.findall(unit_text))
