"""What the guides cover, learned from the corpus: the roles they are about, the credentials they name, the
topics they answer and the questions they pose themselves (FAQ headings).

Nothing here knows any one career. The roles come from the guides' titles, the credentials from acronyms
used beside words such as "certification" or "exam", the topics from what the guides' passages offer.
A question that names a role (an occupation: "how much do welders make", "how do I become a pilot") is
in scope only when that role is one of the guides'.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

# Words of a title that are about the page, not the role: "Complete X Career Guide 2025", "X Handbook"
TITLE_NOISE = re.compile(
    r"\b(?:the|complete|ultimate|definitive|essential|official|career|careers|path|paths|guide|guides|handbook|"
    r"occupational profile|profile|overview|outlook|how to become an?|becoming an?|what is an?|in|\d{4}|"
    r"(?:chapter|part|section|lesson|module)\s+[\dIVX]+)\b", re.I)
# Where a title's parts meet: "Data Analyst Career Guide 2025: Salary, Skills..." / "X | Site" / "Chapter 7: X"
TITLE_PARTS = re.compile(r"\s*(?:[:|]|\s[-–—]\s)\s*")
TITLE_TAIL = re.compile(r"\s*[(,].*$")  # "Welder (Structural)", "Chef, Cook": the subject stops before
BREADCRUMB = re.compile(r"\s[>»›]\s")  # "Home > Careers > Social Worker": the last step is the page's subject
TITLE_LEAD = re.compile(r"^.*\b(?:a|an)\s+(?=\S)", re.I)  # what comes before the last "a": "A Talk With a ..."
AGENT_NOUN = re.compile(r"(?:er|or|ist|ian|ant|yst|ee)$")  # a word for a person by what they do: "surveyor"

# A question naming whom it is about: "how do I become a welder", "work as a pilot", "do chefs earn...",
# "paralegal salary". The group is the role's words (one to three).
_ROLE = r"((?:[a-z][\w'’-]*\s+){0,3}?[a-z][\w'’-]*?)"
ROLE_FRAMES = (
    re.compile(r"\b(?:become|becoming|work(?:ing|ed)? as|jobs? as|career as|hired as|employed as|"
               r"trained? as|training to be|studying to be|qualify as|licensed as)\s+"
               r"(?:an?\s+|the\s+)?" + _ROLE + r"(?=\s*(?:$|[?.!,;]|\s(?:in|at|for|with|and|or|if|after|before|"
               r"without|when|like|than|is|are|job|jobs|role|career|one day|some ?day|eventually|soon|later|"
               r"next|this|within)\b))", re.I),
    re.compile(r"\b(?:do|does|did|can|could|would|will|should)\s+(?:an?\s+|the\s+|most\s+|all\s+|new\s+)?" + _ROLE
               + r"(?:\s+(?:typically|usually|normally|really|actually|generally|still))?"
               r"\s+(?:make|makes|earn|earns|get paid|take home|do all day|do every day|do on a|"
               r"do(?=\s*(?:$|[?.!,;])))\b", re.I),
    re.compile(r"(?:^|[^\w'’-])" + _ROLE + r"\s+(?:salary|salaries|wages?|pay|earnings|income)\b", re.I),
    re.compile(r"\b(?:salary|salaries|wages?|pay|earnings|income) (?:of|for) (?:an?\s+|the\s+)?" + _ROLE
               + r"\s*(?:$|[?.!,;])", re.I),
)
_BEFORE_PAY = ROLE_FRAMES[2]  # "welder salary": the role is the word before the pay
_PAY_FOR = ROLE_FRAMES[3]  # "salary for a welder"
_THEY = re.compile(r"\b(?:they|he|she)\b", re.I)  # a role already named by a pronoun
# Words that stand where a role would, but name no occupation: the asker, a pronoun, a level, the job itself
NOT_A_ROLE = frozenset(
    "i you we they he she it me us them someone somebody anyone person people one ones folks beginner beginners "
    "student students graduate graduates grad grads newbie newbies employee employees worker workers staff "
    "professional professionals job jobs role roles position positions career careers field work this that these "
    "those my your their our his her its average median typical starting entry entry-level annual base hourly "
    "yearly monthly weekly good great best top high higher low lower more most much many some all any each every "
    "new junior senior experienced mid mid-level lead chief head level levels year years first next last total "
    "what which who how why where when full part full-time part-time remote hybrid the a an so much other "
    "same different real actual overall besides both ppl extra".split())
# What the guides' passages offer, as a topic a person would name (intent name -> label)
TOPIC_LABELS = {"salary": "pay", "education": "education", "certification": "certifications",
                "outlook": "job outlook", "remote": "remote work", "duration": "how long it takes"}
EXAMPLE_TOPICS = {"salary": "Pay", "education": "Education", "certification": "Certifications", "outlook": "Outlook",
                  "remote": "Remote work"}
EXAMPLE_TEMPLATES = {"salary": "How much does {a} {role} make?", "education": "What education does {a} {role} need?",
                     "certification": "Which certifications help {a} {role}?",
                     "outlook": "Is the job market for {roles} growing?", "remote": "Can {a} {role} work remotely?"}
TOPIC_MIN_UNITS = 3  # a topic is one the guides cover when this many passages offer it
_CREDENTIAL_WORDS = re.compile(r"certif|credential|licen[cs]|registr|exam\b|examination|accredit", re.I)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
# A word this common in English is a plain word: written in capitals, not an acronym ("HOW", "US", "IT"); alone
# before "salary", not a role ("big salary", "real wages")
PLAIN_WORD_ZIPF = 5.0
SUBJECT_PRONOUNS = frozenset("i you we they he she it".split())


def role_of(title: str, text: str = "") -> str:
    """The role a guide is about, from its title: "Data Analyst Career Guide 2025: Salary & Skills" ->
    "Data Analyst"; "How to Become a Welder in 2025" -> "Welder"; "Chapter 7: Veterinary Technicians" ->
    "Veterinary Technicians"; "Site | Home > Careers > Social Worker" -> "Social Worker". Of the title's parts
    that name more than page words, the first; or, given the guide's `text`, one whose last word is a word for
    a person the text uses, rarer than a plain word ("technician", "surveyor"), before one that is not ("How
    to Become a Cosmetologist: Hours, Licensing & Pay" -> "Cosmetologist"), and of those the one whose last
    word the text uses most, a word for a person counting double: "Up the Tower: A Conversation With a Lead Wind Turbine Technician" ->
    "Lead Wind Turbine Technician". A page saved with its site's name as the first line offers the breadcrumb
    and the first heading near its top too ("CareerPath Hub", then "Home > Careers > Finance > Actuary" ->
    "Actuary"), and a plain-text title in capitals under a series name ("METEOROLOGISTS")."""
    from .terms import zipf

    parts = title_parts(title)
    if text:
        parts += [p for line in _title_lines(text) for p in title_parts(line) if p not in parts]
    if not parts:
        return " ".join(title.lstrip("# ").split())
    role = parts[0]
    if text and len(parts) > 1:
        counts = Counter(singular(w) for w in re.findall(r"[a-z]+", text.lower()))

        def uses(part: str) -> tuple[bool, int]:
            head = singular(part.split()[-1].lower())
            person = bool(AGENT_NOUN.search(head)) and counts[head] > 0 and zipf(head) < PLAIN_WORD_ZIPF
            return person, counts[head] * (2 if AGENT_NOUN.search(head) else 1)

        role = max(parts, key=uses)  # a word for a person first ("water" is a plain word); the first of equals
    # a title in capitals ("FIREFIGHTERS") names its role in words, not an acronym
    return role.title() if role.isupper() and any(len(w) > 5 for w in role.split()) else role


TITLE_LINES = 10  # how many of a guide's first lines may hold a breadcrumb or heading that names its role
TITLE_WORDS = 5  # a line in capitals this short may be a title


def _title_lines(text: str) -> list[str]:
    """Lines near the top of a guide that may name its subject: a breadcrumb, the first heading, and short
    lines in capitals (a plain-text title set under a series name: "METEOROLOGISTS")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][1:TITLE_LINES]
    crumbs = [line for line in lines if BREADCRUMB.search(line)]
    heading = next((line for line in lines if line.startswith("# ")), None)
    capitals = [line for line in lines if line.isupper() and len(line.split()) <= TITLE_WORDS
                and re.fullmatch(r"[A-Z][A-Z '’&/-]*", line)]
    return crumbs + ([heading] if heading else []) + capitals


