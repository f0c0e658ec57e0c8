"""Follow-up questions: read a message with what it leaves out taken from the earlier turns.

"and plumbers?" after "How much do welders make?" is read as "How much do plumbers make?"; "what do they
earn?" names its role with "they"; "in Canada?" and "entry level?" change one detail of the last question;
"who offers it?" asks about the thing just discussed. A complete question on a new
subject is read on its own. No text is generated for the answer: the reading only decides what is searched.

The roles come from the guides' titles (and from question frames such as "become a pilot"), the topics
from what a question asks for (intent.py) and the guides' headings; nothing here knows any one career.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .coverage import NOT_A_ROLE, ROLE_JOINS, TOPIC_LABELS, asked_roles, plural, role_heads, role_words, singular
from .intent import QUESTION_STOP, read_question, word_intents
from .terms import named_places, zipf

SPECIFIC_ZIPF = 4.5  # a follow-up's word this rare in English names something specific the answer must speak of
SPECIFIC_INTENT_ZIPF = 4.0  # a word that asks for pay, a cost... is specific only when this rare: "bonuses"
SHORT_FORM_ZIPF = 5.4  # a word this common in English stands for itself, never for a role it begins ("work")
SUBJECT_ZIPF = 5.0  # a word of the last question rarer than this can be what its "it" stands for
MAX_TURNS = 6  # earlier turns read back at most; older ones rarely bear on a follow-up
LABEL_CHARS = 60  # an earlier question named in `Answer.carried` is shortened to this
# Openings that tie a message to the one before: "and plumbers?", "what about in Canada?"
LEAD = re.compile(r"^\W*(?:and|but|or|also|so|then|ok(?:ay)?|now|same|what about|how about|what of|"
                  r"and what about|and how about|same for|same question for|what if)\b[\s,]*", re.I)
# Words that ask a full question (a wh-word or an auxiliary): a message without them is a fragment
ASKING = re.compile(r"\b(?:what|what's|whats|which|who|whom|how|why|when|where|is|are|was|were|do|does|did|can|"
                    r"could|should|would|will|has|have|need|needs|tell|explain|list|give)\b", re.I)
PERSON = re.compile(r"\b(?:they|them|he|she|him)\b", re.I)  # the role, named by a pronoun
OWNER = re.compile(r"\b(?:their|theirs|his|her)\b", re.I)
# A thing named by a pronoun: "it", "those", "which one"; "that" when it stands alone ("does that take",
# "get around that?"), not when it joins a clause ("jobs that pay")
THING = re.compile(r"\b(?:it|its|this|those|these|which ones?|the one|that one|this one|one'?s)\b|"
                   r"(?:^|\b(?:does|do|did|is|was|are|about|for|with|of|around|after|before|on|like|get|take|"
                   r"need|mean|means|require|cost|pay|offer|offers)\s+)that\b(?!\s+(?:is|are|was|were)\s+\w+ing)|"
                   r"\bthat\s*[?.!]*$", re.I)
# An opening that announces a new subject: "New question:", "totally unrelated but", "quick unrelated q:",
# "Switching gears -" (within the first words, so "an unrelated bachelor's" later on is not one)
NEW_SUBJECT = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:(?:new|different|separate|another|unrelated)\s+(?:q|question|topic|"
                         r"subject|thing)\b|(?:totally|completely|entirely)\s+(?:different|unrelated|separate|new)\b|"
                         r"unrelated\b|chang(?:e|ing)\s+(?:the\s+)?(?:subject|topic)\b|switching\s+gears\b|"
                         r"on\s+another\s+note\b)", re.I)
# A fragment that changes where, when or for whom: "in a hospital?", "for part-timers?", "to teach?"
DETAIL = re.compile(r"^\W*(?:in|at|for|with|on|from|within|outside|near|across|during|without|to|after|before|"
                    r"if|as|while)\b", re.I)
# A fragment that picks among what was said: "the top earners?", "the cheapest one?"
QUALIFIER = re.compile(r"\b(?:top|best|worst|most|least|highest|lowest|cheapest|fastest|shortest|longest|"
                       r"biggest|smallest|low|high|first|last|main)\b", re.I)
FIELD = re.compile(r"(?:ing|ical|ial|al)$")  # the field a role works in: "welding", "electrical", "actuarial"
COMPARING = re.compile(r"compar\w*|differ\w*|stack|measure", re.I)  # "how does X compare / stack up?"
# What a one-word fragment seems to ask by its form alone ("senior?" reads like "what is X?", "top 10%?" like a
# percentage), which in a follow-up is only the detail it changes
FRAGMENT_KINDS = frozenset({"define", "percent", "count"})
ORDINAL = re.compile(r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))",
                     re.I)
_ARTICLE = re.compile(r"^\W*(?:an?|the|some)\s+", re.I)
_TOKEN = re.compile(r"[\w'’-]+")
_THING_NOTE = re.compile(r"\s*\([^()]*\)\?$")  # what "(...)" a follow-up's reading added for "it"
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9-]{1,7}\b")
# A name with capitals inside it: "MBLEx", "CompTIA", "ServSafe"
_MIXED = re.compile(r"\b(?=\w*[a-z])(?=\w*[A-Z]\w*[A-Z])[A-Za-z0-9]+\b")
# A name inside a sentence: "the Google Data Analytics Professional Certificate", "Nielsen Norman Group"
_PROPER = re.compile(r"(?<=[\w,;:] )[A-Z][a-z]{2,}(?: [A-Z][\w-]+)*")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per loaded index, a cache key
class Lexicon:
    """What the guides say about themselves that a follow-up is read against."""

    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # each guide role and its singular words, or an alias's
    vocab: frozenset[str] = frozenset()  # singular words of the roles and their aliases
    title_vocab: frozenset[str] = frozenset()  # singular words of the roles as the guides' titles name them
    heads: frozenset[str] = frozenset()  # the last word of each role: "technician"
    initials: dict[str, int] = field(default_factory=dict)  # "pta" -> its role in `roles`
    credentials: frozenset[str] = frozenset()  # credential acronyms, lower case
    topics: frozenset[str] = frozenset()  # singular words of the guides' headings that name no role
    vocabulary: frozenset[str] = frozenset()  # every word the guides use, lower case


def lexicon(role_names: list[str], credentials: frozenset[str], heading_words: frozenset[str],
            vocabulary: frozenset[str], aliases: dict[str, list[str]] | None = None) -> Lexicon:
    """The lexicon of a corpus, from its roles (guide titles), credentials, heading words and vocabulary;
    `aliases` are other names the guides give a role ("exterminators"), by role."""
    roles, vocab, heads, initials = [], set(), set(), {}
    for name in dict.fromkeys(r for r in role_names if r):
        words = tuple(role_words(name))
        if not words:
            continue
        roles.append((name, words))
        vocab.update(words)
        heads.update(role_heads(name))
        heads.update(w.lower() for w in _TOKEN.findall(name) if w.isupper() and len(w) >= 2)  # "HVAC"
        if len(words) >= 2:
            initials.setdefault("".join(w[0] for w in words), len(roles) - 1)
    titled = frozenset(vocab)
    for name, names in (aliases or {}).items():
        for alias in names:
            roles.append((name, tuple(role_words(alias))))  # "exterminators" reads as "Pest Control Technician"
            vocab.update(role_words(alias))
            heads.update(role_heads(alias))
    return Lexicon(roles=tuple(roles), vocab=frozenset(vocab), title_vocab=titled, heads=frozenset(heads),
                   initials=initials, credentials=credentials, topics=frozenset(heading_words) - vocab,
                   vocabulary=vocabulary)


def _role_word(token: str, lex: Lexicon, words: frozenset[str]) -> bool:
    """Whether a token is one of `words` (of the roles), or a short form of one ("tech", "rad"); a common
    word is never a short form ("work" of "worker")."""
    word = singular(token.lower())
    if word in words:
        return True
    if zipf(word) >= SHORT_FORM_ZIPF:
        return False
    if len(word) >= 3 and word not in QUESTION_STOP and any(w.startswith(word) for w in words):
        return True  # "tech" of "technician"
    field_of = FIELD.sub("", word)  # "plumbing" of "plumber", "electrical" of "electrician"
    return field_of != word and len(field_of) >= 4 and any(w.startswith(field_of) for w in words)


def _field_only(phrase: str, lex: Lexicon) -> bool:
    """Whether a phrase names a role only as the field it works in ("reporting", "plumbing"), a word that
    is more often just a word."""
    tokens = _TOKEN.findall(phrase)
    if len(tokens) != 1:
        return False
    word = singular(tokens[0].lower())
    return word not in lex.vocab and not any(w.startswith(word) for w in lex.vocab)  # not a short form


def _role_spans(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Spans of `text` naming a role: a run of the guides' role words that ends on a head word ("pharmacy
    techs"), a role's initials ("PTAs"), or an occupation named by a question frame ("become a pilot")."""
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for m in [*_TOKEN.finditer(text), None]:
        if m is not None and m.group(0).isupper() and singular(m.group(0).lower()) in lex.initials:
            run.append(m)
            continue
        if m is not None and _role_word(m.group(0), lex, lex.vocab):
            run.append(m)
            continue
        while run and not (_role_word(run[-1].group(0), lex, lex.heads)
                           or singular(run[-1].group(0).lower()) in lex.initials):
            run.pop()  # a run ends on a head word: "pharmacy technicians", never on "pharmacy" alone
        if run:
            spans.append((run[0].start(), run[-1].end()))
        run = []
    lowered = text.lower()
    for role in asked_roles(text):
        at = lowered.find(role)
        if at >= 0 and not any(a < at + len(role) and at < b for a, b in spans):
            spans.append((at, at + len(role)))
    return sorted(spans)


