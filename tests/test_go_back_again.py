"""By voice, an answer heard again as it was before "go back" undid it is not simply taken again (stop 35 review:
"left" heard as "both sides" six times in a row at a slow rate, until the go-back limit let the wrong side stand)."""
from __future__ import annotations

from voice_triage.events import Ask, Heard, Say


def said(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Say)]


def asked(events) -> Ask:
    return [e for e in events if isinstance(e, Ask)][-1]


def _at_question(make_dialog, content, question_id: str):
    """A spoken dialog with every warning sign a clear "no", then age 45 and lower back, up to `question_id`."""
    dialog = make_dialog(spoken=True)
    events = dialog.start()
    answers = {"age": ["45", "yes"], "location": ["lower back", "yes"]}
    while asked(events).question != question_id:
        question = asked(events).question
        for answer in answers.get(question, ["no"]):
            events = dialog.hear(Heard(answer, 0.95))
    return dialog


def test_a_side_heard_the_same_after_go_back_is_checked(make_dialog, content):
    dialog = _at_question(make_dialog, content, "side")
    assert said(dialog.hear(Heard("both", 0.95))) == ["Noted: both sides."]
    dialog.hear(Heard("go back", 0.95))
    events = dialog.hear(Heard("both", 0.95))  # misheard the same way again
    assert asked(events).question == "confirm:side" and "side" not in dialog.answers
    events = dialog.hear(Heard("no", 0.95))
    assert asked(events).question == "side" and "side" not in dialog.answers
    dialog.hear(Heard("left", 0.95))
    assert dialog.answers["side"] == "left"


def test_an_unclear_check_does_not_let_the_repeated_answer_stand(make_dialog, content):
    dialog = _at_question(make_dialog, content, "side")
    dialog.hear(Heard("both", 0.95))
    dialog.hear(Heard("go back", 0.95))
    dialog.hear(Heard("both", 0.95))
    dialog.hear(Heard("mumble", 0.3))  # "I heard both sides. Is that right?" answered unclearly
    assert "side" not in dialog.answers


def test_a_clear_yes_keeps_the_answer_heard_again(make_dialog, content):
    dialog = _at_question(make_dialog, content, "side")
    dialog.hear(Heard("both", 0.95))
    dialog.hear(Heard("go back", 0.95))
    dialog.hear(Heard("both", 0.95))
    dialog.hear(Heard("yes", 0.95))
    assert dialog.answers["side"] == "both"


def test_a_list_heard_the_same_after_go_back_is_asked_one_at_a_time(make_dialog, content):
    dialog = _at_question(make_dialog, content, "side")
    dialog.hear(Heard("go back", 0.95))  # undoes the location, checked and kept
    events = dialog.hear(Heard("lower back", 0.95))
    assert said(events)[0] == content.phrases["heard_again"]
    assert dialog.state == "one_by_one" and asked(events).question == "location:lower_back"


def test_an_age_heard_the_same_after_go_back_is_asked_in_steps(make_dialog, content):
    dialog = _at_question(make_dialog, content, "location")
    dialog.hear(Heard("go back", 0.95))
    events = dialog.hear(Heard("45", 0.95))
    assert dialog.state == "one_by_one" and asked(events).question.startswith("age:")


def test_a_different_answer_after_go_back_is_taken_as_usual(make_dialog, content):
    dialog = _at_question(make_dialog, content, "side")
    dialog.hear(Heard("both", 0.95))
    dialog.hear(Heard("go back", 0.95))
    assert said(dialog.hear(Heard("left", 0.95))) == ["Noted: left."] and dialog.answers["side"] == "left"


def test_typed_answers_are_taken_again_without_a_check(make_dialog, content):
    dialog = _at_question(make_dialog, content, "side")
    dialog.hear(Heard("both", typed=True))
    dialog.hear(Heard("go back", typed=True))
    dialog.hear(Heard("both", typed=True))
    assert dialog.answers["side"] == "both"


def test_the_words_kept_for_an_answer_taken_back_are_the_answer_not_its_check(make_dialog, content):
    dialog = _at_question(make_dialog, content, "side")
    dialog.hear(Heard("go back", 0.95))  # the location was "lower back", then "yes" to "Is that right?"
    assert dialog.taken_back[-1]["heard"] == "lower back"
