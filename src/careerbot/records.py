"""The index's chunk and unit records as memory-mapped columns, read one record at a time.

`units.npy` and `chunks.npy` are numpy structured arrays (one row a record: guide, offsets, kind, section,
where its text is); `text.bin` holds the records' texts in UTF-8 and `strings.json` the guides' names and the
headings and table headers records share. A loaded index maps these files and builds a record only when a
question asks for it, so loading costs the same for four guides as for four thousand.
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from .chunking import Chunk

KINDS = ("sentence", "item", "fact", "row")
# per-unit flags, set at build time
CHROME = 1  # site chrome repeated across guides or a call to action: never quoted
LISTED = 2  # an item of a list, a list on its own, or the sentence that introduces one

UNIT_COLUMNS = np.dtype([
    ("source", "<i4"), ("chunk", "<i4"), ("start", "<i8"), ("end", "<i8"), ("kind", "u1"), ("flags", "u1"),
    ("section", "<i4"), ("context", "<i4"), ("text", "<i8"), ("text_end", "<i8"),
    ("offers", "<u4"),  # bit k: the unit offers intent k of strings.json's "offers"
    ("duplicate_of", "<i4"),  # the first unit with the same words, or itself
    ("run", "<i4"),  # the list run (consecutive items under one heading) it belongs to, or -1
    ("stems", "<i8"), ("stems_end", "<i8"),  # its stems: ids into strings.json's "stems", in stems.npy
])
CHUNK_COLUMNS = np.dtype([("source", "<i4"), ("section", "<i4"), ("start", "<i8"), ("end", "<i8"),
                          ("text", "<i8"), ("text_end", "<i8")])
CACHED = 4096  # records kept built: a few questions' candidates, not the corpus
FILES = ("units.npy", "chunks.npy", "text.bin", "stems.npy", "strings.json")


class _Strings:
    """Strings interned while writing: each distinct one gets the next id."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, s: str) -> int:
        return self.ids.setdefault(s, len(self.ids))

    def table(self) -> list[str]:
        return list(self.ids)


def write(folder: Path, sources: list[str], chunks: list[Chunk], units: list, columns: dict[str, list],
          stems: list[list[str]], offers: list[str]) -> None:
    """Write the records into `folder`. `units` are UnitRecords; `columns` gives per unit its flags,
    offers bits, duplicate_of and run; `stems` its stems; `offers` the intent of each offers bit."""
    source_id = {s: i for i, s in enumerate(sources)}
    strings, stem_ids = _Strings(), _Strings()
    blob = bytearray()

    def put(text: str) -> tuple[int, int]:
        start = len(blob)
        blob.extend(text.encode("utf-8"))
        return start, len(blob)

    rows = np.zeros(len(units), UNIT_COLUMNS)
    flat: list[int] = []
    for i, u in enumerate(units):
        text, text_end = put(u.text)
        first = len(flat)
        flat.extend(stem_ids(s) for s in stems[i])
        rows[i] = (source_id[u.source], u.chunk, u.start, u.end, KINDS.index(u.kind), columns["flags"][i],
                   strings(u.section), strings(u.context), text, text_end, columns["offers"][i],
                   columns["duplicate_of"][i], columns["run"][i], first, len(flat))
    chunk_rows = np.zeros(len(chunks), CHUNK_COLUMNS)
    for i, c in enumerate(chunks):
        chunk_rows[i] = (source_id[c.source], strings(c.section), c.start, c.end, *put(c.text))
    np.save(folder / "units.npy", rows, allow_pickle=False)
    np.save(folder / "chunks.npy", chunk_rows, allow_pickle=False)
    np.save(folder / "stems.npy", np.asarray(flat, dtype="<i4"), allow_pickle=False)
    (folder / "text.bin").write_bytes(bytes(blob))
    (folder / "strings.json").write_text(json.dumps(
        {"sources": sources, "strings": strings.table(), "stems": stem_ids.table(), "offers": offers},
        ensure_ascii=False), encoding="utf-8")


class _Text:
    """The records' texts, read from `text.bin` by byte range (pread: nothing mapped that could be cut short)."""

    def __init__(self, path: Path):
        self._fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(self._fd).st_size

    def __call__(self, start: int, end: int) -> str:
        return os.pread(self._fd, end - start, start).decode("utf-8")

    def __del__(self) -> None:
        try:
            os.close(self._fd)
        except (OSError, AttributeError):
            pass


