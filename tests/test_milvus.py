"""CAREERBOT_BACKEND=milvus: the same answers from vectors searched in Milvus (milvus-lite here)."""
import shutil

import pytest

from careerbot import IndexError_, ask
from careerbot.evaluate import evaluate, load_gold
from careerbot.index import build
from careerbot.settings import resolve
from conftest import CORPUS
from test_gold import FLOORS, GOLD
from test_index import NEW_GUIDE


@pytest.fixture(scope="module")
def milvus_index(index_dir, tmp_path_factory):
    """A copy of the shared index whose vectors `careerbot index` has put into a milvus-lite file."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CAREERBOT_BACKEND", "milvus")
    mp.setenv("CAREERBOT_MILVUS_URI", str(tmp_path_factory.mktemp("milvus") / "vectors.db"))
    path = tmp_path_factory.mktemp("milvus-index") / "index"
    shutil.copytree(index_dir, path)
    report = build(resolve(CORPUS, path), progress=False)
    assert report.embedded == 0  # the vectors are copied from the index folder, never embedded again
    yield path
    mp.undo()


def test_milvus_gives_the_faiss_answers_on_the_gold_set(milvus_index, index_dir, monkeypatch):
    items = load_gold(GOLD)
    with_milvus = [ask(i["question"], corpus=CORPUS, index=milvus_index) for i in items]
    monkeypatch.setenv("CAREERBOT_BACKEND", "faiss")
    with_faiss = [ask(i["question"], corpus=CORPUS, index=index_dir) for i in items]
    # the same quotes from the same places; FAISS keeps float16 vectors, Milvus float32, so a score rounded to
    # four places may differ in its last place
    differ = [i["question"] for i, m, f in zip(items, with_milvus, with_faiss)
              if m.text != f.text or [(c.source, c.start, c.end) for c in m.citations]
              != [(c.source, c.start, c.end) for c in f.citations]
              or any(abs(a.score - b.score) > 1e-3 for a, b in zip(m.citations, f.citations))]
    assert differ == []


def test_milvus_meets_the_gold_floors(milvus_index):
    overall = evaluate(load_gold(GOLD), corpus=CORPUS, index=milvus_index)["overall"]
    assert overall["key_fact"] >= FLOORS["key_fact"] and overall["cited_guide"] >= FLOORS["cited_guide"]
    assert overall["declined_unanswerable"] >= FLOORS["declined_unanswerable"]
    assert overall["declined_answerable"] <= FLOORS["declined_answerable_max"]


def test_a_guide_added_and_removed_reaches_milvus(corpus_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("CAREERBOT_BACKEND", "milvus")
    monkeypatch.setenv("CAREERBOT_MILVUS_URI", str(tmp_path / "vectors.db"))
    index = tmp_path / "index"
    question = "How much does a zephyr clinic coordinator earn?"
    (corpus_copy / "zephyr.txt").write_text(NEW_GUIDE, encoding="utf-8")
    a = ask(question, corpus=corpus_copy, index=index)
    assert a.answered and a.citations[0].source == "zephyr.txt" and "$71,234" in a.text
    (corpus_copy / "zephyr.txt").unlink()
    build(resolve(corpus_copy, index), progress=False)
    a = ask(question, corpus=corpus_copy, index=index)
    assert all(c.source != "zephyr.txt" for c in a.citations)


def test_milvus_out_of_step_with_the_index_gives_one_clear_message(milvus_index, tmp_path, monkeypatch):
    """An index folder whose vectors Milvus does not hold (copied, never `careerbot index`-ed) says what to do."""
    other = tmp_path / "index"
    shutil.copytree(milvus_index, other)
    monkeypatch.setenv("CAREERBOT_MILVUS_URI", str(tmp_path / "empty.db"))
    with pytest.raises(IndexError_) as info:
        ask("What is the CMPE?", corpus=CORPUS, index=other)
    assert "careerbot index" in str(info.value) and "\n" not in str(info.value)


def test_an_unknown_backend_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CAREERBOT_BACKEND", "elastic")
    with pytest.raises(Exception) as info:
        ask("What is the CMPE?", corpus=CORPUS)
    assert "CAREERBOT_BACKEND must be one of faiss, milvus" in str(info.value)
