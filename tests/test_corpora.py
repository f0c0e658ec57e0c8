"""careerbot on guides about other careers: what it knows of its guides comes from the corpus, not the code."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRADES = ROOT / "bench" / "corpora" / "trades-handbook"
SEED_WORDS = re.compile(r"medical|practice manag|office manag|\bCMPE\b|\bCMOM\b|healthcare", re.I)


@pytest.fixture(scope="session")
def trades_index(tmp_path_factory) -> Path:
    """An index of the skilled-trades handbook (four Markdown guides), built once."""
    from careerbot.index import build
    from careerbot.settings import resolve

    path = tmp_path_factory.mktemp("trades") / "index"
    build(resolve(TRADES / "guides", path), progress=False)
    return path


@pytest.fixture(scope="session")
def ask_trades(trades_index):
    from careerbot import ask

    return lambda question, **kw: ask(question, corpus=TRADES / "guides", index=trades_index, **kw)


def test_trades_gold_questions_meet_their_floors(trades_index):
    """The handbook's own question set (written from the guides alone, five personas) stays answered.
    Measured: key fact 81.8%, right guide 94.5%, answerable declined 3.6%, unanswerable declined 60.0%."""
    from careerbot.evaluate import evaluate, load_gold

    report = evaluate(load_gold(TRADES / "questions.jsonl"), corpus=TRADES / "guides", index=trades_index)["overall"]
    assert report["key_fact"] >= 0.76
    assert report["cited_guide"] >= 0.90
    assert report["declined_answerable"] <= 0.08
    assert report["declined_unanswerable"] >= 0.50


def test_a_role_a_guide_covers_is_answered_from_that_guide(ask_trades):
    a = ask_trades("How much does a plumber earn per year?")
    assert a.answered and a.citations[0].source == "plumber.md"
    assert "$" in a.text


@pytest.mark.parametrize("question", ["How much do airline pilots make?", "how do i become a pastry chef",
                                      "what does a veterinarian do all day?"])
def test_an_occupation_no_guide_covers_is_declined(ask_trades, question):
    a = ask_trades(question)
    assert not a.answered and not a.citations


@pytest.mark.parametrize("question", ["Who earns more per hour at the median, paralegals or librarians?",
                                      "can librarians work from home?"])
def test_an_occupation_named_outside_any_question_frame_is_declined(ask_trades, question):
    """No question frame ("become a …", "do … make") reads these roles: the words for a person near the guides'
    roles, in a question that names none of the guides' roles, weigh toward declining."""
    a = ask_trades(question)
    assert not a.answered and not a.citations


@pytest.mark.parametrize("question, fact", [
    ("P90 comp for HVAC techs?", "$84,000"),  # pay-survey shorthand for the highest 10 percent
    ("What's top-decile comp for plumbers?", "$105,000"),
])
def test_recruiter_shorthand_for_pay_reads_as_the_guides_word_it(ask_trades, question, fact):
    a = ask_trades(question)
    assert a.answered and fact in a.text


def test_the_same_question_about_roles_the_guides_cover_is_answered(ask_trades):
    a = ask_trades("Who earns more per hour at the median, electricians or plumbers?")
    assert a.answered and a.citations[0].source in {"electrician.md", "plumber.md"}


def test_a_job_question_naming_an_illness_is_not_health_advice(ask_trades):
    """The pointer to a clinician is for personal health questions, never for one about the work."""
    job = ask_trades("Do welders risk lung disease from breathing fumes on the job?")
    assert "clinician" not in job.text
    personal = ask_trades("what should I take for a migraine?")
    assert not personal.answered and "clinician" in personal.text


def test_what_the_user_sees_comes_from_the_guides(trades_index, ask_trades):
    """With guides about trades alone, nothing careerbot says speaks of the four starting guides' careers."""
    from careerbot.index import read_manifest
    from careerbot.ui import manifest_coverage

    cover = manifest_coverage(read_manifest(trades_index))
    shown = " ".join([cover.role_names(), cover.topic_names(), *(q for qs in cover.examples.values() for q in qs)])
    assert "electricians" in shown.lower() and "welders" in shown.lower()
    assert cover.examples and all(qs for qs in cover.examples.values())
    declined = ask_trades("Who won the 2022 FIFA World Cup?")
    health = ask_trades("what should I take for a migraine?")
    for text in (shown, declined.text, health.text):
        assert not SEED_WORDS.search(text), text