def guide_role(phrase: str, lex: Lexicon) -> str:
    """The guide role a phrase names ("PTAs" or "rad techs" -> "Radiologic Technologists", "welding" ->
    "Welder"), or the phrase itself when it names none or several."""
    tokens = [singular(t.lower()) for t in _TOKEN.findall(phrase)]
    if len(tokens) == 1 and tokens[0] in lex.initials:
        return lex.roles[lex.initials[tokens[0]]][0]
    fits = list(dict.fromkeys(name for name, words in lex.roles
                              if tokens and all(_role_word(t, lex, frozenset(words)) for t in tokens)))
    return fits[0] if len(fits) == 1 else phrase


def spelled_out(text: str, lex: Lexicon) -> str:
    """A message with each role it names by initials, a short form or another name its guide gives it written
    as its guide names it: "ATC comp?" -> "Air Traffic Controller comp?", "log coords" -> "Logistics
    Coordinator", "exterminators" -> "Pest Control Technician". Roles named in their titles' words, or
    ambiguously, are left as written."""
    pieces = [(a + m.start(), a + m.end()) for a, b in _role_spans(text, lex)
              for m in re.finditer(r"[^,;/&]+", text[a:b]) if m.group(0).strip()]  # "ATC, FA" names two
    by_field = [_field_only(text[a:b], lex) for a, b in pieces]
    for (a, b), field_word in reversed(list(zip(pieces, by_field))):
        phrase = text[a:b].strip()
        tokens = [singular(t.lower()) for t in _TOKEN.findall(phrase)]
        if all(t in lex.title_vocab for t in tokens):
            continue  # already the guides' own words
        if field_word and not all(by_field):
            continue  # "reporting tools for harbor pilots": the role named as a role is the one meant
        role = guide_role(phrase, lex)
        if role != phrase:
            text = text[:a] + text[a:b].replace(phrase, role) + text[b:]
    return text


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
    thing: bool  # "it", "those", "which one": a thing named by a pronoun
    names: tuple[str, ...] = ()  # acronyms and proper names in it, which a pronoun can stand for
    rest: str = ""  # the message after its opening ("plumbers?" of "and plumbers?")

    def role_text(self) -> str:
        return " and ".join(self.text[a:b] for a, b in self.roles)


