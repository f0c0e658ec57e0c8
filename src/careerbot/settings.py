"""Where careerbot's corpus and index live, and the knobs of its pipeline, as one frozen dataclass."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _project_root() -> Path:
    """The checkout careerbot runs from (editable install), else the working directory."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else Path.cwd()


PROJECT_ROOT = _project_root()

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MAX_QUESTION_CHARS = 500  # longer questions are cut to this many characters (documented in README)


@dataclass(frozen=True)
class Settings:
    """Paths and tunables for one corpus/index pair."""

    corpus: Path
    index: Path
    chunk_size: int = 700
    chunk_overlap: int = 0


def resolve(corpus: str | os.PathLike | None = None, index: str | os.PathLike | None = None) -> Settings:
    """Settings from explicit paths, else CAREERBOT_CORPUS / CAREERBOT_INDEX, else the project's folders."""
    corpus_dir = corpus or os.environ.get("CAREERBOT_CORPUS") or PROJECT_ROOT / "corpus"
    index_dir = index or os.environ.get("CAREERBOT_INDEX") or PROJECT_ROOT / "index"
    return Settings(corpus=Path(corpus_dir).resolve(), index=Path(index_dir).resolve())
