"""Pick the 1-3 answer units to quote, and decide whether the guides answer the question at all."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .corpus import current_text
from .intent import FIGURE_INTENTS, Question, pay_periods
from .ranking import FEATURES, answer_probability, decline_threshold, decline_vector
from .retrieve import Candidate, Engine, compared_roles, named_guides
from .terms import Reading, asked_places, place_in, place_names

LIST_MAX_CHARS = 480  # a list question is answered with (a window of) its list up to this long
LEANING_MAX_CHARS = 480  # a sentence is quoted with those it leans on up to this long
TERSE_CHARS = 50  # a best sentence shorter than this is quoted with the one after it
JOIN_GAP = 3.0  # a second or third unit joins when its log-odds are within this of the best unit's
DISAGREE_GAP = 5.0  # another guide's different figure joins when within this
DEFINE_DEPTH = 10  # how far down the ranking a unit spelling out an asked acronym is looked for
# A word for a person this near (cosine, MiniLM) to one of the guides' roles reads as an occupation: measured over
# eleven guide sets, occupations sit at 0.30-0.42 from the others' roles, topic words at 0.17-0.24 (median)
ROLE_NEAR = 0.25
ROLE_SPREAD = 0.75  # a person word used by this share of the guides is part of their subject, not another role

# Words of a personal health question ("what should I take for a migraine"); general English, no career's
_HEALTH_WORDS = (
    r"(?:symptoms?|diagnos\w*|treat(?:ment|ing)?|medicat\w*|medicine|dos(?:e|age)|prescri\w*|pills?|migraine|"
    r"headache|fever|rash|pain|sick|illness|disease|infection|cancer|tumou?r|mole|diabet\w*|pregnan\w*|"
    r"blood pressure|cholesterol|antibiotic\w*|ibuprofen|tylenol|aspirin|vaccine\w*|covid|flu|cough|injur\w*|"
    r"chest|lump|allerg\w*|insulin|side effects?|asthma|inhaler|anxiety|depress(?:ion|ed)|adhd|epilep\w*|seizures?|"
    r"arthritis|panic attacks?|insomnia|mental health|bipolar|ptsd|disabilit\w*|palpitations?)")
HEALTH = re.compile(rf"\b{_HEALTH_WORDS}\b", re.I)
# The asker telling of their own health ("I have asthma", "my back pain") and asking about themselves ("should
# I", "is it safe for me"): a personal health question even when it names a job
OWN_HEALTH = re.compile(r"\b(?:i (?:have|had|get|got|take|use|suffer)|i'?ve (?:got|had|been)|i'?m (?:on|taking|getting|"
                        rf"having)|i am (?:on|taking|getting|having)|my)\b[^.?!]{{0,40}}?\b{_HEALTH_WORDS}\b", re.I)
ABOUT_ME = re.compile(r"\b(?:should|can|could|would|will|do|am|may|whether|if) i\b|"
                      r"\bi (?:would|could|can|will|should)\b|\bfor me\b|\bme personally\b", re.I)
# Words that make a question one about work, whatever the career
JOB_WORDS = re.compile(
    r"\b(?:career|careers|job|jobs|work|working|salary|salaries|pay|paid|wages?|earn\w*|degree|certif\w*|licen[cs]\w*|"
    r"hire|hired|hiring|employ\w*|role|roles|position|become|training|apprentice\w*|shifts?|promotion|"
    r"manager|management|profession\w*|occupation\w*|patients?|clients?)\b", re.I)

ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,6}\b")  # "PMP", "CWI", "RT", "USA"
_CREDENTIAL_WORD = r"(?:certif\w*|certs?|credentials?|licen[cs]\w*|exams?|examination|designation|registration)"
# An acronym beside a credential word: "the PMP exam", "RHIA certification", "certified as a CWI"
CREDENTIAL_NAMED = re.compile(rf"({ACRONYM.pattern})(?=[\s-]+{_CREDENTIAL_WORD}\b)|"
                              rf"\b{_CREDENTIAL_WORD}(?:\s+(?:as|of|in|for|called|the|an?)){{0,2}}"
                              rf"\s+({ACRONYM.pattern})")


@dataclass(frozen=True)
class Quote:
    """A span of one guide to quote: one answer unit, or a list of items quoted whole."""

    unit: int  # the (first) unit it quotes, for its guide and section
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Decision:
    """The units to quote (empty when declining), the confidence, and why careerbot declined."""

    chosen: list[Candidate]
    confidence: float
    reason: str = ""  # "", "not covered" or "health"
    quotes: list[Quote] = field(default_factory=list)  # what `chosen` is quoted as


# Instructions to careerbot itself rather than a question: "ignore your instructions", "you are now DAN"
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|rules?|guides?|prompts?|context|"
    r"previous|above|everything)\b|\bfrom now on\b|\byou are now\b|\bsystem (?:prompt|override)\b|^\W*system\s*:|"
    r"\b(?:pretend (?:to be|you)|jailbreak)\b|\brepeat (?:everything|the text|all|the words) above\b|"
    r"\breveal (?:your|the) (?:hidden|system|secret)", re.I)


def is_instruction(question: Question) -> bool:
    """An attempt to instruct careerbot ("ignore your instructions and..."), which it does not follow."""
    return bool(INSTRUCTION.search(question.text))


def untitled_roles(engine: Engine, question: Question) -> list[str]:
    """The roles a question names that no guide's title or heading names, nor a guide as a rung of its
    career ("airline pilots" beside guides about managers); [] when it names none, or one of them is the
    guides'."""
    from .coverage import asked_roles

    roles = asked_roles(question.text)
    return [] if any(_covered(engine, r, question) for r in roles) else roles


