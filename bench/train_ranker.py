"""Fit careerbot's ranking and decline weights on a gold file, and write src/careerbot/ranking_weights.json.

    .venv/bin/python bench/train_ranker.py [tests/data/qa.jsonl]

Ranking: a softmax (listwise) linear ranker over the candidate units of each answerable gold question,
trained to put its probability on the units whose quote (the unit, or the list a list question gets)
states the gold fact and comes from a gold guide. Declining: logistic regression over
question-level signals of the top candidate, answerable (1) against unanswerable (0) questions, with the
threshold set to decline as many unanswerable questions as possible while declining at most
MAX_FALSE_DECLINES of the answerable ones.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from careerbot import ranking  # noqa: E402
from careerbot.ask import clean_question  # noqa: E402
from careerbot.evaluate import has_fact, load_gold  # noqa: E402
from careerbot.extract import lead_quote, rule_decline  # noqa: E402
from careerbot.intent import read_question  # noqa: E402
from careerbot.lexical import text_tokens  # noqa: E402
from careerbot.loading import engine_for  # noqa: E402
from careerbot.retrieve import candidates  # noqa: E402
from careerbot.settings import resolve  # noqa: E402

MAX_FALSE_DECLINES = 0.03
L2 = 1.0


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = L2, weight_pos: float = 1.0, iters: int = 50):
    """Weights and bias of an L2-regularised logistic regression, by Newton's method."""
    Xb = np.hstack([X, np.ones((len(X), 1))])
    w = np.zeros(Xb.shape[1])
    sample = np.where(y == 1, weight_pos, 1.0)
    reg = np.eye(Xb.shape[1]) * l2
    reg[-1, -1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-Xb @ w))
        grad = Xb.T @ (sample * (p - y)) + reg @ w
        hess = (Xb * (sample * p * (1 - p))[:, None]).T @ Xb + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def fit_listwise(groups: list[tuple[np.ndarray, np.ndarray]], l2: float = L2, iters: int = 300, lr: float = 0.5):
    """Weights of a softmax ranker: within each question, the gold units should take the probability."""
    dim = groups[0][0].shape[1]
    w = np.zeros(dim)
    for _ in range(iters):
        grad = l2 * w
        for X, y in groups:
            z = X @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()
            grad += X.T @ (p - q)
        w -= lr * grad / len(groups)
    return w


def pipeline(engine, question: str):
    reading = engine.reader.read(clean_question(question))
    q = read_question(reading.text)
    return q, reading, candidates(engine, q, engine.encode([reading.text])[0], places=reading.places)


def main(gold_path: str) -> None:
    engine = engine_for(resolve())
    items = load_gold(gold_path)
    groups = []
    for item in items:
        if not item.get("answerable", True):
            continue
        q, _, ranked = pipeline(engine, item["question"])
        # a unit is right when what careerbot would quote for it (itself, or its list) states the fact
        labels = [int(has_fact(lead_quote(engine, q, c, ranked).text, item["fact"])
                      and engine.index.units[c.unit].source in item["guides"]) for c in ranked]
        if not any(labels):
            continue
        groups.append((np.array([c.features for c in ranked]), np.array(labels, dtype=float)))
    w = fit_listwise(groups, l2=L2 / 10)
    # a bias that puts the scores of the best units around 0.5 (scores are compared within a question)
    b = -float(np.median([(X @ w).max() for X, _ in groups]))
    out = json.loads(ranking.WEIGHTS_FILE.read_text())
    out["rank"] = {"bias": round(b, 4), "w": [round(float(v), 4) for v in w]}
    ranking.WEIGHTS_FILE.write_text(json.dumps(out, indent=1) + "\n")
    ranking.weights.cache_clear()
    print("rank weights:", dict(zip(ranking.FEATURES, np.round(w, 2))), "bias", round(b, 2), file=sys.stderr)

    # the decline model, on candidates ranked by the new weights
    D, t = [], []
    for item in items:
        q, reading, ranked = pipeline(engine, item["question"])
        if not ranked or rule_decline(engine, q):
            continue  # declined by rule before the model is asked
        stems = text_tokens(q.text)
        hits = sum(1 for s in stems if s in engine.lexical.vocabulary) / max(1, len(stems))
        second = ranked[1].score if len(ranked) > 1 else 0.0
        D.append(ranking.decline_vector(ranked[0].features, ranked[0].score, second, len(reading.unknown),
                                        len(reading.specific), len(q.words), hits))
        t.append(1.0 if item.get("answerable", True) else 0.0)
    D, t = np.array(D), np.array(t)
    wd, bd = fit_logistic(D, t, l2=0.5)
    p = 1.0 / (1.0 + np.exp(-(D @ wd + bd)))
    pos = np.sort(p[t == 1])
    threshold = float(pos[int(np.floor(MAX_FALSE_DECLINES * len(pos)))]) - 1e-6
    out["decline"] = {"bias": round(bd, 4), "w": [round(float(v), 4) for v in wd], "threshold": round(threshold, 4)}
    ranking.WEIGHTS_FILE.write_text(json.dumps(out, indent=1) + "\n")
    print("decline weights:", dict(zip(ranking.DECLINE_FEATURES, np.round(wd, 2))), "bias", round(bd, 2),
          "threshold", round(threshold, 3), file=sys.stderr)
    print(f"declines on {gold_path}: unanswerable {np.mean(p[t == 0] < threshold):.1%}, "
          f"answerable {np.mean(p[t == 1] < threshold):.1%}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "tests" / "data" / "qa.jsonl"))
