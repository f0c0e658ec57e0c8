"""Read a guide's layout: which lines are headings, and which spans are answer units.

Answer units are what careerbot quotes: prose sentences, list items, table rows and label/value facts
(a "Median Salary" line with the "$104,830 USD" and "(BLS, May 2023)" lines under it). Each unit keeps
its character offsets into the document, and the heading it stands under.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

HEADING_MAX_CHARS = 90
QUESTION_MAX_CHARS = 250
LONG_ITEM_CHARS = 400

_BULLET = re.compile(r"^(?:[-*•–]\s+)+")
_STEP = re.compile(r"^(?:step|phase|stage|part)\s+\d+\b", re.I)
# A figure: money, a percentage, an approximate count, a range, a duration, a time of day (a year alone is not).
_VALUE = re.compile(
    r"[$£€¥≈%]|\d{1,3}(?:,\d{3})+|\b\d+(?:\.\d+)?\s*(?:k\b|\+)|\d+\s*[-–—]\s*\d+"
    r"|\b\d+\+?\s*(?:years?|months?|weeks?|hours?|days?)\b|\d{1,2}:\d{2}", re.I)
# "Stress Level: High", "Status: Growing much faster than average"
_KEY_VALUE = re.compile(r"^[A-Z][\w /&+-]{0,30}:\s+(\S+(?:\s+\S+){0,4})$")
# "7-10 yearsLeads a team...": a scraped career-tier card whose duration ran into its description
_GLUED_DURATION = re.compile(r"^\d+(?:\s*[-–]\s*\d+)?\+?\s*years?(?: total experience)?(?=[A-Z])")
_CAPS_HEADING = re.compile(r"[A-Z][A-Z0-9&,:'’/ -]*[A-Z]")  # a plain-text heading in capitals: "PAY", "HOW TO BECOME"
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+\S")
WRAP_MAX_CHARS = 100  # a document whose lines of text are all this short or shorter may be hard-wrapped
WRAP_FILL = 0.75  # a line at least this share of the width was broken by the wrap, not by its writer
WRAP_MIN_LINES = 5  # and this many lines so filled make a document hard-wrapped
WRAP_STRAYS = 50  # one line of text in this many may run past WRAP_MAX_CHARS where the writer missed a wrap
_WRAPPABLE = ("prose", "short", "question")
LIST_RUN = 3  # this many short lines in a row, with no text under them, are a list, not headings
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "U.S.", "Dr.", "Mr.", "Ms.", "Mrs.", "St.", "No.", "approx.", "Inc.")
# A sentence ends at . ! or ? followed by space and a capital, digit, quote or bracket; or where a
# scraped page glued two sentences together ("career path.We'll").
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[$£€])|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class Line:
    start: int  # offsets of the line's content, without surrounding whitespace or bullet marker
    end: int
    text: str
    kind: str  # blank, bullet, row, rule, question, prose, short


@dataclass(frozen=True)
class Unit:
    """A quotable span of a document: `text == document_text[start:end]`."""

    start: int
    end: int
    text: str
    kind: str  # sentence, item, fact, row
    section: str
    context: str  # extra words that situate the unit (a table's header row), or ""


@dataclass(frozen=True)
class Section:
    """A heading and the span of text under it, up to the next heading."""

    heading: str
    start: int
    end: int


def split_lines(text: str) -> list[Line]:
    """The document's lines, each classified and with the offsets of its content; in a hard-wrapped
    document (lines broken at a fixed width), a paragraph or list item broken over several lines is one."""
    lines: list[Line] = []
    widths: list[tuple[int, int]] = []  # each line's length and indent, as written
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        indent = len(body) - len(body.lstrip())
        start = pos + indent
        bullet = _BULLET.match(stripped)
        if bullet:
            start += bullet.end()
            stripped = stripped[bullet.end():].strip()
        end = start + len(stripped)
        lines.append(Line(start, end, stripped, _kind(stripped, bool(bullet))))
        widths.append((len(body.rstrip()), indent))
        pos += len(raw)
    return _unwrapped(text, lines, widths)


def _unwrapped(text: str, lines: list[Line], widths: list[tuple[int, int]]) -> list[Line]:
    """`lines` with each run that a hard wrap broke joined into one line: a line filled close to the
    document's width goes on in the next line, unless that one starts a list item, a table row or a heading.
    A document is hard-wrapped when its lines of text are no longer than WRAP_MAX_CHARS (but for a stray one in
    WRAP_STRAYS) and many are near the width."""
    text_lines = [w for (w, _), ln in zip(widths, lines) if ln.kind in _WRAPPABLE]
    wrapped = [w for w in text_lines if w <= WRAP_MAX_CHARS]
    width = max(wrapped, default=0)
    if len(text_lines) - len(wrapped) > len(text_lines) // WRAP_STRAYS \
            or sum(w >= WRAP_FILL * width for w in wrapped) < WRAP_MIN_LINES:
        return lines
    out: list[Line] = []
    joined: list[int] = []  # indexes of the lines joined into out[-1]
    for i, ln in enumerate(lines):
        if joined and _continues(lines[joined[0]], widths[joined[0]][1], lines[joined[-1]], widths[joined[-1]][0],
                                 ln, widths[i][1], width):
            first = out[-1]
            kind = "bullet" if first.kind == "bullet" else _kind(text[first.start:ln.end], False)
            out[-1] = Line(first.start, ln.end, text[first.start:ln.end], "prose" if kind == "short" else kind)
            joined.append(i)
            continue
        out.append(ln)
        joined = [i]
    return out


def _continues(first: Line, first_indent: int, last: Line, last_width: int, ln: Line, indent: int,
               width: int) -> bool:
    """Whether line `ln` (indented by `indent`) goes on from `last`, a line of the run that starts with
    `first`, broken there by a hard wrap at `width`: a list item goes on in lines indented more than its
    marker, a paragraph in lines indented as its first."""
    if last.kind not in (*_WRAPPABLE, "bullet") or ln.kind not in _WRAPPABLE or last.text.endswith((":", "?")):
        return False
    if last_width < WRAP_FILL * width:
        return False  # a line that ends well short of the width ends its paragraph
    return indent > first_indent if first.kind == "bullet" else indent == first_indent


def _kind(s: str, bullet: bool) -> str:
    if not s:
        return "blank"
    if _MARKDOWN_HEADING.match(s):
        return "heading"
    if bullet:
        return "bullet"
    if re.fullmatch(r"[-|:\s]{3,}", s):
        return "rule"
    if s.count("|") >= 2:
        return "row"
    if s.endswith("?") and len(s) <= QUESTION_MAX_CHARS:
        return "question"
    if len(s) <= HEADING_MAX_CHARS and not s.endswith((":", ",", ";")) and len(sentences(s, 0)) == 1:
        return "short"
    return "prose"


def _is_value(line: Line, before: Line | None) -> bool:
    """Whether a short line is (part of) a figure, given the non-blank line that follows it."""
    if _STEP.match(line.text):
        return False
    if _VALUE.search(line.text):
        return True
    key_value = _KEY_VALUE.match(line.text)
    if not key_value:
        return False
    # "Focus: Financial Management and Strategy" above a list is the list's heading, not a fact
    return len(key_value.group(1).split()) <= 2 or before is None or before.kind not in ("bullet", "prose")


def _is_continuation(line: Line) -> bool:
    """A short line that finishes the fact above it: "openings annually (BLS)", "growth rate"."""
    return line.kind == "short" and (line.text[0].islower() or line.text[0] == "(")


def _roles(lines: list[Line]) -> list[str]:
    """Each line's role: heading, label, value, cont, or its kind (prose, bullet, row, question...).
    In a document whose headings are marked ("## Salary"), a short line is never taken for one."""
    roles = [ln.kind for ln in lines]
    marked = "heading" in roles
    nxt: Line | None = None
    next_role = ""
    for i in range(len(lines) - 1, -1, -1):
        ln = lines[i]
        if ln.kind == "blank":
            continue
        if ln.kind == "short":
            if not marked and _CAPS_HEADING.fullmatch(ln.text):
                roles[i] = "heading"  # "QUICK FACTS: FIREFIGHTERS", never a label and its value
            elif _is_value(ln, nxt):
                roles[i] = "value"
            elif nxt is not None and nxt.kind == "short" and next_role in ("value",):
                roles[i] = "label"
            else:
                # a sentence with no text under it (a guide's last line) is text, not a heading
                roles[i] = "prose" if marked or (nxt is None and ln.text.endswith((".", "!"))) else "heading"
        nxt, next_role = ln, roles[i]
    # a lowercase short line right after a value finishes that fact
    prev_role = ""
    for i, ln in enumerate(lines):
        if ln.kind == "blank":
            continue
        if prev_role == "value" and _is_continuation(ln):
            roles[i] = "cont"
        prev_role = roles[i]
    return roles


def _heading_text(line: str) -> str:
    """A heading as a section name: without Markdown's leading #s."""
    return line.lstrip("#").strip() or line


