"""Benchmark careerbot: index build time, warm and cold latency, memory, and answer quality against baselines.

    .venv/bin/python bench/bench.py [--gold tests/data/qa.jsonl] [--heldout bench/data/heldout*.jsonl] [--json]

Markdown tables (or JSON with --json) go to standard output, progress to standard error. The index is built
into a temporary folder, so the project's own index/ is never touched. Every system is scored by
`careerbot.evaluate.evaluate(items, answer=...)`, i.e. by exactly the same rules.
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402 - the offline switches above must be set before any Hugging Face import
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:  # also when run as `python -m bench.bench`
    sys.path.insert(0, str(BENCH_DIR))

import timing  # noqa: E402

from careerbot.evaluate import careerbot_answerer, evaluate, load_gold  # noqa: E402
from careerbot.quiet import hush  # noqa: E402
from careerbot.settings import MODEL_NAME, resolve  # noqa: E402

COLD_QUESTION = "How much do medical practice managers make?"
QUALITY_COLUMNS = ["key_fact", "cited_guide", "declined_unanswerable", "declined_answerable", "mean_answer_chars",
                   "recall@1", "recall@5", "mrr"]
RETRIEVAL_COLUMNS = ["recall@1", "recall@5", "mrr"]
OTHER_WORK_WARNING = 0.25  # average cores used by other processes above which the timings are flagged
CAREERBOT = "careerbot"
NAIVE = "naive: 1000-char chunks, top-1 chunk"
DENSE_TOP1 = "dense top-1 unit (careerbot index)"
RETRIEVAL_METHODS = {"dense": "dense similarity only", "bm25": "BM25 only", "rrf": "RRF of dense + BM25 (k=60)"}

ENCODERS = ("auto", "torch")  # the index's ONNX export (the default), and sentence-transformers on torch
ENCODER_NAMES = {"auto": "ONNX (onnxruntime, default)", "torch": "torch (sentence-transformers)"}
_STARTED = time.perf_counter()


def log(message: str) -> None:
    """A progress line on standard error, stamped with the seconds since the benchmark started."""
    print(f"[bench {time.perf_counter() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def guarded(results: dict, key: str, fn: Callable, *args):
    """Run one section; on failure keep going, record the error under results["errors"] and return None."""
    try:
        value = fn(*args)
    except Exception as exc:  # noqa: BLE001 - one broken section must not lose the others' figures
        traceback.print_exc(file=sys.stderr)
        results.setdefault("errors", {})[key] = f"{type(exc).__name__}: {exc}"
        return None
    results[key] = value
    return value


def timed_section(results: dict, key: str, fn: Callable, *args):
    """`guarded`, also recording how many cores other processes kept busy while the section ran."""
    other = timing.OtherWork()
    value = guarded(results, key, fn, *args)
    if isinstance(value, dict):
        cores = other.cores()
        value["other_work_cores"] = None if cores is None else round(cores, 2)
    return value


def wait_until_idle(limit_s: float, window_s: float = 3.0) -> None:
    """Wait (at most `limit_s` seconds) until other processes use under OTHER_WORK_WARNING cores for a window."""
    deadline = time.perf_counter() + limit_s
    while time.perf_counter() < deadline:
        other = timing.OtherWork()
        time.sleep(window_s)
        cores = other.cores()
        if cores is None or cores < OTHER_WORK_WARNING:
            return
        log(f"other processes use {cores:.2f} cores; waiting for the machine to be idle")
    log("the machine is still busy; measuring anyway")


# ---------------------------------------------------------------------------------------------- inputs

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description="Benchmark careerbot's speed, memory and answer quality.")
    p.add_argument("--gold", type=Path, default=PROJECT_ROOT / "tests/data/qa.jsonl", help="gold question file")
    p.add_argument("--heldout", type=Path, nargs="+",
                   default=sorted((PROJECT_ROOT / "bench/data").glob("heldout*.jsonl")),
                   help="more gold files, scored the same way; each skipped when missing")
    p.add_argument("--corpus", type=Path, default=PROJECT_ROOT / "corpus", help="folder of guides")
    p.add_argument("--cold-runs", type=int, default=3, help="fresh `careerbot ask` processes to time")
    p.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                   help="first wait up to this long for other processes to leave the CPUs alone")
    p.add_argument("--torch-threads", type=int, default=None, metavar="N",
                   help="set torch's intra-op threads (and OMP_NUM_THREADS for the cold-start processes) to N; "
                        "default: leave torch's own choice, as careerbot runs")
    p.add_argument("--json", action="store_true", help="print the figures as JSON instead of Markdown")
    return p.parse_args(argv)


def display_name(path: Path) -> str:
    """A gold file's name for the tables: relative to the project when it is inside it."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def gold_files(args: argparse.Namespace) -> dict[str, list[dict]]:
    """The gold items of each usable gold file, by display name; missing or broken files are reported and skipped."""
    golds = {}
    for path in dict.fromkeys([args.gold, *args.heldout]):
        if not path.is_file():
            log(f"gold file {path} not found: skipped")
            continue
        try:
            golds[display_name(path)] = load_gold(path)
        except Exception as exc:  # noqa: BLE001 - CareerbotError with the line at fault
            log(f"gold file {path} unusable, skipped: {exc}")
    return golds


