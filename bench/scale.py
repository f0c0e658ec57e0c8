"""careerbot on corpora 1x, 10x, 100x and 1,000x the guides: build time and memory, index size, ask() latency.

    python bench/scale.py [--factors 1 10 100 1000] [--work DIR] [--json]

Synthetic corpora are generated from the guides. Copy k of a guide is the guide with "Edition k" before its
title, which makes it part of the guide's role, so every passage it holds (prefixed by that role) is new text
that is embedded for real.
From 100x on, copies repeat editions 0-99 with one added closing line each ("Reprint n ..."): the 1,000x corpus
is built as an update of the 100x index, and its passages that repeat the 100x guides' text keep their vectors
(only new text is embedded). Builds and queries each run in their own process, so memory figures are theirs.
Writes bench/out/scale.json and bench/out/scale.png; prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import timing  # noqa: E402

ROOT = HERE.parent
EDITIONS = 100  # distinct editions of each guide; larger corpora repeat them as reprints
RECALL_QUERIES = 200


def make_corpus(factor: int, dest: Path) -> int:
    """Write `factor` copies of each guide into `dest`; return the corpus size in bytes."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    total = 0
    for guide in sorted((ROOT / "corpus").glob("*.txt")):
        text = guide.read_text(encoding="utf-8")
        title, rest = text.split("\n", 1)
        for k in range(factor):
            edition = k % EDITIONS
            copy = (f"Edition {edition} {title}" if edition else title) + "\n" + rest
            if k >= EDITIONS:
                copy += f"\nReprint {k // EDITIONS} of this edition, made for careerbot's scale benchmark.\n"
            name = guide.name if k == 0 else f"{guide.stem}-{k:04d}.txt"
            (dest / name).write_text(copy, encoding="utf-8")
            total += len(copy.encode("utf-8"))
    return total


def folder_bytes(path: Path, names: tuple[str, ...] | None = None) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and (names is None or p.name in names))


def measure_build(corpus: Path, index: Path, full: bool) -> dict:
    """Wall time and peak memory of `careerbot index` in its own process, and what it reported."""
    cmd = [*timing.careerbot_command(), "index", "--corpus", str(corpus), "--index", str(index)]
    if full:
        cmd.append("--full")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    wall, rss, rc = timing.run_measured(cmd, ROOT, env)
    if rc != 0:
        raise RuntimeError(f"careerbot index exited {rc}")
    manifest = json.loads((index / "manifest.json").read_text())
    return {"wall_s": round(wall, 1), "peak_rss_mb": None if rss is None else round(rss), "full": full,
            "documents": len(manifest["documents"]), "chunks": manifest["chunks"], "units": manifest["units"],
            "search": manifest.get("search", {}).get("units", "exact")}


def measure_updates(corpus: Path, index: Path) -> dict:
    """Seconds for `careerbot index` with nothing changed, and after one figure in one guide changed (the
    guide is put back afterwards, with one more update)."""
    nothing, _, _ = timing.run_measured([*timing.careerbot_command(), "index", "--corpus", str(corpus), "--index",
                                         str(index)], ROOT, {**os.environ, "HF_HUB_OFFLINE": "1"})
    guide, figure = next((g, m) for g in sorted(corpus.glob("*.txt"))
                         if (m := re.search(r"\$\d{2,3},\d{3}", g.read_text(encoding="utf-8"))))
    original = guide.read_text(encoding="utf-8")
    guide.write_text(original.replace(figure.group(0), "$99,999", 1), encoding="utf-8")
    cmd = [*timing.careerbot_command(), "index", "--corpus", str(corpus), "--index", str(index)]
    one, rss, _ = timing.run_measured(cmd, ROOT, {**os.environ, "HF_HUB_OFFLINE": "1"})
    guide.write_text(original, encoding="utf-8")
    timing.run_measured(cmd, ROOT, {**os.environ, "HF_HUB_OFFLINE": "1"})
    return {"no_change_s": round(nothing, 2), "one_figure_s": round(one, 2),
            "one_figure_peak_rss_mb": None if rss is None else round(rss)}