def _section_name(run: list[str]) -> str:
    """Of consecutive heading lines, the last if it is a Markdown heading ("## Salary" under a title), else
    the last one of two words or more (a scraped "Salary / Median Salary" pair), else the last one."""
    if run[-1].startswith("#"):
        return _heading_text(run[-1])
    names = [_heading_text(h) for h in run]
    for heading in reversed(names):
        if len(heading.split()) >= 2:
            return heading
    return names[-1]


def sentences(text: str, offset: int) -> list[tuple[int, int]]:
    """Offsets of the sentences in a paragraph that starts at `offset`."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        cut = m.start()
        before = text[start:cut]
        if before.endswith(_ABBREVIATIONS) or not before.strip():
            continue
        spans.append((start, cut))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if trail > lead:
            out.append((offset + s + lead, offset + s + trail))
    return out


def _headerless(lines: list[Line], roles: list[str], first: int) -> bool:
    """Whether a table starts with a row of content rather than of column names: a figure in its first row
    ("| Median Pay | $59,530 |"), and no rule line under it."""
    below = next((r for r in roles[first + 1:] if r != "blank"), "")
    return below != "rule" and _VALUE.search(lines[first].text) is not None


def analyse(text: str) -> tuple[list[Section], list[Unit]]:
    """The sections and answer units of a document's text."""
    lines = split_lines(text)
    roles = _roles(lines)
    starts: list[list] = [["", 0]]  # [section name, start offset], finished into Sections below
    units: list[Unit] = []
    heading_run: list[Line] = []
    section = ""
    section_before_run = ""
    table_header = ""
    fact: list[Line] = []
    fact_has_value = False

    cont_lines: set[int] = {ln.start for ln, role in zip(lines, roles) if role == "cont"}

    def ends_with_continuation(fact_lines: list[Line]) -> bool:  # "18% / growth rate"
        return fact_lines[-1].start in cont_lines

    def close_fact() -> None:
        nonlocal fact, fact_has_value
        if fact and fact_has_value:
            s, e = fact[0].start, fact[-1].end
            units.append(Unit(s, e, text[s:e], "fact", section, ""))
        fact, fact_has_value = [], False

    in_table = False
    for i, (ln, role) in enumerate(zip(lines, roles)):
        if role == "blank":
            continue
        in_table = in_table and role in ("row", "rule")
        if role in ("heading", "question"):
            if fact and fact_has_value and ": " in ln.text and len(ln.text) <= 60 \
                    and not _CAPS_HEADING.fullmatch(ln.text):
                fact.append(ln)  # "Afternoon (12:00 PM - 3:00 PM)" / "Focus: Financial Management"
            close_fact()
            if not heading_run:
                starts.append(["", ln.start])
                section_before_run = section
            heading_run.append(ln)
            section = starts[-1][0] = _section_name([h.text for h in heading_run])
            table_header = ""
            continue
        if len(heading_run) > LIST_RUN:
            # "Emerging Specializations" then five role names, then a real heading: the names are a list
            first, last = heading_run[0], heading_run[-2]
            units.append(Unit(first.start, last.end, text[first.start:last.end], "item", section_before_run, ""))
            section = starts[-1][0] = _section_name([h.text for h in heading_run])
        glued_to = heading_run[-1] if heading_run else None
        heading_run = []
        if role == "label":
            if fact_has_value:
                close_fact()
            fact.append(ln)
            continue
        if role == "value":
            if fact and fact_has_value and ends_with_continuation(fact) and not _KEY_VALUE.match(ln.text):
                close_fact()  # "18% / growth rate" then "$105,000 / median salary": two facts
            fact.append(ln)
            fact_has_value = True
            continue
        if role == "cont":
            fact.append(ln)
            continue
        close_fact()
        if role == "rule":
            continue
        if role == "row":
            if not in_table:
                in_table = True
                table_header = "" if _headerless(lines, roles, i) else ln.text
                if table_header:
                    continue
            units.append(Unit(ln.start, ln.end, ln.text, "row", section, table_header))
            continue
        if role == "bullet" and len(ln.text) <= LONG_ITEM_CHARS:
            units.append(Unit(ln.start, ln.end, ln.text, "item", section, ""))
            continue
        kind = "item" if role == "bullet" else "sentence"
        start = ln.start
        glued = _GLUED_DURATION.match(ln.text) if glued_to is not None and role == "prose" else None
        if glued:
            start = ln.start + glued.end()
            units.append(Unit(glued_to.start, start, text[glued_to.start:start], "fact", section, ""))
        for s, e in sentences(text[start:ln.end], start):
            units.append(Unit(s, e, text[s:e], kind, section, ""))
    close_fact()
    ends = [start for _, start in starts[1:]] + [len(text)]
    sections = [Section(name, start, end) for (name, start), end in zip(starts, ends) if text[start:end].strip()]
    return sections, units
