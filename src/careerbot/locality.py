"""Follow-ups about the last answer: how near each candidate unit stands to what that answer quoted.

"how long does that take?" after an answer that quoted a sentence about a certificate is most often answered
by that sentence or the few around it, and "which of those is for senior people?" by the rows of the table
just quoted. A follow-up that points at the last answer ("it", "those", "which one") or changes one detail of
it ("entry level?") is searched as read with its history, and its candidates near the last answer's quotes
gain the fitted `follow` weights of ranking_weights.json (bench/train_ranker.py fits them on conversations).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEIGHBOURS = 3  # units either side of a quoted one, in the same guide, that count as near it
FOLLOW_FEATURES = ("quoted", "nearby", "same_section", "own_words")


@dataclass(frozen=True)
class LastAnswer:
    """What a follow-up about the last answer is weighed against: the units that answer quoted, and the stems
    of the follow-up's own words that say what it asks (not what its reading took from earlier turns)."""

    units: list[int]
    own: frozenset[str]


def quoted_units(engine, quoted: tuple[tuple[str, int, int], ...]) -> list[int]:
    """The units an earlier answer quoted, from its citations' (source, start, end)."""
    records = engine.index.records
    if not quoted or not len(records.units):
        return []
    source, start, end = (records.units.column(c) for c in ("source", "start", "end"))
    found: list[int] = []
    for name, a, b in quoted:
        if name not in records.sources:
            continue
        mine = (source == records.sources.index(name)) & (start < b) & (end > a)
        found.extend(int(i) for i in np.flatnonzero(mine))
    return list(dict.fromkeys(found))


def neighbourhood(engine, units: list[int]) -> list[int]:
    """The quoted units and those within NEIGHBOURS of them in the same guide: candidates a follow-up adds."""
    source = engine.index.records.units.column("source")
    near = []
    for u in units:
        for i in range(max(0, u - NEIGHBOURS), min(len(source), u + NEIGHBOURS + 1)):
            if source[i] == source[u]:
                near.append(i)
    return list(dict.fromkeys(near))


def near_signals(engine, units: list[int], last: LastAnswer) -> np.ndarray:
    """Per candidate unit, in FOLLOW_FEATURES order: whether the last answer quoted it; how close it stands to
    the nearest quoted unit of its guide (1 beside it, falling to 0 past NEIGHBOURS); whether it is under the
    same heading as one; and what share of the follow-up's own words it uses ("how long does that take?" picks
    the sentence that says how long among those around the quote)."""
    out = np.zeros((len(units), len(FOLLOW_FEATURES)))
    if not units:
        return out
    columns = engine.index.records.units
    source, section = columns.column("source"), columns.column("section")
    ids = np.asarray(units, np.int64)
    guide, heading = source[ids], section[ids]
    gap = np.full(len(units), np.inf)
    same_section = np.zeros(len(units), bool)
    for u in last.units:
        mine = guide == source[u]
        gap = np.where(mine, np.minimum(gap, np.abs(ids - u)), gap)
        same_section |= mine & (heading == section[u])
    out[:, 0] = gap == 0
    beside = (gap > 0) & np.isfinite(gap)
    out[beside, 1] = np.clip(1.0 - (gap[beside] - 1) / NEIGHBOURS, 0.0, 1.0)
    out[:, 2] = same_section
    if last.own:
        out[:, 3] = engine.index.records.stems_used(units, last.own) / len(last.own)
    return out
