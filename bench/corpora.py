"""Answer quality on every guide set, each beside the naive recipe: careerbot on guides it was not built on.

    .venv/bin/python bench/corpora.py [--only NAME ...] [--json OUT.json] [--rebuild]

Each folder `bench/corpora/NAME/` holds `guides/` (a corpus of career guides about other careers) and
`questions.jsonl` (a gold file written by someone who read only those guides). The project's own guides are
scored first ("seeds": the dev set and the held-out sets in bench/data/). Every set is scored on its
guides alone and as an update of the project's four guides (`NAME+seeds`: the questions about the new guides,
and the held-out questions about the four, answered from one index of all of them). Indexes are built once
into `bench/out/corpora/` and reused while their guides are unchanged (`--rebuild` starts again).
A Markdown table goes to standard output, progress to standard error.
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402 - the offline switches above come before any Hugging Face import
import json  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
CORPORA = BENCH_DIR / "corpora"
OUT = BENCH_DIR / "out" / "corpora"
SEED_QUESTIONS = sorted((BENCH_DIR / "data").glob("*.jsonl"))
COLUMNS = ["key_fact", "cited_guide", "declined_answerable", "declined_unanswerable", "mean_answer_chars"]
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))


def guide_sets(only: list[str] | None = None) -> list[str]:
    """The names of the guide sets under bench/corpora/ that have guides and questions."""
    names = sorted(p.name for p in CORPORA.iterdir() if (p / "guides").is_dir() and (p / "questions.jsonl").is_file())
    return [n for n in names if not only or n in only]


def corpus_folder(name: str, with_seeds: bool, out: Path = OUT) -> Path:
    """The corpus to index: the set's guides, or a copy of them beside the project's four guides."""
    guides = CORPORA / name / "guides"
    if not with_seeds:
        return guides
    folder = out / f"{name}+seeds" / "corpus"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for src in [p for p in [*sorted((ROOT / "corpus").iterdir()), *sorted(guides.iterdir())] if p.is_file()]:
        shutil.copy2(src, folder / src.name)
    return folder


def index_for(label: str, corpus: Path, rebuild: bool, out: Path = OUT) -> Path:
    from careerbot.index import build
    from careerbot.settings import resolve

    index = out / label / "index"
    if rebuild and index.exists():
        shutil.rmtree(index)
    report = build(resolve(corpus, index), progress=False)
    print(f"[corpora] {label}: {report.summary()}", file=sys.stderr, flush=True)
    return index


def score_set(label: str, corpus: Path, index: Path, golds: dict[str, list[dict]]) -> list[dict]:
    """careerbot and the naive recipe on each gold file, against one corpus."""
    from careerbot.embedding import encode
    from careerbot.evaluate import careerbot_answerer, evaluate
    from naive import NaiveBaseline

    ours = careerbot_answerer(corpus, index)
    naive = NaiveBaseline(corpus).answerer(lambda q: encode([q])[0])
    rows = []
    for gold_name, items in golds.items():
        for system, answer in (("careerbot", ours), ("naive", naive)):
            report = evaluate(items, answer=answer)
            rows.append({"corpus": label, "questions": gold_name, "system": system, **report["overall"],
                         "personas": persona_rates(items, answer) if system == "careerbot" else {}})
            print(f"[corpora] {label} / {gold_name} / {system}: "
                  + ", ".join(f"{c} {report['overall'][c]}" for c in COLUMNS), file=sys.stderr, flush=True)
    return rows


def persona_rates(items: list[dict], answer) -> dict:
    from careerbot.evaluate import evaluate

    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item.get("persona", ""), []).append(item)
    return {p: evaluate(g, answer=answer)["overall"] for p, g in sorted(groups.items()) if p}


def cell(column: str, value) -> str:
    if value is None:
        return ""
    return f"{value:.1f}" if column == "mean_answer_chars" else f"{value:.1%}"


def render(rows: list[dict]) -> str:
    head = "| corpus | questions | system | answerable + unanswerable | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 4)]
    for r in rows:
        lines.append(f"| {r['corpus']} | {r['questions']} | {r['system']} | {r['answerable']} + {r['unanswerable']} | "
                     + " | ".join(cell(c, r[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="+", help="guide sets to score (default: all)")
    p.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    p.add_argument("--rebuild", action="store_true", help="build every index from scratch")
    p.add_argument("--no-seeds", action="store_true", help="skip the NAME+seeds runs")
    p.add_argument("--out", type=Path, default=OUT, help=f"where the indexes are built (default {OUT})")
    args = p.parse_args(argv)

    from careerbot.evaluate import load_gold
    from careerbot.quiet import hush

    hush()
    seed_golds = {path.stem: load_gold(path) for path in SEED_QUESTIONS}
    rows: list[dict] = []
    if not args.only or "seeds" in args.only:  # the project's own four guides, with the dev set too
        index = index_for("seeds", ROOT / "corpus", args.rebuild, args.out)
        dev = {"dev": load_gold(ROOT / "tests" / "data" / "qa.jsonl")}
        rows += score_set("seeds", ROOT / "corpus", index, {**dev, **seed_golds})
    for name in guide_sets(args.only):
        golds = {name: load_gold(CORPORA / name / "questions.jsonl")}
        for with_seeds in ((False,) if args.no_seeds else (False, True)):
            label = f"{name}+seeds" if with_seeds else name
            corpus = corpus_folder(name, with_seeds, args.out)
            index = index_for(label, corpus, args.rebuild, args.out)
            rows += score_set(label, corpus, index, {**golds, **(seed_golds if with_seeds else {})})
    print(render(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