class Table(Sequence):
    """Records read from columns on demand: `table[i]` builds record i; `table.column(name)` is the array."""

    def __init__(self, rows: np.ndarray, make: Callable[[np.void], object]):
        self._rows = rows
        self._make = make
        self._record = lru_cache(maxsize=CACHED)(lambda i: make(rows[i]))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._make(self._rows[k]) for k in range(*i.indices(len(self)))]
        i = int(i)
        return self._record(i if i >= 0 else i + len(self))

    def __iter__(self) -> Iterator:
        for row in self._rows:
            yield self._make(row)

    def column(self, name: str) -> np.ndarray:
        """One field of every record, as an array (memory-mapped; a plain ndarray view, which numpy indexes
        without np.memmap's Python-level __getitem__)."""
        return self._rows[name].view(np.ndarray)


class Records:
    """The loaded records of an index: its unit and chunk tables and what they share."""

    def __init__(self, folder: Path):
        from .index import UnitRecord

        strings = json.loads((folder / "strings.json").read_text(encoding="utf-8"))
        self.sources: list[str] = strings["sources"]
        self.strings: list[str] = strings["strings"]
        self.stems: list[str] = strings["stems"]
        self.offer_names: list[str] = strings["offers"]
        self.text = _Text(folder / "text.bin")
        unit_rows = np.load(folder / "units.npy", mmap_mode="r", allow_pickle=False)
        chunk_rows = np.load(folder / "chunks.npy", mmap_mode="r", allow_pickle=False)
        self.stem_ids = np.load(folder / "stems.npy", mmap_mode="r", allow_pickle=False)
        if unit_rows.dtype != UNIT_COLUMNS or chunk_rows.dtype != CHUNK_COLUMNS:
            raise ValueError("records of another layout")
        src, s, text = self.sources, self.strings, self.text
        self.units = Table(unit_rows, lambda r: UnitRecord(
            src[r["source"]], int(r["chunk"]), int(r["start"]), int(r["end"]), KINDS[r["kind"]], s[r["section"]],
            s[r["context"]], text(int(r["text"]), int(r["text_end"]))))
        self.chunks = Table(chunk_rows, lambda r: Chunk(
            src[r["source"]], s[r["section"]], int(r["start"]), int(r["end"]), text(int(r["text"]), int(r["text_end"]))))

    def consistent(self) -> bool:
        """Whether every record points inside the other files (a damaged or mismatched file does not)."""
        units, chunks = self.units._rows, self.chunks._rows
        if len(units):
            ends = (units["text_end"].max(), units["stems_end"].max(), units["chunk"].max(), units["source"].max(),
                    max(units["section"].max(), units["context"].max()), units["kind"].max())
            if (units["chunk"].min() < 0 or ends[0] > self.text.size or ends[1] > len(self.stem_ids)
                    or ends[2] >= len(chunks) or ends[3] >= len(self.sources) or ends[4] >= len(self.strings)
                    or ends[5] >= len(KINDS) or units["duplicate_of"].max() >= len(units)):
                return False
        if len(chunks) and (chunks["text_end"].max() > self.text.size or chunks["source"].max() >= len(self.sources)
                            or chunks["section"].max() >= len(self.strings)):
            return False
        return not len(self.stem_ids) or int(self.stem_ids.max()) < len(self.stems)

    @cached_property
    def _stem_number(self) -> dict[str, int]:
        return {stem: k for k, stem in enumerate(self.stems)}

    def stems_used(self, units: list[int], stems: frozenset[str]) -> np.ndarray:
        """How many of `stems` each of `units` uses in its text (each stem counted once)."""
        ids = [self._stem_number[s] for s in stems if s in self._stem_number]
        found = np.zeros(len(units), np.int64)
        if not ids or not units:
            return found
        rows = self.units._rows[np.asarray(units, np.int64)]
        starts, lengths = rows["stems"].astype(np.int64), (rows["stems_end"] - rows["stems"]).astype(np.int64)
        if not lengths.sum():
            return found
        # every unit's stem ids side by side, and the unit each belongs to
        at = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        used, owner = np.asarray(self.stem_ids[at]), np.repeat(np.arange(len(units)), lengths)
        for k in ids:
            found += np.bincount(owner[used == k], minlength=len(units)) > 0
        return found

    def unit_stems(self, i: int) -> list[str]:
        """The stems of unit i's text, as the build tokenized it."""
        row = self.units._rows[i]
        return [self.stems[k] for k in self.stem_ids[int(row["stems"]):int(row["stems_end"])]]
