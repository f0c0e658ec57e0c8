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
BACKENDS = ("faiss", "milvus")  # where a question's vectors are searched (milvus_backend.py)
MAX_QUESTION_CHARS = 500  # longer questions are cut to this many characters (documented in README)


@dataclass(frozen=True)
class Settings:
    """Paths and tunables for one corpus/index pair."""

    corpus: Path
    index: Path
    chunk_size: int = 700
    chunk_overlap: int = 0
    backend: str = "faiss"  # where vectors are searched: the index folder's FAISS files, or Milvus
    milvus_uri: str = ""  # a Milvus server ("http://host:19530"), or a milvus-lite file; "" for one beside the index


def resolve(corpus: str | os.PathLike | None = None, index: str | os.PathLike | None = None) -> Settings:
    """Settings from explicit paths, else CAREERBOT_CORPUS / CAREERBOT_INDEX, else the project's folders; the
    search backend from CAREERBOT_BACKEND (faiss, the default, or milvus) and CAREERBOT_MILVUS_URI."""
    corpus_dir = corpus or os.environ.get("CAREERBOT_CORPUS") or PROJECT_ROOT / "corpus"
    index_dir = index or os.environ.get("CAREERBOT_INDEX") or PROJECT_ROOT / "index"
    backend = os.environ.get("CAREERBOT_BACKEND", "faiss").lower()
    if backend not in BACKENDS:
        from .errors import CareerbotError

        raise CareerbotError(f"CAREERBOT_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    return Settings(corpus=Path(corpus_dir).resolve(), index=Path(index_dir).resolve(),
                    backend=backend,
                    milvus_uri=os.environ.get("CAREERBOT_MILVUS_URI", ""))
