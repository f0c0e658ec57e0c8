"""Turn saved web pages and PDFs in the corpus into text guides that citations can point into.

A citation's offsets must index the text of the file it names, and an HTML or PDF file's own bytes are not
that text. So each `.html`, `.htm` or `.pdf` guide gets a companion text file under `corpus/.careerbot-text/`
(title on the first line, a page's headings as `#` lines, one paragraph or list item per line); that file is what is
indexed and cited, and anyone can open it to check a quote. Companions follow their originals: rewritten when
the original changes, deleted when it goes.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import CorpusError

CONVERTED_SUFFIXES = (".html", ".htm", ".pdf")
TEXT_FOLDER = ".careerbot-text"
DROPPED_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg",
                "iframe", "button", "select")
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCKS = ("p", "li", "dt", "dd", "blockquote", "pre", "td", "th", "caption", "figcaption", "div", "section",
          "article", "main", "tr")


def companion_of(corpus: Path, original: Path) -> Path:
    """Where the extracted text of `original` is kept."""
    return corpus / TEXT_FOLDER / (original.relative_to(corpus).as_posix() + ".txt")


def html_to_text(html: str, fallback_title: str) -> str:
    """The readable text of a web page: its title, then headings and blocks in order, navigation and
    scripts dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(DROPPED_TAGS):
        tag.decompose()
    title = _clean(soup.title.get_text()) if soup.title else ""
    body = soup.find("main") or soup.find("article") or soup.body or soup
    lines: list[str] = []
    for element in body.find_all([*HEADINGS, *BLOCKS]):
        if element.find([*HEADINGS, *BLOCKS]):  # a container: its blocks come on their own
            continue
        text = _clean(element.get_text(" "))
        if not text:
            continue
        if element.name in HEADINGS:
            title = title or text
            lines.append("#" * HEADINGS[element.name] + " " + text)
        elif element.name == "li":
            lines.append("- " + text)
        else:
            lines.append(text)
    title = title or fallback_title
    if lines and lines[0].lstrip("# ") == title:
        lines = lines[1:]
    return "\n".join(["# " + title, "", *lines]) + "\n"


def pdf_to_text(path: Path, fallback_title: str) -> str:
    """The text of a PDF, page by page, under the title its metadata gives (else its file name)."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes ("incorrect startxref") are not ours
    try:
        reader = PdfReader(str(path))
        title = _clean(str((reader.metadata or {}).get("/Title") or ""))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CorpusError(f"{path.name}: not a readable PDF ({type(exc).__name__})") from None
    paragraphs = [_clean(line) for page in pages for line in page.splitlines()]
    text = "\n".join(p for p in paragraphs if p)
    if not text.strip():
        raise CorpusError(f"{path.name}: a PDF with no text layer (scanned pages are not read)")
    return f"{title or fallback_title}\n\n{text}\n"


def convert(original: Path) -> str:
    """The text of one `.html`, `.htm` or `.pdf` file; CorpusError when it cannot be read."""
    fallback = original.stem.replace("-", " ").replace("_", " ")
    if original.suffix.lower() == ".pdf":
        return pdf_to_text(original, fallback)
    try:
        raw = original.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raw = original.read_bytes().decode("cp1252", errors="replace")  # older saved pages; bs4 keeps the text
    return html_to_text(raw, fallback)


def sync_companions(corpus: Path, originals: list[Path]) -> dict[str, str]:
    """Write or refresh the companion text of each original, delete orphaned companions, and return the
    originals that could not be converted with the reason."""
    failed: dict[str, str] = {}
    wanted = set()
    for original in originals:
        source = original.relative_to(corpus).as_posix()
        target = companion_of(corpus, original)
        wanted.add(target)
        stat = original.stat()
        done = target.stat() if target.is_file() else None
        if done and done.st_mtime_ns == stat.st_mtime_ns and done.st_ctime_ns >= stat.st_ctime_ns:
            continue  # converted from this very version (one copied in with its old mtime has a newer ctime)
        try:
            text = convert(original)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.utime(tmp, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            os.replace(tmp, target)
        except CorpusError as exc:
            failed[source] = str(exc).split(": ", 1)[-1]
            target.unlink(missing_ok=True)
        except OSError as exc:
            failed[source] = f"cannot write its text to {TEXT_FOLDER}/ ({exc.strerror or exc})"
    folder = corpus / TEXT_FOLDER
    if folder.is_dir():
        for stale in folder.rglob("*.txt"):
            if stale not in wanted:
                stale.unlink(missing_ok=True)
    return failed


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
