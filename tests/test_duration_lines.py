"""A duration right on a line a rule draws (six weeks, twelve weeks) counts on both sides of it, the safer reading:
people round durations, and by voice "more than six weeks" was heard as "six weeks" (docs/benchmarks-voice.md)."""
from __future__ import annotations

import pytest

from voice_triage.assessment import all_hold, assess, rule_findings

BOTH_LEGS = {"side": "both", "location": ["lower_back", "below_knee"], "tingling": "yes", "tingling_legs": "both"}


def lasting(days: int) -> dict:
    return {"duration": {"days": days, "text": f"{days} days"}}


@pytest.mark.parametrize("days, new_in_both_legs, not_improving", [
    (41, True, False), (42, True, True), (43, False, True)])
def test_six_weeks_is_still_new_and_long_enough_to_be_checked(content, days, new_in_both_legs, not_improving):
    found = {f.id for f in rule_findings(content, {**BOTH_LEGS, **lasting(days), "improving": "no"})}
    assert ({"bilateral_leg_pain_new", "tingling_both_legs_new"} <= found) == new_in_both_legs
    assert ("not_improving" in found) == not_improving


@pytest.mark.parametrize("days, chronic, new_after_fifty", [(83, False, True), (84, True, True), (85, True, False)])
def test_twelve_weeks_is_both_long_term_and_new(content, days, chronic, new_after_fifty):
    found = {f.id for f in rule_findings(content, {**lasting(days), "improving": "yes", "age": 60})}
    assert ("chronic" in found) == chronic
    after_fifty = next(modifier for modifier in content.modifiers if modifier.id == "age_new_pain")
    assert all_hold(after_fifty.when, {**lasting(days), "age": 60}) == new_after_fifty


@pytest.mark.parametrize("days, asked", [(41, False), (42, True), (84, True), (85, False)])
def test_getting_better_is_asked_from_six_weeks_to_twelve(content, days, asked):
    assert all_hold(content.questions_by_id["improving"].ask_if, lasting(days)) == asked


def test_six_weeks_in_both_legs_is_an_emergency(content):
    assert assess(content, {**BOTH_LEGS, **lasting(42), "improving": "no"}).disposition == "emergency"