def test_site_chrome_repeated_across_guides_is_never_quoted(tmp_path):
    """A line a site repeats on every page (a sign-up prompt that mentions remote work) is not an answer."""
    from careerbot import ask
    from careerbot.index import build
    from careerbot.settings import resolve

    chrome = ["Find your next role on JobDeck", "Sign up free and join 40,000 remote workers who get daily job alerts."]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for role, remote in (("Glazier", "Glaziers work on building sites and in workshops, so the job cannot be "
                                     "done remotely from home."),
                         ("Roofer", "Roofing is outdoor work on the building itself, and roofers never work from home.")):
        body = [f"# {role} Career Guide", *chrome, "## What they do",
                f"A {role.lower()} installs, repairs and replaces parts of buildings for homeowners and builders.",
                "## Remote work", remote, "## Pay",
                f"The median {role.lower()} earns $48,000 a year, and the top tenth earn over $70,000.", *chrome]
        (corpus / f"{role.lower()}.md").write_text("\n\n".join(body) + "\n", encoding="utf-8")
    index = tmp_path / "index"
    build(resolve(corpus, index), progress=False)
    a = ask("Can a glazier work remotely?", corpus=corpus, index=index)
    assert a.answered and "join 40,000" not in a.text
    assert "cannot be done remotely" in a.text


def test_a_follow_up_names_another_trade(ask_trades):
    """A conversation over other guides: the roles come from their titles ("plumbing" names the plumber's)."""
    first = ask_trades("How long is an electrician apprenticeship?")
    follow = ask_trades("and for a plumber?", history=[first])
    assert follow.answered and follow.carried
    assert follow.citations[0].source == "plumber.md"
    reset = ask_trades("How long is a plumbing pre-apprenticeship program?", history=[first, follow])
    assert reset.carried == []


@pytest.mark.parametrize("story, follow, source", [
    ("Thinking about welding. Is the field growing or shrinking?", "plumbers?", "plumber.md"),
    ("I'm looking at HVAC work. How long is the apprenticeship?", "and welders?", "welder.md")])
def test_another_role_after_a_question_told_with_a_story_is_asked_for_that_role(ask_trades, story, follow, source):
    """The first message names its role in a sentence before its question, which is not searched: the
    follow-up asks that question for its own role, answered from that role's guide alone."""
    a = ask_trades(follow, history=[story])
    assert a.answered and a.carried
    assert {c.source for c in a.citations} == {source}, a.text


def test_a_follow_up_naming_a_role_by_a_short_form_is_answered(ask_trades):
    """"techs" in "and hvac techs?" is the HVAC technician, not a misspelt word the answer must hold."""
    first = ask_trades("whats the job outlook for welders")
    follow = ask_trades("and hvac techs?", history=[first])
    assert follow.answered and follow.citations[0].source == "hvac-technician.md"


@pytest.mark.parametrize("question, guides, fact", [
    ("do welders or electricians earn more?", {"welder.md", "electrician.md"}, "$29.60"),
    ("is the job outlook better for plumbers or welders?", {"plumber.md", "welder.md"}, "6 percent"),
])
def test_a_comparison_of_two_roles_quotes_each_ones_guide(ask_trades, question, guides, fact):
    """Both sides of a comparison are quoted, each from its own role's guide, however far the second ranks."""
    a = ask_trades(question)
    assert a.answered and guides <= {c.source for c in a.citations}
    assert fact in a.text


@pytest.mark.parametrize("turns, fact", [
    (["whats the job outlook for welders", "and hvac techs?", "whats driving that?"], "shift to heat pumps"),
    (["what hours do commercial electricians usually work?", "industrial ones?"], "rotating shifts"),
])
def test_a_follow_up_about_the_last_answer_is_answered_from_beside_its_quotes(ask_trades, turns, fact):
    """"that" is what the last answer just said; "industrial ones?" changes one detail of it: the answer stands
    beside the quotes of the last answer, and says what the message itself asks."""
    history = []
    for question in turns[:-1]:
        history.append(ask_trades(question, history=list(history)))
    follow = ask_trades(turns[-1], history=history)
    assert follow.answered and fact in follow.text
    assert follow.citations[0].source == history[-1].citations[0].source
    # the same conversation sent as question strings, as programs send it to the API, is read the same way
    assert ask_trades(turns[-1], history=turns[:-1]).text == follow.text


