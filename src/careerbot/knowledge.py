"""What the index knows of its guides before any question, derived once at build time and stored with it.

Per unit: what it offers (an amount, a degree...), its stems, the list it belongs to, whether it repeats
another unit or is site chrome. Per corpus: its vocabulary, the years it names, the stems that tie a question
to its careers, its credential acronyms, the pay periods it uses, the words of its roles and headings.
An answering process reads these from `knowledge.json` and the record columns instead of computing them.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from .chunking import Chunk
from .coverage import NOT_A_ROLE, boilerplate, credential_acronyms, singular
from .intent import INTENT_WORDS, QUESTION_STOP, offers, pay_periods
from .lexical import tokenize, words
from .records import CHROME, LISTED

ANCHOR_UNITS = 6  # a word used in this many answer units is one of the guides' topics
FILE = "knowledge.json"
# A sentence that lists examples in line: "entry-level positions like ward clerk, administrative
# assistant, or billing specialist"
INLINE_LIST = re.compile(
    r"\b(?:like|such as|including|e\.g\.,?)\s+[^,.;:]{2,60}(?:,\s*[^,.;:]{2,60}){1,},?\s+(?:and|or)\s+")


@dataclass(frozen=True)
class Knowledge:
    """What a corpus is about, as questions are read against it."""

    vocabulary: frozenset[str] = frozenset()  # lower-case words of the guides' passages and headings
    years: frozenset[str] = frozenset()  # years the guides name
    anchors: frozenset[str] = frozenset()  # stems that tie a question to these careers (see `topic_stems`)
    credentials: frozenset[str] = frozenset()  # lower-case acronyms the guides use beside credential words
    pay_periods: frozenset[str] = frozenset()  # periods a passage naming an amount gives pay for ("hour")
    scope_words: frozenset[str] = frozenset()  # singular words of the guides' titles and headings: their roles
    heading_words: frozenset[str] = frozenset()  # singular words of the guides' headings


@dataclass(frozen=True)
class Derived:
    """A build's knowledge: the corpus's, and per unit the columns and stems the records store."""

    knowledge: Knowledge
    columns: dict[str, list[int]]  # per unit: flags, offers (bits), duplicate_of, run
    stems: list[list[str]]
    offer_names: list[str]
    unit_offers: list[frozenset[str]]  # what each unit offers, by intent name


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


def listable(units: list, lists: list[tuple[int, ...]]) -> set[int]:
    """Units a list question can be answered with: items of a list, an item that is a list on its own
    (several lines), a sentence ending in a colon just before a list, and a sentence listing examples in line."""
    found = {i for run in lists for i in run}
    found |= {i for i, u in enumerate(units) if u.kind == "item" and u.text.count("\n") >= 2}
    found |= {run[0] - 1 for run in lists if run[0] > 0 and units[run[0] - 1].source == units[run[0]].source
              and units[run[0] - 1].text.rstrip().endswith((":", units[run[0]].section or ":"))}
    found |= {i for i, u in enumerate(units) if u.kind == "sentence" and INLINE_LIST.search(u.text)}
    return found


def topic_stems(headings: list[str], unit_stems: list[list[str]]) -> frozenset[str]:
    """Stems that tie a question to what the guides are about: the words of their titles and headings, the
    words many units use, and the words that name what a question asks for (pay, degree...); not stop words."""
    found: set[str] = set().union(*tokenize(headings)) if headings else set()
    used = Counter(t for stems in unit_stems for t in set(stems))
    found |= {t for t, n in used.items() if n >= ANCHOR_UNITS}
    found |= set(tokenize([" ".join(w for ws in INTENT_WORDS.values() for w in ws)])[0])
    return frozenset(found - set(tokenize([" ".join(QUESTION_STOP) + " what how doe"])[0]))


def derive(titles: dict[str, str], roles: dict[str, str], chunks: list[Chunk], units: list) -> Derived:
    """Everything the index stores about its guides besides their records and vectors; `titles` and `roles`
    by source."""
    texts = [u.text for u in units]
    credentials = credential_acronyms(texts, list(roles.values()))
    unit_offers = [offers(t, credentials) for t in texts]
    offer_names = sorted(set().union(*unit_offers)) if unit_offers else []
    bit = {name: 1 << k for k, name in enumerate(offer_names)}
    lists = item_runs(units)
    listed = listable(units, lists)
    chrome = boilerplate(units)
    run_of = {i: n for n, run in enumerate(lists) for i in run}
    first: dict[str, int] = {}
    columns: dict[str, list[int]] = {"flags": [], "offers": [], "duplicate_of": [], "run": []}
    for i, u in enumerate(units):
        columns["flags"].append((CHROME if i in chrome else 0) | (LISTED if i in listed else 0))
        columns["offers"].append(sum(bit[o] for o in unit_offers[i]))
        columns["duplicate_of"].append(first.setdefault(" ".join(words(u.text)), i))
        columns["run"].append(run_of.get(i, -1))
    stems = tokenize(texts) if texts else []
    sections = sorted({u.section for u in units})
    vocabulary: set[str] = set()
    years: set[str] = set()
    for c in chunks:
        years.update(re.findall(r"\b(?:19|20)\d{2}\b", c.text))
        vocabulary.update(words(c.text))
        vocabulary.update(words(c.section))
    knowledge = Knowledge(
        vocabulary=frozenset(vocabulary),
        years=frozenset(years),
        anchors=topic_stems(sorted(set(sections) | set(titles.values())), stems),
        credentials=credentials,
        pay_periods=frozenset().union(*(pay_periods(t) for t, o in zip(texts, unit_offers) if "salary" in o)),
        scope_words=frozenset(singular(w) for t in [*roles.values(), *sections] for w in words(t)
                              if len(w) > 2 and w not in QUESTION_STOP and w not in NOT_A_ROLE),
        heading_words=frozenset(singular(w) for s in sections for w in words(s)),
    )
    return Derived(knowledge, columns, stems, offer_names, unit_offers)


def save(folder: Path, knowledge: Knowledge) -> None:
    """Write the corpus's knowledge into the index folder."""
    record = {name: sorted(value) for name, value in asdict(knowledge).items()}
    (folder / FILE).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def load(folder: Path) -> Knowledge:
    """The corpus's knowledge as the build stored it (ValueError when the file is not of this layout)."""
    record = json.loads((folder / FILE).read_text(encoding="utf-8"))
    if not isinstance(record, dict) or set(record) != set(Knowledge.__dataclass_fields__):
        raise ValueError("knowledge of another layout")
    return Knowledge(**{name: frozenset(value) for name, value in record.items()})
