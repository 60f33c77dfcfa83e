"""A duration said exactly on a line the rules draw ("six weeks", "twelve weeks") is asked that line's step.

At exactly 42 days the rules count pain neither as new (under 42) nor as over six weeks, so "six weeks" with new pain
down both legs was no emergency, and "six weeks" not getting better was not sent to a GP. Said or typed, "six weeks"
is seldom exactly 42 days; by voice, "more than six weeks" may have lost its "more than".
"""
from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from test_steps import CONTENT, exact_value, other_answers
from voice_triage.assessment import assess, rank
from voice_triage.content import CONTENT_DIR, ContentError, load_content
from voice_triage.events import Ask, End, Heard, Say
from voice_triage.steps import either_side_of_a_line, next_open_step, settled_value

DURATION = CONTENT.questions_by_id["duration"]
LINES = sorted({step.yes_means[1] for step in DURATION.steps})
# A person with new pain down both legs below the knee; every warning sign "no".
BOTH_LEGS = {"age": "40", "location": "lower back and below the knee", "side": "both sides", "quality": "dull ache",
             "tingling": "no", "worse": "sitting", "better": "lying down", "improving": "no", "onset": "gradually"}


def _asks(events) -> list[Ask]:
    return [e for e in events if isinstance(e, Ask)]


def _said(events) -> str:
    return " ".join(e.text for e in events if isinstance(e, Say))


def _to_duration(dialog, answers=BOTH_LEGS, question_id: str = "duration"):
    """Answer every question before `question_id` (warning signs "no")."""
    events = dialog.start()
    while (ask := _asks(events)[-1]).question != question_id:
        events = dialog.hear(answers.get(ask.question, "no"))
    return events


def _converse(dialog, duration: str, steps: dict[str, str], answers=BOTH_LEGS) -> tuple[list[str], dict]:
    """The whole conversation from the duration on: the questions asked, and the report."""
    _to_duration(dialog, answers)
    events, asked = dialog.hear(duration), []
    while not dialog.finished:
        ask = _asks(events)[-1]
        asked.append(ask.question)
        events = dialog.hear(steps.get(ask.question) or answers.get(ask.question, "no"))
    return asked, next(e for e in events if isinstance(e, End)).report


def test_the_content_draws_its_lines_at_six_and_twelve_weeks() -> None:
    assert DURATION.check_lines and LINES == [42, 84]


@pytest.mark.parametrize("text, days", [("6 weeks", 42), ("six weeks", 42), ("about six weeks", 42), ("42 days", 42),
                                        ("12 weeks", 84), ("twelve weeks", 84)])
def test_a_duration_on_a_line_is_checked(make_dialog, text, days) -> None:
    dialog = make_dialog()
    _to_duration(dialog)
    events = dialog.hear(text)
    ask = _asks(events)[-1]
    step = "over_six_weeks" if days == 42 else "over_twelve_weeks"
    assert (ask.question, ask.kind) == (f"duration:{step}", "yesno")
    assert "One more question about that." in _said(events)
    assert "duration" not in dialog.answers


@pytest.mark.parametrize("text", ["5 weeks", "over 6 weeks", "less than 6 weeks", "two months", "three months",
                                  "13 weeks", "43 days"])
def test_a_duration_off_the_lines_is_taken_as_said(make_dialog, text) -> None:
    dialog = make_dialog()
    _to_duration(dialog)
    events = dialog.hear(text)
    assert not _asks(events)[-1].question.startswith("duration")
    assert dialog.answers["duration"]["text"] == text and "approximate" not in dialog.answers["duration"]


@pytest.mark.parametrize("text, answer, days", [("6 weeks", "yes", 60), ("6 weeks", "no", 14),
                                                ("12 weeks", "yes", 85), ("12 weeks", "no", 60)])
def test_the_step_settles_which_side_of_the_line(make_dialog, text, answer, days) -> None:
    dialog = make_dialog()
    _to_duration(dialog)
    dialog.hear(text)
    events = dialog.hear(answer)  # twelve weeks and "no": between six and twelve, with no question about six
    assert dialog.answers["duration"]["days"] == days and dialog.answers["duration"]["approximate"]
    assert not _asks(events)[-1].question.startswith("duration")