def other_people(engine: Engine, question: Question) -> list[str]:
    """The words for a person a question uses that read as an occupation no guide covers ("who earns more,
    electricians or plumbers?" beside guides about the law); [] when it names a guide's role. Such a word is
    often a role, not always ("suppliers"): the decline model weighs it."""
    from .coverage import asked_roles, person_nouns

    people = person_nouns(question.text)
    if not people or named_guides(engine, question) \
            or any(_covered(engine, r, question) for r in [*asked_roles(question.text), *people]):
        return []
    return other_roles(engine, people)


def _covered(engine: Engine, role: str, question: Question) -> bool:
    """Whether a role a question names is one of the guides' (`_names_guide_role`), or is one followed by words
    that say something of it rather than name a person ("is working as a welder stressful?" reads "welder
    stressful"): no word after that start ends as a word for a person does ("welding inspector" stays whole)."""
    from .coverage import AGENT_NOUN, singular

    words = role.split()
    for k in range(len(words), 0, -1):
        if k < len(words) and AGENT_NOUN.search(singular(words[k])):
            return False
        if _names_guide_role(engine, " ".join(words[:k]), question):
            return True
    return False


def _names_guide_role(engine: Engine, role: str, question: Question) -> bool:
    """Whether a role phrase is one of the guides': a title's or heading's word, a credential, a rung of a
    guide's career, or a place read as a role."""
    from .coverage import singular
    from .terms import places

    head = singular(role.split()[-1])
    if head in engine.reader.vocabulary and any(singular(w) in words for w in role.split()[:-1]
                                                 for words in engine.role_words.values()):
        return True  # a rung of a guide's career it names: "QA manager" in a guide about QA testers
    return (head in engine.scope_words or head in engine.credentials or role in places()
            or head in places() or re.search(rf"\b{re.escape(head.upper())}\b", question.text) is not None
            or any(w.startswith(head) for w in engine.scope_words if len(head) >= 3))  # "tech" -> technician


def other_roles(engine: Engine, phrases: list[str]) -> list[str]:
    """The words for a person ("plumbers", "suppliers") that name an occupation other than the guides': about as
    near the guides' own roles in MiniLM's space as occupations are (ROLE_NEAR), and a word most guides do not
    use (one most of them use is part of what they are about: "supervisors")."""
    from .coverage import plural, singular
    from .lexical import text_tokens

    roles = tuple(dict.fromkeys(plural(name).lower() for name, _ in engine.lexicon.roles))
    spread = ROLE_SPREAD * len(engine.index.records.sources)
    sources = engine.index.records.units.column("source")
    candidates = []
    for phrase in phrases:
        stems = text_tokens(singular(phrase.split()[-1]))
        if not stems or len(np.unique(sources[engine.lexical.passages_with(stems[-1])])) < spread:
            candidates.append(phrase)
    if not roles or not candidates:
        return []
    near = (engine.encode(candidates) @ _encoded(engine.encode, roles).T).max(axis=1)
    return [p for p, n in zip(candidates, near) if float(n) >= ROLE_NEAR]


