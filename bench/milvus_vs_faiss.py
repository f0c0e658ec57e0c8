"""ask() with the vectors searched in Milvus (milvus-lite) against the index folder's FAISS files.

    python bench/milvus_vs_faiss.py CORPUS INDEX [CORPUS INDEX ...] [--gold tests/data/qa.jsonl]

For each corpus and its built index (bench/scale.py leaves them in bench/out/scale/): copies the index, puts
its vectors into a fresh milvus-lite file with `careerbot index` (nothing is embedded: the vectors are copied
from the folder), then times the gold questions warm with each backend, each in its own process, and counts
the questions whose answers differ. Prints a Markdown table; progress goes to standard error.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

QUERY_SCRIPT = r"""
import json, sys, time
import numpy as np
from careerbot import ask
corpus, index, gold = sys.argv[1:4]
questions = [json.loads(l)["question"] for l in open(gold, encoding="utf-8") if l.strip()]
ask(questions[0], corpus=corpus, index=index)
times, answers = [], []
for q in questions:
    t = time.perf_counter()
    a = ask(q, corpus=corpus, index=index)
    times.append((time.perf_counter() - t) * 1000)
    answers.append([a.text, [[c.source, c.start, c.end] for c in a.citations]])
print(json.dumps({"p50_ms": round(float(np.percentile(times, 50)), 1), "p95_ms": round(float(np.percentile(times, 95)), 1),
                  "answers": answers}))
"""


def ask_all(corpus: Path, index: Path, gold: Path, env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", QUERY_SCRIPT, str(corpus), str(index), str(gold)], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-1500:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(corpus: Path, index: Path, gold: Path) -> dict:
    base = {**os.environ, "HF_HUB_OFFLINE": "1", "CAREERBOT_ON_STALE": "error"}
    faiss = ask_all(corpus, index, gold, {**base, "CAREERBOT_BACKEND": "faiss"})
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "index"
        shutil.copytree(index, copy)
        env = {**base, "CAREERBOT_BACKEND": "milvus", "CAREERBOT_MILVUS_URI": str(Path(tmp) / "vectors.db")}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "careerbot.cli", "index", "--corpus", str(corpus), "--index", str(copy)],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        sync_s = time.perf_counter() - started
        milvus = ask_all(corpus, copy, gold, env)
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    differ = sum(1 for a, b in zip(faiss["answers"], milvus["answers"]) if a != b)
    return {"passages": manifest["chunks"] + manifest["units"], "sync_s": round(sync_s, 1),
            "faiss": {k: faiss[k] for k in ("p50_ms", "p95_ms")}, "milvus": {k: milvus[k] for k in ("p50_ms", "p95_ms")},
            "questions": len(faiss["answers"]), "differ": differ}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("pairs", nargs="+", type=Path, help="CORPUS INDEX pairs")
    p.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "qa.jsonl")
    args = p.parse_args()
    if len(args.pairs) % 2:
        p.error("give a corpus and its index, for each corpus")
    print("| passages | `careerbot index` into Milvus s | FAISS p50 / p95 ms | Milvus p50 / p95 ms | answers that differ |")
    print("|---|---|---|---|---|")
    for corpus, index in zip(args.pairs[::2], args.pairs[1::2]):
        print(f"measuring {index}", file=sys.stderr)
        r = measure(corpus, index, args.gold)
        print(f"| {r['passages']:,} | {r['sync_s']} | {r['faiss']['p50_ms']} / {r['faiss']['p95_ms']} | "
              f"{r['milvus']['p50_ms']} / {r['milvus']['p95_ms']} | {r['differ']} of {r['questions']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
