"""Spoken "six weeks" (exactly on the six-week line) is asked "more than six weeks?": real audio, real recognizer.

At exactly 42 days the rules counted pain neither as new nor as over six weeks, so new pain down both legs said to
have lasted "six weeks" was no emergency (tests/test_line_durations.py has the typed side).
"""
from __future__ import annotations

from typing import Any

from room import converse

from voice_triage.voice.testing import FLITE, pad

ANSWERS = {"age": "forty", "location": "below the knee", "side": "both sides", "duration": "six weeks",
           "duration:over_six_weeks": "no", "quality": "dull ache", "worse": "sitting", "better": "lying down",
           "onset": "gradually"}


def test_six_weeks_said_is_asked_more_than_six_weeks_and_new_pain_in_both_legs_is_an_emergency(synth) -> None:
    asked: list[str] = []

    def reply(ask: dict[str, Any]) -> bytes:
        asked.append(ask["question"])
        answer = "yes" if ask["question"].startswith("confirm:") else ANSWERS.get(ask["question"], "no")
        return pad(synth(answer, FLITE[0]), 0.3, 1.5)

    report, _ = converse(reply, max_asks=80)
    after = asked[asked.index("duration"):]
    assert after[1] == "duration:over_six_weeks", after  # no read-back of "six weeks": the step checks it
    assert report["answers"]["duration"]["days"] < 42 and report["answers"]["duration"]["approximate"]
    assert report["disposition"] == "emergency"