def _joined(text: str, lex: Lexicon) -> str:
    """A message with a role word people split in two written as one: "cyber security" -> "cybersecurity"."""
    words = list(re.finditer(r"[A-Za-z]+", text))
    for first, second in reversed(list(zip(words, words[1:]))):  # from the end, so offsets stay valid
        between = text[first.end():second.start()]
        if between == " " and singular((first.group(0) + second.group(0)).lower()) in lex.vocab:
            text = text[:first.end()] + text[second.start():]
    return text


@lru_cache(maxsize=4096)  # a conversation's earlier turns are read again with each new message
def parts(text: str, lex: Lexicon) -> Parts:
    """Take a message apart into what it names and how it leans on earlier turns."""
    text = _joined(text, lex)
    lead = LEAD.match(text)
    start = lead.end() if lead else 0
    rest = text[start:]
    spans = _role_spans(text, lex)
    q = read_question(text, lex.credentials)
    places = tuple(named_places(text))
    place_words = {w for p in places for w in p.split()}
    topic = []
    for m in _TOKEN.finditer(text):
        w = m.group(0).lower()
        if m.start() < start or any(a <= m.start() < b for a, b in spans):
            continue
        if (len(w) > 2 or m.group(0).isupper()) and w not in QUESTION_STOP and w not in NOT_A_ROLE \
                and w not in place_words and not THING.fullmatch(w) and not PERSON.fullmatch(w) \
                and not OWNER.fullmatch(w):
            topic.append(w)
    in_role = [text[a:b] for a, b in spans]
    found = [*_ACRONYM.findall(text), *_MIXED.findall(text), *_PROPER.findall(text)]
    names = tuple(dict.fromkeys(n for n in found
                                if n.lower() not in lex.initials and n.lower() not in place_words
                                and not any(n in r for r in in_role)))
    return Parts(text=text, roles=tuple(spans), intents=q.intents, topic=tuple(topic), places=places,
                 levels=q.levels, lead=bool(lead), fragment=not ASKING.search(rest),
                 person=bool(PERSON.search(text)), thing=bool(THING.search(rest)), names=names, rest=rest)


