"""What a typed-mode review and a clinician reading the summaries found (stop 36): answers read less urgently
than they were meant, and re-asked questions narrower than the first asking."""
from __future__ import annotations

import pytest

from test_dialog import answer_all
from voice_triage.understand import Interpreter

MIDDLE_BACK = {"age": "45", "location": "lower back", "side": "in the middle", "duration": "5 days",
               "quality": "dull ache", "worse": "bending", "better": "rest", "onset": "slowly"}


@pytest.fixture(scope="module")
def interpreter(content):
    return Interpreter(content)


def read(interpreter, content, question, text):
    return interpreter.understand(content.questions_by_id[question], text).value


@pytest.mark.parametrize("text", ["no can't", "nope, can't", "nah cant", "no cannot", "no - can't"])
@pytest.mark.parametrize("question", ["rf_cannot_bear_weight", "rf_sexual", "rf_bladder"])
def test_no_with_cant_is_asked_again_not_taken_as_no(interpreter, content, question, text):
    # "Are you unable to stand...?" "No, can't": a plain no here sent an emergency sign to self-care
    assert read(interpreter, content, question, text) is None


@pytest.mark.parametrize("text", ["no I can't remember", "can't say I have", "I can't think of anything"])
def test_cant_inside_a_yes_no_phrase_still_reads(interpreter, content, text):
    assert read(interpreter, content, "rf_bladder", text) in ("unsure", "no")


@pytest.mark.parametrize("text", ["no idea", "no clue", "no, not sure", "no real idea", "not a clue"])
@pytest.mark.parametrize("question", ["location", "quality", "worse", "better"])
def test_no_idea_to_a_list_is_asked_again_not_none(interpreter, content, question, text):
    # "Where is the pain?" "No idea": read as none, it gave no place at all and ruled out what rules look for
    assert read(interpreter, content, question, text) is None


@pytest.mark.parametrize("text", ["nothing", "no", "none of them", "nothing really"])
def test_nothing_is_still_none(interpreter, content, text):
    assert read(interpreter, content, "worse", text) == []


@pytest.mark.parametrize("text", ["I went over on the ice", "I slipped getting out of the bath", "I slipped",
                                  "had a tumble", "lost my balance", "missed a step", "came off my bike",
                                  "landed on my hip"])
def test_ways_of_falling_that_never_say_fell_are_a_fall(interpreter, content, text, make_dialog):
    assert read(interpreter, content, "onset", text) == "fall"


def test_an_older_person_who_went_over_on_the_ice_is_urgent(make_dialog):
    older = {"age": "81", "location": "the side of my right hip", "duration": "2 days", "quality": "sharp",
             "worse": "walking",
             "better": "rest", "limp": "yes", "onset": "I went over on the ice"}
    report = answer_all(make_dialog(), older)
    assert report["disposition"] == "urgent" and "fall_older" in {f["id"] for f in report["findings"]}


def test_a_slipped_disc_is_no_fall(interpreter, content):
    assert read(interpreter, content, "onset", "I have a slipped disc") != "fall"


@pytest.mark.parametrize("text", ["sort of", "kind of", "probably", "sometimes", "i think so"])
def test_a_hedged_yes_to_getting_better_is_not_sure(interpreter, content, text):
    # Only a plain yes is "getting better" (the less urgent answer); "sort of" was read as yes
    assert read(interpreter, content, "improving", text) == "unsure"


@pytest.mark.parametrize("text", ["yes", "yes it is", "a bit", "slightly better", "it's getting better"])
def test_getting_better_still_reads_yes(interpreter, content, text):
    assert read(interpreter, content, "improving", text) == "yes"


def test_a_hedged_yes_to_a_warning_sign_stays_yes(interpreter, content):
    assert read(interpreter, content, "rf_fever", "sort of") == "yes"  # the safer reading there


@pytest.mark.parametrize("tingling", ["yes in both legs", "yes, both legs are numb", "pins and needles in my feet"])
def test_new_tingling_in_both_legs_said_in_one_answer_is_an_emergency(make_dialog, tingling):
    # Spec flag 6: with the pain "in the middle", "both legs" in the tingling answer was lost: gp
    report = answer_all(make_dialog(), {**MIDDLE_BACK, "tingling": tingling})
    assert report["answers"]["tingling_legs"] == "both"
    assert report["disposition"] == "emergency" and "tingling_both_legs_new" in {f["id"] for f in report["findings"]}


def test_a_plain_yes_to_tingling_asks_one_leg_or_both(make_dialog):
    both = answer_all(make_dialog(), {**MIDDLE_BACK, "tingling": "yes", "tingling_legs": "both"})
    one = answer_all(make_dialog(), {**MIDDLE_BACK, "tingling": "yes", "tingling_legs": "just the left"})
    assert both["disposition"] == "emergency"
    assert one["answers"]["tingling_legs"] == "one" and one["disposition"] == "gp"


def test_tingling_in_both_legs_for_months_is_not_an_emergency(make_dialog):
    report = answer_all(make_dialog(), {**MIDDLE_BACK, "duration": "6 months", "tingling": "yes both legs"})
    assert report["disposition"] == "gp"