def test_six_weeks_of_new_pain_down_both_legs_is_an_emergency(make_dialog) -> None:
    asked, report = _converse(make_dialog(), "six weeks", {"duration:over_six_weeks": "no"})
    assert asked[0] == "duration:over_six_weeks"
    assert report["disposition"] == "emergency"


def test_six_weeks_and_more_not_getting_better_sees_a_gp(make_dialog) -> None:
    answers = {**BOTH_LEGS, "location": "lower back", "side": "in the middle"}
    asked, report = _converse(make_dialog(), "six weeks", {"duration:over_six_weeks": "yes"}, answers)
    assert "improving" in asked and report["disposition"] == "gp"


def test_by_voice_the_line_is_asked_instead_of_read_back(make_dialog) -> None:
    dialog = make_dialog(spoken=True)
    _to_duration(dialog)
    events = dialog.hear(Heard("six weeks", 0.9))
    assert _asks(events)[-1].question == "duration:over_six_weeks"
    assert "Is that right?" not in _said(events)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=other_answers(), line=st.sampled_from(LINES), yes=st.booleans())
def test_either_answer_to_a_line_is_at_least_as_urgent_as_the_line_itself(answers, line, yes) -> None:
    within = either_side_of_a_line(DURATION, exact_value(DURATION, line))
    step = next_open_step(DURATION, DURATION.steps[0].id, within)
    end = next_open_step(DURATION, step.yes if yes else step.no, within)
    banded = assess(CONTENT, {**answers, "duration": settled_value(DURATION, end)}).disposition
    exact = assess(CONTENT, {**answers, "duration": exact_value(DURATION, line)}).disposition
    assert rank(banded) <= rank(exact), f"{line} days answered {'yes' if yes else 'no'}: {end.text}"


def test_check_lines_needs_steps(tmp_path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "questions.toml"
    text = path.read_text()
    path.write_text(text.replace('id = "improving"\nkind = "yesno"\n', 'id = "improving"\nkind = "yesno"\ncheck_lines = true\n', 1))
    with pytest.raises(ContentError, match="check_lines"):
        load_content(folder)


def test_the_band_keeps_the_words_it_narrows_down(make_dialog) -> None:
    dialog = make_dialog()
    _to_duration(dialog)
    dialog.hear("6 weeks")
    events = dialog.hear("no")
    assert dialog.answers["duration"] == {"days": 14, "text": "six weeks or less", "approximate": True, "said": "6 weeks"}
    assert "I have noted: six weeks or less (you said 6 weeks)." in _said(events)


def test_a_decade_narrowed_down_keeps_its_words_too(make_dialog) -> None:
    dialog = make_dialog()
    _to_duration(dialog, question_id="age")
    dialog.hear("in my fifties")
    events = dialog.hear("yes")  # over fifty
    assert dialog.answers["age"]["said"] == "in my fifties"
    assert "I have noted: fifty-one to sixty-four (you said in my fifties)." in _said(events)


def test_go_back_at_the_line_asks_how_long_again(make_dialog) -> None:
    dialog = make_dialog()
    _to_duration(dialog)
    dialog.hear("6 weeks")
    events = dialog.hear("go back")  # the last answer given was "6 weeks": it is what is taken back
    assert _asks(events)[-1].question == "duration" and "duration" not in dialog.answers
    assert dialog.answers["side"] == "both"
    dialog.hear("5 weeks")
    assert dialog.answers["duration"] == {"days": 35, "text": "5 weeks"}


def test_go_back_after_a_decade_asks_the_age_again(make_dialog) -> None:
    dialog = make_dialog()
    _to_duration(dialog, question_id="age")
    dialog.hear("in my fifties")
    events = dialog.hear("go back")
    assert _asks(events)[-1].question == "age" and dialog.answers["rf_thoracic"] == "no"
