"""Read the guides in a corpus folder: their text exactly as on disk, a title and a content hash each."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError

SUFFIXES = (".txt", ".md")
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    """One guide: `source` is its path relative to the corpus folder, with `/` separators."""

    source: str
    title: str
    text: str
    sha256: str


@dataclass(frozen=True)
class Skipped:
    """A file in the corpus that was not indexed, and why."""

    source: str
    reason: str


def title_of(text: str, path: Path) -> str:
    """The document's title: its first non-empty line (without Markdown `#`), else the file name."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return path.stem.replace("-", " ").replace("_", " ")


def corpus_files(corpus: Path) -> list[Path]:
    """The guide files under `corpus`, sorted, that careerbot knows how to read."""
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder {corpus} does not exist: create it and put .txt or .md guides in it")
    return sorted(p for p in corpus.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(corpus).parts))


def read_document(path: Path, corpus: Path) -> Document:
    """Read one guide; raise CorpusError with the reason when it cannot be indexed."""
    source = path.relative_to(corpus).as_posix()
    if not path.resolve().is_relative_to(corpus.resolve()):
        raise CorpusError(f"{source}: a link to a file outside the corpus folder (copy the file in instead)")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CorpusError(f"{source}: larger than {MAX_FILE_BYTES // 2**20} MiB")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"{source}: not UTF-8 text (save it as UTF-8)") from None
    if not text.strip():
        raise CorpusError(f"{source}: empty")
    return Document(source=source, title=title_of(text, path), text=text, sha256=hashlib.sha256(data).hexdigest())


def load_corpus(corpus: Path) -> tuple[list[Document], list[Skipped]]:
    """All readable guides in `corpus`, and the files skipped with their reasons.

    Raises CorpusError when no guide at all can be read.
    """
    docs: list[Document] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for path in corpus_files(corpus):
        source = path.relative_to(corpus).as_posix()
        try:
            doc = read_document(path, corpus)
        except (CorpusError, OSError) as exc:
            skipped.append(Skipped(source, str(exc).split(": ", 1)[-1]))
            continue
        if doc.sha256 in seen:
            skipped.append(Skipped(source, f"the same text as {seen[doc.sha256]}"))
            continue
        seen[doc.sha256] = source
        docs.append(doc)
    if not docs:
        raise CorpusError(f"no readable .txt or .md guide in {corpus}: add guides, then run `careerbot index`")
    return docs, skipped
