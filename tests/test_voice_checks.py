"""What a hands-free review found at "Is that right?" and after the emergency advice (stop 34)."""
from __future__ import annotations

import pytest

from voice_triage.events import Adjust, Ask, Heard, Say
from voice_triage.understand import Interpreter, reask_vocabulary


def said(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Say)]


def asked(events) -> Ask:
    return [e for e in events if isinstance(e, Ask)][-1]


def _checking_a_faint_no(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    events = dialog.hear(Heard("no", 0.5))  # a faint "no" to a warning sign: "I heard no. Is that right?"
    assert asked(events).question == "confirm:rf_bladder"
    return dialog


def test_the_check_grammar_hears_that_is_wrong(content):
    phrases, _ = reask_vocabulary(Interpreter(content), "check")
    assert "that's wrong" in phrases and "that's not right" in phrases and "that's right" in phrases


@pytest.mark.parametrize("answer", ["that's wrong", "that's not right", "go back", "no"])
def test_a_correction_to_a_warning_sign_check_asks_the_sign_again(make_dialog, answer):
    dialog = _checking_a_faint_no(make_dialog)
    events = dialog.hear(Heard(answer, 0.9))
    assert asked(events).question == "rf_bladder" and "rf_bladder" not in dialog.answers


def test_go_back_to_an_emergency_yes_check_asks_the_question_again(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("yes", 0.9))  # "I heard yes. Is that right?"
    events = dialog.hear(Heard("go back", 0.9))
    assert asked(events).question == "rf_bladder" and dialog.state == "red_flags"


def test_a_faint_correction_keeps_an_emergency_yes(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("yes", 0.9))
    dialog.hear(Heard("that's wrong", 0.3))  # unclear: the safe side
    assert dialog.state == "emergency"


def test_help_at_a_check_says_how_to_answer_it(make_dialog, content):
    dialog = _checking_a_faint_no(make_dialog)
    events = dialog.hear(Heard("help", 0.9))
    assert said(events)[0] == content.phrases["help_check"] and asked(events).question == "confirm:rf_bladder"


def test_slower_at_a_check_slows_down_and_asks_the_check_again(make_dialog):
    dialog = _checking_a_faint_no(make_dialog)
    events = dialog.hear(Heard("slower", 0.9))
    assert Adjust("rate", -1) in events and asked(events).question == "confirm:rf_bladder"


def test_slower_after_the_emergency_advice_repeats_it_slower_instead_of_ending(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("yes", 0.9))
    dialog.hear(Heard("yes", 0.9))  # confirmed: the emergency advice, then "Shall I repeat that?"
    events = dialog.hear(Heard("slower", 0.9))
    assert Adjust("rate", -1) in events and not dialog.finished
    assert any("straight away" in line for line in said(events))  # the advice again


def test_slower_with_speech_off_says_nothing_is_spoken_and_changes_nothing(make_dialog, content):
    dialog = make_dialog(spoken=True)
    dialog.speaks_aloud = lambda: False  # --no-speak, or the speech engine failed
    dialog.start()
    events = dialog.hear(Heard("slower", 0.9))
    assert said(events)[0] == content.phrases["speech_only"] and not any(isinstance(e, Adjust) for e in events)
    assert asked(events).question == "rf_bladder"
