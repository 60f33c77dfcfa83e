"""Ages at the edges: a child gets a doctor and no adult advice; an older person's fall is not lost by voice."""
from __future__ import annotations

import pytest

from test_dialog import _to_symptoms, answer_all
from voice_triage.assessment import assess
from voice_triage.understand import Interpreter

CHILD = {"age": "8", "location": "lower back", "side": "in the middle", "duration": "two weeks",
         "quality": "dull ache", "tingling": "no", "worse": "bending", "better": "rest", "onset": "playing football"}


def test_a_child_is_never_left_to_self_care_and_hears_why(make_dialog):
    report = answer_all(make_dialog(), CHILD)
    assert report["disposition"] == "gp"
    finding = next(f for f in report["findings"] if f["id"] == "child")
    assert "sixteen" in finding["text"] and finding["source"] == "nice_ng59"


def test_the_same_answers_from_an_adult_are_self_care(make_dialog):
    assert answer_all(make_dialog(), {**CHILD, "age": "30"})["disposition"] == "self_care"


def test_a_child_gets_no_stretches_and_no_adult_lifestyle_tip(make_dialog):
    sections = answer_all(make_dialog(), CHILD)["advice_sections"]
    adult = answer_all(make_dialog(), {**CHILD, "age": "30"})["advice_sections"]
    assert adult["stretches"] and not sections["stretches"]
    assert any("smoking" in line for line in adult["self_care"])
    assert not any("smoking" in line for line in sections["self_care"])
    assert any("warm pack" in line for line in sections["self_care"])  # tips for anyone stay


def test_being_a_child_is_not_the_other_warning_sign_that_raises_new_pain_under_twenty(make_dialog):
    # young_new_pain raises a gp-level sign in someone under twenty with new pain; the child floor is not a sign.
    report = answer_all(make_dialog(), CHILD)
    assert "young_new_pain" not in {f["id"] for f in report["findings"]}
    with_sign = answer_all(make_dialog(), {**CHILD, "rf_night_pain": "yes"})
    assert with_sign["disposition"] == "urgent" and "young_new_pain" in {f["id"] for f in with_sign["findings"]}


@pytest.mark.parametrize("typed", ["-5", "- 5", "minus 5"])
def test_a_negative_age_is_asked_again(content, typed):
    assert Interpreter(content).understand(content.questions_by_id["age"], typed).value is None


@pytest.mark.parametrize("typed, age", [("5-6", {"between": [5, 6], "text": "5 to 6"}), ("50+", 51), ("45-year-old", 45), ("I'm 8", 8)])
def test_typed_ages_with_signs_in_them(content, typed, age):
    assert Interpreter(content).understand(content.questions_by_id["age"], typed).value == age


def _to_steps(make_dialog, content):
    dialog = make_dialog(spoken=True)
    _to_symptoms(dialog, content)
    for _ in range(2):
        dialog.hear("fourteen")
        dialog.hear("no")  # the read-back is rejected
    return dialog


def test_by_voice_an_age_over_sixty_five_is_asked_so_a_fall_still_counts(make_dialog, content):
    dialog = _to_steps(make_dialog, content)
    assert dialog.hear("yes")[-1].question == "age:sixty_five"  # "Are you over fifty?"
    assert dialog.hear("yes")[-1].question == "location"
    assert dialog.answers["age"] == {"value": 65, "text": "sixty-five or older", "approximate": True}
    answers = {**{flag.id: "no" for flag in content.red_flags}, "age": dialog.answers["age"], "onset": "fall"}
    assert "fall_older" in {f.id for f in assess(content, answers).findings}


def test_by_voice_a_child_is_found_by_the_steps(make_dialog, content):
    dialog = _to_steps(make_dialog, content)
    for answer in ("no", "no"):  # "over fifty?" no, heard twice: it could drop a rule
        events = dialog.hear(answer)
    assert events[-1].question == "age:under_twenty"
    assert dialog.hear("yes")[-1].question == "age:under_sixteen"
    dialog.hear("yes")
    assert dialog.answers["age"] == {"value": 15, "text": "under sixteen", "approximate": True}


def test_an_urgent_fall_names_the_likely_source_without_saying_it_will_settle(make_dialog, content):
    report = answer_all(make_dialog(), {"age": "80", "location": "groin", "side": "left", "duration": "two days",
                                        "quality": "dull ache", "tingling": "no", "worse": "walking and stairs",
                                        "better": "rest", "onset": "I tripped on the rug"})
    assert report["disposition"] == "urgent"
    why = report["advice_sections"]["why"]
    assert len(why) == 1 and "because" in why[0]  # the source and its reasons, not "usually settles"
    assert not any(content.advice["explain"][source]["text"] in why for source in content.advice["explain"])