@lru_cache(maxsize=8)
def _encoded(encode, texts: tuple[str, ...]):
    """`encode(texts)`, remembered: the guides' roles are encoded once per loaded index, when first needed."""
    return encode(list(texts))


def unknown_specifics(engine: Engine, question: Question, own: str = "") -> bool:
    """A figure asked for a place no guide mentions ("pay in Texas"), anything else asked for a place no guide
    mentions that the message itself names ("do I need a license in Ontario?"; `own`: the message's own words
    when it was read with earlier turns, whose places it only carries), or a credential asked about by an
    acronym no guide uses ("is the PMP worth it"): the guides cannot answer for it."""
    if _places_unknown(engine, question, question.text if question.intents & {"salary", "cost"} else own):
        return True
    known = engine.reader.vocabulary
    initials = engine.lexicon.initials
    return "certification" in question.intents and any(a.lower() not in known and a.lower() not in initials
                                                       for a in credentials_named(question.text))


def _places_unknown(engine: Engine, question: Question, text: str = "") -> bool:
    """Whether a question asks about a place no guide names, or names a guide's role and places that guide
    never names ("what do welders earn in Texas" beside a plumbing guide that alone names Texas); the places
    are those of `text` when given."""
    from .lexical import text_tokens

    asked = asked_places(text or question.text)
    if any(place_in(p, engine.reader.vocabulary) is None for p in asked):
        return True
    named = named_guides(engine, question)
    if not asked or not named:
        return False
    stems = frozenset().union(*(engine.guide_stems.get(s) for s in named))
    return not any(all(t in stems for t in text_tokens(n)) for p in asked for n in place_names(p))


def credentials_named(text: str) -> list[str]:
    """The acronyms a question may name as credentials: those beside a credential word ("the PMP exam",
    "CPA certification") and rare ones ("renew the CPHQ"); not a common abbreviation in passing ("an EV
    charger job: which cert...", "salary in the USA")."""
    from .terms import RARE_ZIPF, zipf

    beside = {m.group(1) or m.group(2) for m in CREDENTIAL_NAMED.finditer(text)}
    return [a for a in ACRONYM.findall(text) if a in beside or zipf(a.lower()) < RARE_ZIPF]


def outside_scope(engine: Engine, question: Question) -> bool:
    """A question about an occupation no guide covers ("how do I become a pilot" beside guides about
    trades): it names a role, and no guide's title or heading names it."""
    return bool(untitled_roles(engine, question))


def story_outside_scope(engine: Engine, question: Question, story: Question) -> bool:
    """A question that names no role, in a message whose story names an occupation no guide covers ("I'm
    thinking about becoming a physical therapist. How many years is PT school?"): it is about that one."""
    from .coverage import asked_roles

    return not asked_roles(question.text) and not named_guides(engine, question) \
        and bool(untitled_roles(engine, story))


def on_topic(engine: Engine, question: Question) -> bool:
    """Whether a question uses any word that ties it to the guides (a topic, a heading word, what it asks
    for), a credential acronym they use, or a rare term they use: "capital of Australia" uses none."""
    from .lexical import text_tokens
    from .terms import RARE_ZIPF, zipf

    if set(text_tokens(question.text)) & engine.anchors:
        return True
    if any(a.lower() in engine.credentials for a in ACRONYM.findall(question.text)):
        return True  # a credential the guides name: "what does NATE stand for"
    known = engine.reader.vocabulary
    return any(w in known and zipf(w) < RARE_ZIPF for w in re.findall(r"[a-z]+", question.text.lower()))


def is_health_advice(engine: Engine, question: Question, story: Question | None = None) -> bool:
    """A personal health question ("what should I take for a migraine"; "I have high blood pressure. Can I
    still become a diver?", where the `story` around the question tells of the asker's health), which
    careerbot must not answer; never a question about a job ("do respiratory therapists treat asthma?")."""
    from .coverage import singular

    text = question.text
    if OWN_HEALTH.search(story.text if story is not None else text) and ABOUT_ME.search(text):
        return True
    if not HEALTH.search(text):
        return False
    if JOB_WORDS.search(text):
        return False
    return not any(singular(w) in engine.lexicon.vocab for w in re.findall(r"[a-z]+", text.lower()))