def title_parts(title: str) -> list[str]:
    """The parts of a title that may name its role, page words taken out: "Careers in Dental Technology:
    Becoming a Dental Laboratory Technician | Association" -> ["Dental Technology", "Dental Laboratory
    Technician", "Association"]. A breadcrumb ("Home > Careers > Social Worker") gives its last step."""
    text = title.lstrip("# ").strip()
    if BREADCRUMB.search(text):
        text = BREADCRUMB.split(text)[-1]
    found = []
    for part in TITLE_PARTS.split(text):
        words = " ".join(TITLE_NOISE.sub(" ", TITLE_TAIL.sub("", part)).split()).strip(" -–—:,.&")
        words = TITLE_LEAD.sub("", words)  # "A Conversation With a Lead Technician" -> "Lead Technician"
        if words:
            found.append(words)
    return found


ROLE_JOINS = re.compile(r"\s+(?:and|or|&)\s+|\s*[,/]\s*", re.I)  # "Court Reporters and Simultaneous Captioners"


# Another name a guide gives its own role: "Pest control technicians (also called pest management professionals
# or exterminators)", "Radiologic technologists, also called radiographers, ..."; the word before is the role's
_ALIAS = re.compile(r"([A-Za-z][\w'’-]*)\**\s*[,(]\s*(?:also|sometimes|often|commonly|usually|more commonly)\s+"
                    r"(?:called|known as|referred to as|termed)\s+([^.;:()\n]+)", re.I)
