"""Typed ages with a half ("45 and a half") and as a range ("between 50 and 60"): read, not asked again."""
from __future__ import annotations

import pytest

from voice_triage.assessment import rule_findings
from voice_triage.events import Ask
from voice_triage.report import answer_text
from voice_triage.understand import Interpreter

from clock import TODAY


@pytest.fixture(scope="module")
def interpreter(content):
    return Interpreter(content, today=TODAY)


def age(interpreter, content, text):
    return interpreter.understand(content.questions_by_id["age"], text).value


@pytest.mark.parametrize("text, value", [
    ("45 and a half", 45.5), ("45.5", 45.5), ("45½", 45.5), ("I'm fifty and a half", 50.5),
    ("64 and a half years old", 64.5), ("55", 55),
    ("45 and a half and 50", None), ("fifty and a half something", None),  # two ages; rough
])
def test_a_half_year_is_kept_as_said(interpreter, content, text, value):
    assert age(interpreter, content, text) == value


@pytest.mark.parametrize("text, span", [
    ("between 50 and 60", [50, 60]), ("50 to 55", [50, 55]), ("50-55", [50, 55]), ("fifty or fifty one", [50, 51]),
    ("between sixty and fifty", [50, 60]), ("45-50", [45, 50]),  # asked again until stop 40
])
def test_an_age_range_goes_to_the_age_steps(interpreter, content, text, span):
    value = age(interpreter, content, text)
    assert value["between"] == span and all(isinstance(end, int) for end in value["between"])


@pytest.mark.parametrize("text", [
    "50 and 60",            # "and" is a range only after "between"
    "I'm 50, he is 60",     # two ages, no range word between them
    "49 nearly 50",
    "between 50 and 60 something",  # rough
])
def test_two_ages_that_are_no_range_are_asked_again(interpreter, content, text):
    assert age(interpreter, content, text) is None


def answer_red_flags(dialog, content):
    dialog.start()
    for _ in content.red_flags:
        dialog.hear("no")
    assert dialog.current.id == "age"


def test_a_range_asks_only_the_steps_it_leaves_open(make_dialog, content):
    dialog = make_dialog()
    answer_red_flags(dialog, content)
    events = dialog.hear("between 55 and 60")  # over fifty and under sixty-five: every step is settled
    assert dialog.answers["age"]["text"] == "fifty-one to sixty-four"
    assert [e for e in events if isinstance(e, Ask)][-1].question == "location"
    dialog = make_dialog()
    answer_red_flags(dialog, content)
    events = dialog.hear("between 50 and 60")  # 50 is not over fifty: that step is asked
    assert [e for e in events if isinstance(e, Ask)][-1].question == "age:over_fifty"


@pytest.mark.parametrize("said, steps, value, text", [
    ("born in 61", ["no"], 64, "64"), ("born in 61", ["yes"], 65, "65"),  # "fifty-one to sixty-four" before
    ("late forties", [], 47, "forty to fifty"),  # 44 before: morning stiffness was asked as if under forty-five
    ("in my sixties", ["no"], 60, "fifty-one to sixty-four"), ("mid forties", [], 44, "forty to fifty"),
])
def test_a_range_said_keeps_the_recorded_age_inside_it(make_dialog, content, said, steps, value, text):
    dialog = make_dialog()
    answer_red_flags(dialog, content)
    for answer in [said, *steps]:
        dialog.hear(answer)
    assert dialog.answers["age"] == {"value": value, "text": text, "approximate": True, "said": said}


def test_a_half_year_is_recorded_and_compared_as_said(make_dialog, content):
    dialog = make_dialog()
    answer_red_flags(dialog, content)
    dialog.hear("64 and a half")
    assert dialog.answers["age"] == 64.5
    assert answer_text(content, content.questions_by_id["age"], 64.5) == "64.5"
    # Half a year short of sixty-five still counts as over sixty-four after a fall: the safer reading
    fell = {**dialog.answers, "onset": "fall"}
    assert "fall_older" in {finding.id for finding in rule_findings(content, fell)}
    young = {**dialog.answers, "age": 15.5}
    assert "child" in {finding.id for finding in rule_findings(content, young)}
