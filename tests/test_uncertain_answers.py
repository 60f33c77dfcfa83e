"""A rule that hangs on an answer given as "not sure", or never understood, counts as possibly holding, up to a cap."""
from __future__ import annotations

import pytest

from voice_triage.events import Heard

ONE_LEG = {"age": "45", "location": "buttock and back of thigh", "side": "left", "duration": "three weeks",
           "quality": "shooting"}
BOTH_LEGS_NEW = {**ONE_LEG, "location": "lower back and below the knee", "side": "both sides", "duration": "ten days"}


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
    {**ONE_LEG, "side": "in the middle", "tingling": "not sure"},  # another answer already rules the rule out
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

    one_leg = at_tingling(ONE_LEG)  # "not sure" already counts as one irritated nerve: nothing to check
    assert one_leg.hear(Heard("not sure", 0.95))[-1].question == "worse"
    both_legs = at_tingling(BOTH_LEGS_NEW)  # "not sure" is capped at urgent; "yes" would be an emergency
    events = both_legs.hear(Heard("not sure", 0.95))
    assert events[-1].question == "confirm:tingling"
    assert events[-1].text == content.phrases["confirm_unsure"]


@pytest.mark.parametrize(("tingling", "left_out"), [("no", False), ("not sure", True), ("yes", True)])
def test_a_stretch_whose_caution_hangs_on_an_answer_not_sure_is_left_out(make_dialog, tingling, left_out):
    report = _typed_report(make_dialog, {**ONE_LEG, "side": "in the middle", "tingling": tingling})
    stretches = " ".join(report["advice_sections"]["stretches"])
    assert ("Child's pose" not in stretches) is left_out  # its caution: leave it out with pins and needles