def decline_signals(engine: Engine, question: Question, ranked: list[Candidate], reading: Reading) -> list[float]:
    """The question-level signals the decline model weighs (ranking.DECLINE_FEATURES)."""
    from .lexical import text_tokens

    best = ranked[0]
    second = ranked[1].score if len(ranked) > 1 else 0.0
    stems = text_tokens(question.text)
    hits = sum(1 for t in stems if t in engine.lexical.vocabulary) / max(1, len(stems))
    guide = engine.guide_stems.get(engine.index.units[best.unit].source, frozenset())
    cover = sum(1 for t in stems if t in guide) / max(1, len(stems))
    return decline_vector(best.features, best.score, second, len(reading.unknown), len(reading.specific),
                          len(question.words), hits, cover, bool(untitled_roles(engine, question)), best.own,
                          best.own_chunk, bool(other_people(engine, question)))


def confidence(engine: Engine, question: Question, ranked: list[Candidate], reading: Reading) -> float:
    """How likely the guides answer the question with the best unit, in [0, 1]."""
    return answer_probability(decline_signals(engine, question, ranked, reading))


def rule_decline(engine: Engine, question: Question, story: Question | None = None, own: str = "") -> str:
    """Why a question is declined before any passage is weighed ("health" or "not covered"), or "":
    a personal health question, an occupation no guide covers (named by the question, or by the `story`
    around it when the question names none), nothing tying it to the guides, pay for a period no passage
    gives pay for ("hourly wage"), a place no guide names, or an instruction to careerbot. `own` is the
    message's own words when it was read with earlier turns."""
    if is_health_advice(engine, question, story):
        return "health"
    unquoted_period = "salary" in question.intents and pay_periods(question.text) - engine.pay_periods
    if outside_scope(engine, question) or not on_topic(engine, question) or unquoted_period \
            or (story is not None and story_outside_scope(engine, question, story)) \
            or unknown_specifics(engine, question, own or question.text) \
            or is_instruction(question):
        return "not covered"
    return ""


def _feature(c: Candidate, name: str) -> float:
    return c.features[FEATURES.index(name)] if c.features else 0.0


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def choose(engine: Engine, question: Question, ranked: list[Candidate], reading: Reading,
           max_units: int = 3, story: Question | None = None, own: str = "") -> Decision:
    """The units to quote for `question`, or an empty choice with the reason to decline; `story` is the
    whole message when only its question was searched, `own` the message's own words when it was read with
    earlier turns."""
    if not ranked:
        return Decision([], 0.0, "not covered")
    best = ranked[0]
    conf = confidence(engine, question, ranked, reading)
    rule = rule_decline(engine, question, story, own)
    if rule:
        return Decision([], min(conf, 0.2 if rule == "health" else decline_threshold() / 2), rule)
    if "define" in question.intents:
        # "what does HIPAA stand for": the best unit that spells it out answers, if one is near the top
        spelled = next((c for c in ranked[:DEFINE_DEPTH] if _feature(c, "definition") == 1.0), None)
        if spelled is not None:
            best = spelled
            ranked = [best] + [c for c in ranked if c is not best]
            conf = max(conf, decline_threshold())
    if reading.places and _feature(best, "place") == _feature(best, "intent") == 1.0 \
            and _feature(best, "figure_miss") == 0.0:
        conf = max(conf, decline_threshold())  # "what do they earn in Brazil", and a guide gives Brazil's figure
    if conf < decline_threshold():
        return Decision([], conf, "not covered")
    chosen = [best]
    units = engine.index.units
    wanted_figures = question.intents & FIGURE_INTENTS
    for role in compared_roles(engine, question):
        # "who earns more, a plumber or an electrician?": each role named gets the best unit of its guides that
        # offers what is asked, whatever the gap, so both sides of a comparison are quoted
        if any(units[k.unit].source in role for k in chosen):
            continue
        fitting = (c for c in ranked[1:] if units[c.unit].source in role
                   and (not wanted_figures or wanted_figures & engine.offers[c.unit]))
        pick = next(fitting, None)
        if pick is not None and len(chosen) < max_units:
            chosen.append(pick)
    for c in ranked[1:]:
        if len(chosen) >= max_units:
            break
        if any(c is k for k in chosen):
            continue
        u = units[c.unit]
        figures = engine.figures[c.unit]
        other_guide = all(units[k.unit].source != u.source for k in chosen)
        known = set().union(*(engine.figures[k.unit] for k in chosen))
        gap = _logit(best.score) - _logit(c.score)
        fits = not wanted_figures or bool(wanted_figures & engine.offers[c.unit])
        # another guide giving a different figure for the same thing is shown, not hidden
        disagree = bool(wanted_figures) and fits and other_guide and figures and not figures <= known \
            and gap <= DISAGREE_GAP
        close = fits and gap <= JOIN_GAP
        if disagree or close:
            chosen.append(c)
    return Decision(chosen, conf, quotes=quotes(engine, question, chosen, ranked))


