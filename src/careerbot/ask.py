"""`ask()`: careerbot's public entry point, from a question to a cited, verbatim answer."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
import os
import re
import threading
from pathlib import Path
from typing import Callable

from .answer import Answer, Citation
from .conversation import Turn
from .errors import IndexError_, QuestionError
from .intent import Question
from .loading import engine_for
from .settings import MAX_QUESTION_CHARS, resolve
from .terms import Reading


MARKUP = re.compile(r"<[^<>]{1,300}>")  # a tag pasted with a question: "<img ...> how much do they make?"


def clean_question(question: object) -> str:
    """The question as careerbot reads it: printable text, markup tags and repeated words dropped, spaces
    collapsed, and at most MAX_QUESTION_CHARS characters — those around its question when a long message
    tells a story around it."""
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, not {type(question).__name__}")
    text = "".join(ch for ch in question if ch.isprintable() or ch.isspace())
    stripped = MARKUP.sub(" ", text)
    text = stripped if stripped.strip() else text  # markup alone stays as typed
    text = " ".join(text.split())
    text = re.sub(r"\b(\w+)(?:\W+\1\b)+", r"\1", text, flags=re.IGNORECASE)  # "please please please"
    if not text:
        raise QuestionError("the question is empty: type a question about one of the careers in the guides")
    return _around_question(text)


def _around_question(text: str) -> str:
    """At most MAX_QUESTION_CHARS characters of a message: its questions when they fit, else the stretch
    that ends with its first question, never a cut before it."""
    if len(text) <= MAX_QUESTION_CHARS:
        return text
    asked = focus(text)
    if len(asked) <= MAX_QUESTION_CHARS:
        return asked
    end = text.find("?") + 1
    if end <= MAX_QUESTION_CHARS:
        return text[:MAX_QUESTION_CHARS]
    window = text[end - MAX_QUESTION_CHARS:end]
    return window[window.find(" ") + 1:] if " " in window[:40] else window


def _sources_for(engine, guides: list[str] | None) -> set[str] | None:
    if guides is None:
        return None
    if isinstance(guides, str):
        guides = [guides]
    if not isinstance(guides, (list, tuple)) or not all(isinstance(g, str) for g in guides):
        raise QuestionError("guides must be a list of guide titles or file names (strings)")
    wanted = {g.strip().lower() for g in guides if g and g.strip()}
    titles = engine.index.titles
    sources = {s for s, t in titles.items() if s.lower() in wanted or t.lower() in wanted}
    if not sources:
        known = "; ".join(f"{t} ({s})" for s, t in titles.items())
        raise QuestionError(f"no guide matches {sorted(wanted)}: choose among {known}")
    return sources


def turns_of(history: object, answer_of: Callable[[str, list[Turn]], Turn] | None = None) -> list[Turn]:
    """The earlier turns of a conversation, from question strings and Answers (oldest first). A question string
    is `answer_of(question, the turns before it)` when given (what careerbot answered it), else the question
    alone."""
    turns = []
    for turn in _history(history):
        if isinstance(turn, Answer):
            turns.append(turn_of(turn))
        elif turn.strip():
            text = clean_question(turn)
            turns.append(answer_of(text, turns) if answer_of else Turn(text))
    return turns


def _history(history: object) -> list[str | Answer]:
    """The turns of a conversation's history, or a QuestionError saying what it must be."""
    if history is None:
        return []
    if isinstance(history, (str, Answer)) or not isinstance(history, (list, tuple)):
        raise QuestionError("history must be a list of the earlier questions (strings or Answers), oldest first")
    for turn in history:
        if not isinstance(turn, (str, Answer)):
            raise QuestionError(f"each turn of history must be a question string or an Answer, not "
                                f"{type(turn).__name__}")
    return list(history)


def turn_of(answer: Answer) -> Turn:
    """An Answer as an earlier turn of a conversation: its question, and what it quoted from where."""
    answered = answer.answered and answer.citations
    return Turn(clean_question(answer.question), answer.text if answered else "",
                answer.citations[0].section if answered else "",
                tuple((c.source, c.start, c.end) for c in answer.citations) if answered else ())


# Earlier answers kept per loaded index: a conversation sent as question strings (the API's `history`) has
# each earlier question answered once, as it was when asked, and not again for every later message
REMEMBERED = 4096
_memory_lock = threading.Lock()


def remembered(engine, text: str, sources: set[str] | None, past: list[Turn], memory: dict | None = None) -> Turn:
    """The turn careerbot made of a cleaned question asked after `past`: from memory when it answered it
    before, else answered now. `memory` is the engine's own (`engine.answered`) unless another is given (the
    trainer keeps one per set of weights)."""
    memory = engine.answered if memory is None else memory
    key = _turn_key(text, sources, past)
    turn = memory.get(key)
    if turn is None:
        turn = remember(memory, key, answer_with(engine, text, sources, past)[0])
    return turn