def set_torch_threads(n: int) -> None:
    """Run torch with `n` intra-op threads here and in every process this benchmark starts."""
    import torch

    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(n)
    torch.set_num_threads(n)


def machine_info() -> dict:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import torch

        threads = torch.get_num_threads()
    except Exception:  # noqa: BLE001
        threads = None
    return {"cpus": os.cpu_count(), "cpu": cpu, "torch_threads": threads, "python": platform.python_version(),
            "platform": platform.platform(), "model": MODEL_NAME}


# ---------------------------------------------------------------------------------------------- quality

def score(items: list[dict], answer) -> dict:
    """careerbot's own evaluation of one answer function over the gold items."""
    return evaluate(items, answer=answer)


def careerbot_quality(golds: dict[str, list[dict]], settings) -> dict:
    """careerbot's full pipeline scored on each gold file."""
    answer = careerbot_answerer(corpus=settings.corpus, index=settings.index)
    out = {}
    for name, items in golds.items():
        log(f"careerbot on {name} ({len(items)} questions)")
        out[name] = score(items, answer)
    return out


def baseline_quality(golds: dict[str, list[dict]], settings) -> dict:
    """The naive chunk baseline, the dense top-1 unit, and the retrieval-only rankings, on each gold file."""
    from naive import NaiveBaseline
    from rankings import QuestionCache, dense_top1_answerer, retrieval_answerer

    from careerbot.loading import engine_for

    engine = engine_for(settings)
    cache = QuestionCache(engine)
    cache.prefetch(q["question"] for items in golds.values() for q in items)
    started = time.perf_counter()
    naive = NaiveBaseline(settings.corpus)
    naive_s = time.perf_counter() - started
    log(f"naive baseline: {len(naive.chunks)} chunks embedded in {naive_s:.1f} s")

    systems = {NAIVE: naive.answerer(cache.vector), DENSE_TOP1: dense_top1_answerer(engine, cache)}
    rankers = {m: retrieval_answerer(engine, cache, m) for m in RETRIEVAL_METHODS}
    out = {"naive_chunks": len(naive.chunks), "naive_build_s": round(naive_s, 3), "files": {}}
    for name, items in golds.items():
        log(f"baselines on {name}")
        out["files"][name] = {"systems": {s: score(items, fn) for s, fn in systems.items()},
                              "retrieval": {m: score(items, fn)["overall"] for m, fn in rankers.items()}}
    return out