@dataclass(frozen=True)
class Context:
    """What a conversation has been about so far."""

    last: Parts | None = None  # the last message, as read
    role: Parts | None = None  # the last message that named a role
    asked: Parts | None = None  # the last message that asked for something (a topic)
    thing: str = ""  # what "it" stands for: a name or the rarer words of the last message, else its answer's
    thing_label: str = ""  # the same, as `Answer.carried` names it
    asked_note: str = ""  # what "it" stood for in `asked`, as its reading added it: " (master plumber license)"
    thing_is_heading: bool = False  # `thing` is only the heading the last answer came from


def topic_label(p: Parts, lex: Lexicon) -> str:
    """The topic of a message as a person would name it: "pay", "certifications", else the message itself
    (shortened)."""
    for intent, label in TOPIC_LABELS.items():
        if intent in p.intents:
            return label
    text = _THING_NOTE.sub("?", p.text)
    if len(text) > LABEL_CHARS:
        text = text[:LABEL_CHARS].rsplit(" ", 1)[0] + "\u2026"
    return "\u201c" + text + "\u201d"


def _role_of(p: Parts, lex: Lexicon) -> str:
    """The role a message named, as the guides name it when they do ("Physical Therapist Assistants")."""
    named = [plural(guide_role(p.text[a:b], lex)) for a, b in p.roles]
    return " and ".join(dict.fromkeys(named))