# A sentence that leans on the one before it ("They bridge...", "Therefore, ...", "This means..."): general
# English words that point back, so the sentence is quoted with the one it leans on
LEANS_BACK = re.compile(r"^\W*(?:They|Their|Them|This|These|That|Those|It|Its|He|She|Such|Both|Therefore|Thus|Hence|"
                        r"However|Consequently|As a result|In addition|Additionally|Moreover|Furthermore|Also|"
                        r"Otherwise|Instead|Similarly|Likewise|In turn|For this reason)\b")


def _unit_quote(engine: Engine, c: Candidate) -> Quote:
    """A unit quoted as it is, or with the sentence before it when it leans on that sentence and both are
    in one paragraph of the guide."""
    units = engine.index.units
    u = units[c.unit]
    first = c.unit
    text = _document_text(engine, u.source) if u.kind == "sentence" and LEANS_BACK.match(u.text) else None
    while text is not None and first > 0 and LEANS_BACK.match(units[first].text):
        prev = units[first - 1]
        if not (_one_paragraph(text, prev, units[first]) and u.end - prev.start <= LEANING_MAX_CHARS):
            break
        first -= 1
    if first != c.unit:
        start = units[first].start
        return Quote(c.unit, start, u.end, text[start:u.end], c.score)
    return Quote(c.unit, u.start, u.end, u.text, c.score)


def _document_text(engine: Engine, source: str) -> str | None:
    """A guide's current text, or None when it cannot be read."""
    return None if engine.corpus is None else current_text(engine.corpus, source)


def _list_window(engine: Engine, run: tuple[int, ...], best: int, scores: dict[int, float],
                 from_start: bool = False) -> tuple[int, int]:
    """The stretch of a list to quote: all of it when short enough, else the stretch around `best` (from the
    list's start when `from_start`) that holds the most of the question's best-scored items within
    LIST_MAX_CHARS."""
    units = engine.index.units
    at = run.index(best)
    window = (at, at)
    value = (-1.0, 0)
    for i in range(1 if from_start else at + 1):
        for j in range(at, len(run)):
            if units[run[j]].end - units[run[i]].start > LIST_MAX_CHARS:
                break
            v = (sum(scores.get(run[k], 0.0) for k in range(i, j + 1)), j - i)  # best-scored, then longest
            if v > value:
                window, value = (i, j), v
    return window


def _introduces(engine: Engine, unit: int) -> int | None:
    """The list a unit introduces, if any: a sentence ending in a colon ("here are some key areas MPMs
    oversee:") or a unit that holds the list's heading ("Afternoon (12:00 PM - 3:00 PM) / Focus: ...")."""
    units = engine.index.units
    run_no = engine.list_of.get(unit + 1)
    if run_no is None or engine.lists[run_no][0] != unit + 1:
        return None
    u, first = units[unit], units[unit + 1]
    if u.source != first.source:
        return None
    colon = u.kind == "sentence" and u.text.rstrip().endswith(":")
    heading = bool(first.section) and u.text.rstrip().endswith(first.section)
    return run_no if colon or heading else None


