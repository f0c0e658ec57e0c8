"""Follow-up questions: read a message with what it leaves out taken from the earlier turns.

"and office managers?" after "How much do practice managers make?" is read as "How much do office managers
make?"; "what do they earn?" names its role with "they"; "in Canada?" and "entry level?" change one detail of
the last question; "who offers it?" asks about the thing just discussed. A complete question on a new
subject is read on its own. No text is generated for the answer: the reading only decides what is searched.

The roles come from the guides' titles (and from question frames such as "become a pilot"), the topics
from what a question asks for (intent.py); nothing here knows any one career.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .coverage import NOT_A_ROLE, TOPIC_LABELS, asked_roles, plural, singular
from .intent import QUESTION_STOP, read_question
from .terms import named_places

MAX_TURNS = 6  # earlier turns read back at most; older ones rarely bear on a follow-up
# Openings that tie a message to the one before: "and office managers?", "what about in Canada?"
LEAD = re.compile(r"^\W*(?:and|but|or|also|so|then|ok(?:ay)?|now|same|what about|how about|what of|"
                  r"and what about|and how about|same for|same question for|what if)\b[\s,]*", re.I)
# Words that ask a full question (a wh-word or an auxiliary): a message without them is a fragment
ASKING = re.compile(r"\b(?:what|what's|whats|which|who|whom|how|why|when|where|is|are|was|were|do|does|did|can|"
                    r"could|should|would|will|has|have|need|needs|tell|explain|list|give)\b", re.I)
PERSON = re.compile(r"\b(?:they|them|he|she|him)\b", re.I)  # the role, named by a pronoun
OWNER = re.compile(r"\b(?:their|theirs|his|her)\b", re.I)
THING = re.compile(r"\b(?:it|its|that|this|those|these|that one|this one|the one|ones?)\b", re.I)
# Words a fragment uses around the detail it changes: "entry level?", "for senior people?"
FRAGMENT_FILLER = frozenset("level levels position positions role roles job jobs people ones one kind type version "
                            "instead too also either case there here about".split())
_TOKEN = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class Parts:
    """What a message names: roles (with their spans), topic, places, levels, and how it leans on the past."""

    text: str
    roles: tuple[tuple[int, int], ...]  # spans of the roles it names
    intents: frozenset[str]
    topic: tuple[str, ...]  # content words that are not a role, place, level or filler
    places: tuple[str, ...]
    levels: frozenset[str]
    lead: bool  # opens with "and", "what about"...
    fragment: bool  # asks nothing by itself: no wh-word or auxiliary
    person: bool  # "they", "them": a role named by a pronoun
    thing: bool  # "it", "that", "those": a thing named by a pronoun
    names: tuple[str, ...] = field(default=())  # names in it that a pronoun can stand for (credential acronyms)
    rest: str = ""  # the message after its opening ("office managers?" of "and office managers?")

    def role_text(self) -> str:
        return " and ".join(self.text[a:b] for a, b in self.roles)


def role_terms(titles_roles: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The singular words of the guides' roles, and the head word of each ("technician" of "Pharmacy Technician")."""
    vocab, heads = set(), set()
    for role in titles_roles:
        words = [singular(w) for w in _TOKEN.findall(role.lower())]
        if words:
            vocab.update(words)
            heads.add(words[-1])
    return frozenset(vocab), frozenset(heads)