def run(args: argparse.Namespace, golds: dict[str, list[dict]], index_dir: Path) -> dict:
    """Every measurement, in an order that keeps them independent: builds, cold start, warm latency, quality."""
    settings = resolve(args.corpus, index_dir)
    results: dict = {"machine": machine_info(), "gold_files": {n: len(items) for n, items in golds.items()}}
    other = timing.OtherWork()

    log(f"building the index of {settings.corpus} into a temporary folder")
    if timed_section(results, "build", timing.time_builds, settings) is None:
        return results  # nothing else can run without an index

    for encoder in ENCODERS:
        log(f"cold start: {args.cold_runs} fresh `careerbot ask` processes, {encoder} query encoder")
        timed_section(results, f"cold_start_{encoder}", timing.cold_start, settings, COLD_QUESTION, PROJECT_ROOT,
                      args.cold_runs, encoder)
    log(f"app start: {args.cold_runs} fresh `careerbot serve` processes")
    timed_section(results, "app_start", timing.app_start, settings, COLD_QUESTION, PROJECT_ROOT, args.cold_runs)

    questions = [q["question"] for items in golds.values() for q in items] or [COLD_QUESTION]
    for encoder in ENCODERS:
        log(f"warm ask() latency over {len(questions)} questions, {encoder} query encoder")
        timed_section(results, f"latency_{encoder}", timing.ask_latency, questions, settings, encoder)

    guarded(results, "careerbot_quality", careerbot_quality, golds, settings)
    results["memory"] = {"after_careerbot_mb": round(timing.maxrss_mb(), 1)}

    guarded(results, "baselines", baseline_quality, golds, settings)
    results["memory"]["at_end_mb"] = round(timing.maxrss_mb(), 1)
    cores = other.cores()
    results["machine"]["other_work_cores"] = None if cores is None else round(cores, 2)
    results["elapsed_s"] = round(time.perf_counter() - _STARTED, 1)
    return results


# ---------------------------------------------------------------------------------------------- Markdown

def cell(column: str, value) -> str:
    """One table cell: rates as percentages, MRR to three places, lengths and times as numbers."""
    if value is None:
        return "—"
    if column == "mrr":
        return f"{value:.3f}"
    if column == "mean_answer_chars":
        return f"{value:.0f}"
    if isinstance(value, float) and column in QUALITY_COLUMNS:
        return f"{value:.1%}"
    return str(value)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_machine(r: dict) -> str:
    """What the figures were measured on, and how busy the machine was."""
    m = r["machine"]
    other = m.get("other_work_cores")
    text = (f"Measured on {m['cpus']} CPUs ({m['cpu']}), torch threads {m['torch_threads']}, Python {m['python']}, "
            f"{m['platform']}; model {m['model']}. Other processes kept "
            + ("an unknown number of" if other is None else f"{other:.2f}") + " cores busy on average during the run. "
            + "Gold files: " + (", ".join(f"{n} ({k} questions)" for n, k in r["gold_files"].items()) or "none") + ".")
    if other is not None and other > OTHER_WORK_WARNING:
        text += ("\n\n**Warning: other work shared the CPUs during this run, so the timings are pessimistic "
                 "(torch's threads compete for the same cores).**")
    return text


def other_note(section: dict) -> str:
    """A sentence on the other work that shared the CPUs while a timed section ran."""
    cores = section.get("other_work_cores")
    if cores is None:
        return ""
    flag = " — **these timings are pessimistic**" if cores > OTHER_WORK_WARNING else ""
    return f" Other processes kept {cores:.2f} cores busy meanwhile{flag}."


def render_build(b: dict) -> str:
    """Section 1: index build times."""
    rows = [["model load (import torch + sentence-transformers, read weights)", f"{b['model_load_s']:.2f}"],
            ["full build, model already loaded (ONNX export and its check included)", f"{b['full_build_s']:.2f}"],
            ["full build including model load", f"{b['model_load_s'] + b['full_build_s']:.2f}"],
            ["no-change rebuild (`build()` again, same index)", f"{b['rebuild_s']:.3f}"]]
    if "one_figure_changed_s" in b:
        rows.append([f"update after one figure in one guide changed ({b['one_figure_embedded']} of "
                     f"{b['full_embedded']} passages embedded again)", f"{b['one_figure_changed_s']:.2f}"])
    note = (f"\n\n{b['documents']} guides → {b['chunks']} chunks, {b['units']} answer units. The rebuild reused "
            f"{b['rebuild_unchanged']} unchanged guides and re-embedded {b['rebuild_changed']}." + other_note(b))
    return "## 1. Index build\n\n" + table(["step", "seconds"], rows) + note


