"""Score careerbot on a gold question file: key facts found, right guides cited, honest declines."""
from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

from .errors import CareerbotError


def load_gold(path: str | os.PathLike) -> list[dict]:
    """Gold items from a JSON-lines file: {"question", "fact", "guides", "topic"} or {"question",
    "answerable": false, "topic"}; "fact" may be a list of acceptable facts, and "history" the earlier
    questions of a conversation (oldest first) that the question follows."""
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CareerbotError(f"cannot read the gold file {path}: {exc.__class__.__name__}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise CareerbotError(f"{path}, line {n}: not JSON") from None
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise CareerbotError(f"{path}, line {n}: needs a \"question\"")
        if item.get("answerable", True) and not (item.get("fact") and item.get("guides")):
            raise CareerbotError(f"{path}, line {n}: an answerable item needs \"fact\" and \"guides\"")
        items.append(item)
    if not items:
        raise CareerbotError(f"{path} holds no questions")
    return items


def origin(source: str) -> str:
    """The corpus file a cited source stands for: a saved page or PDF for its extracted companion text."""
    from .convert import TEXT_FOLDER

    prefix = TEXT_FOLDER + "/"
    if source.startswith(prefix) and source.endswith(".txt"):
        return source[len(prefix):-len(".txt")]
    return source


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def has_fact(answer_text: str, fact: str | list[str]) -> bool:
    """Whether the answer states the gold fact, or one of a list of acceptable facts (case and spacing aside)."""
    facts = [fact] if isinstance(fact, str) else fact
    return any(norm(f) in norm(answer_text) for f in facts)


def evaluate(items: list[dict], corpus=None, index=None, answer=None) -> dict:
    """Rates over the gold items, overall and per topic.

    `answer(question) -> (Answer, ranked guide sources)` may replace careerbot's own pipeline, so that a
    baseline is scored by exactly the same rules.
    """
    if answer is None:
        answer = careerbot_answerer(corpus, index)
    rows = []
    for item in items:
        history = item.get("history") or []
        a, ranked_guides = answer(item["question"], history) if history else answer(item["question"])
        row = {"topic": item.get("topic", ""), "answerable": item.get("answerable", True),
               "answered": a.answered, "length": len(a.text) if a.answered else 0}
        if row["answerable"]:
            gold = set(item["guides"])
            row["fact"] = a.answered and has_fact(a.text, item["fact"])
            row["cited"] = a.answered and any(origin(c.source) in gold for c in a.citations)
            rank = next((r for r, s in enumerate(ranked_guides, 1) if origin(s) in gold), None)
            row["rr"] = 1.0 / rank if rank else 0.0
            row["r1"] = rank == 1
            row["r5"] = rank is not None and rank <= 5
        rows.append(row)
    return {"overall": _rates(rows), "topics": {t: _rates(rs) for t, rs in sorted(_by_topic(rows).items())}}


def careerbot_answerer(corpus=None, index=None, alone: bool = False, engine=None):
    """careerbot's own pipeline as an `answer` function for `evaluate` (on `engine` when given, else on the
    corpus and index). A question with a history is asked as the app asks it: after each earlier turn was
    answered with its own history. `alone` ignores history."""
    from .ask import answer_with, clean_question, remembered, turns_of
    from .loading import engine_for
    from .settings import resolve

    engine = engine or engine_for(resolve(corpus, index))
    memory: dict = {}  # this answerer's own, not the engine's: the trainer answers with other weights in turn

    def answer(question: str, history: list[str] | None = None):
        earlier = [] if alone else list(history or [])
        turns = turns_of(earlier, lambda text, past: remembered(engine, text, None, past, memory))
        a, ranked = answer_with(engine, clean_question(question), None, turns)
        guides = []
        for c in ranked:
            s = engine.index.units[c.unit].source
            if s not in guides:
                guides.append(s)
        return a, guides

    return answer


def _by_topic(rows):
    out = defaultdict(list)
    for r in rows:
        out[r["topic"]].append(r)
    return out


def _rates(rows: list[dict]) -> dict:
    pos = [r for r in rows if r["answerable"]]
    neg = [r for r in rows if not r["answerable"]]
    answered = [r for r in pos if r["answered"]]

    def rate(xs, key):
        return round(sum(1 for x in xs if x[key]) / len(xs), 4) if xs else None

    return {
        "answerable": len(pos),
        "unanswerable": len(neg),
        "key_fact": rate(pos, "fact"),
        "cited_guide": rate(pos, "cited"),
        "declined_unanswerable": round(sum(1 for r in neg if not r["answered"]) / len(neg), 4) if neg else None,
        "declined_answerable": round(sum(1 for r in pos if not r["answered"]) / len(pos), 4) if pos else None,
        "mean_answer_chars": round(sum(r["length"] for r in answered) / len(answered), 1) if answered else None,
        "recall@1": rate(pos, "r1"),
        "recall@5": rate(pos, "r5"),
        "mrr": round(sum(r["rr"] for r in pos) / len(pos), 4) if pos else None,
    }


COLUMNS = ["answerable", "unanswerable", "key_fact", "cited_guide", "declined_unanswerable", "declined_answerable",
           "mean_answer_chars", "recall@1", "recall@5", "mrr"]


def format_report(report: dict) -> str:
    """The report as a Markdown table: overall first, then one row per topic."""
    head = "| topic | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    for name, rates in [("**overall**", report["overall"]), *report["topics"].items()]:
        cells = ["" if rates[c] is None else (f"{rates[c]:.1%}" if isinstance(rates[c], float) and c not in
                 ("mean_answer_chars", "mrr") else f"{rates[c]}") for c in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
