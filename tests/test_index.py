"""Building, updating, validating and rebuilding the index, with the real model."""
import json

import pytest

from careerbot import IndexError_, ask
from careerbot.errors import CorpusError
from careerbot.index import build, load
from careerbot.settings import resolve
from conftest import CORPUS

NEW_GUIDE = """Zephyr Clinic Coordinator Guide

Pay
A zephyr clinic coordinator earns a median salary of $71,234 per year according to this guide.
"""


def test_missing_index_is_built_on_first_ask(small_corpus, tmp_path):
    index = tmp_path / "index"
    a = ask("Which certification does PAHCOM offer?", corpus=small_corpus, index=index)
    assert a.answered and (index / "manifest.json").is_file()


def test_manifest_records_model_documents_and_hashes(index_dir):
    m = json.loads((index_dir / "manifest.json").read_text())
    assert m["model"] == "sentence-transformers/all-MiniLM-L6-v2" and m["dimension"] == 384
    assert len(m["documents"]) == 4 and all(len(d["sha256"]) == 64 for d in m["documents"])
    idx = load(index_dir)
    assert idx.unit_vectors.ntotal == len(idx.units) == m["units"]


def test_adding_changing_and_deleting_a_guide_is_followed(corpus_copy, index_copy):
    settings = resolve(corpus_copy, index_copy)
    (corpus_copy / "zephyr.txt").write_text(NEW_GUIDE, encoding="utf-8")
    report = build(settings, progress=False)
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 0, 0, 4)
    a = ask("How much does a zephyr clinic coordinator earn?", corpus=corpus_copy, index=index_copy)
    assert a.answered and a.citations[0].source == "zephyr.txt" and "$71,234" in a.text

    # a changed figure is answered with the new value, found by ask() itself (stale index is rebuilt)
    (corpus_copy / "zephyr.txt").write_text(NEW_GUIDE.replace("$71,234", "$73,999"), encoding="utf-8")
    a = ask("How much does a zephyr clinic coordinator earn?", corpus=corpus_copy, index=index_copy)
    assert "$73,999" in a.text and "$71,234" not in a.text

    (corpus_copy / "zephyr.txt").unlink()
    report = build(settings, progress=False)
    assert report.removed == 1
    a = ask("How much does a zephyr clinic coordinator earn?", corpus=corpus_copy, index=index_copy)
    assert all(c.source != "zephyr.txt" for c in a.citations)


def test_incremental_build_equals_full_build(corpus_copy, index_copy, tmp_path):
    (corpus_copy / "zephyr.txt").write_text(NEW_GUIDE, encoding="utf-8")
    build(resolve(corpus_copy, index_copy), progress=False)
    full = tmp_path / "full"
    build(resolve(corpus_copy, full), full=True, progress=False)
    inc, ref = load(index_copy), load(full)
    assert list(inc.units) == list(ref.units) and list(inc.chunks) == list(ref.chunks)
    import numpy as np

    a = np.vstack([inc.unit_vectors.reconstruct(i) for i in range(inc.unit_vectors.ntotal)])
    b = np.vstack([ref.unit_vectors.reconstruct(i) for i in range(ref.unit_vectors.ntotal)])
    # stored as float16: a passage embedded in another batch may round to the next half-precision value
    assert np.allclose(a, b, rtol=2 ** -10, atol=1e-6)


def test_unchanged_rebuild_does_not_embed(index_copy):
    report = build(resolve(CORPUS, index_copy), progress=False)
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 0, 0, 4)


@pytest.mark.parametrize("damage", ["manifest", "truncated_faiss", "edited_units", "other_model", "missing_file",
                                    "truncated_encoder", "wrong_types"])