# A facts line listing the role's other titles: "Also called: tractor-trailer driver, heavy truck driver"
_ALIAS_LINE = re.compile(r"^\W*(?:also called|also known as|other (?:job )?titles|sample (?:job )?titles)\s*:\s*"
                         r"([^.\n]+)", re.I | re.M)
ALIAS_WORDS = 3  # an alias is a role's name: at most this many words
ALIAS_ZIPF = 4.0  # an alias ending on a word this common in English ("specialists", "drivers") names no one role


def role_aliases(roles: dict[str, str], texts: dict[str, str]) -> dict[str, list[str]]:
    """Per guide, the other names its text gives its own role ("exterminators" for "Pest Control Technician"),
    lower case: names of a person by what they do, ending on a word rarer than ALIAS_ZIPF, none of them
    another guide's role."""
    from .terms import zipf

    others = {s: {singular(w) for r in (set(roles.values()) - {role}) for w in role_words(r)}
              for s, role in roles.items()}
    found: dict[str, list[str]] = {}
    for source, role in roles.items():
        text = texts.get(source, "")
        heads = set(role_heads(role))
        named = [m.group(2) for m in _ALIAS.finditer(text) if singular(m.group(1).lower()) in heads]
        named += [m.group(1) for m in _ALIAS_LINE.finditer(text)]
        names = []
        for phrase in named:
            for part in ROLE_JOINS.split(phrase):
                ws = [w for w in re.findall(r"[a-z][\w'’-]*", part.lower()) if w not in ("a", "an", "the")]
                head = singular(ws[-1]) if ws else ""
                if 0 < len(ws) <= ALIAS_WORDS and AGENT_NOUN.search(head) and zipf(head) < ALIAS_ZIPF \
                        and head not in NOT_A_ROLE \
                        and ws[-1] not in NOT_A_ROLE and head not in others[source] \
                        and not set(map(singular, ws)) <= set(role_words(role)):
                    names.append(" ".join(ws))
        if names:
            found[source] = list(dict.fromkeys(names))
    return found


def role_words(role: str) -> list[str]:
    """The singular lower-case words that name a role, joining words left out: "Court Reporters and
    Simultaneous Captioners" -> ["court", "reporter", "simultaneous", "captioner"]."""
    from .intent import QUESTION_STOP

    return [singular(w) for w in re.findall(r"[\w'’-]+", role.lower()) if w not in QUESTION_STOP]


