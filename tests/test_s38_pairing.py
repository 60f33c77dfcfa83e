""""Both the groin and the buttock" names two places, not both sides (questions.toml `pairing_words`)."""
from __future__ import annotations

import pytest

from voice_triage.events import Ask
from voice_triage.understand import Interpreter


@pytest.mark.parametrize("text, side", [
    ("both the groin and the buttock", None), ("both the hip and the back", None), ("both my legs and my back", None),
    ("lower back and both calves", "both"), ("both", "both"), ("both legs and my back", "both"),
    ("both left and right", "both"), ("both, and it is worse on the left", "both"), ("both sides and the middle", "both"),
])
def test_both_before_an_and_joins_two_things_unless_an_option_phrase_starts_with_it(content, text, side):
    assert Interpreter(content).understand(content.questions_by_id["side"], text).value == side


def test_typed_both_the_groin_and_the_buttock_asks_the_side_instead_of_noting_both_sides(make_dialog):
    dialog = make_dialog()
    events = dialog.start()
    while [e for e in events if isinstance(e, Ask)][-1].question != "location":
        events = dialog.hear("60" if dialog.current.id == "age" else "no")
    events = dialog.hear("both the groin and the buttock")
    assert dialog.answers["location"] == ["groin", "buttock"] and "side" not in dialog.answers
    assert [e.question for e in events if isinstance(e, Ask)] == ["side"]