def _first_role(text: str, spans: tuple[tuple[int, int], ...], lex: Lexicon) -> tuple[int, int]:
    """Where the first role a question names is, with the other names of the same guide's role that are
    joined to it: "funeral directors and morticians" is one role, "electricians or plumbers" two."""
    a, b = spans[0]
    role = guide_role(text[a:b], lex)
    for c, d in spans[1:]:
        if not ROLE_JOINS.fullmatch(text[b:c]) or guide_role(text[c:d], lex) != role:
            break
        b = d
    return a, b


def _place_names(places: tuple[str, ...]) -> str:
    """Places as people write them: "UK", "New York"."""
    return ", ".join(p.upper() if len(p) <= 3 else p.title() for p in places)


def _with_place(base: str, old: tuple[str, ...], new: tuple[str, ...]) -> str:
    """A question with the places it named (`old`) replaced by `new`: "...make in the UK?" -> "...in canada?"."""
    for place in old:
        base = re.sub(rf"\b(?:in|for|across)?\s*(?:the\s+)?{re.escape(place)}\b", "", base, flags=re.I)
    base = " ".join(base.split()).rstrip(" ?.!")
    return f"{base} in {' and '.join(new)}?" if new else base + "?"


def _changed(ctx: Context, now: Parts, lex: Lexicon) -> str:
    """How a message that asks for nothing new changes the last question: "role" (another role), "detail"
    (a place, a level, a setting, a pick among what was said), or "" when it is not such a message."""
    ignored = {"compare"} | (FRAGMENT_KINDS if now.fragment else set())
    if now.intents - ctx.asked.intents - ignored:
        return ""  # it asks for something new: "and the pay?"
    if now.roles:
        # "and plumbers?", "is it the same for plumbers?", "how does a plumber compare?"; not "what does a
        # welder do?"
        topic = [w for w in now.topic if not COMPARING.fullmatch(w)]
        return "role" if now.fragment or ((now.thing or "compare" in now.intents) and not topic) else ""
    if now.person and not now.fragment:
        return ""  # "where do most of them work?": another question about the same role
    if now.fragment and now.topic and not (now.places or now.levels or DETAIL.match(now.rest)
                                          or QUALIFIER.search(now.rest) or now.thing):
        if any(singular(w) in lex.topics for w in now.topic):
            return ""  # "benefits?": a topic the guides' headings name
        bare = _ARTICLE.sub("", now.rest).strip(" ?.!,").split()
        if ctx.role and len(bare) <= 3 and not any(w.lower() in QUESTION_STOP for w in bare) \
                and any(w not in lex.vocabulary for w in now.topic):
            return "role"  # "and pilots?": a noun the guides never use stands where the role stood
        return "detail"
    if now.fragment or now.places or now.levels or (now.thing and len(now.topic) <= 2) or len(now.topic) <= 1:
        return "detail"
    return ""


def _told(text: str, at: int) -> bool:
    """Whether position `at` of a message is in the story told around its question: a sentence ending in a
    full stop, before a question ("Thinking about court reporting. Is the field growing?"), which the search
    leaves out (ask.focus)."""
    end = re.search(r"[.!?](?:\s|$)", text[at:])
    return end is not None and end.group(0)[0] in ".!" and "?" in text[at + end.end():]


