"""What a question asks for (pay, education, a certificate, a duration...) and what a unit offers."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

# Words that signal each intent in a question; matched on word prefixes, and forgiving one typo.
INTENT_WORDS: dict[str, tuple[str, ...]] = {
    "salary": ("salary", "salaries", "median", "pay", "paid", "pays", "earn", "earns", "earning", "earnings", "wage",
               "wages", "hourly", "income", "compensation", "comp", "paycheck", "paychecks", "paycheque", "take-home",
               "bonus", "bonuses", "raise", "dollars", "usd", "cash", "$", "£", "€"),
    "cost": ("cost", "costs", "tuition", "expensive", "price", "afford", "fee", "fees", "cheap"),
    "education": ("degree", "degrees", "bachelor", "bachelors", "master", "masters", "mha", "mba", "associate",
                  "associates", "college", "university", "school", "study", "major", "education", "educational",
                  "diploma", "course", "courses", "program", "programs", "qualification", "qualifications", "academic"),
    "certification": ("certification", "certifications", "certificate", "certified", "certify", "credential",
                      "credentials", "exam", "exams", "license", "licensed", "licensing", "licence", "licenses",
                      "licences", "licensure", "registration", "registered", "accredited", "accreditation"),
    "outlook": ("growth", "grow", "growing", "demand", "outlook", "openings", "future", "market", "prospects",
                "hiring", "security", "stable"),
    "remote": ("remote", "remotely", "home", "hybrid", "wfh", "telework", "onsite"),
}
# "make" and "money" ask about pay unless the question makes something else or handles money for the practice
_MAKE = re.compile(r"\bmak(?:e|es|ing)\b")
_MADE_OTHER = re.compile(r"\b(?:mistakes?|errors?|decisions?|changes?|difference|impact|sense|sure|friends|"
                         r"appointments?|switch|jump|move|transition|schedules?|plans?|improvements?|calls?|hires?|"
                         r"progress)\b")
_COUNT_MADE = re.compile(r"\bhow many (?!dollars|bucks|grand\b)[\w-]+\b.*\bmak(?:e|es|ing)\b")  # "how many stops..."
_EARNED_OTHER = re.compile(r"\bearn\w* (?:an? |the |my |your |their |this )?(?:[\w-]+ ){0,2}(?:certif\w*|credentials?|"
                           r"degrees?|designations?|diplomas?|certs?|licen[cs]es?|promotions?|titles?|respect|trust)\b")
_MONEY_WORD = re.compile(r"\bmoney\b")
_MONEY_HANDLED = re.compile(
    r"\bmoney side\b|\b(?:handl|manag|track|collect|count|deal|budget|spend)\w* (?:the |with )?money")
# A question asking who gives something (a credential, a program): the answer names an organisation
_WHO_GIVES = re.compile(
    r"\bwho (?:gives?|offers?|issues?|awards?|grants?|runs?|administers?|provides?|certifies|accredits?|hands? out|"
    r"is behind|sponsors?)\b|\b(?:which|what) (?:organi[sz]ations?|associations?|bod(?:y|ies)|groups?|"
    r"institutions?|societ(?:y|ies)|agenc(?:y|ies))\b|\b(?:offered|issued|given|awarded|run) by\b")
_ORGANISATION = re.compile(
    r"\b(?:offered|issued|awarded|granted|administered|provided|run|given) by\b|\bfrom (?:the )?(?:[A-Z][a-z]+ ){0,6}"
    r"(?:[A-Z]{3,}|Association|College|Institute|Society|Academy)|\b(?:[Oo]rgani[sz]ations?|bodies|associations?) "
    r"(?:like|such as)\b")
# A question comparing two roles, and a unit that draws the contrast ("Unlike a hospital administrator who...")
_COMPARE = re.compile(r"\bdiffer(?:ence|ent|s)?\b|\bvs\.?\b|\bversus\b|\bcompared?\b|\bsame (?:as|thing)\b|"
                      r"\bdistinguish")
_CONTRAST = re.compile(r"\b(?:[Uu]nlike|[Ww]hereas|[Ii]n contrast|[Cc]ompared (?:to|with)|differs?|[Dd]istinct from)\b")
# What it takes to get something ("what do you have to do to get certified"), and a unit that says it
_STEPS_ASKED = re.compile(r"\bwhat (?:do|does|would|will) (?:i|you|one|someone|they|he|she) (?:\w+ )?"
                          r"(?:have|need) to do\b|"
                          r"\b(?:requirements?|prerequisites?|eligib\w*|qualify)\b")
_REQUIREMENT = re.compile(r"\b(?:requires?|required|requirements?|prerequisites?|eligib\w*|must)\b", re.I)
# Which days or hours the job takes, and a unit that names them
_DAYS_ASKED = re.compile(r"\b(?:weekends?|weekdays?|what days|which days|mon(?:day)?-fri(?:day)?|9-5|nine to five|"
                         r"schedule|shifts?)\b")
_DAYS = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|business hours|"
                   r"9(?::00)?\s*(?:AM|am)?\s*(?:-|to)\s*5)", re.I)
# When in the year ("best time of year to apply"), and a unit that names a season or month
_SEASON_ASKED = re.compile(r"\btime of (?:the )?year\b|\bwhich months?\b|\bwhat months?\b|\bseason|\bwhen\b.{0,60}"
                           r"\b(?:hire|hiring|hires|apply|recruit\w*)\b")
_SEASON = re.compile(r"\b(?:winter|spring|summer|autumn|January|February|March|April|May|June|July|August|September|"
                     r"October|November|December|budget cycles?|fiscal year)\b")
# Which named things ("which coding systems", "what software"), and a unit that names several: "(CPT, ICD-10, HCPCS)"
_NAMES_ASKED = re.compile(r"\b(?:what|which)(?: [\w-]+){0,3} (?:systems|software|platforms|codes|code sets|laws|"
                          r"regulations|programs|apps|databases)\b")
_NAMED_LIST = re.compile(r"\([^()]*[A-Z][^()]*,[^()]*[A-Z][^()]*\)")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9-]{1,6}\b")
# Kinds of answer a question can ask for, and what a unit that gives one says (see `read_question`, `offers`)
KIND_ASKED = {"organisation": _WHO_GIVES, "compare": _COMPARE, "requirement": _STEPS_ASKED,
              "schedule": _DAYS_ASKED, "season": _SEASON_ASKED, "names": _NAMES_ASKED}
KIND_GIVEN = {"organisation": _ORGANISATION, "compare": _CONTRAST, "requirement": _REQUIREMENT,
              "schedule": _DAYS, "season": _SEASON, "names": _NAMED_LIST}
# The period pay is given for ("hourly", "per month")
_PAY_PERIOD = re.compile(r"\b(hour|week|month|day)ly\b|\b(?:per|an|a|each|every|by the) (hour|week|month|day)\b",
                         re.I)
# Who is asking: "i'm a billing clerk with 3 yrs exp", "i already work as an admin assistant" (the
# words after it describe the asker, not what they ask about)
ASKER = re.compile(r"\b(?:i'?m|i am|i (?:\w+ )?work as|i'?ve been|i was|currently)\s+(?:an?\s+)?((?:[\w-]+\s*){1,3})",
                   re.I)
# "the highest level", "top job": the top of the ladder
_TOP_LEVEL = re.compile(r"\b(?:highest|top|most senior|ultimate)\b.{0,20}\b(?:level|position|role|job|rung|title)s?\b")
LEVEL_WORDS = frozenset("entry junior mid senior assistant director regional lead head chief executive "
                        "experienced beginner".split())
# Intents that need a figure of a kind in the answer: a question about pay needs an amount.
FIGURE_INTENTS = frozenset({"salary", "cost", "duration", "percent", "count"})
QUESTION_STOP = frozenset(
    "a an the is are was were be been do does did of to in on for at by with from and or but what whats what's which "
    "who whom how why when where can could should would will i me my we our you your it its this that these those "
    "there any some as if so than then into about much many much more most get got need needs".split())

_COST_WORDS = re.compile(r"\b(?:cost|costs|tuition|fees?|price|range from \$1,000)\b(?! of living)", re.I)
_NUMBER = re.compile(r"\d")
_MONEY = re.compile(r"[$£€]|\b(?:USD|GBP|EUR|CAD|AUD|SGD|DKK|SEK|NOK|CHF|MXN|BRL|INR|JPY|NZD)\b")
_DURATION = re.compile(r"\b\d+\s*(?:[-–]\s*\d+\s*)?\+?\s*(?:years?|months?|weeks?)\b", re.I)
_PERCENT = re.compile(r"\d+\s*%")
_DEGREE = re.compile(r"\b(?:bachelor|master|associate|degree|MHA|MBA|diploma|graduate)", re.I)
_CERT = re.compile(r"certif|credential|licen[cs]|\bexam|registration|accredit", re.I)
_REMOTE = re.compile(r"remote|on-site|onsite|in-office|hybrid|physical presence", re.I)
_OUTLOOK = re.compile(r"growth|grow|demand|outlook|openings|job market", re.I)


# Questions that ask for several things: "what soft skills...", "pros and cons", "what does a manager oversee"
LIST_QUESTION = re.compile(
    r"\b(?:skills|abilities|qualities|traits|strengths|pros|cons|advantages|disadvantages|downsides|upsides|"
    r"benefits|perks|drawbacks|challenges|mistakes|pitfalls|speciali[sz]ations|specialties|niches|duties|"
    r"responsibilities|tasks|tools|software|technolog(?:y|ies)|tech stack|settings|places|employers|workplaces|"
    r"types|kinds|examples|areas|courses|subjects|classes|steps|options|tips)\b"
    r"|\b(?:what|which)(?: [\w-]+){0,3} (?:jobs|roles|positions|systems|platforms)\b"
    r"|\bwhat (?:does|do|will) (?:an? |the )?[\w ]{0,40}\b(?:do|oversee|handle|manage)\b", re.I)


@dataclass(frozen=True)
class Question:
    """A question as careerbot reads it: its text, content words and intents."""

    text: str
    words: tuple[str, ...]
    intents: frozenset[str]
    levels: frozenset[str] = frozenset()  # seniority words it uses: "entry", "senior", "director"...
    wants_list: bool = False  # it asks for several things, which a list in a guide answers


TYPO_CUTOFF = 0.85  # difflib similarity at which a question word is read as a mistyped intent word


def _matches(word: str, keys: tuple[str, ...]) -> bool:
    if word in keys:
        return True
    if len(word) >= 5:
        # only keys of a near length can reach the cutoff: similarity <= 2 * shorter / (sum of lengths)
        near = [k for k in keys if len(k) >= 5 and 2 * min(len(k), len(word)) >= TYPO_CUTOFF * (len(k) + len(word))]
        return bool(near and difflib.get_close_matches(word, near, n=1, cutoff=TYPO_CUTOFF))
    return False


@lru_cache(maxsize=8192)
def word_intents(word: str) -> frozenset[str]:
    """The intents one question word signals, typos forgiven."""
    return frozenset(name for name, keys in INTENT_WORDS.items() if _matches(word, keys))


def read_question(text: str, credentials: frozenset[str] = frozenset()) -> Question:
    """Split a question into content words and recognise what kind of answer it wants; `credentials` are
    the corpus's credential acronyms (naming one asks about a certification)."""
    lowered = text.lower()
    tokens = re.findall(r"[$£€]|[\w'’-]+", lowered)
    # "besides salary, ... profit sharing": what the question sets aside is not what it asks about
    aside = set(re.findall(r"\b(?:besides|other than|apart from|aside from|excluding|except(?: for)?)\s+"
                           r"(?:the |just |only |a |an |their |base )?([\w'’-]+)", lowered))
    if _EARNED_OTHER.search(lowered):
        aside |= {"earn", "earns", "earned", "earning"}  # "earn a board certification" is not about pay
    intents = set().union(*(word_intents(t) for t in tokens if t not in aside))
    if any(t in credentials for t in tokens):
        intents.add("certification")
    if _MAKE.search(lowered) and not _MADE_OTHER.search(lowered) and not _COUNT_MADE.search(lowered):
        intents.add("salary")  # "what do welders make"
    if _MONEY_WORD.search(lowered) and not _MONEY_HANDLED.search(lowered):
        intents.add("salary")  # "is the money good"
    intents |= {kind for kind, asked in KIND_ASKED.items() if asked.search(lowered)}
    growth = re.search(r"\bgrow|\bgrowth|\bdemand", lowered)
    if re.search(r"how (?:quickly|fast)", lowered) and growth:
        intents.add("percent")  # "how fast are these jobs growing": a growth rate
    elif re.search(r"how (?:long|many (?:years|months|weeks|hours)|much time|soon|quickly|fast)|how many yrs", lowered):
        intents.add("duration")
    elif re.search(r"how much (?:[\w-]+ ){0,3}experience|years? of experience|experience (?:do|does|is|are) .{0,20}need",
                   lowered):
        intents.add("duration")
    elif re.search(r"how many\b", lowered):
        intents.add("count")
    change = re.search(r"how much (?:did|does|do|has|have|had|will|would|can)\b.{0,60}\b(?:increase|decrease|drop|"
                       r"fall|fell|rise|rose|grow|grew|improve|reduce|cut|shrink|change)", lowered)
    if change:
        intents.add("percent")  # "how much did wait times drop": a share, not a salary
        intents.discard("salary")
    elif re.search(r"\bhow much\b(?!(?: [\w-]+){0,3} (?:experience|time|education|school|training|study))", lowered) \
            and "cost" not in intents:
        intents.add("salary")
    if re.search(r"\b(?:percent|percentage|rate|rates|ratio)\b|%", lowered):
        intents.add("percent")
    if re.search(r"\bstands? for\b|\bshort for\b|\b(?:full|long) form\b|\bacronym|\babbreviat|"
                 r"what does [a-z]{2,6} mean|\bmeaning of [a-z]{2,6}\b|^\W*[a-z]{2,6}\W*\?*\W*$", lowered):
        intents.add("define")
    words = tuple(dict.fromkeys(t for t in tokens if t not in QUESTION_STOP and len(t) > 1))
    # "not assistant, not senior": a level the question rules out is not one it asks about
    ruled_out = set(re.findall(r"\b(?:not|non|no|excluding|except)[\s-]+(?:an? |the )?([a-z]+)", lowered))
    about = ASKER.sub(" ", lowered)  # "i work as an assistant": the asker's level, not the one asked about
    levels = {w for w in re.findall(r"[a-z]+", about) if w in LEVEL_WORDS and w not in ruled_out}
    if _TOP_LEVEL.search(lowered):
        levels |= {"director", "chief", "executive", "head"}
    levels = frozenset(levels)
    return Question(text=text, words=words, intents=frozenset(intents), levels=levels,
                    wants_list=bool(LIST_QUESTION.search(text)))


