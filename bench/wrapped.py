"""Hard-wrapped guides: each guide set's text guides broken at a fixed width, scored beside the originals.

    .venv/bin/python bench/wrapped.py [--only NAME ...] [--width 72]

Plain-text guides are often saved with their lines broken at a fixed width (a government profile, a page
saved as text). Every line of text longer than `--width` is wrapped the way `textwrap` does it (a list item's
next lines indented under its text; table rows left whole), the wrapped copy is indexed into
`bench/out/wrapped/`, and the set's own questions are asked of both. The same answers should come back.
A Markdown table goes to standard output, progress to standard error.
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402 - the offline switches above come before any Hugging Face import
import re  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
from pathlib import Path  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
OUT = BENCH_DIR / "out" / "wrapped"
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
TEXT_SUFFIXES = (".txt", ".md")
_LEAD = re.compile(r"^\s*(?:[-*•]\s+)?")


def wrapped(text: str, width: int) -> str:
    """`text` with each line of prose or list item longer than `width` broken over several lines."""
    out = []
    for line in text.splitlines():
        if len(line) > width and line.count("|") < 2:
            out.append(textwrap.fill(line, width, subsequent_indent=" " * _LEAD.match(line).end()))
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def text_copy(label: str, guides: Path, width: int | None) -> Path | None:
    """A copy of a set's text guides, wrapped at `width` (None: as written); None when the set has none."""
    folder = OUT / label / "corpus"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    texts = [p for p in sorted(guides.iterdir()) if p.suffix in TEXT_SUFFIXES]
    for p in texts:
        text = p.read_text(encoding="utf-8")
        (folder / p.name).write_text(text if width is None else wrapped(text, width), encoding="utf-8")
    return folder if texts else None


def main() -> None:
    from careerbot.evaluate import evaluate, load_gold
    from corpora import CORPORA, guide_sets, index_for

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="*", help="guide sets to score (default: every set with text guides)")
    p.add_argument("--width", type=int, default=72, help="the width lines are broken at")
    args = p.parse_args()
    print("| guide set | text guides | questions | key fact | right guide | answerable declined | unanswerable declined |")
    print("|---|---|---|---|---|---|---|")
    for name in guide_sets(args.only):
        guides = CORPORA / name / "guides"
        texts = {p.name for p in guides.iterdir() if p.suffix in TEXT_SUFFIXES}
        if not texts:
            continue
        items = [q for q in load_gold(CORPORA / name / "questions.jsonl")
                 if all(g in texts for g in q.get("guides", []))]  # the questions its text guides answer
        for label, width in (("as written", None), (f"wrapped at {args.width}", args.width)):
            corpus = text_copy(f"{name}-{width or 'as-written'}", guides, width)
            index = index_for(f"{name}-{width or 'as-written'}", corpus, rebuild=False, out=OUT)
            r = evaluate(items, corpus=corpus, index=index)["overall"]
            print(f"| {name} | {label} | {len(items)} | {r['key_fact']:.1%} | {r['cited_guide']:.1%} | "
                  f"{r['declined_answerable']:.1%} | {r['declined_unanswerable']:.1%} |", flush=True)

if __name__ == "__main__":
    main()
