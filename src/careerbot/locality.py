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
    """What a follow-up about the last answer is weighed against: the units that answer quoted, and the
    follow-up's own words as a vector (without what its reading took from earlier turns)."""

    units: list[int]
    own: np.ndarray


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
    same heading as one; and how near it is to the follow-up's own words ("how long does that take?" picks the
    duration among the sentences around the quote)."""
    out = np.zeros((len(units), len(FOLLOW_FEATURES)))
    if not units:
        return out
    columns = engine.index.records.units
    source, section = columns.column("source"), columns.column("section")
    out[:, 3] = engine.index.unit_vectors.reconstruct_batch(np.asarray(units, np.int64)) @ last.own
    for row, unit in enumerate(units):
        same = [u for u in last.units if source[u] == source[unit]]
        gap = min((abs(unit - u) for u in same), default=None)
        out[row, 0] = float(gap == 0)
        out[row, 1] = 0.0 if gap is None or gap == 0 else max(0.0, 1.0 - (gap - 1) / NEIGHBOURS)
        out[row, 2] = float(any(section[u] == section[unit] for u in same))
    return out