def render_latency(latencies: list[dict]) -> str:
    """Section 2: warm `ask()` latency, per query encoder."""
    rows = [[ENCODER_NAMES.get(lat["encoder"], lat["encoder"]), lat["n"], f"{lat['p50_ms']:.1f}",
             f"{lat['p95_ms']:.1f}", f"{lat['mean_ms']:.1f}", f"{lat['max_ms']:.1f}"] for lat in latencies]
    notes = [f"{lat['rejected']} questions were rejected by `ask()` as invalid." for lat in latencies[:1] if lat["rejected"]]
    busiest = max(latencies, key=lambda lat: lat.get("other_work_cores") or 0.0)
    notes += [other_note(busiest).strip()] if other_note(busiest) else []
    return ("## 2. Warm `ask()` latency (after one warm-up call)\n\n"
            + table(["query encoder", "questions", "p50 ms", "p95 ms", "mean ms", "max ms"], rows)
            + "".join("\n\n" + n for n in notes))


def render_cold(colds: list[dict], app: dict | None) -> str:
    """Section 3: cold start of a fresh `careerbot ask` process, per query encoder, and of the app."""
    rows = []
    for c in colds:
        rss = "—" if c["peak_rss_mb_median"] is None else f"{c['peak_rss_mb_median']:.0f}"
        rows.append([ENCODER_NAMES.get(c["encoder"], c["encoder"]), c["runs"], f"{c['wall_s_median']:.2f}",
                     ", ".join(f"{w:.2f}" for w in c["wall_s_runs"]), rss, ", ".join(map(str, c["exit_codes"]))])
    text = (f"## 3. Cold start: `{colds[0]['command']}`\n\n"
            + table(["query encoder", "runs", "median wall s", "each run s", "peak RSS MiB (median)", "exit codes"], rows)
            + f"\n\nPeak RSS via {colds[0]['rss_tool']}."
            + other_note(max(colds, key=lambda c: c.get("other_work_cores") or 0.0)))
    if app:
        rss = "—" if app["peak_rss_mb_median"] is None else f"{app['peak_rss_mb_median']:.0f}"
        text += ("\n\n`careerbot serve`, a new process each run:\n\n"
                 + table(["runs", "page served, median s", "each run s", "first `/ask` answer, median s",
                          "app peak RSS MiB after it"],
                         [[app["runs"], f"{app['page_s_median']:.2f}", ", ".join(f"{w:.2f}" for w in app["page_s_runs"]),
                           f"{app['first_answer_s_median']:.2f}", rss]]) + "\n\n" + other_note(app).strip())
    return text


def render_memory(mem: dict) -> str:
    """Section 4: the bench process's own peak RSS."""
    rows = [["after building the index and answering every gold question with careerbot",
             f"{mem['after_careerbot_mb']:.0f}"]]
    if "at_end_mb" in mem:
        rows.append(["at the end (also naive index + baselines)", f"{mem['at_end_mb']:.0f}"])
    return "## 4. Peak memory of the bench process (ru_maxrss)\n\n" + table(["when", "MiB"], rows)


