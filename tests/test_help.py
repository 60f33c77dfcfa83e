"""Help says why a question is asked ("I ask because ..."); typed "why?" and "what do you mean?" are help."""
from __future__ import annotations

import pytest

from voice_triage.events import Ask, Say


def said(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Say)]


def asked(events) -> Ask:
    return [e for e in events if isinstance(e, Ask)][-1]


@pytest.mark.parametrize("typed", ["why", "why do you ask?", "what do you mean", "What does that mean?", "help"])
def test_typed_why_at_a_warning_sign_explains_it_and_asks_again(make_dialog, content, typed):
    dialog = make_dialog()
    dialog.start()
    events = dialog.hear(typed)
    flag = content.red_flags[0]
    assert said(events)[0] == f"I ask because {flag.finding}."
    assert asked(events).question == flag.id and flag.id not in dialog.answers


def test_every_symptom_question_says_why_it_is_asked(make_dialog, content):
    dialog = make_dialog()
    events = dialog.start()
    for _ in content.red_flags:
        events = dialog.hear("no")
    answers = {"age": "40", "location": "lower back and groin", "side": "left", "duration": "two months",
               "improving": "no", "quality": "dull ache", "tingling": "no", "worse": "bending",
               "better": "rest", "morning_stiffness": "no", "limp": "no", "onset": "lifting"}
    seen = set()
    while not dialog.finished:
        question = asked(events).question
        why = content.questions_by_id[question].why
        assert why and said(dialog.hear("what do you mean"))[0] == f"I ask because {why}."
        seen.add(question)
        events = dialog.hear(answers[question])
    assert seen == set(answers)  # every symptom question was met (40, two months, groin: the optional ones too)


def test_spoken_help_says_why_too_but_typed_only_phrases_stay_out_of_the_grammar(make_dialog, content):
    dialog = make_dialog(spoken=True)
    ask = asked(dialog.start())
    assert "what do you mean" not in ask.vocabulary and "why" not in ask.vocabulary and "help" in ask.vocabulary
    assert said(dialog.hear("help"))[0] == f"I ask because {content.red_flags[0].finding}."


def test_a_longer_answer_with_why_in_it_is_not_help(content):
    from voice_triage.understand import Interpreter
    interpreter = Interpreter(content)
    assert interpreter.control("why") == "help"
    assert interpreter.control("no idea why it started") is None