def role_heads(role: str) -> list[str]:
    """The word each of the occupations a role names ends on: "Court Reporters and Simultaneous Captioners"
    -> ["reporter", "captioner"]."""
    return [ws[-1] for part in ROLE_JOINS.split(role) if (ws := role_words(part))]


def singular(word: str) -> str:
    """A plain English singular, enough to compare role words: "technicians" -> "technician"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# "i work as a receptionist", "i'm a welder": the asker's own job, not the one asked about
_ASKER = re.compile(r"\b(?:i|i'?m|i am|i'?ve been)\s+(?:\w+\s+){0,2}$", re.I)
_ASKER_FRAME = re.compile(r"^(?:work(?:ing|ed)? as|jobs? as|employed as|trained? as|licensed as)\b", re.I)


def asked_roles(text: str) -> list[str]:
    """The roles (occupations) a question names, lower case: "how do I become a tower crane operator" ->
    ["tower crane operator"]; [] when it names none. The asker's own job ("i work as a ...") is not one."""
    from .intent import QUESTION_STOP
    from .terms import zipf

    found = []
    for frame in ROLE_FRAMES:
        for m in frame.finditer(text):
            if _ASKER_FRAME.match(m.group(0)) and _ASKER.search(text[max(0, m.start() - 30):m.start()]):
                continue
            if frame is _PAY_FOR and _THEY.search(re.split(r"[.?!;]", text[:m.start()])[-1]):
                continue  # "do they get extra pay for after-hours calls?": what they are paid for, not a role
            words = m.group(1).lower().split()
            cut = max((i + 1 for i, w in enumerate(words) if w in QUESTION_STOP or w in NOT_A_ROLE), default=0)
            if any(w in SUBJECT_PRONOUNS for w in words[:cut]):
                continue  # "do they at least get paid": the role is the pronoun, and the words after it are not one
            words = words[cut:]
            while words and words[-1].endswith("ly"):
                words.pop()  # "does a chef usually make"
            if frame is _BEFORE_PAY and len(words) == 1 and zipf(words[0]) >= PLAIN_WORD_ZIPF:
                continue  # "the most big salary": a plain word before the pay, not a role
            phrase = " ".join(words)
            if words and phrase not in found:
                found.append(phrase)
    return found


_PERSON_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def person_nouns(text: str) -> list[str]:
    """Words for a person by what they do, with up to two words before them, lower case: "plumbers", "dental
    lab technicians" (an agent-noun ending, in a word rarer than a plain word); never the asker's own job ("I'm
    a receptionist"), nor a possessive ("a master's"). Many are roles, some are not ("suppliers"):
    `extract.other_people` weighs them against the guides' own roles."""
    from .intent import ASKER, QUESTION_STOP
    from .terms import zipf

    asker = [m.span(1) for m in ASKER.finditer(text)]
    tokens = list(_PERSON_WORD.finditer(text))
    found = []
    for k, m in enumerate(tokens):
        word = m.group(0).lower().rstrip("'’")
        head = singular(word)
        if "'" in word or "’" in word or len(head) < 5 or not AGENT_NOUN.search(head) \
                or head in NOT_A_ROLE or word in NOT_A_ROLE or zipf(head) >= PLAIN_WORD_ZIPF \
                or any(a <= m.start() < b for a, b in asker):
            continue
        words = [word]
        for j in range(k - 1, max(-1, k - 3), -1):  # "dental lab" before "technicians", joined by spaces only
            before = tokens[j].group(0).lower()
            if before in QUESTION_STOP or before in NOT_A_ROLE or text[tokens[j].end():tokens[j + 1].start()] != " ":
                break
            words.insert(0, before)
        found.append(" ".join(words))
    return list(dict.fromkeys(found))


# Calls to action and page furniture that web pages put around their content (general web text, no career's)
CALL_TO_ACTION = re.compile(
    r"\b(?:sign up|log in|sign in|subscribe|unsubscribe|newsletter|cookies?|all rights reserved|privacy policy|"
    r"terms of (?:use|service)|free trial|no credit card|cancel anytime|upgrade to|share this|click here|"
    r"was this (?:guide|page|article) helpful|advertisement|enter your email|join (?:over|now|our|\d))\b|©|"
    r"/\s?month\b", re.I)


