"""Questions about careers no guide covers: how often careerbot declines them.

    .venv/bin/python bench/other_careers.py [--json OUT.json]

Every guide set's answerable questions whose question (the story around it aside) names its own role by the
words of a guide's title ("How much do welders make?", "can practice managers work from home?") are asked of
every other guide set, where no guide is about that role: each should be declined. A question that names in
full an occupation one of the other set's titles names is left out there (librarians have a guide in two
sets). The project's four guides take part with their dev, held-out and persona sets. The naive recipe never
declines, so it declines none of these. Indexes are the ones bench/corpora.py builds (built here if missing).
A Markdown table goes to standard output, progress to standard error.
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402 - the offline switches above come before any Hugging Face import
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))


def gold_sets() -> dict[str, tuple[Path, Path, list[Path]]]:
    """Per guide set: its guides, its index and its gold files (the project's four guides as "seeds")."""
    from corpora import CORPORA, SEED_QUESTIONS, guide_sets, index_for

    sets = {"seeds": (ROOT / "corpus", index_for("seeds", ROOT / "corpus", rebuild=False),
                      [ROOT / "tests" / "data" / "qa.jsonl", *SEED_QUESTIONS])}
    for name in guide_sets():
        guides = CORPORA / name / "guides"
        sets[name] = (guides, index_for(name, guides, rebuild=False), [CORPORA / name / "questions.jsonl"])
    return sets


def own_role_questions(engine, items: list[dict]) -> list[str]:
    """The answerable gold questions (cleaned) whose question, the story around it aside, names one of the
    engine's guides by its role."""
    from careerbot.ask import clean_question, focus
    from careerbot.intent import read_question
    from careerbot.retrieve import named_guides

    found = []
    for item in items:
        text = clean_question(item["question"])
        asked = read_question(engine.reader.read(focus(text)).text, engine.credentials)
        if item.get("answerable", True) and named_guides(engine, asked):
            found.append(text)
    return list(dict.fromkeys(found))


def covered(engine, question: str) -> bool:
    """Whether a question names one of the engine's guide roles in full: every word of an occupation its title
    names ("Librarians", of "Librarians And Library Media Specialists")."""
    from careerbot.coverage import ROLE_JOINS, role_words, singular

    words = {singular(w) for w in re.findall(r"[a-z]+", question.lower())}
    return any(set(role_words(part)) <= words for name, _ in engine.lexicon.roles for part in ROLE_JOINS.split(name)
               if role_words(part))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = p.parse_args(argv)

    from careerbot.ask import answer_with
    from careerbot.evaluate import load_gold
    from careerbot.loading import engine_for
    from careerbot.quiet import hush
    from careerbot.settings import resolve

    hush()
    sets = gold_sets()
    engines = {n: engine_for(resolve(c, i)) for n, (c, i, _) in sets.items()}
    asked = {n: own_role_questions(engines[n], [item for path in golds for item in load_gold(path)])
             for n, (_, _, golds) in sets.items()}
    rows = []
    for target, engine in engines.items():
        questions = [q for source, qs in asked.items() if source != target for q in qs if not covered(engine, q)]
        declined = sum(not answer_with(engine, q)[0].answered for q in questions)
        rows.append({"guides": target, "questions": len(questions), "declined": declined})
        print(f"[other_careers] {target}: {declined} of {len(questions)} declined", file=sys.stderr, flush=True)
    total_q, total_d = sum(r["questions"] for r in rows), sum(r["declined"] for r in rows)
    print("| guides asked | questions about other sets' roles | careerbot declined | naive declined |")
    print("|---|---|---|---|")
    for r in [*rows, {"guides": "all", "questions": total_q, "declined": total_d}]:
        print(f"| {r['guides']} | {r['questions']} | {100 * r['declined'] / max(1, r['questions']):.1f}% | 0.0% |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