ROLE_GUIDES = {
    "marine-technician.txt": "Marine Service Technician Guide\n\nPay\nA marine service technician earns a median "
                             "of $41,870 a year.\n\nTraining\nNew technicians complete a safety course that lasts "
                             "6 weeks.\n",
    "harbor-pilot.txt": "Harbor Pilot Guide\n\nPay\nA harbor pilot earns a median of $187,320 a year.\n\n"
                        "Training\nAn apprentice harbor pilot trains for 4 years under a licensed pilot.\n",
}


@pytest.mark.parametrize("question, source, fact", [
    ("what's the median comp for an HP?", "harbor-pilot.txt", "$187,320"),
    ("what do marine svc techs get paid?", "marine-technician.txt", "$41,870"),
])
def test_a_role_named_by_its_initials_or_a_short_form_is_answered_from_its_guide(tmp_path, question, source, fact):
    """Recruiters write "HP" or "svc techs": a role's initials, or short forms of its words, name its guide."""
    from careerbot import ask

    for name, text in ROLE_GUIDES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    a = ask(question, corpus=tmp_path, index=tmp_path.parent / f"{tmp_path.name}-index")
    assert a.answered and a.citations[0].source == source and fact in a.text


def test_a_common_word_is_not_taken_for_a_role_it_begins(tmp_path):
    """"work" begins "Social Worker", but "can a harbor pilot work from home?" is about harbor pilots."""
    from careerbot import ask

    (tmp_path / "social-worker.txt").write_text("Social Worker Guide\n\nRemote work\nMany social workers see "
                                                "clients by video from home two days a week.\n", encoding="utf-8")
    (tmp_path / "harbor-pilot.txt").write_text("Harbor Pilot Guide\n\nRemote work\nA harbor pilot cannot work "
                                               "from home: every job is on the bridge of a ship.\n", encoding="utf-8")
    a = ask("can a harbor pilot work from home?", corpus=tmp_path, index=tmp_path.parent / f"{tmp_path.name}-index")
    assert a.answered and a.citations[0].source == "harbor-pilot.txt"


CRANE_GUIDES = {
    "crane-operator.md": "# Crane Operator Career Guide\n\n## Pay\n\nIn the United States a crane operator earns a "
                         "median of $63,340 a year.\n\n## Certification\n\nMost employers ask for the CCO "
                         "certification, which takes a written exam and a practical exam.\n\n## Remote work\n\n"
                         "Not from home, no. Every lift is run from the cab or a radio remote on the site itself.\n\n"
                         "## Training\n\nThe training for new crane operators lasts 6 months, with a certified "
                         "operator beside them in the cab.\n\n## Career ladder\n\n| Role | Median pay |\n|---|---|\n"
                         "| Crane Operator | $63,340 |\n| Crane Inspector | $78,500 |\n",
    "rigger.md": "# Rigger Career Guide\n\n## Pay\n\nIn the United States a rigger earns a median of $52,150 a year."
                 " In the United Kingdom a rigger earns about £38,000 a year."
                 "\n\n## Training\n\nThe training course for new riggers lasts 12 weeks and covers knots, slings "
                 "and load charts.\n",
}


@pytest.fixture(scope="module")
def ask_cranes(tmp_path_factory):
    from careerbot import ask

    corpus = tmp_path_factory.mktemp("cranes")
    for name, text in CRANE_GUIDES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index = corpus.parent / f"{corpus.name}-index"
    return lambda question: ask(question, corpus=corpus, index=index)


