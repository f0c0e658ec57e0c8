"""Shared fixtures: one real index of the project's corpus per test session, built with the real model."""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session", autouse=True)
def encoder_cache(tmp_path_factory) -> Path:
    """The suite keeps its checked ONNX exports in a folder of its own, never in the user's cache."""
    path = tmp_path_factory.mktemp("encoder-cache")
    os.environ["CAREERBOT_CACHE"] = str(path)
    return path


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """A fresh index of corpus/ (never the project's own index/), built once per session."""
    from careerbot.index import build
    from careerbot.settings import resolve

    path = tmp_path_factory.mktemp("shared") / "index"
    build(resolve(CORPUS, path), progress=False)
    return path


@pytest.fixture(scope="session")
def engine(index_dir):
    """The loaded engine for the shared index."""
    from careerbot.loading import engine_for
    from careerbot.settings import resolve

    return engine_for(resolve(CORPUS, index_dir))


@pytest.fixture(scope="session")
def ask_shared(index_dir):
    """`ask()` bound to the project's corpus and the shared index."""
    from careerbot import ask

    return lambda question, **kw: ask(question, corpus=CORPUS, index=index_dir, **kw)


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    """A private copy of the corpus that a test may change."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


@pytest.fixture()
def small_corpus(tmp_path) -> Path:
    """A corpus of the shortest guide alone, for tests that build an index of their own."""
    dst = tmp_path / "small-corpus"
    dst.mkdir()
    shutil.copy2(CORPUS / "how-to-become-a-medical-practice-manager-2025.txt", dst)
    return dst


@pytest.fixture()
def index_copy(tmp_path, index_dir) -> Path:
    """A private copy of the shared index that a test may damage."""
    dst = tmp_path / "index"
    shutil.copytree(index_dir, dst)
    return dst


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def corpus_text(source: str, corpus: Path = CORPUS) -> str:
    return (corpus / source).read_text(encoding="utf-8")
