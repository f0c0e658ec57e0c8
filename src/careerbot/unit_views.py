"""Per-unit facts an answer is decided on, read from the index's columns when a question asks for a unit.

Each view answers for one unit (or guide, or chunk) at a time and remembers recent answers, so a question
touches only its few dozen candidates and loading builds nothing per unit.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .intent import figures
from .lexical import tokenize
from .ranking import UnitSignals, unit_signals
from .records import CHROME, LISTED, Records

CACHED = 4096  # units whose facts stay computed: a few questions' candidates, not the corpus


class Offers:
    """`offers[i]`: the intents unit i can satisfy (an amount, a degree...), as the build found them."""

    def __init__(self, records: Records):
        self._bits = records.units.column("offers")
        names = records.offer_names
        self._of = lru_cache(maxsize=None)(
            lambda bits: frozenset(n for k, n in enumerate(names) if bits >> k & 1))

    def __getitem__(self, i: int) -> frozenset[str]:
        return self._of(int(self._bits[i]))


class Figures:
    """`figures[i]`: the amounts and percentages unit i states."""

    def __init__(self, records: Records):
        units = records.units
        self._of = lru_cache(maxsize=CACHED)(lambda i: figures(units[i].text))

    def __getitem__(self, i: int) -> frozenset[str]:
        return self._of(int(i))


class Signals:
    """`signals[i]`: unit i's question-independent signals (ranking.UnitSignals)."""

    def __init__(self, records: Records):
        self._records = records
        self._flags = records.units.column("flags")
        self._section_stems = lru_cache(maxsize=CACHED)(lambda section: frozenset(tokenize([section])[0]))
        self._of = lru_cache(maxsize=CACHED)(self._compute)

    def _compute(self, i: int) -> UnitSignals:
        u = self._records.units[i]
        return unit_signals(u.text, u.section, u.kind, self._records.unit_stems(i), self._section_stems(u.section),
                            bool(self._flags[i] & LISTED))

    def __getitem__(self, i: int) -> UnitSignals:
        return self._of(int(i))


class Chrome:
    """`i in chrome`: unit i is site chrome (repeated across guides, or a call to action), never quoted."""

    def __init__(self, records: Records):
        self._flags = records.units.column("flags")

    def __contains__(self, i: object) -> bool:
        return bool(self._flags[int(i)] & CHROME)  # type: ignore[arg-type]


class Runs:
    """The runs of list items under one heading: `runs[n]` is run n's units, `runs.of(i)` unit i's run or None."""

    def __init__(self, records: Records):
        run = records.units.column("run")
        self._run = run
        members = np.flatnonzero(run >= 0)
        ids = run[members]
        if len(members):
            starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])  # runs are consecutive units
            ends = np.r_[starts[1:], len(ids)]
            self._bounds = np.stack([members[starts], members[ends - 1] + 1], axis=1)
            self._index = {int(ids[s]): k for k, s in enumerate(starts)}
        else:
            self._bounds = np.zeros((0, 2), np.int64)
            self._index = {}

    def __getitem__(self, n: int) -> tuple[int, ...]:
        first, end = self._bounds[self._index[n]]
        return tuple(range(int(first), int(end)))

    def get(self, i: int, default=None):
        """Unit i's run number, or `default` when it is in no run."""
        if not 0 <= i < len(self._run):
            return default
        n = int(self._run[i])
        return default if n < 0 else n


class ChunkUnits:
    """`chunk_units[k]`: the units chunk k holds."""

    def __init__(self, records: Records):
        chunk = records.units.column("chunk")
        self._order = np.argsort(chunk, kind="stable")
        self._bounds = np.searchsorted(chunk[self._order], np.arange(len(records.chunks) + 1))

    def __getitem__(self, k: int) -> list[int]:
        return self._order[self._bounds[k]:self._bounds[k + 1]].tolist()


class GuideStems:
    """`guide_stems.get(source)`: the stems of a guide's title, headings and units."""

    def __init__(self, records: Records, titles: dict[str, str]):
        self._records = records
        self._titles = titles
        self._source = records.units.column("source")
        self._of = lru_cache(maxsize=1024)(self._compute)

    def _compute(self, source: str) -> frozenset[str]:
        r = self._records
        found = set(tokenize([self._titles.get(source, "")])[0])
        mine = np.flatnonzero(self._source == r.sources.index(source))
        rows = r.units.column("stems")[mine], r.units.column("stems_end")[mine]
        ids = np.unique(np.concatenate([r.stem_ids[a:b] for a, b in zip(*rows)] or [np.zeros(0, np.int32)]))
        found.update(r.stems[k] for k in ids)
        sections = sorted({r.strings[k] for k in np.unique(r.units.column("section")[mine])})
        for stems in tokenize(sections) if sections else []:
            found.update(stems)
        return frozenset(found)

    def get(self, source: str, default: frozenset[str] = frozenset()) -> frozenset[str]:
        return self._of(source) if source in self._records.sources else default