def _role_spans(text: str, vocab: frozenset[str], heads: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of `text` naming a role: a run of the guides' role words that holds a head word, or an
    occupation named by a question frame ("become a pilot")."""
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for m in [*_TOKEN.finditer(text), None]:
        if m is not None and singular(m.group(0).lower()) in vocab:
            run.append(m)
            continue
        while run and singular(run[-1].group(0).lower()) not in heads:
            run.pop()  # a run ends on its head: "practice managers", not "practice managers' office"
        if run:
            spans.append((run[0].start(), run[-1].end()))
        run = []
    lowered = text.lower()
    for role in asked_roles(text):
        at = lowered.find(role)
        if at >= 0 and not any(a <= at < b or at <= a < at + len(role) for a, b in spans):
            spans.append((at, at + len(role)))
    return sorted(spans)


def parts(text: str, vocab: frozenset[str], heads: frozenset[str], credentials: frozenset[str]) -> Parts:
    """Take a message apart into what it names and how it leans on earlier turns."""
    lead = LEAD.match(text)
    rest = text[lead.end():] if lead else text
    spans = _role_spans(text, vocab, heads)
    q = read_question(text, credentials)
    places = tuple(named_places(text))
    place_words = {w for p in places for w in p.split()}
    in_role = {m.start() for m in _TOKEN.finditer(text) if any(a <= m.start() < b for a, b in spans)}
    topic = tuple(w for m in _TOKEN.finditer(text) if m.start() not in in_role and m.start() >= (lead.end() if lead else 0)
                  for w in [m.group(0).lower()]
                  if len(w) > 2 and w not in QUESTION_STOP and w not in NOT_A_ROLE and w not in place_words
                  and w not in FRAGMENT_FILLER and not THING.fullmatch(w) and not PERSON.fullmatch(w)
                  and not OWNER.fullmatch(w))
    names = tuple(dict.fromkeys(m.group(0) for m in _TOKEN.finditer(text) if m.group(0).lower() in credentials))
    return Parts(text=text, roles=tuple(spans), intents=q.intents, topic=topic, places=places, levels=q.levels,
                 lead=bool(lead), fragment=not ASKING.search(rest), person=bool(PERSON.search(text)),
                 thing=bool(THING.search(rest)), names=names, rest=rest)


def topic_label(p: Parts) -> str:
    """The topic of a message as a person would name it: "pay", "certifications", else its own words."""
    for intent, label in TOPIC_LABELS.items():
        if intent in p.intents:
            return label
    return " ".join(p.topic[:3])


def _with_place(base: str, old: tuple[str, ...], new: tuple[str, ...]) -> str:
    for place in old:
        base = re.sub(rf"\b(?:in|for|across)?\s*(?:the\s+)?{re.escape(place)}\b", "", base, flags=re.I)
    base = " ".join(base.split()).rstrip(" ?.!")
    return f"{base} in {' and '.join(new)}?" if new else base + "?"


def _thing(p: Parts) -> str:
    """What "it" or "that" stands for after message `p`: the credential it names, else its topic."""
    return " ".join(p.names) or topic_label(p)


# A fragment that changes where or for whom: "in a hospital?", "for part-timers?"
DETAIL = re.compile(r"^\W*(?:in|at|for|with|on|from|within|outside|near|across|during|without)\b", re.I)
_ARTICLE = re.compile(r"^\W*(?:an?|the|some)\s+", re.I)


def _plural_role(p: Parts) -> str:
    role = p.role_text()
    return plural(role) if len(p.roles) == 1 and not role.lower().endswith("s") else role


def _changed(prior: Parts, now: Parts, topics: frozenset[str]) -> str:
    """How a message that asks for nothing by itself changes the last question: "role" (it names another
    role), "topic" (it names another topic, the role left out), "detail" (a place, a level, a setting)."""
    if now.roles:
        return "role"
    if now.topic and not (now.places or now.levels or DETAIL.match(now.rest)):
        if any(singular(w) in topics for w in now.topic) or not prior.roles:
            return "topic"  # "and benefits?": a topic the guides' headings name
        return "role"  # "and pilots?": a noun no heading names stands where the role stood
    return "detail"


def follow_up(text: str, prior: Parts | None, now: Parts, topics: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """The text to search for message `text` read after `prior`, and what it took from `prior`; `topics` are
    the singular words of the guides' headings (what they are organised around)."""
    if prior is None:
        return text, []
    carried: list[str] = []
    changed = ""
    if not now.intents and (now.fragment or not now.topic) and (prior.intents or prior.topic):
        changed = _changed(prior, now, topics)
    if changed in ("role", "detail"):
        # "and office managers?", "in Canada?", "entry level?": the last question with one detail changed
        base = prior.text
        carried.append(topic_label(prior))
        if changed == "role":
            new_role = now.role_text() or _ARTICLE.sub("", now.rest).strip(" ?.!,")
            a, b = prior.roles[0] if prior.roles else (len(base.rstrip(" ?.!")),) * 2
            base = base[:a] + (new_role if prior.roles else f" for {new_role}") + base[b:]
        elif prior.roles:
            carried.append(prior.role_text())
        if now.places:
            base = _with_place(base, prior.places, now.places)
        elif prior.places:
            carried.append(", ".join(prior.places))
        detail = ""
        if changed == "detail":
            levels = sorted(now.levels - prior.levels)
            extra = [w for w in now.topic if w.lower() not in base.lower()]
            detail = " ".join(levels + extra) if not DETAIL.match(now.rest) or now.places else now.rest.strip(" ?.!,")
        return base.rstrip(" ?.!") + (f", {detail}" if detail else "") + "?", [c for c in carried if c]
    leans = now.person or now.lead or now.fragment or (now.thing and len(now.topic) <= 2)
    if not leans:
        return text, []  # a complete question on its own: read alone
    resolved = text
    if not now.roles and prior.roles:
        # "what do they earn?", "do they need a license?", "salary?": the same role, another topic
        role = _plural_role(prior)
        if now.person:
            resolved = PERSON.sub(role, text, count=1)
        elif OWNER.search(text):
            resolved = OWNER.sub(f"{role}'", text, count=1)
        else:
            resolved = f"{text.rstrip(' ?.!')} for {role}?"
        carried.append(prior.role_text())
    if now.thing and (prior.names or prior.topic or prior.intents):
        thing = _thing(prior)  # "who offers it?", "how long does that take?": the thing just discussed
        if thing and thing.lower() not in resolved.lower():
            resolved = f"{resolved.rstrip(' ?.!')} ({thing})?"
            carried.append(thing)
    if carried and prior.places and not now.places:
        carried.append(", ".join(prior.places))
        resolved = f"{resolved.rstrip(' ?.!')} in {' and '.join(prior.places)}?"
    return resolved, carried


def read_in_context(text: str, history: list[tuple[str, str]], vocab: frozenset[str], heads: frozenset[str],
                    credentials: frozenset[str], topics: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """What to search for `text` after the earlier turns `history` (question and answer texts, oldest first;
    an answer may be ""), and the readable names of what was taken from them; `(text, [])` when it stands alone."""
    prior: Parts | None = None
    for question, answer in history[-MAX_TURNS:]:
        resolved, _ = follow_up(question, prior, parts(question, vocab, heads, credentials), topics)
        prior = parts(resolved, vocab, heads, credentials)
        if not prior.names and answer:  # "who offers it?" after an answer naming a credential
            first = answer.splitlines()[0]
            named = tuple(dict.fromkeys(w for w in _TOKEN.findall(first) if w.isupper() and w.lower() in credentials))
            prior = replace(prior, names=named[:1])
    return follow_up(text, prior, parts(text, vocab, heads, credentials), topics)