@pytest.mark.parametrize("question, fact", [
    # "USA" where the guides say "United States"
    ("how much do crane operators make in the USA?", "$63,340"),
    # "QA" is who is hiring, not a credential the guides lack
    ("Our QA team is hiring: which certification should a crane operator have?", "CCO"),
    # a terse answer brings the sentence that explains it
    ("Can crane operators work from home?", "Not from home, no. Every lift is run from the cab"),
    # "their" points back at the sentence that names who is meant (asked alone, it gets the riggers' course)
    ("My cousin just started out as a crane operator. How long is their training?", "6 months"),
    # "become a crane operator one day": the role is the crane operator, not "day"
    ("What certification do I need if I want to become a crane operator one day?", "CCO"),
    # where the asker comes from is not the place asked about
    ("how much do crane operators make in the United States? i am from poland and want to move there", "$63,340"),
    # no guide's title, but the crane operator's guide names it on its career ladder
    ("how much does a crane inspector earn?", "$78,500"),
    # a plain word before the pay is not a role no guide covers
    ("where crane operator get most big salary?", "$63,340"),
], ids=["country-named-otherwise", "abbreviation-in-passing", "terse-answer", "points-back", "role-then-when",
        "asker-origin", "rung-of-a-career", "plain-word-before-pay"])
def test_a_question_as_people_write_it_is_answered_from_its_guide(ask_cranes, question, fact):
    a = ask_cranes(question)
    assert a.answered and a.citations[0].source == "crane-operator.md" and fact in a.text


@pytest.mark.parametrize("question", [
    "is the ZQXP exam worth it for crane operators?",  # a rare acronym beside "exam" the guides never use
    "how much do crane operators make in Poland?",  # a place the guides never name
    "how much does a crane supervisor earn?",  # a role no guide names, even on a ladder
    "how much do crane operators make in the UK?",  # only the riggers' guide names the UK
    # the story names an occupation no guide covers, and the question names none
    "I've run cranes for ten years and my knees are done. I'm thinking about becoming an airline pilot "
    "instead. How long is the training?",
])
def test_what_the_guides_do_not_cover_is_still_declined(ask_cranes, question):
    assert not ask_cranes(question).answered


def test_a_personal_health_question_about_a_job_points_to_a_clinician(ask_cranes):
    """The asker's own condition and whether they should take the job is for a clinician, not the guides."""
    for question in ("I have asthma and use an inhaler every day. Is it safe for me to become a crane operator?",
                     "I have high blood pressure. Can I still become a crane operator?"):  # the story tells it
        a = ask_cranes(question)
        assert not a.answered and "clinician" in a.text, question
    job = ask_cranes("Do crane operators need a medical exam for the CCO certification?")
    assert "clinician" not in job.text


MIXED = ROOT / "bench" / "corpora" / "mixed-formats"


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory) -> Path:
    """An index of four guides in four shapes: a hard-wrapped text profile, a web guide with a breadcrumb
    title, a Markdown chapter and a saved HTML page."""
    from careerbot.index import build
    from careerbot.settings import resolve

    path = tmp_path_factory.mktemp("mixed") / "index"
    build(resolve(MIXED / "guides", path), progress=False)
    return path


def test_each_guide_is_about_the_role_its_title_names(mixed_index):
    from careerbot.index import read_manifest
    from careerbot.ui import manifest_coverage

    roles = sorted(manifest_coverage(read_manifest(mixed_index)).roles.values())
    assert roles == ["Chef", "Firefighters", "Social Worker", "Veterinary Technicians"]


def test_a_sentence_broken_over_lines_is_quoted_whole(mixed_index):
    """The firefighter profile is hard-wrapped: "lasts 12 to 16" ends one line and "weeks;" starts the next."""
    from careerbot import ask

    a = ask("How long is the fire academy for firefighters?", corpus=MIXED / "guides", index=mixed_index)
    assert a.answered and a.citations[0].source == "firefighter.txt"
    assert "fire academy that usually lasts 12 to 16 weeks" in a.text
    assert "\n" in a.citations[0].quote  # the quote is the guide's text as written, line break and all