def test_not_sure_which_legs_tingle_is_urgent_on_the_safe_side(make_dialog):
    report = answer_all(make_dialog(), {**MIDDLE_BACK, "tingling": "yes", "tingling_legs": "not sure"})
    assert report["disposition"] in ("urgent", "emergency")


def _signs(text: str) -> set[str]:
    """The symptom words a question names."""
    words = ("numb", "tingl", "wipe", "weak", "hard to move", "drag", "both legs", "stand", "weight", "shorter",
             "turned out", "fever", "chills", "shiver", "unwell", "inject", "immune", "spine", "all the time",
             "night", "shoulder blades", "lump", "swelling")
    return {w for w in words if w in text.lower()}


def test_a_warning_sign_asked_again_names_every_sign_the_first_asking_did(content):
    # After "help" or a miss, "Do you have a fever or feel unwell?" dropped chills and shivers: "no fever but
    # I've been shivery" then "no" was taken
    for question in content.red_flags:
        missing = _signs(question.text) - _signs(question.reask)
        assert not missing, (question.id, missing)


def test_the_patient_driver_answers_the_infection_question_from_its_own_facts(content):
    # "weak|foot drag" came first and matched "weaken": the vignettes' iv_drugs fact was never used
    from patient import Patient
    question = content.questions_by_id["rf_infection_risk"]
    for text in (question.text, question.reask):
        injects, weak = Patient({"iv_drugs": True}), Patient({"leg_weakness": True})
        injects.answer(text), weak.answer(text)
        assert injects.meant is True and weak.meant is False, text


def test_words_not_understood_stay_in_the_transcript(make_dialog):
    from voice_triage.events import End
    dialog = make_dialog()
    dialog.start()
    for said in ["no"] * 5 + ["my foot drags", "no"]:  # the sixth question, leg numbness, is asked again
        events = dialog.hear(said)
    entries = [(e["question"], e["heard"], e["understood"]) for e in dialog.transcript]
    assert ("rf_leg_numbness", "my foot drags", None) in entries
    assert entries[-1] == ("rf_leg_numbness", "no", "no")
    while not dialog.finished:
        events = dialog.hear("no")
    report = [e for e in events if isinstance(e, End)][0].report
    assert any(e["heard"] == "my foot drags" for e in report["transcript"])


def test_urgent_advice_does_not_say_keep_moving_or_wait_weeks(make_dialog):
    older = {"age": "72", "location": "groin", "side": "left", "duration": "2 days", "quality": "sharp",
             "worse": "walking", "better": "rest", "limp": "yes", "onset": "I fell", "rf_bone_fragility": "yes"}
    report = answer_all(make_dialog(), older)
    said = " ".join(report["advice"])
    assert report["disposition"] == "urgent"
    assert "Keep moving gently" not in said and "after a few weeks" not in said and "Book an appointment if" not in said
    assert said.count("urgent care line") == 1
    later = answer_all(make_dialog(), {**older, "age": "40", "onset": "slowly", "rf_bone_fragility": "no",
                                       "duration": "3 weeks", "limp": "no"})
    assert later["disposition"] in ("gp", "self_care") and "Keep moving gently" in " ".join(later["advice"])


@pytest.mark.parametrize("text", ["my mum had cancer", "my dad did", "yes my sister had breast cancer"])
def test_someone_elses_cancer_is_asked_again_not_taken_as_yes(interpreter, content, text):
    # "Have you ever had cancer?" "My mum had cancer" was a yes: urgent for someone else's illness (stop 37)
    assert read(interpreter, content, "rf_cancer", text) is None


def test_at_an_emergency_sign_an_answer_naming_someone_else_still_stands(interpreter, content):
    assert read(interpreter, content, "rf_leg_weakness", "yes, my wife says my foot drags") == "yes"


@pytest.mark.parametrize("text, meant", [("yess", "yes"), ("yse", "yes"), ("mhm", "yes"), ("noo", "no")])
def test_typos_of_yes_and_no_are_read(interpreter, content, text, meant):
    assert read(interpreter, content, "rf_fever", text) == meant


@pytest.mark.parametrize("text, side", [("L", "left"), ("R", "right"), ("rhs", "right"), ("l and r", "both")])
def test_side_letters_are_read(interpreter, content, text, side):
    assert read(interpreter, content, "side", text) == side


@pytest.mark.parametrize("legs, rule", [("both legs", "leg_nerve_both_legs"), ("just the one leg", "one_leg_nerve")])
def test_tingling_in_both_legs_with_one_sided_pain_is_not_called_one_leg(make_dialog, legs, rule):
    # Voice review (stop 37): pain on the left, tingling in both legs for six months gave "tingling or numbness in
    # one leg is a sign of an irritated nerve" beside the both-legs finding.
    answers = {**MIDDLE_BACK, "side": "left", "duration": "6 months", "tingling": "yes", "tingling_legs": legs}
    report = answer_all(make_dialog(), answers)
    nerve = {f["id"] for f in report["findings"]} & {"one_leg_nerve", "leg_nerve", "leg_nerve_both_legs"}
    assert nerve == {rule} and report["disposition"] == "gp"
