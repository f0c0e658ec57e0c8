"""Read the guides in a corpus folder: their text exactly as on disk, a title and a content hash each.

Text and Markdown guides are read as they are; web pages and PDFs through their extracted text (convert.py).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .convert import CONVERTED_SUFFIXES, companion_of, sync_companions
from .errors import CorpusError

TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = TEXT_SUFFIXES + CONVERTED_SUFFIXES
MAX_FILE_BYTES = 20 * 1024 * 1024



def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

@dataclass(frozen=True)
class Document:
    """One guide: `source` is the path, relative to the corpus folder with `/` separators, of the text file
    that is indexed and cited; `origin` is the web page or PDF it was extracted from, or "" for a text guide."""

    source: str
    title: str
    text: str
    sha256: str
    origin: str = ""

    @property
    def file(self) -> str:
        """The file in the corpus folder that this guide is: the original, for an extracted one."""
        return self.origin or self.source


@dataclass(frozen=True)
class Skipped:
    """A file in the corpus that was not indexed, and why."""

    source: str
    reason: str


def title_of(text: str, path: Path) -> str:
    """The document's title: its first non-empty line (without Markdown `#`), else the file name."""
    for line in text.splitlines():
        line = line.strip("\ufeff \t\r\n\f\v").lstrip("#").strip()  # a byte-order mark is not part of it
        if line:
            return line[:200]
    return path.stem.replace("-", " ").replace("_", " ")


def corpus_files(corpus: Path) -> list[Path]:
    """The guide files under `corpus`, sorted, that careerbot knows how to read (hidden files and folders,
    such as the extracted texts', left out)."""
    return [corpus / source for source in file_stats(corpus)]


class FileStat(NamedTuple):
    """What tells a guide file from the one indexed without reading it. A copy that keeps size and mtime
    (`cp -p`, `rsync -t`) still gets a new ctime, and a replaced file a new inode."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> "FileStat":
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def file_stats(corpus: Path) -> dict[str, FileStat]:
    """The FileStat of each guide file under `corpus`, by source, sorted: what tells a changed corpus from
    the one indexed, read with one directory scan (it runs before every answer)."""
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder {corpus} does not exist: create it and put guides in it "
                          "(.txt, .md, .html or .pdf)")
    found: dict[str, FileStat] = {}

    def scan(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path, f"{prefix}{entry.name}/")
                elif entry.name.lower().endswith(SUFFIXES) and entry.is_file():
                    st = entry.stat()
                    found[prefix + entry.name] = FileStat.of(st)

    scan(str(corpus), "")
    return dict(sorted(found.items()))


@lru_cache(maxsize=16)
def _read_text(path: Path, identity: FileStat) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def current_text(corpus: Path, source: str) -> str | None:
    """A guide's text as it is on disk now (read again only when its file changed), or None when it cannot
    be read: what a citation's offsets must point into."""
    path = Path(corpus, source)
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _read_text(path, FileStat.of(st))


def check_file(path: Path, corpus: Path) -> None:
    """Raise CorpusError when a file must not be read at all: outside the corpus, or too large."""
    source = path.relative_to(corpus).as_posix()
    if not path.resolve().is_relative_to(corpus.resolve()):
        raise CorpusError(f"{source}: a link to a file outside the corpus folder (copy the file in instead)")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CorpusError(f"{source}: larger than the {MAX_FILE_BYTES // 2**20} MiB limit (split it into several guides)")


def read_document(path: Path, corpus: Path) -> Document:
    """Read one text guide; raise CorpusError with the reason when it cannot be indexed."""
    source = path.relative_to(corpus).as_posix()
    check_file(path, corpus)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"{source}: not UTF-8 text (save it as UTF-8)") from None
    if not text.strip():
        raise CorpusError(f"{source}: empty")
    return Document(source=source, title=title_of(text, path), text=text, sha256=hashlib.sha256(data).hexdigest())


def load_corpus(corpus: Path, keep: frozenset[str] = frozenset()) -> tuple[list[Document], list[Skipped]]:
    """All readable guides in `corpus`, and the files skipped with their reasons. Of two files with the same
    text, the one named in `keep` (the guides already indexed) stays and the other is skipped; else the
    first by name.

    Raises CorpusError when no guide at all can be read.
    """
    read: list[Document] = []
    skipped: list[Skipped] = []
    files = corpus_files(corpus)
    refused: dict[str, str] = {}
    originals = []
    for path in files:
        if path.suffix.lower() in CONVERTED_SUFFIXES:
            try:
                check_file(path, corpus)
                originals.append(path)
            except (CorpusError, OSError) as exc:
                refused[path.relative_to(corpus).as_posix()] = str(exc).split(": ", 1)[-1]
    refused.update(sync_companions(corpus, originals))
    for path in files:
        source = path.relative_to(corpus).as_posix()
        if source in refused:
            skipped.append(Skipped(source, refused[source]))
            continue
        try:
            if path.suffix.lower() in CONVERTED_SUFFIXES:
                doc = read_document(companion_of(corpus, path), corpus)
                doc = Document(doc.source, doc.title, doc.text, doc.sha256, origin=source)
            else:
                doc = read_document(path, corpus)
        except (CorpusError, OSError) as exc:
            skipped.append(Skipped(source, str(exc).split(": ", 1)[-1]))
            continue
        read.append(doc)
    keeper: dict[str, Document] = {}
    for doc in read:  # a guide already indexed keeps its name; a newcomer with the same text is skipped
        if doc.sha256 not in keeper or (doc.source in keep and keeper[doc.sha256].source not in keep):
            keeper[doc.sha256] = doc
    docs = [d for d in read if keeper[d.sha256] is d]
    skipped += [Skipped(d.file, f"the same text as {keeper[d.sha256].file}") for d in read if keeper[d.sha256] is not d]
    if not docs:
        raise CorpusError(f"no readable guide in {corpus}: add .txt, .md, .html or .pdf guides, then run "
                          "`careerbot index`")
    return docs, skipped
