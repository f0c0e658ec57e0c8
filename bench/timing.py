"""Speed and memory figures: index build, warm `ask()` latency, cold start of the CLI, peak RSS."""
from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GNU_TIME = Path("/usr/bin/time")
# Runs a command and prints the children's peak RSS (KiB on Linux) to the file named by argv[1].
RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(rc)\n"
)


def maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size of this process (or its waited-for children) in MiB."""
    raw = resource.getrusage(who).ru_maxrss
    return raw / 2**20 if sys.platform == "darwin" else raw / 1024  # bytes on macOS, KiB on Linux


def busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (Linux /proc/stat), None elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    except (OSError, ValueError, IndexError):
        return None
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds used by this process and the children it has waited for."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class OtherWork:
    """How many cores other processes kept busy, on average, between `__init__` and `cores()`."""

    def __init__(self):
        self._start = (time.perf_counter(), busy_cpu_seconds(), own_cpu_seconds())

    def cores(self) -> float | None:
        """Average cores used by everything but this benchmark and its children (None if unknown)."""
        wall0, busy0, own0 = self._start
        busy1 = busy_cpu_seconds()
        if busy0 is None or busy1 is None:
            return None
        wall = time.perf_counter() - wall0
        return max(0.0, ((busy1 - busy0) - (own_cpu_seconds() - own0)) / wall) if wall > 0 else None


def time_builds(settings) -> dict:
    """Seconds to load the model, to build the index from scratch (ONNX export included), to rebuild it with
    nothing changed, and to update it after one figure in one guide changed."""
    from careerbot.embedding import load_model
    from careerbot.index import build

    started = time.perf_counter()
    load_model()
    model_s = time.perf_counter() - started

    started = time.perf_counter()
    full = build(settings, full=True, progress=False)
    full_s = time.perf_counter() - started

    started = time.perf_counter()
    again = build(settings, progress=False)
    rebuild_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="careerbot-edit-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(settings.corpus, corpus)
        index = Path(tmp) / "index"
        shutil.copytree(settings.index, index)
        from careerbot.settings import resolve

        edited = resolve(corpus, index)
        guide, figure = next((g, m) for g in sorted(corpus.glob("*.txt"))
                             if (m := re.search(r"\$\d{2,3},\d{3}", g.read_text(encoding="utf-8"))))
        guide.write_text(guide.read_text(encoding="utf-8").replace(figure.group(0), "$99,999", 1), encoding="utf-8")
        started = time.perf_counter()
        changed = build(edited, progress=False)
        changed_s = time.perf_counter() - started
    return {"model_load_s": round(model_s, 3), "full_build_s": round(full_s, 3), "rebuild_s": round(rebuild_s, 3),
            "documents": full.documents, "chunks": full.chunks, "units": full.units,
            "rebuild_unchanged": again.unchanged, "rebuild_changed": again.changed + again.added,
            "one_figure_changed_s": round(changed_s, 3), "one_figure_embedded": changed.embedded,
            "full_embedded": full.embedded}


def ask_latency(questions: list[str], settings, encoder: str = "auto") -> dict:
    """Warm `ask()` latency over the questions, in ms, after one warm-up call that loads the engine with
    the given query encoder (auto: the index's ONNX export; torch: sentence-transformers)."""
    from careerbot import ask
    from careerbot.errors import QuestionError
    from careerbot.loading import ENCODER_ENV, forget_engines

    os.environ[ENCODER_ENV] = encoder
    forget_engines()
    try:
        ask(questions[0], corpus=settings.corpus, index=settings.index)
        times, rejected = [], 0
        for question in questions:
            started = time.perf_counter()
            try:
                ask(question, corpus=settings.corpus, index=settings.index)
            except QuestionError:
                rejected += 1
            times.append((time.perf_counter() - started) * 1000)
    finally:
        os.environ.pop(ENCODER_ENV, None)
        forget_engines()
    ms = np.asarray(times)
    return {"encoder": encoder, "n": len(times), "rejected": rejected,
            "p50_ms": round(float(np.percentile(ms, 50)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2),
            "mean_ms": round(float(ms.mean()), 2), "max_ms": round(float(ms.max()), 2)}


def careerbot_command() -> list[str]:
    """The `careerbot` console script beside this interpreter, else on PATH, else `python -m careerbot.cli`."""
    beside = Path(sys.executable).parent / "careerbot"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("careerbot")
    return [found] if found else [sys.executable, "-m", "careerbot.cli"]


def _parse_gnu_time(report: str) -> float | None:
    """Peak RSS in MiB from the report of `/usr/bin/time -v`."""
    match = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", report)
    return int(match.group(1)) / 1024 if match else None


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float | None, int]:
    """Run a command to exit; return its wall time (s), its peak RSS (MiB, None if unknown) and its exit code."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss", delete=False) as out:
        report_path = out.name
    try:
        if GNU_TIME.is_file():
            full = [str(GNU_TIME), "-v", "-o", report_path, *cmd]
        else:
            full = [sys.executable, "-c", RSS_WRAPPER, report_path, *cmd]
        started = time.perf_counter()
        rc = subprocess.run(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        wall = time.perf_counter() - started
        text = Path(report_path).read_text(encoding="utf-8", errors="replace")
        if GNU_TIME.is_file():
            rss = _parse_gnu_time(text)
        else:
            rss = (int(text) / (2**20 if sys.platform == "darwin" else 1024)) if text.strip() else None
    finally:
        os.unlink(report_path)
    return wall, rss, rc


def cold_start(settings, question: str, cwd: Path, runs: int = 3, encoder: str = "auto") -> dict:
    """Median wall time and peak RSS of a fresh `careerbot ask` process over `runs` runs."""
    args = ["ask", "--corpus", str(settings.corpus), "--index", str(settings.index), question]
    cmd = [*careerbot_command(), *args]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "CAREERBOT_ENCODER": encoder}
    walls, rsss, codes = [], [], []
    for n in range(runs):
        print(f"  cold start ({encoder}) run {n + 1}/{runs}", file=sys.stderr)
        wall, rss, rc = run_measured(cmd, cwd, env)
        walls.append(round(wall, 3))
        codes.append(rc)
        if rss is not None:
            rsss.append(round(rss, 1))
    return {"command": " ".join(["careerbot", *args[:-1], repr(question)]), "runs": runs, "encoder": encoder,
            "wall_s_median": round(statistics.median(walls), 3), "wall_s_runs": walls,
            "peak_rss_mb_median": round(statistics.median(rsss), 1) if rsss else None,
            "rss_tool": "/usr/bin/time -v" if GNU_TIME.is_file() else "getrusage(RUSAGE_CHILDREN)",
            "exit_codes": codes}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_start(settings, question: str, cwd: Path, runs: int = 3) -> dict:
    """Seconds from starting `careerbot serve` to the page being served, and to the first answer through
    `/ask`; the app's memory then (median of `runs`)."""
    import urllib.request

    from gradio_client import Client  # imported here, before any clock starts

    page, answer, rss = [], [], []
    for n in range(runs):
        print(f"  app start run {n + 1}/{runs}", file=sys.stderr)
        port = _free_port()
        url = f"http://127.0.0.1:{port}/"
        started = time.perf_counter()
        proc = subprocess.Popen([*careerbot_command(), "serve", "--corpus", str(settings.corpus), "--index",
                                 str(settings.index), "--port", str(port)], cwd=cwd,
                                env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    urllib.request.urlopen(url, timeout=1).read()
                    break
                except OSError:
                    if proc.poll() is not None or time.perf_counter() - started > 120:
                        raise RuntimeError("the app did not start")
                    time.sleep(0.02)
            page.append(time.perf_counter() - started)
            Client(url, verbose=False).predict(question, api_name="/ask")
            answer.append(time.perf_counter() - started)
            status = Path(f"/proc/{proc.pid}/status")
            if status.exists():
                found = re.search(r"VmHWM:\s*(\d+) kB", status.read_text())
                if found:
                    rss.append(int(found.group(1)) / 1024)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return {"runs": runs, "page_s_median": round(statistics.median(page), 3), "page_s_runs": [round(x, 3) for x in page],
            "first_answer_s_median": round(statistics.median(answer), 3),
            "peak_rss_mb_median": round(statistics.median(rss), 1) if rss else None}
