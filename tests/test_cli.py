"""The `careerbot` command as a person or a script runs it."""
import json
import os
import subprocess
import sys

import pytest

from conftest import CORPUS


def run(*args, env_extra=None):
    env = dict(os.environ, HF_HUB_OFFLINE="1", **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "careerbot.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_ask_prints_answer_and_numbered_sources(index_dir):
    out = run("ask", "--corpus", str(CORPUS), "--index", str(index_dir), "What is the CMPE?")
    assert out.returncode == 0, out.stderr
    assert "[1]" in out.stdout and "CMPE" in out.stdout
    assert "Traceback" not in out.stderr and "Batches" not in out.stderr


def test_ask_json_prints_only_the_answer_json(index_dir):
    out = run("ask", "--json", "--corpus", str(CORPUS), "--index", str(index_dir), "How", "much", "do", "office", "managers", "make?")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["answered"] is True and data["citations"]
    assert out.stderr.strip() == ""


def test_bad_question_exits_2_with_one_line(index_dir):
    out = run("ask", "--corpus", str(CORPUS), "--index", str(index_dir), "   ")
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_index_builds_and_reports_in_one_line(small_corpus, tmp_path):
    out = run("index", "--corpus", str(small_corpus), "--index", str(tmp_path / "idx"))
    assert out.returncode == 0, out.stderr
    assert "indexed 1 guides" in out.stderr and (tmp_path / "idx" / "manifest.json").is_file()
    assert out.stdout == ""


def test_empty_corpus_exits_1_with_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    out = run("index", "--corpus", str(tmp_path / "empty"), "--index", str(tmp_path / "idx"))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "no readable" in out.stderr


def test_environment_variables_choose_the_folders(index_dir):
    out = run("ask", "--json", "cmpe?", env_extra={"CAREERBOT_CORPUS": str(CORPUS), "CAREERBOT_INDEX": str(index_dir)})
    assert out.returncode == 0 and json.loads(out.stdout)["answered"]


def test_usage_error_exits_2(index_dir):
    out = run("ask")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1


def test_a_terminal_that_cannot_show_pound_signs_still_gets_answers(index_dir):
    question = "how much do medical office managers make in the UK?"
    out = run("ask", "--json", "--corpus", str(CORPUS), "--index", str(index_dir), question,
              env_extra={"PYTHONIOENCODING": "ascii"})
    assert out.returncode == 0 and "Traceback" not in out.stderr
    assert "\\u00a3" in out.stdout and "£" in json.loads(out.stdout)["text"]  # escaped JSON, same answer
    out = run("ask", "--corpus", str(CORPUS), "--index", str(index_dir), question,
              env_extra={"PYTHONIOENCODING": "ascii"})
    assert out.returncode == 0 and "Traceback" not in out.stderr and "[1]" in out.stdout



def test_an_index_folder_that_cannot_be_written_gets_one_line_and_keeps_its_index(index_dir, small_corpus, tmp_path):
    """A read-only or immutable index folder: `careerbot index`, and an answer that would have to update the
    index, each say in one line what to do; the index there is left whole."""
    import shutil

    from careerbot import IndexError_, ask

    folder = tmp_path / "locked"
    folder.mkdir()
    shutil.copytree(index_dir, folder / "index")
    before = (folder / "index" / "manifest.json").read_text()
    if subprocess.run(["chattr", "+i", str(folder), str(folder / "index")], capture_output=True).returncode:
        pytest.skip("this file system cannot mark a folder immutable")
    try:
        out = run("index", "--corpus", str(small_corpus), "--index", str(folder / "index"))
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert out.stderr.strip().splitlines() == [out.stderr.strip()] and "cannot write the index" in out.stderr
        with pytest.raises(IndexError_, match="cannot write the index") as info:
            ask("What is the CMPE?", corpus=small_corpus, index=folder / "index")  # the guides differ: an update
        assert "\n" not in str(info.value)
    finally:
        subprocess.run(["chattr", "-i", str(folder), str(folder / "index")])
    assert (folder / "index" / "manifest.json").read_text() == before
