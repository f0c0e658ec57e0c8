"""The query encoder without torch: the ONNX export made at build time answers exactly as torch does, and
a new process answers without importing torch, sentence-transformers or gradio."""
import json
import subprocess
import sys

import numpy as np
import pytest

from careerbot import ask
from careerbot.ask import answer_with, clean_question
from careerbot.index import load
from careerbot.retrieve import load_engine
from conftest import CORPUS, ROOT


@pytest.fixture(scope="module")
def both_engines(index_dir):
    index = load(index_dir)
    return load_engine(index, "onnx"), load_engine(index, "torch")


def gold_questions() -> list[str]:
    with open(ROOT / "tests" / "data" / "qa.jsonl", encoding="utf-8") as f:
        return [json.loads(line)["question"] for line in f if line.strip()]


def test_the_build_exports_a_checked_onnx_encoder(index_dir):
    record = json.loads((index_dir / "manifest.json").read_text())["query_encoder"]
    assert record["min_cosine"] >= 0.9999 and record["checked_passages"] >= 200
    assert (index_dir / record["onnx"]).is_file() and (index_dir / record["tokenizer"]).is_file()


def test_onnx_and_torch_give_the_same_vectors_and_answers(both_engines):
    onnx, torch = both_engines
    questions = [clean_question(q) for q in gold_questions()]
    a, b = onnx.encode(questions[:64]), torch.encode(questions[:64])
    assert a.shape == b.shape == (64, 384)
    assert np.min(np.sum(a * b, axis=1)) >= 0.9999
    for q in questions:
        x, y = answer_with(onnx, q)[0], answer_with(torch, q)[0]
        assert (x.answered, x.text, [c.start for c in x.citations]) == (y.answered, y.text, [c.start for c in y.citations]), q


def test_an_index_without_the_export_is_answered_with_torch(index_copy):
    manifest = json.loads((index_copy / "manifest.json").read_text())
    for name in ("encoder.onnx", "tokenizer.json"):  # as a build whose export failed leaves it
        (index_copy / name).unlink()
        del manifest["files"][name], manifest["sizes"][name]
    manifest["query_encoder"] = None
    (index_copy / "manifest.json").write_text(json.dumps(manifest))
    a = ask("what is the median salary of a medical office manager", corpus=CORPUS, index=index_copy)
    assert a.answered and "$104,830" in a.text


NEW_PROCESS = """
import sys
from careerbot import ask
from careerbot.index import build
from careerbot.settings import resolve
report = build(resolve(sys.argv[1], sys.argv[2]), progress=False)
answer = ask("how much do medical office managers make", corpus=sys.argv[1], index=sys.argv[2])
heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers", "gradio") if m in sys.modules)
print(report.unchanged, answer.answered, ",".join(heavy) or "-")
"""


def test_a_new_process_rebuilds_unchanged_guides_and_answers_without_torch(index_copy):
    out = subprocess.run([sys.executable, "-c", NEW_PROCESS, str(CORPUS), str(index_copy)],
                         capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert out == ["4", "True", "-"]


def test_a_full_build_reuses_the_checked_export_of_the_same_model(small_corpus, tmp_path, encoder_cache):
    """The ONNX export and its check are made once per model: a later full build copies the kept export, and
    a damaged kept export is made again rather than used."""
    from careerbot.index import build
    from careerbot.onnx_encoder import cache_dir
    from careerbot.settings import resolve

    first, second, third = (tmp_path / name for name in ("first", "second", "third"))
    build(resolve(small_corpus, first), progress=False)
    assert (cache_dir() / "encoder.onnx").is_file() and cache_dir().parent == encoder_cache
    build(resolve(small_corpus, second), progress=False)
    record = json.loads((second / "manifest.json").read_text())["query_encoder"]
    assert record["cached"] is True and record["min_cosine"] >= 0.9999
    assert (second / "encoder.onnx").read_bytes() == (first / "encoder.onnx").read_bytes()
    kept = cache_dir() / "encoder.onnx"
    kept.write_bytes(kept.read_bytes()[:1000])
    build(resolve(small_corpus, third), progress=False)
    assert "cached" not in json.loads((third / "manifest.json").read_text())["query_encoder"]
    a = ask("Which certification does PAHCOM offer?", corpus=small_corpus, index=third)  # one this guide answers
    assert a.answered


def test_questions_are_searched_through_the_fitted_query_adapter(both_engines):
    from careerbot.query_adapter import adapt, weights

    assert weights() is not None, "the package ships its query adapter (bench/train_ranker.py writes it)"
    questions = [clean_question(q) for q in gold_questions()[:32]]
    own = both_engines[0].encode(questions)
    searched = adapt(own)
    assert searched.shape == own.shape
    assert np.allclose(np.linalg.norm(searched, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(own * searched, axis=1)
    assert np.all(cosines < 0.9999) and np.all(cosines > 0.5)  # moved, and still near the question
