"""Off-topic talk heard as a sure red-flag "no" is said back, and "go back" undoes it: real audio, real recognizer."""
from __future__ import annotations

from typing import Any

import pytest
from room import converse

from voice_triage.content import load_content
from voice_triage.voice.testing import FLITE, pad


@pytest.mark.parametrize("undo", ["go back", "that's wrong"])
def test_a_red_flag_no_misheard_from_off_topic_talk_is_said_back_and_undone(synth, undo: str) -> None:
    """pocketsphinx hears flite's "banana pudding" as "negative" with full confidence (the benchmark's
    off-topic rows): without the answer said back, a warning sign would be skipped in silence."""
    phrases = load_content().phrases
    script = iter(["banana pudding", undo, "yes", "yes", "no"])  # the last "no": no need to repeat the advice
    events: list[tuple[str, str]] = []

    def reply(ask: dict[str, Any]) -> bytes:
        events.append(("ask", ask["question"]))
        return pad(synth(next(script), FLITE[0]), 0.3, 1.5)

    report, _ = converse(reply, max_asks=10, notice=lambda said: events.append(("say", said)))
    first_heard = report["transcript"][0]
    assert first_heard["question"] == "rf_bladder" and first_heard["understood"] == "no", first_heard
    assert first_heard["confidence"] >= 0.8, "sure enough to be taken without a check"
    noted = phrases["noted"].format(answer="no")
    assert events.index(("say", noted)) < events.index(("ask", "rf_bowel"))
    asks = [name for kind, name in events if kind == "ask"]
    assert asks == ["rf_bladder", "rf_bowel", "rf_bladder", "confirm:rf_bladder", "emergency_repeat"], events
    assert report["answers"]["rf_bladder"] == "yes" and report["disposition"] == "emergency"
