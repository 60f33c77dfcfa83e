"""A rule that hangs on an answer given as "not sure", or never understood, counts as possibly holding, up to a cap."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings, strategies as st

from voice_triage.assessment import _findings_as_answered, assess, most_urgent, rank, rule_findings
from voice_triage.content import load_content
from voice_triage.events import Heard
from voice_triage.possible_answers import telling_values
from voice_triage.understand import YESNO_VALUES

ONE_LEG = {"age": "45", "location": "buttock and back of thigh", "side": "left", "duration": "three weeks",
           "quality": "shooting"}
# Back of the thigh, not below the knee: new pain below both knees is an emergency on its own (bilateral_leg_pain_new).
BOTH_LEGS_NEW = {**ONE_LEG, "location": "lower back and back of thigh", "side": "both sides", "duration": "ten days"}


def _typed_report(make_dialog, typed, spoken=False):
    """A whole dialog, every answer typed from `typed` (a list of answers is given in turn); no to the rest."""
    dialog = make_dialog(spoken=spoken)
    dialog.start()
    events = []
    while not dialog.finished:
        answer = typed.get(dialog.current.id, "nothing" if dialog.current.kind == "multi" else "no")
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        events = dialog.hear(Heard(answer, typed=True))
    return events[-1].report


def _finding(report, finding_id):
    return next(f for f in report["findings"] if f["id"] == finding_id)


@pytest.mark.parametrize(("typed", "disposition", "finding_id"), [
    ({**ONE_LEG, "tingling": "not sure"}, "gp", "one_leg_nerve"),  # "yes" would mean an irritated nerve
    ({**BOTH_LEGS_NEW, "tingling": "I don't know"}, "urgent", "bilateral_nerve_new"),  # an emergency if yes: capped
])
def test_not_sure_about_a_symptom_a_rule_needs_counts_as_possibly_yes_up_to_the_unsure_cap(
        make_dialog, content, typed, disposition, finding_id):
    report = _typed_report(make_dialog, typed)
    assert report["disposition"] == disposition
    finding = _finding(report, finding_id)
    rule = next(r for r in content.rules if r.id == finding_id)
    assert finding["level"] == disposition and finding["source"] == rule.source
    assert finding["text"] == content.rules_raw["uncertain_rule"]["unsure"].format(
        sign=content.questions_by_id["tingling"].sign, finding=rule.finding)


@pytest.mark.parametrize("typed", [
    {**ONE_LEG, "tingling": "no"},  # a clear no changes nothing
    # the inflammatory rule needs pain eased by moving, and nothing eases it
    {**ONE_LEG, "age": "30", "tingling": "no", "morning_stiffness": "not sure"},
])
def test_a_clear_no_or_an_uncertain_answer_no_rule_can_use_leaves_self_care(make_dialog, typed):
    report = _typed_report(make_dialog, typed)
    assert report["disposition"] == "self_care" and report["findings"] == []


def test_a_side_never_understood_with_new_tingling_below_both_knees_possible_is_urgent_and_says_why(make_dialog,
                                                                                                  content):
    report = _typed_report(make_dialog, {**BOTH_LEGS_NEW, "side": ["zzz", "zzz", "zzz"], "tingling": "yes"})
    assert report["answers"]["side"] == "unknown"
    # Before: only the "some answers not understood" floor (GP), though "both sides" would be an emergency.
    assert report["disposition"] == "urgent"
    finding = _finding(report, "bilateral_nerve_new")
    assert finding["level"] == "urgent"
    assert finding["text"].startswith("I could not understand your answer about which side hurts")


def test_by_voice_not_sure_is_read_back_only_where_a_clear_yes_would_be_more_urgent(make_dialog, content):
    def at_tingling(typed):
        dialog = make_dialog(spoken=True)
        dialog.start()
        while dialog.current.id != "tingling":
            dialog.hear(Heard(typed.get(dialog.current.id, "no"), typed=True))
        return dialog

    # Pain for months: "not sure" already counts as an irritated nerve, and new tingling in both legs (an
    # emergency) is ruled out: nothing to check
    one_leg = at_tingling({**ONE_LEG, "duration": "three months"})
    assert one_leg.hear(Heard("not sure", 0.95))[-1].question == "tingling_legs"
    both_legs = at_tingling(BOTH_LEGS_NEW)  # "not sure" is capped at urgent; "yes" would be an emergency
    events = both_legs.hear(Heard("not sure", 0.95))
    assert events[-1].question == "confirm:tingling"
    assert events[-1].text == content.phrases["confirm_unsure"]


@pytest.mark.parametrize(("tingling", "left_out"), [("no", False), ("not sure", True), ("yes", True)])
def test_a_stretch_whose_caution_hangs_on_an_answer_not_sure_is_left_out(make_dialog, tingling, left_out):
    report = _typed_report(make_dialog, {**ONE_LEG, "side": "in the middle", "tingling": tingling})
    stretches = " ".join(report["advice_sections"]["stretches"])
    assert ("Child's pose" not in stretches) is left_out  # its caution: leave it out with pins and needles


CONTENT = load_content()
RULE_QUESTIONS = sorted({c.question for rule in CONTENT.rules + CONTENT.modifiers for c in rule.when})
UNCERTAIN_CAP = max(CONTENT.rules_raw["unsure"]["cap"], CONTENT.rules_raw["unheard"]["cap"], key=rank)


def _definite_values(question_id):
    """Every kind of clear answer a question can have, as the dialog records it (numbers: a spread of values)."""
    question = CONTENT.questions_by_id[question_id]
    options = [option.id for option in question.options]
    if question.kind == "multi":
        return st.lists(st.sampled_from(options), unique=True, max_size=3)
    if question.kind == "duration":
        return st.sampled_from([1, 10, 41, 42, 43, 60, 84, 85, 400]).map(lambda days: {"days": days, "text": ""})
    return {"yesno": st.sampled_from(YESNO_VALUES[:2]), "choice": st.sampled_from(options),
            "free": st.sampled_from([*options, "other"]),  # "other": the answer named no option
            "number": st.sampled_from([15, 19, 20, 39, 40, 45, 50, 51, 80])}[question.kind]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), flags=st.dictionaries(st.sampled_from([f.id for f in CONTENT.red_flags]),
                                             st.sampled_from(["no", "yes", "unsure"]), max_size=2))
def test_an_uncertain_answer_is_never_less_urgent_than_a_clear_answer_would_be_up_to_the_cap(data, flags):
    answers = {**{flag.id: "no" for flag in CONTENT.red_flags}, **flags}
    for question_id in RULE_QUESTIONS:
        answers[question_id] = data.draw(_definite_values(question_id), label=question_id)
    question_id = data.draw(st.sampled_from(RULE_QUESTIONS), label="uncertain")
    clear = data.draw(_definite_values(question_id), label="clear")
    uncertain = data.draw(st.sampled_from(["unsure", "unknown"] if question_id in YESNO_RULES else ["unknown"]))
    with_clear = assess(CONTENT, {**answers, question_id: clear}).disposition
    with_uncertain = assess(CONTENT, {**answers, question_id: uncertain}).disposition
    # Whatever the clear answer would have set, the uncertain one reaches it, or at least the cap.
    assert rank(with_uncertain) <= max(rank(with_clear), rank(UNCERTAIN_CAP))


YESNO_RULES = {q for q in RULE_QUESTIONS if CONTENT.questions_by_id[q].kind == "yesno"}


def _level(findings):
    return most_urgent([finding.level for finding in findings])


@settings(max_examples=300, deadline=None)
@given(data=st.data(), flags=st.dictionaries(st.sampled_from([f.id for f in CONTENT.red_flags]),
                                             st.sampled_from(["no", "yes", "unsure"]), max_size=2))
def test_uncertain_answers_reach_exactly_the_most_urgent_way_they_could_have_gone_up_to_the_cap(data, flags):
    """Checked against every mix of clear answers the uncertain ones could have been (brute force)."""
    answers = {**{flag.id: "no" for flag in CONTENT.red_flags}, **flags}
    uncertain = data.draw(st.lists(st.sampled_from(RULE_QUESTIONS), unique=True, min_size=1, max_size=3))
    for question_id in RULE_QUESTIONS:
        answers[question_id] = data.draw(_definite_values(question_id), label=question_id)
    for question_id in uncertain:
        answers[question_id] = data.draw(st.sampled_from(["unsure", "unknown"] if question_id in YESNO_RULES
                                                         else ["unknown"]), label=f"{question_id} uncertain")
    worlds = [{**answers, **dict(zip(uncertain, values))}
              for values in itertools.product(*(telling_values(CONTENT, q) for q in uncertain))]
    worst = most_urgent([_level(_findings_as_answered(CONTENT, world)) for world in worlds])
    expected = most_urgent([_level(_findings_as_answered(CONTENT, answers)), max(worst, UNCERTAIN_CAP, key=rank)])
    assert _level(rule_findings(CONTENT, answers)) == expected


def test_a_question_asked_only_for_some_answers_is_asked_when_that_answer_was_never_understood(make_dialog):
    dialog = make_dialog()
    dialog.start()
    asked = []
    while not dialog.finished:
        asked.append(dialog.current.id)
        typed = {**ONE_LEG, "duration": "zzz"}  # "Is it getting better?" is only for six to twelve weeks
        dialog.hear(Heard(typed.get(dialog.current.id, "nothing" if dialog.current.kind == "multi" else "no"),
                          typed=True))
    assert dialog.answers["duration"] == "unknown" and "improving" in asked