def render_quality(name: str, items: int, report: dict | None, base: dict | None) -> str:
    """Section 5 for one gold file: systems, then retrieval-only rankings."""
    overall = (report or next(iter((base or {}).get("systems", {}).values()), {})).get("overall", {})
    head = (f"## 5. Quality on {name} ({items} questions: {overall.get('answerable', '?')} answerable, "
            f"{overall.get('unanswerable', '?')} unanswerable)\n\n")
    rows = []
    if report:
        rows.append([CAREERBOT] + [cell(c, report["overall"][c]) for c in QUALITY_COLUMNS])
    for system, rep in (base or {}).get("systems", {}).items():
        rows.append([system] + [cell(c, rep["overall"][c]) for c in QUALITY_COLUMNS])
    out = head + table(["system", *QUALITY_COLUMNS], rows)
    rrows = []
    if report:
        rrows.append(["careerbot pipeline (`candidates()` order)"]
                     + [cell(c, report["overall"][c]) for c in RETRIEVAL_COLUMNS])
    for method, rates in (base or {}).get("retrieval", {}).items():
        rrows.append([f"careerbot units, {RETRIEVAL_METHODS[method]}"] + [cell(c, rates[c]) for c in RETRIEVAL_COLUMNS])
    if rrows:
        out += ("\n\nRetrieval only (guides ranked by first appearance in the ranked unit list):\n\n"
                + table(["ranking", *RETRIEVAL_COLUMNS], rrows))
    return out


def render_topics(name: str, report: dict, naive: dict | None) -> str:
    """Section 6 for one gold file: key-fact rate per topic, careerbot vs the naive baseline."""
    rows = []
    for topic, rates in report["topics"].items():
        if not rates["answerable"]:
            continue
        ours = rates["key_fact"]
        theirs = naive["topics"][topic]["key_fact"] if naive else None
        delta = "—" if theirs is None else f"{(ours - theirs) * 100:+.1f} pp"
        rows.append([topic, rates["answerable"], cell("key_fact", ours), cell("key_fact", theirs), delta])
    rows.append(["**overall**", report["overall"]["answerable"], cell("key_fact", report["overall"]["key_fact"]),
                 cell("key_fact", naive["overall"]["key_fact"]) if naive else "—", ""])
    return (f"## 6. Key-fact rate per topic on {name}\n\n"
            + table(["topic", "answerable", CAREERBOT, "naive", "Δ"], rows)
            + "\n\nTopics with only unanswerable questions are left out.")


def render(r: dict) -> str:
    """The whole report as Markdown."""
    parts = ["# careerbot benchmark", render_machine(r)]
    if "build" in r:
        parts.append(render_build(r["build"]))
    latencies = [r[f"latency_{e}"] for e in ENCODERS if f"latency_{e}" in r]
    if latencies:
        parts.append(render_latency(latencies))
    colds = [r[f"cold_start_{e}"] for e in ENCODERS if f"cold_start_{e}" in r]
    if colds:
        parts.append(render_cold(colds, r.get("app_start")))
    if "memory" in r:
        parts.append(render_memory(r["memory"]))
    ours = r.get("careerbot_quality") or {}
    base = (r.get("baselines") or {}).get("files", {})
    for name, count in r["gold_files"].items():
        if name in ours or name in base:
            parts.append(render_quality(name, count, ours.get(name), base.get(name)))
    if "baselines" in r:
        b = r["baselines"]
        parts.append(f"Naive baseline: {b['naive_chunks']} chunks, built and embedded in {b['naive_build_s']:.1f} s. "
                     f"With {r['build']['documents']} guides, recall@5 only says whether the gold guide is ranked "
                     f"at all.")
    for name in r["gold_files"]:
        if name in ours:
            naive = base.get(name, {}).get("systems", {}).get(NAIVE)
            parts.append(render_topics(name, ours[name], naive))
    for key, error in r.get("errors", {}).items():
        parts.append(f"**{key} failed:** {error}")
    if "elapsed_s" in r:
        parts.append(f"Benchmark wall time: {r['elapsed_s']:.0f} s.")
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 when a section failed."""
    hush()
    args = parse_args(argv)
    if args.torch_threads:
        set_torch_threads(args.torch_threads)
    golds = gold_files(args)
    if args.wait_idle > 0:
        wait_until_idle(args.wait_idle)
    with tempfile.TemporaryDirectory(prefix="careerbot-bench-") as tmp:
        results = run(args, golds, Path(tmp) / "index")
    print(json.dumps(results, indent=2, ensure_ascii=False) if args.json else render(results))
    log("done")
    return 1 if results.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
