"""Answers over HTTP: `POST /api/ask` with 1 and 16 clients, beside Gradio's `/ask` and `ask()` in-process.

    .venv/bin/python bench/api_load.py [--questions 200]

Starts `careerbot serve` on a free port with the project's corpus and an index built into a temporary folder,
then times each door on the dev set's questions (tests/data/qa.jsonl). Printed: p50/p95 latency per client,
answers per second, and errors. Progress goes to standard error.
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402 - the offline switch above comes before any Hugging Face import
import json  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def post(url: str, question: str) -> float:
    """Seconds for one POST /api/ask; raises on anything but a 200 with an Answer."""
    body = json.dumps({"question": question}).encode()
    req = urllib.request.Request(url + "api/ask", data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as resp:
        data = json.loads(resp.read())
    if "answered" not in data:
        raise RuntimeError("not an Answer")
    return time.perf_counter() - start


def rates(times: list[float], wall: float, errors: int) -> dict:
    ms = sorted(t * 1000 for t in times)
    return {"answers": len(times), "errors": errors, "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1), "answers_per_s": round(len(times) / wall, 1)}


def clients(url: str, questions: list[str], n: int) -> dict:
    """`n` clients asking the questions between them, as fast as they are answered."""
    times, errors = [], 0

    def one(q: str):
        try:
            return post(url, q)
        except Exception:  # noqa: BLE001 - counted, not raised: the figure is how many fail
            return None

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        for t in pool.map(one, questions):
            if t is None:
                errors += 1
            else:
                times.append(t)
    return rates(times, time.perf_counter() - start, errors)


def gradio_one_client(url: str, questions: list[str]) -> dict:
    from gradio_client import Client

    client = Client(url, verbose=False)
    times = []
    start = time.perf_counter()
    for q in questions:
        t = time.perf_counter()
        client.predict(q, api_name="/ask")
        times.append(time.perf_counter() - t)
    return rates(times, time.perf_counter() - start, 0)


def in_process(index: Path, questions: list[str]) -> dict:
    from careerbot import ask

    ask(questions[0], corpus=CORPUS, index=index)
    times = []
    start = time.perf_counter()
    for q in questions:
        t = time.perf_counter()
        ask(q, corpus=CORPUS, index=index)
        times.append(time.perf_counter() - t)
    return rates(times, time.perf_counter() - start, 0)


@contextmanager
def serving(corpus: Path, index: Path, warm: list[str]):
    """`careerbot serve` of this corpus and index on a free port, answering: yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = subprocess.Popen([sys.executable, "-m", "careerbot.cli", "serve", "--corpus", str(corpus), "--index",
                            str(index), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                post(url, warm[0])
                break
            except OSError:
                time.sleep(0.5)
        for q in warm:
            post(url, q)
        yield url
    finally:
        app.terminate()
        app.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--questions", type=int, default=200, help="how many dev questions each door answers")
    args = p.parse_args(argv)
    from careerbot.index import build
    from careerbot.quiet import hush
    from careerbot.settings import resolve

    hush()
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "tests" / "data" / "qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = (questions * (1 + args.questions // len(questions)))[:args.questions]
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        build(resolve(CORPUS, index), progress=False)
        with serving(CORPUS, index, questions[:20]) as url:
            rows = {"ask() in-process, 1 caller": in_process(index, questions),
                    "POST /api/ask, 1 client": clients(url, questions, 1),
                    "POST /api/ask, 16 clients": clients(url, questions, 16),
                    "Gradio /ask (gradio_client), 1 client": gradio_one_client(url, questions[:50])}
    print("| door | answers | errors | p50 ms | p95 ms | answers/s |\n|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['answers']} | {r['errors']} | {r['p50_ms']} | {r['p95_ms']} | {r['answers_per_s']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