QUERY_SCRIPT = r"""
import json, resource, sys, time
import numpy as np
corpus, index, gold = sys.argv[1:4]
started = time.perf_counter()
from careerbot import ask
from careerbot.loading import engine_for
from careerbot.settings import resolve
engine = engine_for(resolve(corpus, index))
load_s = time.perf_counter() - started
questions = [json.loads(l)["question"] for l in open(gold, encoding="utf-8") if l.strip()]
ask(questions[0], corpus=corpus, index=index)
times = []
for q in questions:
    t = time.perf_counter()
    ask(q, corpus=corpus, index=index)
    times.append((time.perf_counter() - t) * 1000)
out = {"load_s": round(load_s, 2), "questions": len(questions), "p50_ms": round(float(np.percentile(times, 50)), 2),
       "p95_ms": round(float(np.percentile(times, 95)), 2),
       "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
import faiss
units = engine.index.unit_vectors
if isinstance(units, faiss.IndexIVF):
    # recall@10 of the approximate search against exact search, over the gold questions' vectors; a result
    # counts when its exact score reaches the exact 10th score (copies of a passage tie)
    qv = engine.encode(questions[:int(sys.argv[4])])
    units.make_direct_map()
    vectors = units.reconstruct_n(0, units.ntotal)
    exact = qv @ vectors.T
    _, found = units.search(qv, 10)
    hits = [np.sum(exact[i, found[i][found[i] >= 0]] >= np.sort(exact[i])[-10] - 1e-6) for i in range(len(qv))]
    out["recall_at_10"] = round(float(np.mean(hits)) / 10, 4)
    out["nprobe"], out["clusters"] = units.nprobe, units.nlist
print(json.dumps(out))
"""


