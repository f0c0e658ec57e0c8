"""Conversations: follow-up questions read with their history, beside the same questions read alone.

    .venv/bin/python bench/conversations.py [--only NAME ...] [--json OUT.json]

Each conversation set was written by someone who read only the guides: `bench/data/conversations/*.jsonl`
on the project's four guides, `bench/corpora/NAME/conversations*.jsonl` on a guide set about other careers.
A line is one message with the earlier messages of its conversation ("history") and its kind: "first", a
follow-up that changes the role, the topic, one detail ("fragment"), a pronoun's thing, a narrowing, an
unanswerable follow-up, or a "reset" (a complete new question, which must be answered as if asked alone).
Printed: the rates per kind, with history and alone; how many resets get the same answer as alone; how
long reading a follow-up with its history takes (p50/p95), and answering it with its history and alone (p50).
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402 - the offline switches above come before any Hugging Face import
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
COLUMNS = ["key_fact", "cited_guide", "declined_answerable", "declined_unanswerable"]


def conversation_sets() -> list[tuple[str, Path, Path]]:
    """(name, corpus folder, conversation file) for the four guides and every guide set that has one."""
    sets = [(path.stem, ROOT / "corpus", path) for path in sorted((BENCH_DIR / "data" / "conversations").glob("*.jsonl"))]
    for folder in sorted((BENCH_DIR / "corpora").iterdir()):
        for path in sorted(folder.glob("conversations*.jsonl")):  # conversations2.jsonl: a second set, "NAME2"
            sets.append((folder.name + path.stem.removeprefix("conversations"), folder / "guides", path))
    return sets


def reading_times(engine, items: list[dict]) -> list[float]:
    """Milliseconds to read each follow-up with its history (the conversation step alone), with none of its
    turns read before: the most a reading costs (the app reads each earlier turn once, then from a cache)."""
    from careerbot.ask import clean_question, focus, turns_of
    from careerbot.conversation import parts, read_in_context

    times = []
    for item in items:
        if not item.get("history"):
            continue
        history = turns_of(item["history"])
        text = focus(clean_question(item["question"]))
        read_in_context(text, history, engine.lexicon)
        runs = []
        for _ in range(20):
            parts.cache_clear()  # every turn read afresh: what a first reading costs, at most
            start = time.perf_counter()
            read_in_context(text, history, engine.lexicon)
            runs.append((time.perf_counter() - start) * 1000)
        times.append(statistics.median(runs))
    return times


def ask_times(corpus: Path, index: Path, items: list[dict]) -> dict:
    """Warm p50 of `careerbot.ask()` on each follow-up with its history (question strings, as programs send
    them), alone, and as the complete question it was read as ("in the UK?" -> "how much do plumbers make in
    the UK?"), asked alone (milliseconds, median of 3 each)."""
    from careerbot import ask
    from careerbot.ask import clean_question, remembered, search, turns_of
    from careerbot.loading import engine_for
    from careerbot.settings import resolve

    engine = engine_for(resolve(corpus, index))

    def median_ms(call) -> float:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            call()
            runs.append((time.perf_counter() - start) * 1000)
        return statistics.median(runs)

    with_history, alone, as_read = [], [], []
    for item in items:
        if not item.get("history"):
            continue
        question, history = item["question"], item["history"]
        ask(question, history=history, corpus=corpus, index=index)  # warm: its earlier turns answered once
        turns = turns_of(history, lambda text, past: remembered(engine, text, None, past))
        read = search(engine, clean_question(question), None, turns).reading.text
        with_history.append(median_ms(lambda: ask(question, history=history, corpus=corpus, index=index)))
        alone.append(median_ms(lambda: ask(question, corpus=corpus, index=index)))
        as_read.append(median_ms(lambda: ask(read, corpus=corpus, index=index)))
    return {"with_history_p50": round(statistics.median(with_history), 2), "alone_p50": round(statistics.median(alone), 2),
            "as_read_p50": round(statistics.median(as_read), 2)}


def score(name: str, corpus: Path, gold: Path) -> dict:
    from careerbot.evaluate import careerbot_answerer, evaluate, load_gold
    from careerbot.loading import engine_for
    from careerbot.settings import resolve
    from corpora import index_for

    items = load_gold(gold)
    index = index_for(name, corpus, False)
    kinds = sorted({i.get("kind", "") for i in items})
    result = {"set": name, "questions": len(items), "systems": {}}
    answerers = {"careerbot": careerbot_answerer(corpus, index), "alone": careerbot_answerer(corpus, index, alone=True)}
    for system, answer in answerers.items():
        per = {"all follow-ups": evaluate([i for i in items if i.get("history")], answer=answer)["overall"]}
        per.update({k: evaluate([i for i in items if i.get("kind") == k], answer=answer)["overall"] for k in kinds})
        result["systems"][system] = per
    resets = [i for i in items if i.get("kind") == "reset"]
    same = sum(answerers["careerbot"](i["question"], i["history"])[0].text == answerers["alone"](i["question"])[0].text
               for i in resets)
    result["resets_as_alone"] = round(same / len(resets), 4) if resets else None
    engine = engine_for(resolve(corpus, index))
    times = reading_times(engine, items)
    result["ask_ms"] = ask_times(corpus, index, items)
    result["reading_ms"] = {"p50": round(statistics.median(times), 3),
                            "p95": round(statistics.quantiles(times, n=20)[-1], 3)} if len(times) > 1 else {}
    print(f"[conversations] {name}: scored {len(items)} messages", file=sys.stderr, flush=True)
    return result


def cell(value) -> str:
    return "" if value is None else f"{value:.1%}"


def render(results: list[dict]) -> str:
    lines = ["| set | kind | messages | " + " | ".join(f"{c} (with history / alone)" for c in COLUMNS) + " |",
             "|" + "---|" * (len(COLUMNS) + 3)]
    for r in results:
        ours, alone = r["systems"]["careerbot"], r["systems"]["alone"]
        for kind, rates in ours.items():
            n = (rates["answerable"] or 0) + (rates["unanswerable"] or 0)
            lines.append(f"| {r['set']} | {kind} | {n} | "
                         + " | ".join(f"{cell(rates[c])} / {cell(alone[kind][c])}" for c in COLUMNS) + " |")
    lines.append("")
    for r in results:
        ms = r["reading_ms"]
        lines.append(f"{r['set']}: resets answered as if asked alone {cell(r['resets_as_alone'])}; reading a "
                     f"follow-up with its history p50 {ms.get('p50')} ms, p95 {ms.get('p95')} ms; answering it "
                     f"p50 {r['ask_ms']['with_history_p50']} ms with its history, {r['ask_ms']['alone_p50']} ms alone, "
                     f"{r['ask_ms']['as_read_p50']} ms for the question it was read as")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    p.add_argument("--only", nargs="+", help="conversation sets to score (default: all), e.g. seeds4 field-work2")
    args = p.parse_args(argv)
    from careerbot.quiet import hush

    hush()
    results = [score(name, corpus, gold) for name, corpus, gold in conversation_sets()
               if not args.only or name in args.only]
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
