""""Not sure" how old or how long is an answer: narrowed down with yes/no questions, and if still not sure,
recorded as not sure and weighed the safe way (it was asked again three times and ended "not understood")."""
from __future__ import annotations

import pytest

from voice_triage.events import Ask, Say
from voice_triage.understand import Interpreter, vocabulary


@pytest.fixture(scope="module")
def interpreter(content):
    return Interpreter(content)


@pytest.mark.parametrize("question", ["age", "duration"])
@pytest.mark.parametrize("text", ["not sure", "I don't know", "no idea", "I'm not sure how long", "dunno"])
def test_not_sure_how_old_or_how_long_is_an_answer(interpreter, content, question, text):
    assert interpreter.understand(content.questions_by_id[question], text).value == "unsure"


def test_a_number_beside_not_sure_is_still_the_number(interpreter, content):
    value = interpreter.understand(content.questions_by_id["duration"], "not sure, about 3 weeks").value
    assert value["days"] == 21


@pytest.mark.parametrize("question", ["age", "duration"])
def test_by_voice_i_dont_know_is_in_the_grammar(interpreter, content, question):
    assert {"not sure", "i don't know"} <= set(vocabulary(interpreter, content.questions_by_id[question]))


def _to(dialog, question_id):
    events = dialog.start()
    while (ask := [e for e in events if isinstance(e, Ask)][-1]).question != question_id:
        events = dialog.hear({"age": "40", "location": "lower back", "side": "middle"}.get(ask.question, "no"))
    return events


def _said(events):
    return " ".join(e.text for e in events if isinstance(e, Say))


def test_not_sure_how_long_is_narrowed_down_with_yes_or_no(make_dialog):
    dialog = make_dialog()
    _to(dialog, "duration")
    events = dialog.hear("I don't know")
    ask = [e for e in events if isinstance(e, Ask)][-1]
    assert ask.question.startswith("duration:") and ask.kind == "yesno"
    assert "That's all right." in _said(events) and "Sorry" not in _said(events)
    dialog.hear("yes")  # more than twelve weeks
    assert dialog.answers["duration"]["approximate"] and dialog.answers["duration"]["days"] > 84


def test_still_not_sure_is_recorded_as_not_sure_and_counted_the_safe_way(make_dialog, content):
    dialog = make_dialog()
    _to(dialog, "duration")
    dialog.hear("not sure")
    events = dialog.hear("not sure")
    assert dialog.answers["duration"] == "unsure"
    assert "I have noted: not sure" in _said(events)
    events = dialog.hear("stop")
    report = next(e for e in events if hasattr(e, "report")).report
    assert report["answer_text"]["duration"] == "not sure"
    # Not sure how long: the finding of the rule a long duration would set is counted (rules.toml uncertain_rule)
    assert any("not sure about how long" in f["text"] for f in report["findings"])


def test_not_sure_how_old_is_narrowed_down_too(make_dialog):
    dialog = make_dialog()
    _to(dialog, "age")
    dialog.hear("not sure")
    dialog.hear("yes")  # over fifty
    dialog.hear("no")  # not sixty-five or older
    assert dialog.answers["age"]["approximate"] and 50 < dialog.answers["age"]["value"] < 65
