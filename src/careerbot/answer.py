"""The answer careerbot gives: plain dataclasses, JSON-serialisable with `dataclasses.asdict`."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    """Where a quoted unit comes from: `Path(corpus, source).read_text(encoding="utf-8")[start:end] == quote`."""

    title: str
    source: str
    section: str
    quote: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Answer:
    """An answer: one quoted unit per line of `text`, each ending with its marker `[n]` for `citations[n-1]`.

    When the guides do not cover the question, `answered` is False, `citations` is empty and `text` says
    so. `score` is the confidence in [0, 1] that the answer is right. `suggestions` holds questions the
    guides answer near this one (their own FAQ headings), never the one just asked or answered: what to ask
    next. `carried` names what a follow-up question took from the earlier turns of its conversation
    ("plumbers", "pay"); it is empty when the question was read on its own.
    """

    question: str
    text: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    score: float = 0.0
    suggestions: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)  # what a follow-up took from earlier turns: ["pay"]


def answer_from_dict(data: dict) -> Answer:
    """An Answer back from its JSON form (`dataclasses.asdict`), e.g. one kept in a chat's state."""
    fields = {k: v for k, v in data.items() if k in Answer.__dataclass_fields__}
    return Answer(**{**fields, "citations": [Citation(**c) for c in data.get("citations", [])]})


def line_roles(answer: Answer, roles: dict[str, str] | None = None) -> list[str]:
    """Per line of an answer, the role its guide is about ("HVAC Technician"), when the lines come from
    guides about different roles; else all "" (one role needs no label). Shown beside the quote, never in it.
    `roles` are the indexed guides' roles by source, as the build read them; else each is read from its title."""
    from .coverage import role_of

    roles = [(roles or {}).get(c.source) or role_of(c.title) for c in answer.citations]
    return roles if len(set(roles)) > 1 else [""] * len(roles)


def figures_differ(answer: Answer) -> bool:
    """Whether guides quoted in one answer state different figures (amounts, percentages) for it."""
    from .intent import figures

    per_guide = {}
    for c in answer.citations:
        per_guide.setdefault(c.source, set()).update(figures(c.quote))
    stated = [f for f in per_guide.values() if f]
    return len(stated) > 1 and any(a != b for a in stated for b in stated)