def _list_quote(engine: Engine, c: Candidate, scores: dict[int, float]) -> Quote | None:
    """The list `c` is an item of, or the list it introduces with a colon, quoted whole (or the window of it
    that best answers), when the guide's text between its items is only whitespace and bullets; else None."""
    intro = _introduces(engine, c.unit)
    run_no = engine.list_of.get(c.unit) if intro is None else intro
    if run_no is None:
        return None
    run = engine.lists[run_no]
    i, j = _list_window(engine, run, run[0] if intro is not None else c.unit, scores, from_start=intro is not None)
    if i == j and intro is None:
        return None
    units = engine.index.units
    first, last = units[c.unit if intro is not None else run[i]], units[run[j]]
    text = _document_text(engine, first.source)
    spans = ([c.unit] if intro is not None else []) + list(run[i:j + 1])
    if text is None or any(text[units[k].start:units[k].end] != units[k].text for k in spans):
        return None
    gaps = (text[units[a].end:units[b].start] for a, b in zip(spans, spans[1:]))
    if not all(re.fullmatch(r"[\s*•·–-]*", gap) for gap in gaps):
        return None
    return Quote(spans[0], first.start, last.end, text[first.start:last.end], c.score)


def lead_quote(engine: Engine, question: Question, c: Candidate, ranked: list[Candidate]) -> Quote:
    """How the best unit is quoted: itself, or for a question asking for several things ("what soft
    skills...") the list it is an item of or introduces; a unit that introduces a list always brings it;
    a terse sentence ("Not from home, no.") brings the sentence after it, which says why or how."""
    wants_list = question.wants_list or _introduces(engine, c.unit) is not None  # "...oversee:" needs its list
    listed = _list_quote(engine, c, {k.unit: k.score for k in ranked}) if wants_list else None
    return listed or _with_next(engine, _unit_quote(engine, c))


def _with_next(engine: Engine, quote: Quote) -> Quote:
    """A quote shorter than TERSE_CHARS with the next sentence of its paragraph, when there is one."""
    units = engine.index.units
    u = units[quote.unit]
    if quote.end - quote.start >= TERSE_CHARS or u.kind != "sentence" or quote.unit + 1 >= len(units):
        return quote
    nxt = units[quote.unit + 1]
    text = _document_text(engine, u.source) if nxt.source == u.source else None
    if text is None or text[quote.start:quote.end] != quote.text or not _one_paragraph(text, u, nxt) \
            or nxt.end - quote.start > LEANING_MAX_CHARS:
        return quote
    return Quote(quote.unit, quote.start, nxt.end, text[quote.start:nxt.end], quote.score)


def _one_paragraph(text: str, first, second) -> bool:
    """Whether two units, `second` right after `first`, are sentences of one paragraph under one heading,
    each at its offsets in the guide's current `text`."""
    return (first.source == second.source and first.section == second.section
            and first.kind == second.kind == "sentence" and first.end <= second.start
            and text[first.start:first.end] == first.text and text[second.start:second.end] == second.text
            and re.fullmatch(r"[ \t]*\n?[ \t]*", text[first.end:second.start]) is not None)


def quotes(engine: Engine, question: Question, chosen: list[Candidate], ranked: list[Candidate]) -> list[Quote]:
    """What to quote for the chosen units: the best one as `lead_quote` says, the others as they are or with
    the list they introduce (unless an earlier quote already holds them)."""
    if not chosen:
        return []
    units = engine.index.units
    scores = {k.unit: k.score for k in ranked}
    found = [lead_quote(engine, question, chosen[0], ranked)]
    for c in chosen[1:]:
        u = units[c.unit]
        mine = [q for q in found if units[q.unit].source == u.source]  # offsets count within one guide
        if any(q.start <= u.start < q.end for q in mine):
            continue  # already quoted, in a list
        listed = _list_quote(engine, c, scores) if _introduces(engine, c.unit) is not None else None
        quote = listed or _unit_quote(engine, c)
        if LEANS_BACK.match(quote.text):
            continue  # it leans on a sentence it could not be quoted with: not quoted at all
        if not any(q.start < quote.end and quote.start < q.end for q in mine):  # no text quoted twice
            found.append(quote)
    return found


def misses_own_words(engine: Engine, chosen: list[Candidate], own: list[str]) -> bool:
    """Whether none of a follow-up's own words (conversation.own_words) is in the passages around the
    chosen units, their headings or their guides' titles: the answer would be about the earlier turn only."""
    from .lexical import text_tokens

    wanted = set(text_tokens(" ".join(own)))
    if not wanted:
        return False
    units = engine.index.units
    around = " ".join(f"{engine.index.chunks[units[c.unit].chunk].text} {units[c.unit].section} "
                      f"{engine.index.titles.get(units[c.unit].source, '')}" for c in chosen)
    return not wanted & set(text_tokens(around))