def measure_queries(corpus: Path, index: Path, gold: Path) -> dict:
    """Engine load time, warm ask() latency over the gold questions, peak memory, and ANN recall, in a new process."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "CAREERBOT_ON_STALE": "error"}
    done = subprocess.run([sys.executable, "-c", QUERY_SCRIPT, str(corpus), str(index), str(gold),
                           str(RECALL_QUERIES)], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"asking the {index.name} index failed: {done.stderr.strip()[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_http(corpus: Path, index: Path, gold: Path) -> dict:
    """POST /api/ask of `careerbot serve` on this index: one client, then 16 at once, over the gold questions."""
    import api_load

    questions = [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    with api_load.serving(corpus, index, questions[:20]) as url:
        return {"1": api_load.clients(url, questions, 1), "16": api_load.clients(url, questions, 16)}


def run(factors: list[int], work: Path, gold: Path) -> list[dict]:
    rows = []
    previous_index: Path | None = None
    for factor in factors:
        corpus, index = work / f"corpus-{factor}x", work / f"index-{factor}x"
        print(f"scale {factor}x: writing the corpus", file=sys.stderr)
        size = make_corpus(factor, corpus)
        full = factor <= EDITIONS or previous_index is None
        if not full:  # reprints: update the largest full index rather than embed the same text again
            if index.exists():
                shutil.rmtree(index)
            shutil.copytree(previous_index, index)
        elif index.exists():
            shutil.rmtree(index)
        print(f"scale {factor}x: building ({'full' if full else 'update of ' + previous_index.name})", file=sys.stderr)
        build = measure_build(corpus, index, full)
        if full:
            previous_index = index
            print(f"scale {factor}x: updates", file=sys.stderr)
            build["updates"] = measure_updates(corpus, index)
        print(f"scale {factor}x: asking", file=sys.stderr)
        queries = measure_queries(corpus, index, gold)
        print(f"scale {factor}x: over HTTP", file=sys.stderr)
        queries["http"] = measure_http(corpus, index, gold)
        rows.append({"factor": factor, "corpus_mb": round(size / 2**20, 2), "build": build, "queries": queries,
                     "index_mb": round(folder_bytes(index) / 2**20, 1),
                     "index_mb_without_encoder": round(
                         (folder_bytes(index) - folder_bytes(index, ("encoder.onnx", "tokenizer.json"))) / 2**20, 1)})
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    """The builds, then the queries; a row's growth is per passage added since the first row."""
    head = ["corpus", "MB of text", "guides", "passages", "build", "build s", "passages/s", "build peak MiB",
            "no-change s", "one figure s", "index MiB (without the encoder)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        b = r["build"]
        passages = b["chunks"] + b["units"]
        lines.append("| " + " | ".join(str(x) for x in [
            f"{r['factor']}x", r["corpus_mb"], b["documents"], passages, "full" if b["full"] else "update",
            b["wall_s"], round(passages / b["wall_s"]) if b["full"] else "—", b["peak_rss_mb"],
            b.get("updates", {}).get("no_change_s", "—"), b.get("updates", {}).get("one_figure_s", "—"),
            r["index_mb_without_encoder"]]) + " |")
    head = ["corpus", "search", "load s", "load µs per added passage", "query peak MiB", "bytes per added passage",
            "ask p50 ms", "ask p95 ms", "HTTP 1 client p50 / p95 ms", "HTTP 16 clients answers/s (errors)",
            "recall@10"]
    lines += ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    first = rows[0]
    for r in rows:
        b, q = r["build"], r["queries"]
        added = b["chunks"] + b["units"] - first["build"]["chunks"] - first["build"]["units"]
        grow_s = (q["load_s"] - first["queries"]["load_s"]) / added * 1e6 if added else None
        grow_b = (q["peak_rss_mb"] - first["queries"]["peak_rss_mb"]) * 2**20 / added if added else None
        http = q.get("http", {})
        one, many = http.get("1", {}), http.get("16", {})
        lines.append("| " + " | ".join(str(x) for x in [
            f"{r['factor']}x", b["search"], q["load_s"], "—" if grow_s is None else round(grow_s, 1), q["peak_rss_mb"],
            "—" if grow_b is None else round(grow_b), q["p50_ms"], q["p95_ms"],
            f"{one.get('p50_ms', '—')} / {one.get('p95_ms', '—')}",
            f"{many.get('answers_per_s', '—')} ({many.get('errors', '—')})", q.get("recall_at_10", "exact")]) + " |")
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    passages = [r["build"]["chunks"] + r["build"]["units"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.loglog(passages, [r["queries"]["p50_ms"] for r in rows], "o-", label="ask() p50")
    ax.loglog(passages, [r["queries"]["p95_ms"] for r in rows], "s--", label="ask() p95")
    base = rows[0]["queries"]["p50_ms"]
    ax.loglog(passages, [base * p / passages[0] for p in passages], ":", color="grey", label="growing with the corpus")
    for r, p in zip(rows, passages):
        ax.annotate(f"{r['factor']}x", (p, r["queries"]["p50_ms"]), textcoords="offset points", xytext=(4, -12))
    ax.set_xlabel("passages in the index (chunks + answer units)")
    ax.set_ylabel("ms per question (warm)")
    ax.set_title("careerbot: ask() latency against corpus size (2-core machine)")
    ax.grid(True, which="both", alpha=.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100, 1000])
    p.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "scale")
    p.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "qa.jsonl")
    p.add_argument("--json", action="store_true", help="print the rows as JSON instead of the table")
    args = p.parse_args()
    started = time.perf_counter()
    rows = run(sorted(args.factors), args.work, args.gold)
    out = ROOT / "bench" / "out"
    if (out / "scale.json").exists():  # keep the other factors' rows of an earlier run
        earlier = [r for r in json.loads((out / "scale.json").read_text()) if r["factor"] not in args.factors]
        rows = sorted(earlier + rows, key=lambda r: r["factor"])
    (out / "scale.json").write_text(json.dumps(rows, indent=2))
    plot(rows, out / "scale.png")
    print(json.dumps(rows, indent=2) if args.json else table(rows))
    print(f"scale bench: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