def remember(memory: dict, key: tuple, answer: Answer) -> Turn:
    """Keep what an answer makes of its turn, for the later messages of its conversation."""
    turn = turn_of(answer)
    with _memory_lock:  # the app answers several people at once
        while len(memory) >= REMEMBERED:
            memory.pop(next(iter(memory)))  # the oldest first
        memory[key] = turn
    return turn


def _turn_key(text: str, sources: set[str] | None, past: list[Turn]) -> tuple:
    return text, frozenset(sources) if sources else None, tuple(past)


def ask(question: str, *, history: list[str | Answer] | None = None, guides: list[str] | None = None,
        corpus: str | os.PathLike | None = None, index: str | os.PathLike | None = None) -> Answer:
    """Answer a question about these careers with sentences quoted from the guides, each cited.

    `history` is the conversation so far, oldest first (question strings or earlier Answers): a follow-up
    such as "and plumbers?" or "what do they earn?" is read with what it leaves out taken from it, and
    `Answer.carried` names what was taken. `guides` limits the answer to the named guides (titles or
    corpus-relative paths). The corpus and index folders are the arguments, else CAREERBOT_CORPUS /
    CAREERBOT_INDEX, else the project's corpus/ and index/.
    The index is built when missing and updated when the guides changed.

    >>> from careerbot import ask
    >>> a = ask("How much do welders make?")                  # with a guide about welders in corpus/
    >>> a.answered, a.citations[0].source                      # doctest: +SKIP
    (True, 'welder.md')

    Raises QuestionError (a ValueError) for an empty question, and CareerbotError subclasses with a
    one-line remedy for a missing corpus or a damaged index.
    """
    text = clean_question(question)
    _history(history)  # a malformed history is refused before any index is loaded
    settings = resolve(corpus, index)
    answer = _answer(engine_for(settings), text, guides, history)
    if not quotes_hold(answer, settings.corpus):  # the index in use is older than the guides (being rebuilt)
        answer = _answer(engine_for(settings, changed=True), text, guides, history)
        if not quotes_hold(answer, settings.corpus):
            raise IndexError_(f"the guides in {settings.corpus} changed while answering: ask again")
    return answer


def _answer(engine, text: str, guides, history) -> Answer:
    """The Answer to a cleaned question on a loaded engine, its earlier question strings answered as they
    were when asked (so "who offers it?" is read beside what the last answer quoted), and remembered."""
    sources = _sources_for(engine, guides)
    turns = turns_of(history, lambda question, past: remembered(engine, question, sources, past))
    answer = answer_with(engine, text, sources, turns)[0]
    remember(engine.answered, _turn_key(text, sources, turns), answer)
    return answer


def quotes_hold(answer: Answer, corpus: Path) -> bool:
    """Whether every quote of an answer is, as of now, the text of its guide at its citation's offsets."""
    from .corpus import current_text

    for c in answer.citations:
        text = current_text(corpus, c.source)
        if text is None or text[c.start:c.end] != c.quote:
            return False
    return True


def focus(text: str) -> str:
    """The part of a message that asks: its questions, when it also tells a story around them ("I'm about
    to take my first job as a manager... What kind of salary do entry-level managers get?")."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    if not any(s.endswith("?") for s in sentences):
        return text
    asked = [not s.endswith((".", "!")) for s in sentences]  # questions and trailing fragments
    # a question that points back ("Who issues that one?") keeps the sentence it points to
    kept = [a or (i + 1 < len(sentences) and asked[i + 1] and POINTS_BACK.search(sentences[i + 1]) is not None)
            for i, a in enumerate(asked)]
    return " ".join(s for s, k in zip(sentences, kept) if k)


# Words by which a question points back at the sentence before it: general English, no career's
POINTS_BACK = re.compile(r"\b(?:it|its|they|them|their|this|that|these|those)\b", re.I)


@dataclass
class Search:
    """How a message was read and searched: its question, the reading behind it, the story around it (when
    only its question was searched), the ranked candidates, what was taken from earlier turns, and the
    message's own words as read."""

    question: Question
    reading: Reading
    story: Question | None
    ranked: list
    carried: list[str]
    own: str = ""  # the message's own words as read, when it has a history