def _detail(ctx: Context, now: Parts, lex: Lexicon, changed: str) -> tuple[str, list[str]]:
    """The last question asked with one detail changed: its role, a place, a level, a setting."""
    base_parts = ctx.asked
    base = base_parts.text
    carried = [topic_label(base_parts, lex)]
    if changed == "role":
        new_role = now.role_text() or _ARTICLE.sub("", now.rest).strip(" ?.!,")
        asked_roles = tuple(span for span in base_parts.roles if not _told(base, span[0]))
        if asked_roles:
            a, b = _first_role(base, asked_roles, lex)
            base = base[:a] + new_role + base[b:]
        else:  # no role, or only one named in the story around the question, which is not searched
            base = f"{base.rstrip(' ?.!')} for {new_role}?"
    elif base_parts.roles:
        carried.append(base_parts.role_text())
        levels = " ".join(sorted(now.levels - base_parts.levels))
        old_level = next((m for m in _TOKEN.finditer(base) if m.group(0).lower() in base_parts.levels), None)
        if levels and old_level is not None:  # "senior?" after "entry level analysts": one level for another
            base = base[:old_level.start()] + levels + base[old_level.end():]
        elif levels:  # "senior level?": a senior one of the role asked about
            a = base_parts.roles[0][0]
            base = base[:a] + levels + " " + base[a:]
    elif ctx.role:
        role = _role_of(ctx.role, lex)
        base = f"{base.rstrip(' ?.!')} for {role}?"
        carried.append(role)
    if ctx.asked_note:  # "how much is that exam (master plumber license)?": "that" still stands for it
        base = base.rstrip(" ?.!") + ctx.asked_note + "?"
    if now.places:
        base = _with_place(base, base_parts.places, now.places)
    elif base_parts.places:
        carried.append(_place_names(base_parts.places))
    if changed == "detail":
        for w in _TOKEN.findall(now.rest):  # "third year?" after "first year apprentices": one rank for another
            old = next((m for m in _TOKEN.finditer(base) if ORDINAL.fullmatch(m.group(0))), None)
            if ORDINAL.fullmatch(w) and old is not None:
                base = base[:old.start()] + w + base[old.end():]
        extra = []
        for w in now.topic:  # "associate's?" after a question about a bachelor's: one word for another
            kinds = word_intents(w)
            same = [m for m in _TOKEN.finditer(base) if kinds and word_intents(m.group(0).lower()) == kinds]
            if same and w not in base.lower():
                base = base[:same[0].start()] + w + base[same[0].end():]
            elif w not in base.lower() and not ORDINAL.fullmatch(w):
                extra.append(w)
        # the words it adds, in its own order, with their figures: "bottom 10 percent?"
        kept = [w for w in _TOKEN.findall(now.rest) if w.lower() in extra or (extra and w.isdigit())]
        detail = now.rest.strip(" ?.!,") if DETAIL.match(now.rest) and not now.places else " ".join(kept)
        if detail:
            base = f"{base.rstrip(' ?.!')}, {detail}?"
    return base, [c for c in carried if c]


def follow_up(text: str, ctx: Context, now: Parts, lex: Lexicon, whole: str = "") -> tuple[str, list[str]]:
    """The text to search for message `text` in conversation `ctx`, and what it took from earlier turns;
    `whole` is the message when `text` is only its question (the story around it left out)."""
    if ctx.last is None or not re.search(r"[A-Za-z0-9]", text):
        return text, []  # nothing to read with the past: no conversation yet, or no word ("🙂🙂🙂")
    announced = NEW_SUBJECT.match(whole or text)
    if announced and (now.roles or now.names) and not (now.person or OWNER.search(text)):
        return text, []  # "New question: what's a CMA and who gives it out?": its own subject, its own "it"
    if announced and whole and not now.roles and parts(whole, lex).roles:
        return text, []  # "Separate question: my son wants to be a welder. What should he study?"
    if ctx.asked is not None:
        changed = _changed(ctx, now, lex)
        if changed:
            return _detail(ctx, now, lex, changed)
    carried: list[str] = []
    resolved = text
    generic = not now.roles and not now.names and not now.places
    if ctx.role and not now.roles and (now.person or now.lead or now.fragment or now.thing or generic):
        # "what do they earn?", "do they need a license?", "how many openings a year?": the same role
        role = _role_of(ctx.role, lex)
        if now.person:
            resolved = PERSON.sub(role, text, count=1)
        elif OWNER.search(text):
            resolved = OWNER.sub(f"{role}'", text, count=1)
        else:
            resolved = f"{text.rstrip(' ?.!')} for {role}?"
        carried.append(role)
    pointing = now.thing or (now.person and not carried and not now.roles)  # "who accredits them?": no role named
    if pointing and ctx.thing and ctx.thing.lower() not in resolved.lower() and not now.names:
        # "who offers it?", "how long does that take?": the thing just discussed
        resolved = f"{resolved.rstrip(' ?.!')} ({ctx.thing})?"
        carried.append(ctx.thing_label)
    if carried and ctx.last.places and not now.places:
        carried.append(_place_names(ctx.last.places))
        resolved = f"{resolved.rstrip(' ?.!')} in {' and '.join(ctx.last.places)}?"
    return resolved, carried