def offers(unit_text: str, credentials: frozenset[str] = frozenset()) -> frozenset[str]:
    """The intents a unit's text can satisfy: it names an amount, a degree, a certificate, a duration...;
    `credentials` are the corpus's credential acronyms (a unit naming one offers a certification)."""
    found = set()
    if credentials and any(a.lower() in credentials for a in _ACRONYM.findall(unit_text)):
        found.add("certification")
    if _MONEY.search(unit_text):
        found.add("cost" if _COST_WORDS.search(unit_text) else "salary")
    if _NUMBER.search(unit_text):
        found.add("count")
    if _DEGREE.search(unit_text):
        found.add("education")
    if _CERT.search(unit_text):
        found.add("certification")
    if _DURATION.search(unit_text):
        found.add("duration")
    if _PERCENT.search(unit_text):
        found.add("percent")
    if _PERCENT.search(unit_text) or _OUTLOOK.search(unit_text):
        found.add("outlook")
    if _REMOTE.search(unit_text):
        found.add("remote")
    found |= {kind for kind, given in KIND_GIVEN.items() if given.search(unit_text)}
    if len(set(_ACRONYM.findall(unit_text))) >= 3:
        found.add("names")  # "CPT, HCPCS and ICD-10" names several things too
    return frozenset(found)


def figures(unit_text: str) -> frozenset[str]:
    """The amounts (in a unit that names a currency) and percentages a unit states, for comparing guides."""
    amounts = re.findall(r"[$£€]?\d[\d,.]*k?\+?", unit_text) if _MONEY.search(unit_text) else []
    return frozenset(f.strip().lower() for f in amounts + _PERCENT.findall(unit_text))


def pay_periods(text: str) -> frozenset[str]:
    """The periods a text names pay could be given for: {"hour"} for "$25 per hour" or "hourly"."""
    return frozenset(m.group(1) or m.group(2) for m in _PAY_PERIOD.finditer(text))
