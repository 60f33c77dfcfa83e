"""Stop 38 review: a duration misheard as "today is" was read back "today is (today)"; "my left hip", asked which
part, lost its side; a warning sign asked but never answered was shown "Not asked"."""
from __future__ import annotations

import pytest

from voice_triage.events import Ask, Heard
from voice_triage.report import answer_text
from voice_triage.understand import Interpreter


def _asks(events) -> list[Ask]:
    return [e for e in events if isinstance(e, Ask)]


# ------------------------------------------------------------------ bug 1: a duration's words in its read-back
SPOKEN_ANSWERS = {"age": "sixty", "location": "groin", "side": "left"}


def _spoken_to(dialog, question_id: str) -> None:
    """A spoken dialog brought to `question_id`: every check a clear yes, every warning sign a sure no."""
    events = dialog.start()
    while (asked := _asks(events)[-1].question) != question_id:
        answer = "yes" if asked.startswith("confirm:") else SPOKEN_ANSWERS.get(asked, "no")
        events = dialog.hear(Heard(answer, 1.0))


@pytest.mark.parametrize("heard, shown", [
    ("today is", "today"),  # "two days" as the built-in recognizer heard it
    ("since today", "today"), ("yesterday is", "yesterday"), ("since yesterday afternoon", "since yesterday"),
    ("last week is", "last week (about 7 days)"),
])
def test_a_fixed_duration_phrase_is_shown_without_the_words_around_it(content, heard, shown):
    duration = content.questions_by_id["duration"]
    value = Interpreter(content).understand(duration, heard).value
    assert answer_text(content, duration, value) == shown


@pytest.mark.parametrize("text, days, shown", [
    ("today yesterday", 0, "today yesterday (today)"),  # two fixed phrases: the words say which was counted
    ("more than last week", 8, "more than last week (about 8 days)"),  # the phrase alone did not give the days
])
def test_the_words_stay_whole_when_a_fixed_phrase_alone_did_not_give_the_days(content, text, days, shown):
    assert answer_text(content, content.questions_by_id["duration"], {"days": days, "text": text}) == shown


def test_a_duration_heard_as_today_is_is_read_back_as_today(make_dialog):
    dialog = make_dialog(spoken=True)
    _spoken_to(dialog, "duration")
    events = dialog.hear(Heard("today is", 0.9))
    check = _asks(events)[-1]
    assert check.question == "confirm:duration"
    assert check.text == dialog.phrases["confirm_value"].format(answer="today")  # spoken: "today is today"