def boilerplate(units: list) -> frozenset[int]:
    """The units that are site chrome, not content: text two or more guides repeat word for word (a site's
    sign-up prompt, its related-careers links), and calls to action ("Sign up now...", "$12/month")."""
    sources: dict[str, set[str]] = {}
    keys = []
    for u in units:
        key = " ".join(re.findall(r"\w+", u.text.lower()))
        keys.append(key)
        sources.setdefault(key, set()).add(u.source)
    return frozenset(i for i, (u, key) in enumerate(zip(units, keys))
                     if len(sources[key]) > 1 or CALL_TO_ACTION.search(u.text))


def credential_acronyms(texts: list[str], roles: list[str] = ()) -> frozenset[str]:
    """Lower-case acronyms the guides use beside credential words ("the NBDHE exam", "CPA licence"); not
    places ("a UK licence"), the words of a guide's role ("HVAC" of "HVAC Technician"), nor common words
    or credential words in capitals ("HOW TO BECOME ONE", "IT", "LICENSES")."""
    from .terms import places, zipf

    in_roles = {w.lower() for r in roles for w in r.split()}
    found = {a.lower() for t in texts if _CREDENTIAL_WORDS.search(t) for a in _ACRONYM.findall(t)}
    return frozenset(a for a in found if a not in places() and a not in in_roles
                     and zipf(a) < PLAIN_WORD_ZIPF and not _CREDENTIAL_WORDS.match(a))


@dataclass(frozen=True)
class Coverage:
    """What a corpus covers, as the app and the decline text speak of it."""

    roles: dict[str, str] = field(default_factory=dict)  # source -> role, from the guide's title
    topics: list[str] = field(default_factory=list)  # labels of topics many passages offer: "pay", "education"
    examples: dict[str, list[str]] = field(default_factory=dict)  # topic -> questions the guides answer

    @cached_property
    def _plurals(self) -> list[str]:
        return list(dict.fromkeys(plural(r) for r in self.roles.values() if r))

    def role_names(self, limit: int = 4) -> str:
        """The roles as a phrase: "welders, plumbers and 3 more careers"."""
        names = self._plurals
        if not names:
            return "the careers in these guides"
        shown = names[:limit]
        rest = len(names) - len(shown)
        if rest:
            return ", ".join(shown) + f" and {rest} more careers"
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]

    def topic_names(self) -> str:
        topics = self.topics or ["pay", "education", "the path in"]
        return topics[0] if len(topics) == 1 else ", ".join(topics[:-1]) + " and " + topics[-1]


def plural(role: str) -> str:
    """A role in the plural, lower-cased but for acronyms: "Data Analyst" -> "data analysts"."""
    words = [w if w.isupper() else w.lower() for w in role.split()]
    if not words:
        return ""
    last = words[-1]
    if not last.endswith("s"):
        last = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s"
    return " ".join(words[:-1] + [last])


def survey(roles: dict[str, str], unit_texts: list[str], unit_offers: list[frozenset[str]],
           sections: list[str]) -> Coverage:
    """What the corpus covers: the guides' roles (by source, from their titles), topics from what passages
    offer, example questions from the guides' own FAQ headings (else from the topic and a role)."""
    from .intent import read_question

    counts = Counter(i for o in unit_offers for i in o)
    topics = [label for intent, label in TOPIC_LABELS.items() if counts[intent] >= TOPIC_MIN_UNITS]
    faq = list(dict.fromkeys(s for s in sections if s.endswith("?") and 15 <= len(s) <= 90))
    examples: dict[str, list[str]] = {}
    names = [r for r in dict.fromkeys(roles.values()) if r]
    for n, (intent, label) in enumerate(EXAMPLE_TOPICS.items()):
        if counts[intent] < TOPIC_MIN_UNITS:
            continue
        picked = [q for q in faq if intent in read_question(q).intents][:2]
        if len(picked) < 2 and names:
            role = names[n % len(names)]
            a = "an" if role[:1].lower() in "aeiou" else "a"
            picked.append(EXAMPLE_TEMPLATES[intent].format(a=a, role=role.lower() if not role.isupper() else role,
                                                           roles=plural(role)))
        examples[label] = picked[:2]
    return Coverage(roles=roles, topics=topics, examples=examples)
