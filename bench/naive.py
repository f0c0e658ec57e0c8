"""The naive baseline: 1000-character recursive chunks, MiniLM vectors, FAISS, answer = the top-1 chunk."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from careerbot.answer import Answer, Citation
from careerbot.ask import clean_question
from careerbot.corpus import load_corpus
from careerbot.embedding import encode

CHUNK_SIZE = 1000


@dataclass(frozen=True)
class NaiveChunk:
    """A chunk of one guide; `text == guide_text[start:end]` when the splitter kept it verbatim."""

    source: str
    title: str
    start: int
    end: int
    text: str


def first_line(text: str) -> str:
    """A guide's title for the baseline's citations: its first non-empty line."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def split_corpus(corpus: Path) -> list[NaiveChunk]:
    """Every readable guide cut by a stock RecursiveCharacterTextSplitter(1000, overlap 0, with start index)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=0, add_start_index=True)
    docs, _skipped = load_corpus(corpus)
    chunks = []
    for doc in docs:
        title = first_line(doc.text)
        for piece in splitter.create_documents([doc.text]):
            start = int(piece.metadata["start_index"])
            chunks.append(NaiveChunk(doc.source, title, start, start + len(piece.page_content), piece.page_content))
    return chunks


class NaiveBaseline:
    """Chunks of the corpus in a flat inner-product FAISS index; always answers with the best chunk."""

    def __init__(self, corpus: Path):
        import faiss

        self.chunks = split_corpus(corpus)
        vectors = encode([c.text for c in self.chunks])
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(vectors)

    def ranked(self, qvec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Similarities and chunk ids of every chunk, best first."""
        scores, ids = self.index.search(qvec.reshape(1, -1).astype(np.float32), self.index.ntotal)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def answerer(self, vector_of):
        """An `evaluate` answer function; `vector_of(question)` gives the question's embedding."""

        def answer(question: str) -> tuple[Answer, list[str]]:
            scores, ids = self.ranked(vector_of(question))
            top = self.chunks[int(ids[0])]
            cite = Citation(title=top.title, source=top.source, section="", quote=top.text, start=top.start,
                            end=top.end, score=round(min(1.0, max(0.0, float(scores[0]))), 4))
            guides = list(dict.fromkeys(self.chunks[int(i)].source for i in ids))
            return Answer(question=clean_question(question), text=top.text, answered=True, citations=[cite],
                          score=cite.score), guides

        return answer
