"""Cut each guide into retrieval chunks under its headings, and the answer units inside each chunk."""
from __future__ import annotations

from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from .corpus import Document
from .structure import Unit, analyse


@dataclass(frozen=True)
class Chunk:
    """A passage of one document under one heading; `text == document.text[start:end]`."""

    source: str
    section: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Piece:
    """An answer unit placed in its document and chunk (`chunk` indexes the build's chunk list)."""

    source: str
    chunk: int
    unit: Unit


def splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    """The splitter that sizes chunks: paragraphs first, then lines, then sentences."""
    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True,
        separators=["\n\n", "\n", ". ", " ", ""], keep_separator="end", strip_whitespace=True,
    )


def chunk_document(doc: Document, chunk_size: int, chunk_overlap: int = 0) -> tuple[list[Chunk], list[Unit]]:
    """The document's chunks (each within one section) and its answer units, in document order."""
    sections, units = analyse(doc.text)
    split = splitter(chunk_size, chunk_overlap)
    chunks: list[Chunk] = []
    for section in sections:
        body = doc.text[section.start:section.end]
        for piece in split.create_documents([body]):
            start = section.start + piece.metadata["start_index"]
            text = piece.page_content
            chunks.append(Chunk(doc.source, section.heading, start, start + len(text), text))
    return chunks, units


def chunk_corpus(docs: list[Document], chunk_size: int, chunk_overlap: int = 0) -> tuple[list[Chunk], list[Piece]]:
    """All chunks of all documents, and every answer unit tied to the chunk that holds its start."""
    chunks: list[Chunk] = []
    pieces: list[Piece] = []
    for doc in docs:
        doc_chunks, units = chunk_document(doc, chunk_size, chunk_overlap)
        first = len(chunks)
        chunks.extend(doc_chunks)
        k = first
        for unit in units:
            while k + 1 < len(chunks) and chunks[k + 1].start <= unit.start:
                k += 1
            pieces.append(Piece(doc.source, k, unit))
    return chunks, pieces
