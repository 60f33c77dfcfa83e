"""What a patient review and a clinical review of stop 33 found: each case as a person would meet it."""
from __future__ import annotations

import pytest

from test_dialog import answer_all
from voice_triage.assessment import assess
from voice_triage.events import Ask, End, Say
from voice_triage.understand import Interpreter

SCIATICA_BOTH = {"age": "40", "location": "lower back and below the knee", "side": "both sides",
                 "duration": "one week", "quality": "shooting", "tingling": "no", "worse": "sitting",
                 "better": "nothing", "onset": "no reason"}


def said(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Say)]


# ------------------------------------------------------------------ rules (clinical-references.md flags 6, 17, 8/12)
def test_new_pain_down_both_legs_is_an_emergency_even_without_tingling(make_dialog):
    report = answer_all(make_dialog(), SCIATICA_BOTH)
    assert report["disposition"] == "emergency"
    assert "bilateral_leg_pain_new" in {f["id"] for f in report["findings"]}


def test_pain_down_both_legs_for_months_is_not_an_emergency(make_dialog):
    report = answer_all(make_dialog(), {**SCIATICA_BOTH, "duration": "a year", "better": "sitting"})
    assert report["disposition"] == "gp"  # the pattern of a narrowed spine (public vignette p-g4)


@pytest.mark.parametrize("side", ["both sides", "in the middle"])
def test_tingling_in_a_leg_is_never_self_care_whatever_the_side(make_dialog, side):
    report = answer_all(make_dialog(), {"age": "40", "location": "lower back", "side": side, "duration": "a year",
                                        "quality": "dull ache", "tingling": "yes", "worse": "bending",
                                        "better": "rest", "onset": "lifting"})
    assert report["disposition"] == "gp"
    assert "leg_nerve" in {f["id"] for f in report["findings"]}


@pytest.mark.parametrize("age, level", [("70", "urgent"), ("40", "self_care")])
def test_a_fall_at_the_start_of_the_pain_counts_in_older_people(make_dialog, age, level):
    report = answer_all(make_dialog(), {"age": age, "location": "lower back", "side": "left", "duration": "two days",
                                        "quality": "dull ache", "tingling": "no", "worse": "bending",
                                        "better": "rest", "onset": "I tripped on the rug"})
    assert report["disposition"] == level


def test_not_sure_names_the_warning_sign_and_the_action_matches_the_level(make_dialog):
    report = answer_all(make_dialog(), {"rf_weight_loss": "not sure", **SCIATICA_BOTH, "side": "left"})
    finding = next(f for f in report["findings"] if f["id"] == "rf_weight_loss")
    assert finding["level"] == "gp"
    assert "weight" in finding["text"] and "today" not in finding["text"]
    urgent = answer_all(make_dialog(), {"rf_bowel": "not sure", **SCIATICA_BOTH, "side": "left"})
    finding = next(f for f in urgent["findings"] if f["id"] == "rf_bowel")
    assert finding["level"] == "urgent" and "bowel" in finding["text"] and "today" in finding["text"]


# ------------------------------------------------------------------ advice
def test_forward_bending_stretches_are_left_out_with_pain_below_the_knee(content, make_dialog):
    report = answer_all(make_dialog(), {"age": "40", "location": "lower back and below the knee", "side": "left",
                                        "duration": "a week", "quality": "shooting", "tingling": "no",
                                        "worse": "sitting", "better": "walking", "onset": "no reason"})
    stretches = " ".join(report["advice_sections"]["stretches"])
    assert report["likely_source"] == "spine" and stretches
    for name in ("Knee to chest", "Child's pose", "Seated hamstring", "Seated buttock"):
        assert name not in stretches


def test_the_emergency_advice_does_not_go_on_to_the_likely_source(make_dialog):
    report = answer_all(make_dialog(), {"rf_cannot_bear_weight": "yes"})
    assert report["disposition"] == "emergency"
    assert report["advice_sections"]["why"] == []
    assert not any("wear and tear" in line for line in report["advice"])


def test_the_fever_line_and_the_night_pain_line_do_not_disagree_on_urgency(make_dialog):
    report = answer_all(make_dialog(), {**SCIATICA_BOTH, "side": "left"})
    lines = report["advice_sections"]["seek_help"]
    assert not any("today" in line and "night" in line for line in lines)


# ------------------------------------------------------------------ typed answers
@pytest.mark.parametrize("typed", ["ok", "okay", "ok thanks"])
def test_ok_alone_is_no_answer_to_a_warning_sign(content, typed):
    interpreter = Interpreter(content)
    assert all(interpreter.understand(flag, typed).value is None for flag in content.red_flags)


def test_i_am_ok_is_a_no_and_okay_still_agrees_to_a_check(content, make_dialog):
    interpreter = Interpreter(content)
    assert interpreter.understand(content.red_flags[0], "I'm ok").value == "no"
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear("yes")  # an emergency yes by voice is checked
    dialog.hear("okay")
    assert dialog.state == "emergency"


@pytest.mark.parametrize("typed, meant", [("1 and 3", ["lower_back", "groin"]), ("1, 3 and 5", ["lower_back", "groin", "outer_hip"])])
def test_numbered_places_joined_with_and(content, typed, meant):
    assert Interpreter(content).understand(content.questions_by_id["location"], typed).value == meant


def test_a_typed_emergency_yes_can_be_taken_back(make_dialog):
    dialog = make_dialog()
    dialog.start()
    dialog.hear("yes")
    assert dialog.state == "emergency"
    events = dialog.hear("go back")
    assert "Going back." in said(events)
    assert [e for e in events if isinstance(e, Ask)][-1].question == "rf_bladder"
    dialog.hear("no")
    assert "rf_bladder" in dialog.answers and dialog.answers["rf_bladder"] == "no" and dialog.state == "red_flags"


def test_typed_help_does_not_offer_speech_controls_and_slower_says_why(make_dialog):
    dialog = make_dialog()
    dialog.start()
    help_text = " ".join(said(dialog.hear("help")))
    assert "slower" not in help_text and "go back" in help_text
    assert any("not speaking aloud" in line for line in said(dialog.hear("slower")))
    spoken = make_dialog(spoken=True)
    spoken.start()
    assert "slower" in " ".join(said(spoken.hear("help")))


# ------------------------------------------------------------------ a typed place that names the side
def _at_location(make_dialog):
    dialog = make_dialog()
    dialog.start()
    while dialog.current.id != "location":
        dialog.hear("40" if dialog.current.id == "age" else "no")
    return dialog


def test_a_typed_place_that_names_the_side_answers_the_side_question_too(make_dialog):
    dialog = _at_location(make_dialog)
    events = dialog.hear("my left buttock")  # not "my left hip": a hip alone is asked which part (stop 37)
    assert dialog.answers["side"] == "left"
    assert "I also noted which side hurts: left." in said(events)
    assert [e.question for e in events if isinstance(e, Ask)] == ["duration"]
    events = dialog.hear("go back")  # the side taken from the place answer is the one undone first
    assert [e.question for e in events if isinstance(e, Ask)] == ["side"] and "side" not in dialog.answers


@pytest.mark.parametrize("place", ["lower back", "left buttock and right foot"])
def test_a_place_without_one_clear_side_still_asks_it(make_dialog, place):
    dialog = _at_location(make_dialog)
    events = dialog.hear(place)
    assert [e.question for e in events if isinstance(e, Ask)] == ["side"] and "side" not in dialog.answers