def test_damaged_index_gives_one_clear_message(index_copy, damage):
    if damage == "manifest":
        (index_copy / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "truncated_faiss":
        data = (index_copy / "units.faiss").read_bytes()
        (index_copy / "units.faiss").write_bytes(data[: len(data) // 2])
    elif damage == "edited_units":
        with open(index_copy / "units.npy", "ab") as f:
            f.write(b"\x00" * 64)
    elif damage == "truncated_encoder":
        data = (index_copy / "encoder.onnx").read_bytes()
        (index_copy / "encoder.onnx").write_bytes(data[: len(data) // 3])
    elif damage == "wrong_types":  # valid JSON, fields of the wrong kind
        m = json.loads((index_copy / "manifest.json").read_text())
        m["documents"], m["settings"] = 5, None
        (index_copy / "manifest.json").write_text(json.dumps(m))
    elif damage == "other_model":
        m = json.loads((index_copy / "manifest.json").read_text())
        m["model"] = "some/other-model"
        (index_copy / "manifest.json").write_text(json.dumps(m))
    else:
        (index_copy / "chunks.faiss").unlink()
    with pytest.raises(IndexError_) as info:
        ask("What is the median salary?", corpus=CORPUS, index=index_copy)
    message = str(info.value)
    assert "careerbot index --full" in message and "\n" not in message


def test_empty_corpus_is_a_clear_error(tmp_path):
    (tmp_path / "corpus").mkdir()
    with pytest.raises(CorpusError, match="no readable"):
        build(resolve(tmp_path / "corpus", tmp_path / "index"), progress=False)
    assert not (tmp_path / "index").exists()


def test_many_threads_keep_getting_complete_answers_while_the_index_is_rebuilt(corpus_copy, index_copy):
    import os
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    questions = ["How much do medical office managers make?", "What is the CMPE?", "Do I need a bachelor's degree?",
                 "Can a medical practice manager work remotely?", "What is the job outlook for medical managers?"]
    rebuild = subprocess.Popen([sys.executable, "-m", "careerbot.cli", "index", "--full", "--corpus", str(corpus_copy),
                                "--index", str(index_copy)], env=dict(os.environ, HF_HUB_OFFLINE="1"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    from careerbot.loading import engine_for

    before = engine_for(resolve(corpus_copy, index_copy)).index.manifest["built_at"]

    def worker(n: int) -> list:
        out = []
        k = 0
        while k < 25 or (rebuild.poll() is None and k < 2000):  # keep asking until the rebuild is done
            out.append(ask(questions[(n + k) % len(questions)], corpus=corpus_copy, index=index_copy))
            k += 1
        return out

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = [a for batch in pool.map(worker, range(16)) for a in batch]
    assert rebuild.wait(timeout=300) == 0, rebuild.stderr.read().decode()[-500:]
    assert len(answers) >= 16 * 25
    for a in answers:
        assert a.answered and a.citations
        for c in a.citations:
            assert (corpus_copy / c.source).read_text(encoding="utf-8")[c.start:c.end] == c.quote
    after = ask(questions[0], corpus=corpus_copy, index=index_copy)
    assert after.answered
    assert engine_for(resolve(corpus_copy, index_copy)).index.manifest["built_at"] != before  # the new index is used


def test_a_build_killed_midway_leaves_the_previous_index_usable(corpus_copy, index_copy):
    import os
    import signal
    import subprocess
    import sys
    import time

    before = (index_copy / "manifest.json").read_text()
    build_proc = subprocess.Popen([sys.executable, "-m", "careerbot.cli", "index", "--full", "--corpus",
                                   str(corpus_copy), "--index", str(index_copy)],
                                  env=dict(os.environ, HF_HUB_OFFLINE="1"), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
    # wait until it is embedding (its progress bar is on stderr), then kill it without warning
    deadline = time.monotonic() + 120
    seen = ""
    while "embedding" not in seen and time.monotonic() < deadline:
        seen += build_proc.stderr.read(1)
    build_proc.send_signal(signal.SIGKILL)
    build_proc.wait(timeout=30)
    assert (index_copy / "manifest.json").read_text() == before
    idx = load(index_copy)
    assert idx.unit_vectors.ntotal == len(idx.units)
    a = ask("What is the CMPE?", corpus=corpus_copy, index=index_copy)
    assert a.answered
    # the killed build's lock does not block the next one
    assert build(resolve(corpus_copy, index_copy), full=True, progress=False).documents == 4
    assert not list(index_copy.parent.glob(".index.build-*"))  # the killed build's leftovers are gone


def test_past_the_size_threshold_the_index_is_approximate_and_answers_hold(tmp_path, monkeypatch):
    import careerbot.index
    from careerbot.evaluate import evaluate, load_gold
    from conftest import ROOT

    monkeypatch.setattr(careerbot.index, "APPROXIMATE_FROM", 1000)  # the corpus's 1,200 units: an IVF index
    build(resolve(CORPUS, tmp_path / "ivf"), progress=False)
    m = json.loads((tmp_path / "ivf" / "manifest.json").read_text())
    assert m["search"] == {"chunks": "exact", "units": "ivf"}
    report = evaluate(load_gold(ROOT / "tests" / "data" / "qa.jsonl"), CORPUS, tmp_path / "ivf")
    assert report["overall"]["key_fact"] >= 0.72 and report["overall"]["cited_guide"] >= 0.93


def test_the_index_folder_is_as_readable_as_any_new_folder(index_dir):
    import os
    import stat

    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(index_dir.stat().st_mode) == 0o777 & ~mask


def test_a_copy_of_an_indexed_guide_never_takes_its_place(corpus_copy, index_copy):
    """A duplicate whose name sorts first is the one skipped: the indexed guide keeps its citations and its name."""
    original = "medical-practice-manager-career-guide.txt"
    (corpus_copy / "0-copy.txt").write_bytes((corpus_copy / original).read_bytes())
    report = build(resolve(corpus_copy, index_copy), progress=False)
    assert ("0-copy.txt", f"the same text as {original}") in [(s.source, s.reason) for s in report.skipped]
    a = ask("How much do medical practice managers make?", guides=[original], corpus=corpus_copy, index=index_copy)
    assert a.answered and {c.source for c in a.citations} == {original}


SWAP_SCRIPT = """
import os, sys
from pathlib import Path
from careerbot import ask
from careerbot.errors import CareerbotError
corpus, index = Path(sys.argv[1]), Path(sys.argv[2])
backup = (index / "units.faiss").read_bytes()
print(ask("What is the CMPE?", corpus=corpus, index=index).answered, flush=True)
with open(index / "units.faiss", "r+b") as f:  # a full disk cuts the file short, in place
    f.truncate(len(backup) // 3)
try:
    ask("What is the CMPE?", corpus=corpus, index=index)
except CareerbotError as exc:
    print("error:", exc, flush=True)
with open(index / "units.faiss", "r+b") as f:  # restored from the backup, in place
    f.write(backup)
print(ask("How much do medical practice managers make?", corpus=corpus, index=index).answered, flush=True)
"""


def test_index_files_replaced_in_place_while_loaded_never_kill_the_process(index_copy):
    """A vector file cut short under a loaded index gives a one-line message; restored, it answers again."""
    import os
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", SWAP_SCRIPT, str(CORPUS), str(index_copy)], capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0] == "True" and lines[-1] == "True"
    assert lines[1].startswith("error: ") and "careerbot index" in lines[1] and len(lines) == 3
    assert "Traceback" not in run.stderr


def _zephyr_corpus(small_corpus):
    (small_corpus / "zephyr.txt").write_text(NEW_GUIDE, encoding="utf-8")
    return small_corpus


def test_an_edit_that_keeps_size_and_mtime_is_still_noticed(small_corpus, tmp_path):
    """Another version copied in with `cp -p` (same size, same mtime) is answered from, not the indexed one."""
    import os

    corpus = _zephyr_corpus(small_corpus)
    question = "How much does a zephyr clinic coordinator earn?"
    before = ask(question, corpus=corpus, index=tmp_path / "index")
    assert "$71,234" in before.text
    guide = corpus / "zephyr.txt"
    st = guide.stat()
    other = tmp_path / "zephyr-v2.txt"
    other.write_text(NEW_GUIDE.replace("$71,234", "$98,765"), encoding="utf-8")
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, guide)  # what `cp -p` or `rsync -t` of another version leaves
    assert (guide.stat().st_size, guide.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    after = ask(question, corpus=corpus, index=tmp_path / "index")
    assert "$98,765" in after.text and "$71,234" not in after.text
    for c in after.citations:
        assert (corpus / c.source).read_text(encoding="utf-8")[c.start:c.end] == c.quote


def test_a_quote_no_longer_at_its_offsets_is_never_returned(small_corpus, tmp_path, monkeypatch):
    """With CAREERBOT_ON_STALE=warn the old index stays in use, but a quote the guide no longer holds at its
    offsets is refused with one line, never shown."""
    corpus = _zephyr_corpus(small_corpus)
    question = "How much does a zephyr clinic coordinator earn?"
    assert "$71,234" in ask(question, corpus=corpus, index=tmp_path / "index").text
    monkeypatch.setenv("CAREERBOT_ON_STALE", "warn")
    (corpus / "zephyr.txt").write_text("Changed\n\n" + NEW_GUIDE, encoding="utf-8")
    with pytest.raises(IndexError_, match="careerbot index"):
        ask(question, corpus=corpus, index=tmp_path / "index")


def test_an_index_built_by_an_older_careerbot_is_built_again_not_called_damaged(index_copy):
    """An index cut by an earlier version of the pipeline (fewer files, an older pipeline number) is rebuilt
    on the next question, as a stale one is."""
    m = json.loads((index_copy / "manifest.json").read_text())
    m["settings"]["pipeline"] -= 1
    del m["files"]["chunks.faiss"]  # a file an older version did not write
    (index_copy / "chunks.faiss").unlink()
    (index_copy / "manifest.json").write_text(json.dumps(m))
    a = ask("What is the CMPE?", corpus=CORPUS, index=index_copy)
    assert a.answered
    assert (index_copy / "chunks.faiss").is_file()

