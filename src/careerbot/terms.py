"""A question's words against the guides' vocabulary: mend typos and chat shorthand, and find the
specific terms (a place, a certificate, a rare word) that the guides never use.

A question whose specific terms the guides never mention ("salary in Texas", "is the PMP worth it") is
one they cannot answer, however close the nearest passage looks.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .intent import ASKER, QUESTION_STOP

CUTOFF = 0.8  # difflib similarity for a typo to be mended to a corpus word
COMMON_ZIPF = 3.0  # words at least this frequent in English are real words, never "mended"
RARE_ZIPF = 3.0  # an unknown word rarer than this is a specific term (jargon, a name, an acronym)
SHORTHAND = {
    "mgr": "manager", "mgrs": "managers", "mgmt": "management", "cert": "certification",
    "certs": "certifications", "org": "organization", "orgs": "organizations", "regs": "regulations",
    "yrs": "years", "yr": "year", "admin": "administrative", "govt": "government", "avg": "average",
    "exp": "experience", "uni": "university", "reqs": "requirements", "info": "information", "hrs": "hours",
    "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "dollars": "USD",
    "asst": "assistant", "sr": "senior", "jr": "junior", "peso": "MXN", "pesos": "MXN", "rupee": "INR",
    "rupees": "INR", "yen": "JPY", "yuan": "CNY", "pto": "paid time off", "comp": "pay",
}
# Chat filler that says nothing about the question ("im a receptionist rn"): neither a term nor unknown
CHAT_FILLER = frozenset("im ive id ill rn tbh idk pls plz u ur lol btw imo ngl fyi thx thanks hi hey hello ok okay "
                        "gonna wanna kinda sorta ya yeah m s t d ll ve re".split())  # and what "i'm" leaves
_WORD = re.compile(r"[A-Za-z]+")
# Pay-survey shorthand for a percentile ("P90 comp", "top-decile pay", "the 10th percentile"), read in the words
# pay tables and profiles use: general English, no career's
_PERCENTILE = re.compile(r"\b[Pp](10|25|50|75|90)\b|\b(top|upper|bottom|lower)[\s-]+decile\b|"
                         r"\b(10|90)th[\s-]+percentile\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


@dataclass(frozen=True)
class Reading:
    """A question as careerbot searches it: mended text, words no guide uses, and the specific ones."""

    text: str
    unknown: tuple[str, ...]
    specific: tuple[str, ...]
    places: frozenset[str] = frozenset()  # places named that the guides do mention


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Lower-case names of countries, US states and large cities (src/careerbot/data/places.txt)."""
    path = Path(__file__).with_name("data") / "places.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def zipf(word: str) -> float:
    """How common a word is in English (wordfreq's Zipf scale: 0 unknown, 7 "the")."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


class Reader:
    """Knows the corpus vocabulary and reads questions against it."""

    def __init__(self, vocabulary: frozenset[str], corpus_text_years: frozenset[str], stems: frozenset[str]):
        self.vocabulary = vocabulary
        self.stems = stems
        self.years = corpus_text_years
        self._by_first: dict[str, list[str]] = {}
        for word in vocabulary:
            if word.isalpha() and len(word) >= 3:
                self._by_first.setdefault(word[0], []).append(word)
        self.mend = lru_cache(maxsize=8192)(self._mend)

    def _mend(self, word: str) -> str | None:
        """The corpus word meant by a lower-case `word`: itself when known, a shorthand's expansion, the
        nearest corpus word for a typo; None when nothing fits."""
        if word in self.vocabulary or word in QUESTION_STOP or word in CHAT_FILLER:
            return word
        if word in SHORTHAND:
            expansion = SHORTHAND[word]
            return expansion if all(w in self.vocabulary for w in expansion.lower().split()) else None
        from .lexical import tokenize

        if all(t in self.stems for t in tokenize([word])[0] or ["-"]):
            return word  # another form of a corpus word ("bachelors", "accredits")
        if len(word) < 4 or zipf(word) >= COMMON_ZIPF:
            return None
        pool = [w for w in self._by_first.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        match = difflib.get_close_matches(word, pool, n=1, cutoff=CUTOFF)
        return match[0] if match else None

    def read(self, text: str) -> Reading:
        """Mend the question's words and sort out the ones the guides never use."""
        text = _PERCENTILE.sub(_percentile_words, text)
        unknown: list[str] = []
        specific: list[str] = []
        context = [m.span(1) for m in ASKER.finditer(text)]

        def fix(m: re.Match[str]) -> str:
            word = m.group(0)
            lower = word.lower()
            found = self.mend(lower)
            if found is None and any(a <= m.start() < b for a, b in context):
                return word  # who is asking ("i'm a billing clerk"), not what they ask about
            if found is None:
                unknown.append(lower)
                if zipf(lower) < RARE_ZIPF or (word.isupper() and len(word) >= 2) or lower in SHORTHAND:
                    specific.append(lower)  # jargon, an acronym, or a currency the guides never quote
                return word
            return word if found == lower else found

        mended = _WORD.sub(fix, text)
        named = {p: place_in(p, self.vocabulary) for p in asked_places(text)}
        specific += [p for p, known in named.items() if known is None]
        specific += [y for y in _YEAR.findall(text) if y not in self.years]
        known_places = frozenset(known for known in named.values() if known is not None)
        return Reading(mended, tuple(unknown), tuple(dict.fromkeys(specific)), known_places)


def _percentile_words(m: re.Match[str]) -> str:
    """A percentile as pay tables and profiles word it: "P90" -> "highest 10 percent", "P50" -> "median"."""
    n = m.group(1) or m.group(3)
    if n is None:
        return "highest 10 percent" if m.group(2).lower() in ("top", "upper") else "lowest 10 percent"
    if n == "50":
        return "median"
    return f"highest {100 - int(n)} percent" if int(n) > 50 else f"lowest {n} percent"


# Names of one country ("USA" where the guides write "United States"): general English, no career's
PLACE_NAMES = (("united states", "usa", "america", "american", "u s"),
               ("united kingdom", "uk", "britain", "british", "great britain", "england"))


def place_names(place: str) -> tuple[str, ...]:
    """A place's names, itself first: "usa" -> ("usa", "united states", "america", ...)."""
    return (place, *next((g for g in PLACE_NAMES if place in g), ()))


def place_in(place: str, vocabulary: frozenset[str]) -> str | None:
    """The name the guides use for a place a question names (itself, or another name of the same
    country: "USA" for guides that say "United States"), or None when they never name it."""
    return next((n for n in place_names(place) if all(w in vocabulary for w in n.split())), None)


def named_places(text: str) -> list[str]:
    """The places a text names (countries, US states, large cities), lower case, longest names first."""
    words = _WORD.findall(text.lower())
    found = []
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            name = " ".join(words[i:i + n])
            if name in places() and not any(name in longer for longer in found):
                found.append(name)
    return found


def asked_places(text: str) -> list[str]:
    """The places a question asks about: those it names, less where the asker comes from ("i am from
    Poland", "moving from Poland to the UK")."""
    lowered = text.lower()

    def origin(place: str) -> bool:
        return all(re.search(r"\bfrom\s+(?:the\s+)?$", lowered[:m.start()])
                   for m in re.finditer(rf"\b{re.escape(place)}\b", lowered))

    return [p for p in named_places(text) if not origin(p)]

