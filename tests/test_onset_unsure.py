""""I don't know" how the pain started is "not sure", not "for no clear reason" (a clinician review, stop 34)."""
from __future__ import annotations

import pytest

from test_clinician_review import OLDER_HIP
from test_dialog import answer_all
from voice_triage.render_markdown import render_markdown
from voice_triage.understand import Interpreter, vocabulary


@pytest.mark.parametrize("typed", ["I don't know", "no idea", "not sure", "can't remember", "dunno"])
def test_not_knowing_how_it_started_is_not_sure(content, typed):
    assert Interpreter(content).understand(content.questions_by_id["onset"], typed).value == "unsure"


@pytest.mark.parametrize("typed, meant", [("not sure, it just came on", "no_reason"), ("I don't know, I fell", "fall"),
                                          ("I don't know, maybe lifting", "strain"), ("nothing", "no_reason")])
def test_a_cause_named_beside_not_knowing_is_the_answer(content, typed, meant):
    assert Interpreter(content).understand(content.questions_by_id["onset"], typed).value == meant


def test_an_older_person_not_sure_how_it_started_is_counted_as_a_possible_fall(make_dialog):
    report = answer_all(make_dialog(), {**OLDER_HIP, "onset": "I don't know"})
    assert report["answers"]["onset"] == "unsure" and report["answer_text"]["onset"] == "not sure"
    fall = next(f for f in report["findings"] if f["id"] == "fall_older")
    assert report["disposition"] == "urgent" and "not sure about how the pain started" in fall["text"]
    assert "How it started | not sure" in render_markdown(report)


def test_a_younger_person_not_sure_how_it_started_is_not_raised(make_dialog):
    report = answer_all(make_dialog(), {**OLDER_HIP, "age": "40", "limp": "no", "onset": "no idea"})
    assert report["answers"]["onset"] == "unsure" and report["disposition"] != "urgent"


def test_not_knowing_can_be_heard_by_voice(content):
    assert "i don't know" in vocabulary(Interpreter(content), content.questions_by_id["onset"])