def test_and_in_a_question_does_not_name_a_guide_whose_title_has_it(tmp_path):
    """"and" in "Court Reporters and Simultaneous Captioners" is a joining word, not the guide's name: a question
    with "and" in it about another guide's role is answered from that guide."""
    from careerbot import ask

    (tmp_path / "court-reporter.txt").write_text(
        "Court Reporters and Simultaneous Captioners\n\nPay\nCourt reporters earn a median of $66,710 a year.\n\n"
        "Training\nA court reporting program lasts 2 to 4 years.\n", encoding="utf-8")
    (tmp_path / "harbor-pilot.txt").write_text(
        "Harbor Pilot Guide\n\nPay\nA harbor pilot earns a median of $187,320 a year.\n\nTraining\nAn apprentice "
        "harbor pilot trains for 4 years and sits a licensing exam.\n", encoding="utf-8")
    index = tmp_path.parent / f"{tmp_path.name}-index"
    a = ask("What do harbor pilots earn, and how is it paid?", corpus=tmp_path, index=index)
    assert a.answered and a.citations[0].source == "harbor-pilot.txt" and "$187,320" in a.text
    b = ask("and court reporters?", corpus=tmp_path, index=index, history=[a])
    assert b.answered and b.citations[0].source == "court-reporter.txt" and "$66,710" in b.text


def test_suggested_questions_drop_the_numbers_of_their_headings(tmp_path):
    """A handbook numbers its question headings ("1.2 How long is the training?"); the question offered to
    ask next is the heading's question alone."""
    from careerbot import ask

    (tmp_path / "harbor-pilot.md").write_text(
        "# Chapter 1: Harbor Pilot\n\n## 1.1 What does a harbor pilot earn?\n\nA harbor pilot earns a median of "
        "$187,320 a year.\n\n## 1.2 How long is the training?\n\nAn apprentice harbor pilot trains for 4 years.\n",
        encoding="utf-8")
    a = ask("What does a harbor pilot earn?", corpus=tmp_path, index=tmp_path.parent / f"{tmp_path.name}-index")
    assert a.answered and "$187,320" in a.text
    assert "How long is the training?" in a.suggestions
    assert not any(s[0].isdigit() for s in a.suggestions)


def test_a_role_ending_in_y_is_named_by_its_plural(tmp_path):
    """"actuaries" names the Actuary guide ("-ies" is the plural of "-y"), so its outlook is quoted even where
    another guide's outlook uses the question's very words."""
    from careerbot import ask

    (tmp_path / "actuary.txt").write_text(
        "Actuary\n\nOutlook\nEmployment of actuaries is projected to rise 22 percent over the decade.\n",
        encoding="utf-8")
    (tmp_path / "real-estate-agent.txt").write_text(
        "Real Estate Agent\n\nOutlook\nHow fast will jobs grow? Jobs will grow about 3 percent over the decade.\n",
        encoding="utf-8")
    a = ask("will jobs grow fast for actuaries?", corpus=tmp_path, index=tmp_path.parent / f"{tmp_path.name}-index")
    assert a.answered and a.citations[0].source == "actuary.txt" and "22 percent" in a.text


def test_a_role_is_read_from_a_title_in_capitals_and_known_by_its_other_names(tmp_path):
    """A plain-text profile opens with its series' name, then its own title in capitals; its text gives the
    role another name ("also called glass installers"). Both name the guide: questions using either are
    answered from it, not declined as about an occupation no guide covers."""
    from careerbot import ask
    from careerbot.index import build, load
    from careerbot.settings import resolve

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "glazier.txt").write_text(
        "TRADE PROFILE SERIES -- BUILDING AND FINISHING GROUP\n\n                 GLAZIERS\n\n"
        "Glaziers (also called glass installers or glass fitters) cut, fit and set glass in windows, shop fronts, "
        "skylights and shower doors.\n\nPAY\nThe median glazier earned $51,300 a year in 2024; the top tenth "
        "earned more than $80,000.\n\nREMOTE WORK\nGlaziers work on building sites and in glass shops, so the "
        "work cannot be done from home.\n", encoding="utf-8")
    (corpus / "roofer.md").write_text(
        "# Roofer Career Guide\n\n## Pay\n\nThe median roofer earns $50,900 a year, and the top tenth earn over "
        "$75,000.\n\n## Remote work\n\nRoofing is outdoor work on the building itself: roofers never work from "
        "home.\n", encoding="utf-8")
    index = tmp_path / "index"
    build(resolve(corpus, index), progress=False)
    assert load(index).roles["glazier.txt"] == "Glaziers"
    for question, fact in (("How much do glass installers make?", "$51,300"),
                           ("Can a glass fitter work from home?", "cannot be done from home")):
        a = ask(question, corpus=corpus, index=index)
        assert a.answered and a.citations[0].source == "glazier.txt", question
        assert fact in a.text
