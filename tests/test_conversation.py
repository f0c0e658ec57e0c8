"""Conversations: follow-ups read with the earlier turns, complete questions read alone, answers still quoted."""
import json
import os
import subprocess
import sys

import pytest

from careerbot import QuestionError
from conftest import CORPUS
from test_ask import check_verbatim

PAY = "How much do medical practice managers make?"


@pytest.fixture(scope="module")
def first(ask_shared):
    return ask_shared(PAY)


def test_another_role_is_asked_the_same_thing(ask_shared, first):
    follow = ask_shared("and office managers?", history=[first])
    assert follow.answered and follow.carried == ["pay"]
    check_verbatim(follow)
    assert follow.citations[0].source == "medical-office-manager-career-guide.txt"
    assert "$" in follow.text


def test_history_of_strings_reads_like_history_of_answers(ask_shared, first):
    with_answer = ask_shared("and office managers?", history=[first])
    with_string = ask_shared("and office managers?", history=[PAY])
    assert with_string.text == with_answer.text and with_string.carried == with_answer.carried


def test_a_pronoun_stands_for_the_role(ask_shared, first):
    follow = ask_shared("what do they need to study?", history=[first])
    assert follow.answered and follow.carried == ["medical practice managers"]
    assert "degree" in follow.text.lower()
    assert all(c.source == "medical-practice-manager-career-guide.txt" for c in follow.citations[:1])



def test_words_after_a_pronoun_are_not_taken_for_a_role(ask_shared):
    """"at least" between "they" and "get paid" names no occupation: the role of the earlier turn is."""
    follow = ask_shared("do they at least get paid ok", history=["Do medical practice managers have to work weekends?"])
    assert follow.answered and follow.carried == ["medical practice managers"]
    assert "$" in follow.text


def test_them_with_no_role_before_stands_for_what_was_asked_about(ask_shared):
    follow = ask_shared("who accredits them?",
                        history=["How many accredited master's programs in healthcare administration are there?"])
    assert follow.answered and follow.carried
    assert "Accreditation of Healthcare Management Education" in follow.text

def test_a_place_fragment_keeps_role_and_topic(ask_shared, first):
    office = ask_shared("and office managers?", history=[first])
    uk = ask_shared("in the UK?", history=[first, office])
    assert uk.answered and "pay" in uk.carried
    assert "£" in uk.text or "GBP" in uk.text


def test_a_complete_new_question_is_answered_as_if_asked_alone(ask_shared, first):
    question = "What does CMOM stand for?"
    after = ask_shared(question, history=[first])
    alone = ask_shared(question)
    assert after.carried == [] and after.text == alone.text and after.citations == alone.citations


@pytest.mark.parametrize("question", ["How long does a medical office administration certificate take?",
                                      "what does a day at the front desk of a medical office look like?"])
def test_a_question_naming_another_guide_by_its_title_words_is_read_alone(ask_shared, first, question):
    """"medical office" names the office manager's guide without naming the role in full: the practice
    manager of the earlier turn is not carried into it."""
    after = ask_shared(question, history=[first])
    alone = ask_shared(question)
    assert after.carried == [] and after.text == alone.text


@pytest.mark.parametrize("question", ["Totally different question: what is the CMPE and who gives it out?",
                                      "New question: what does HIPAA stand for and why does it matter?"])
def test_a_message_announcing_a_new_subject_is_read_alone(ask_shared, first, question):
    """"New question:" before a question with its own subject: its "it" is that subject, no earlier role."""
    after = ask_shared(question, history=[first])
    alone = ask_shared(question)
    assert after.carried == [] and after.text == alone.text


def test_a_new_subject_whose_role_is_named_in_its_story_is_read_alone(ask_shared, first):
    """The role is in the sentence before the question ("...wants to be an office manager."), so "she" is
    that person, not the practice managers of the earlier turn."""
    question = "Separate question: my daughter wants to be a medical office manager. What should she study?"
    after = ask_shared(question, history=[first])
    alone = ask_shared(question)
    assert after.carried == [] and after.text == alone.text


def test_a_place_no_guide_names_declines_only_the_message_that_asks_about_it(ask_shared):
    """A place told in an earlier turn is carried, but it is the message's own question that is judged: "what
    skills do they need?" is answered; "and in Nigeria?" asks about a place no guide names, and is declined."""
    told = ask_shared("what skills do they need?", history=["I live in Nigeria. What does a medical office manager do?"])
    assert told.answered and "Nigeria" in told.carried
    asked = ask_shared("and in Nigeria?", history=["What skills does a medical office manager need?"])
    assert not asked.answered and asked.citations == []


def test_a_follow_up_about_an_uncovered_role_is_declined(ask_shared, first):
    follow = ask_shared("and pilots?", history=[first])
    assert not follow.answered and follow.citations == []


def test_no_history_and_empty_history_read_the_question_alone(ask_shared):
    assert ask_shared("and office managers?", history=[]) == ask_shared("and office managers?")
    assert ask_shared("and office managers?").carried == []


@pytest.mark.parametrize("history", ["How much do they make?", 42, [{"question": "pay?"}], [None]])
def test_history_that_is_not_a_list_of_turns_is_a_question_error(ask_shared, history):
    with pytest.raises(QuestionError, match="history"):
        ask_shared("and office managers?", history=history)


def test_answered_questions_suggest_other_questions_the_guides_answer(first):
    assert first.suggestions and all(s.endswith("?") for s in first.suggestions)
    assert PAY not in first.suggestions
    assert not {c.section for c in first.citations} & set(first.suggestions)


def test_chat_command_reads_each_line_as_a_follow_up(index_dir):
    lines = f"{PAY}\n\nand office managers?\n/new\nand office managers?\n"
    out = subprocess.run([sys.executable, "-m", "careerbot.cli", "chat", "--json", "--corpus", str(CORPUS),
                          "--index", str(index_dir)], input=lines, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert [a["question"] for a in answers] == [PAY, "and office managers?", "and office managers?"]
    assert answers[1]["carried"] == ["pay"] and answers[1]["answered"]
    assert answers[2]["carried"] == []  # after "/new", nothing is carried
    assert "Traceback" not in out.stderr


def test_a_level_fragment_asks_the_last_question_for_that_level(ask_shared):
    """"senior?" after a question about entry-level pay asks for the senior figure, not the entry-level one
    (a lone word like "senior?" is not read as "what is senior?")."""
    follow = ask_shared("senior?", history=["What do entry level medical office managers make?"])
    assert follow.answered and follow.carried == ["pay", "medical office managers"]
    assert "Senior" in follow.text.splitlines()[0]


def test_a_message_without_words_is_not_read_as_a_follow_up(ask_shared, first):
    """A row of emoji after a question is not that question again: nothing is carried, nothing is quoted."""
    follow = ask_shared("🙂" * 50, history=[first])
    assert follow.carried == [] and not follow.answered
