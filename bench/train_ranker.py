"""Fit careerbot's query adapter, ranking and decline weights across corpora, and write
src/careerbot/query_adapter.npz and src/careerbot/ranking_weights.json.

    .venv/bin/python bench/train_ranker.py [--loco]

The corpora: the project's guides with the dev set (tests/data/qa.jsonl), and every guide set in
bench/corpora/ with its own questions. The held-out question sets about the project's guides (bench/data/*.jsonl)
are never used. `--loco` first scores each guide set with weights fitted on all the other corpora (leave one out). The guide
sets in NEVER_FITTED are never used.

Query adapter: a rank-16 correction of the question's MiniLM vector (query_adapter.py), trained with a
softmax over each answerable gold question's candidates to bring the units that state its fact nearest.
Ranking: a softmax (listwise) linear ranker over the candidate units of each answerable gold question,
trained to put its probability on the units whose quote (the unit, or the list a list question gets)
states the gold fact and comes from a gold guide. Declining: logistic regression over
question-level signals of the top candidate, answerable (1) against unanswerable (0) questions, with the
threshold set to decline as many unanswerable questions as possible while declining at most
MAX_FALSE_DECLINES of the answerable ones. Each corpus's answerable questions that name its own role, asked
of every other corpus (where no guide covers it), join the unanswerable ones at OTHER_ROLE_WEIGHT each.
Follow-ups about the last answer (locality.py): a softmax over each one's candidates, their scores as the
ranker gives them plus the fitted weights times how near each stands to the last answer's quotes, on the
conversations in FOLLOW_SETS (the fitted corpora's first sets; the others are never used).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from careerbot import query_adapter, ranking  # noqa: E402
from careerbot.ask import clean_question, focus  # noqa: E402
from careerbot.evaluate import has_fact, load_gold, origin  # noqa: E402
from careerbot.extract import decline_signals, lead_quote, rule_decline  # noqa: E402
from careerbot.intent import read_question  # noqa: E402
from careerbot.locality import FOLLOW_FEATURES  # noqa: E402
from careerbot.retrieve import candidates  # noqa: E402

MAX_FALSE_DECLINES = 0.03
# the weight of a question naming another corpus's role, asked of a corpus without it, beside a gold question
OTHER_ROLE_WEIGHT = 0.05
# the query adapter: rank of its correction, L2 weight, passes over the gold questions, softmax temperature
ADAPTER_RANK, ADAPTER_L2, ADAPTER_EPOCHS, ADAPTER_TEMPERATURE = 16, 0.01, 30, 0.05
# guide sets kept out of every fit, to show careerbot on guides it never saw
NEVER_FITTED = ("transport-text", "mixed-formats", "field-work", "language-and-finance", "events-and-emergencies",
                "licensed-work", "outdoors-and-animals", "craft-and-culture", "service-and-science",
                "hospitality-and-installation")
L2 = 1.0
# the conversations follow-ups are fitted on (by their name in bench/conversations.py), and their corpus; the
# others are never used
FOLLOW_SETS = {"seeds": "seeds", "seeds2": "seeds", "allied-health": "allied-health", "tech-web": "tech-web",
               "trades-handbook": "trades-handbook", "html-pages": "html-pages"}


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = L2, sample: np.ndarray | None = None, iters: int = 50):
    """Weights and bias of an L2-regularised logistic regression (row i weighing sample[i]), by Newton's
    method."""
    Xb = np.hstack([X, np.ones((len(X), 1))])
    w = np.zeros(Xb.shape[1])
    sample = np.ones(len(y)) if sample is None else sample
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


def fit_listwise(groups: list[tuple[np.ndarray, np.ndarray]], l2: float = L2, iters: int = 300, lr: float = 0.5,
                 offsets: list[np.ndarray] | None = None):
    """Weights of a softmax ranker: within each question, the gold units should take the probability
    (each unit's score being its `offsets` entry, when given, plus its features times the weights)."""
    dim = groups[0][0].shape[1]
    w = np.zeros(dim)
    for _ in range(iters):
        grad = l2 * w
        for n, (X, y) in enumerate(groups):
            z = X @ w + (offsets[n] if offsets is not None else 0.0)
            p = np.exp(z - z.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()
            grad += X.T @ (p - q)
        w -= lr * grad / len(groups)
    return w


def pipeline(engine, question: str):
    reading = engine.reader.read(focus(clean_question(question)))
    q = read_question(reading.text, engine.credentials)
    return q, reading, candidates(engine, q, engine.encode([reading.text])[0], places=reading.places)


def training_sets() -> dict[str, tuple]:
    """Every corpus with its gold questions: the project's guides with the dev set, and each guide set in
    bench/corpora/ with its own questions (indexes built by bench/corpora.py, reused here)."""
    from corpora import CORPORA, guide_sets, index_for

    sets = {"seeds": (ROOT / "corpus", None, ROOT / "tests" / "data" / "qa.jsonl")}
    for name in [n for n in guide_sets() if n not in NEVER_FITTED]:
        guides = CORPORA / name / "guides"
        sets[name] = (guides, index_for(name, guides, rebuild=False), CORPORA / name / "questions.jsonl")
    return sets


def answered_gold(engine, items: list[dict]):
    """Per answerable gold question whose fact some candidate states: its reading, its candidates, and which
    of them state the fact (what careerbot would quote for the unit, itself or its list, from a gold guide)."""
    for item in items:
        if not item.get("answerable", True):
            continue
        q, reading, ranked = pipeline(engine, item["question"])
        labels = [int(has_fact(lead_quote(engine, q, c, ranked).text, item["fact"])
                      and origin(engine.index.units[c.unit].source) in item["guides"]) for c in ranked]
        if any(labels):
            yield reading, ranked, np.array(labels, dtype=np.float32)


def adapter_groups(engine, items: list[dict]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per answered gold question: its own vector, its candidates' unit vectors, and which state the fact."""
    return [(engine.encode([reading.text])[0],
             engine.index.unit_vectors.reconstruct_batch(np.array([c.unit for c in ranked], np.int64)), labels)
            for reading, ranked, labels in answered_gold(engine, items)]


def fit_adapter(groups: list[tuple[np.ndarray, np.ndarray, np.ndarray]], seed: int = 0) -> tuple[np.ndarray, ...]:
    """The query adapter's (U, V): within each question, the units stating the gold fact should be the
    nearest to the moved question vector (a softmax over its candidates, as the ranker's)."""
    import torch

    torch.manual_seed(seed)
    dim = groups[0][0].shape[0]
    u = torch.zeros(dim, ADAPTER_RANK, requires_grad=True)
    v = (torch.randn(dim, ADAPTER_RANK) * 0.01).requires_grad_()
    opt = torch.optim.Adam([u, v], lr=0.01)
    data = [(torch.tensor(q), torch.tensor(p), torch.tensor(y) > 0) for q, p, y in groups]
    for _ in range(ADAPTER_EPOCHS):
        opt.zero_grad()
        loss = 0.0
        for q, p, gold in data:
            moved = q + (q @ u) @ v.T
            logp = torch.log_softmax(p @ (moved / moved.norm()) / ADAPTER_TEMPERATURE, 0)
            loss = loss - torch.logsumexp(logp[gold], 0)
        loss = loss / len(data) + ADAPTER_L2 * ((u ** 2).sum() + (v ** 2).sum())
        loss.backward()
        opt.step()
    return u.detach().numpy().astype(np.float32), v.detach().numpy().astype(np.float32)


def rank_groups(engine, items: list[dict]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per answered gold question: its candidates' features, and which of them state the fact."""
    return [(np.array([c.features for c in ranked]), labels.astype(float))
            for _, ranked, labels in answered_gold(engine, items)]


def decline_rows(engine, items: list[dict]) -> tuple[list[list[float]], list[float]]:
    """Per question no rule declines: its decline signals, and whether the guides answer it."""
    D, t = [], []
    for item in items:
        q, reading, ranked = pipeline(engine, item["question"])
        if not ranked or rule_decline(engine, q):
            continue  # declined by rule before the model is asked
        D.append(decline_signals(engine, q, ranked, reading))
        t.append(1.0 if item.get("answerable", True) else 0.0)
    return D, t


def other_role_rows(engines: dict, golds: dict[str, list[dict]], names: list[str]) -> list[list[float]]:
    """Decline signals of each corpus's answerable questions that name its own role, asked of each other
    corpus that has no guide for that role (as bench/other_careers.py asks them): questions to decline."""
    from other_careers import covered, own_role_questions

    rows = []
    for source in names:
        named = own_role_questions(engines[source], golds[source])
        for target in [n for n in names if n != source]:
            engine = engines[target]
            for question in named:
                q, reading, ranked = pipeline(engine, question)
                if ranked and not covered(engine, question) and not rule_decline(engine, q):
                    rows.append(decline_signals(engine, q, ranked, reading))
    return rows


def fit(engines: dict, golds: dict[str, list[dict]], names: list[str]) -> dict:
    """Ranking and decline weights fitted on the named corpora together, after the query adapter (which
    `fit` puts in use, and returns as out["adapter"])."""
    query_adapter.override = False
    ranking.override = None  # every fit starts from the shipped weights, as a plain refit does: not from the last fit
    out = {"adapter": fit_adapter([g for n in names for g in adapter_groups(engines[n], golds[n])])}
    query_adapter.override = out["adapter"]
    groups = [g for n in names for g in rank_groups(engines[n], golds[n])]
    w = fit_listwise(groups, l2=L2 / 10)
    # a bias that puts the scores of the best units around 0.5 (scores are compared within a question)
    b = -float(np.median([(X @ w).max() for X, _ in groups]))
    out["rank"] = {"bias": round(b, 4), "w": [round(float(v), 4) for v in w]}
    use(out)
    D, t = [], []
    for n in names:
        d, y = decline_rows(engines[n], golds[n])
        D += d
        t += y
    other = other_role_rows(engines, golds, names)
    X, y = np.array(D + other), np.array(t + [0.0] * len(other))
    wd, bd = fit_logistic(X, y, l2=0.5, sample=np.array([1.0] * len(D) + [OTHER_ROLE_WEIGHT] * len(other)))
    D, t = np.array(D), np.array(t)
    p = 1.0 / (1.0 + np.exp(-(D @ wd + bd)))
    pos = np.sort(p[t == 1])
    threshold = float(pos[int(np.floor(MAX_FALSE_DECLINES * len(pos)))]) - 1e-6
    out["decline"] = {"bias": round(bd, 4), "w": [round(float(v), 4) for v in wd], "threshold": round(threshold, 4)}
    out["follow"] = {"w": [0.0] * len(FOLLOW_FEATURES)}
    use(out)  # follow-ups' earlier turns and candidates, as weighed before the follow weights
    groups = [g for n, items in conversation_sets(names).items() for g in follow_groups(engines[FOLLOW_SETS[n]], items)]
    wf = fit_listwise([(X, y) for X, y, _ in groups], l2=L2 / 10, offsets=[z for _, _, z in groups])
    out["follow"] = {"w": [round(float(v), 4) for v in wf]}
    use(out)
    return out


def follow_groups(engine, items: list[dict]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per answerable follow-up about the last answer (one whose candidates were weighed by how near they
    stand to that answer's quotes) whose fact some candidate states: those signals, the candidates' own
    scores as logits, and which of them state the fact. Earlier turns are answered as the app answers them."""
    from careerbot.ask import remembered, search, turns_of

    memory: dict = {}  # the earlier turns' answers, with the weights in use now
    groups = []
    for item in items:
        if not item.get("history") or not item.get("answerable", True):
            continue
        past = turns_of(item["history"], lambda text, earlier: remembered(engine, text, None, earlier, memory))
        found = search(engine, clean_question(item["question"]), None, past)
        ranked = found.ranked
        if not ranked or not ranked[0].near:
            continue
        labels = [int(has_fact(lead_quote(engine, found.question, c, ranked).text, item["fact"])
                      and origin(engine.index.units[c.unit].source) in item["guides"]) for c in ranked]
        if any(labels):
            p = np.clip([c.score for c in ranked], 1e-9, 1 - 1e-9)
            groups.append((np.array([c.near for c in ranked]), np.array(labels, float), np.log(p / (1 - p))))
    return groups


def conversation_sets(names: list[str]) -> dict[str, list[dict]]:
    """The conversations a fit learns follow-ups from, per corpus in `names`: FOLLOW_SETS of them."""
    from conversations import conversation_sets as all_sets

    return {n: load_gold(path) for n, _, path in all_sets() if n in FOLLOW_SETS and FOLLOW_SETS[n] in names}


def use(weights: dict) -> None:
    """Answer with these weights from now on, in this process."""
    ranking.override = {k: w for k, w in weights.items() if k != "adapter"}


def main() -> None:
    from careerbot.evaluate import careerbot_answerer, evaluate
    from careerbot.loading import engine_for
    from careerbot.settings import resolve

    sets = training_sets()
    engines = {n: engine_for(resolve(c, i)) for n, (c, i, _) in sets.items()}
    golds = {n: load_gold(g) for n, (_, _, g) in sets.items()}
    # leave one corpus out: each guide set scored with weights fitted on all the others
    if "--loco" in sys.argv:
        for held in [n for n in sets if n != "seeds"]:
            fit(engines, golds, [n for n in sets if n != held])
            c, i, _ = sets[held]
            r = evaluate(golds[held], answer=careerbot_answerer(c, i))["overall"]
            print(f"left out {held}: " + ", ".join(f"{k} {r[k]}" for k in
                  ("key_fact", "cited_guide", "declined_answerable", "declined_unanswerable")), flush=True)
    out = fit(engines, golds, list(sets))
    u, v = out.pop("adapter")
    np.savez(query_adapter.ADAPTER_FILE, U=u, V=v)
    ranking.WEIGHTS_FILE.write_text(json.dumps(out, indent=1) + "\n")
    print("rank weights:", dict(zip(ranking.FEATURES, out["rank"]["w"])), file=sys.stderr)
    print("decline weights:", dict(zip(ranking.DECLINE_FEATURES, out["decline"]["w"])),
          "threshold", out["decline"]["threshold"], file=sys.stderr)
    print("follow-up weights:", dict(zip(FOLLOW_FEATURES, out["follow"]["w"])), file=sys.stderr)


if __name__ == "__main__":
    main()