@dataclass(frozen=True)
class Turn:
    """An earlier turn: the question, and what its answer said (empty when unknown or declined)."""

    question: str
    answer: str = ""
    section: str = ""  # the heading above the answer's first quote
    quoted: tuple[tuple[str, int, int], ...] = ()  # (source, start, end) of each of the answer's quotes


def _advance(ctx: Context, turn: Turn, lex: Lexicon) -> Context:
    """The conversation after one more turn."""
    resolved, _ = follow_up(turn.question, ctx, parts(turn.question, lex), lex)
    noted = _THING_NOTE.search(resolved)
    p = parts(_THING_NOTE.sub("?", resolved), lex)
    names = p.names or tuple(a for a in _ACRONYM.findall(turn.answer.split("\n")[0])
                             if a.lower() in lex.credentials)[:1]
    subject = [w for w in p.topic if not word_intents(w) and zipf(w) < SUBJECT_ZIPF]  # "bootcamp", "help desk"
    if names:
        thing = label = " ".join(names)
    elif noted and not (p.intents or p.topic):
        thing = label = noted.group(0).strip(" ()?")  # "which one?" after "who offers it?": still that thing
        label = ctx.thing_label or label
    elif subject:
        thing = label = " ".join(subject[:3])
    else:
        thing, label = turn.section or topic_label(p, lex), topic_label(p, lex)
    heading = bool(turn.section) and thing == turn.section
    asks = bool(p.intents or p.topic)
    note = noted.group(0).rstrip("?") if noted and not ctx.thing_is_heading else ""  # a name, not a heading
    return Context(last=p, role=p if p.roles else ctx.role, asked=p if asks else ctx.asked,
                   thing=thing, thing_label=label, asked_note=note if asks else ctx.asked_note,
                   thing_is_heading=heading)


def read_in_context(text: str, history: list[Turn], lex: Lexicon, carry_role: bool = True,
                    whole: str = "") -> tuple[str, list[str]]:
    """What to search for `text` after the earlier turns `history` (oldest first), and the readable names
    of what was taken from them; `(text, [])` when it stands on its own. `carry_role=False` never supplies
    an earlier role to a question that names none (the person chose the guides, or the message names one);
    `whole` is the message when `text` is only its question."""
    ctx = Context()
    for turn in history[-MAX_TURNS:]:
        ctx = _advance(ctx, turn, lex)
    if not carry_role:
        ctx = replace(ctx, role=None)
    return follow_up(text, ctx, parts(text, lex), lex, whole if whole != text else "")


def about_last_answer(text: str, lex: Lexicon) -> bool:
    """Whether a follow-up asks about what the last answer said: it points at it ("who offers it?", "which of
    those is for senior people?") or changes one detail of it ("entry level?"), and names no role of its own."""
    p = parts(text, lex)
    return not p.roles and (p.thing or p.fragment)


def own_words(text: str, lex: Lexicon) -> list[str]:
    """The specific words a follow-up adds of its own, beyond a role and what it asks for ("bonuses" of "how
    big are the bonuses?", "japan" of "what about in japan?"): places and words rarer than SPECIFIC_ZIPF that the guides use somewhere (one they never use is judged
    as in any question: terms.Reader)."""
    p = parts(text, lex)
    specific = [w for w in p.topic if zipf(w) < (SPECIFIC_INTENT_ZIPF if word_intents(w) else SPECIFIC_ZIPF)
                and w not in p.names
                and w in lex.vocabulary and singular(w) not in lex.vocab and singular(w) not in lex.initials]
    return [*specific, *p.places]