def search(engine, text: str, sources: set[str] | None = None, history: list[Turn] | None = None) -> Search:
    """Read a cleaned message with the earlier turns of its conversation, and find its candidate units."""
    from .conversation import about_last_answer, read_in_context, spelled_out
    from .intent import read_question
    from .lexical import tokenize
    from .locality import LastAnswer, quoted_units
    from .retrieve import candidates, named_guides, stop_stems

    searched, carried, last, own_reading = text, [], None, ""
    own = focus(text)
    if history:
        # an earlier role is not carried into a message that names a guide by its title's words ("how much does
        # a milling machine for a dental lab cost?" after park rangers), nor when the guides were chosen
        own_reading = engine.reader.read(spelled_out(own, engine.lexicon)).text
        carry = sources is None and not named_guides(engine, read_question(own_reading, engine.credentials))
        searched, carried = read_in_context(own, history, engine.lexicon, carry_role=carry, whole=text)
    asked = focus(searched)
    reading = engine.reader.read(spelled_out(asked, engine.lexicon))
    q = read_question(reading.text, engine.credentials)
    story = None
    if asked != searched:  # a story around the question: the role it names may be the one meant
        story = _read(engine, searched)
    if carried and history[-1].quoted and about_last_answer(own, engine.lexicon):
        # "who offers it?": weighed by how near each unit is to what was just quoted, and by its own words
        last = LastAnswer(quoted_units(engine, history[-1].quoted), frozenset(tokenize([own])[0]) - stop_stems())
    qvec = engine.encode([reading.text])[0]
    ranked = candidates(engine, q, qvec, sources, reading.places, last)
    return Search(q, reading, story, ranked, carried, own_reading)


def _read(engine, text: str) -> Question:
    """A message as a question, its words read against the corpus and its roles spelled out."""
    from .conversation import spelled_out
    from .intent import read_question

    return read_question(engine.reader.read(spelled_out(text, engine.lexicon)).text, engine.credentials)


def answer_with(engine, text: str, sources: set[str] | None = None, history: list[Turn] | None = None):
    """The Answer to a cleaned question from a loaded engine, and the ranked candidates behind it;
    `history` holds the earlier turns of its conversation."""
    from .conversation import own_words
    from .extract import choose, misses_own_words
    from .ranking import decline_threshold

    found = search(engine, text, sources, history)
    carried, ranked = found.carried, found.ranked
    decision = choose(engine, found.question, ranked, found.reading, story=found.story, own=found.own)
    if carried and decision.chosen:
        if misses_own_words(engine, decision.chosen, own_words(found.own, engine.lexicon)):
            # the answer would speak of the earlier turn only, not of what this message adds
            decision = dataclasses.replace(decision, chosen=[], quotes=[], reason="not covered",
                                           confidence=min(decision.confidence, decline_threshold() / 2))
    answer = _compose(engine, text, decision, ranked)
    return (dataclasses.replace(answer, carried=carried) if carried else answer), ranked


def _compose(engine, text: str, decision, ranked) -> Answer:
    if not decision.chosen:
        suggestions = [] if decision.reason == "health" else related_questions(engine, ranked)
        return Answer(question=text, text=_decline_text(engine, decision, suggestions), answered=False,
                      citations=[], score=round(decision.confidence, 4), suggestions=suggestions)
    citations = []
    lines = []
    answered_sections = {engine.index.units[q.unit].section for q in decision.quotes}
    for n, q in enumerate(decision.quotes, 1):
        u = engine.index.units[q.unit]
        citations.append(Citation(title=engine.index.titles.get(u.source, u.source), source=u.source,
                                  section=u.section, quote=q.text, start=q.start, end=q.end,
                                  score=round(min(1.0, max(0.0, q.score)), 4)))
        lines.append(f"{' '.join(q.text.split())} [{n}]")
    return Answer(question=text, text="\n".join(lines), answered=True, citations=citations,
                  score=round(decision.confidence, 4),
                  suggestions=related_questions(engine, ranked, answered_sections | {text}))


MAX_SUGGESTIONS = 3
# what numbers a heading's question: "7.11 ", "Q: ", "3) " (not a year: "2025 salary outlook?")
HEADING_NUMBER = re.compile(r"^\s*(?:Q\d*\s*[:.)]|\d{1,2}(?:\.\d{1,2})*[.):]?)\s+")
NOT_COVERED = "The guides do not cover that question."


def related_questions(engine, ranked, exclude: set[str] = frozenset()) -> list[str]:
    """Questions the guides answer near the asked one: the FAQ headings above the best candidates (without
    their numbers: "7.11 Is This Career for You?" -> "Is This Career for You?"), but not those in `exclude`
    (the question just asked, the headings its answer was quoted from)."""
    found: list[str] = []
    seen = {" ".join(e.lower().split()) for e in exclude}
    for c in ranked:
        section = engine.index.units[c.unit].section
        key = " ".join(section.lower().split())
        asked = HEADING_NUMBER.sub("", section)
        if section.endswith("?") and key not in seen and asked not in found and c.unit not in engine.chrome:
            found.append(asked)
            if len(found) == MAX_SUGGESTIONS:
                break
    return found


def _decline_text(engine, decision, suggestions: list[str]) -> str:
    cover = engine.coverage
    if decision.reason == "health":
        return (f"careerbot answers questions about careers ({cover.role_names()}), not personal health questions: "
                "please ask a doctor or another clinician about that.")
    text = NOT_COVERED
    if suggestions:
        text += " They do answer questions such as: " + " ".join(f"\u201c{q}\u201d" for q in suggestions)
    else:
        text += f" They cover {cover.topic_names()} for {cover.role_names()}."
    return text
