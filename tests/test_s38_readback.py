"""Stop 38 review: a duration misheard as "today is" was read back "today is (today)"; "my left hip", asked which
part, lost its side; a warning sign asked but never answered was shown "Not asked"."""
from __future__ import annotations

import pytest
from test_cli import jsonl_events, run_cli

from voice_triage.events import Ask, Heard, Say
from voice_triage.render_html import render_html
from voice_triage.render_markdown import render_markdown
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


# ------------------------------------------------------------------ bug 2: "my left hip", asked which part
def _typed_to_location(make_dialog):
    dialog = make_dialog()
    events = dialog.start()
    while _asks(events)[-1].question != "location":
        events = dialog.hear("60" if dialog.current.id == "age" else "no")
    return dialog


def _said(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Say)]


@pytest.mark.parametrize("vague, side", [("my left hip", "left"), ("right hip", "right")])
def test_the_side_of_a_vague_place_answers_the_side_question_after_which_part(make_dialog, vague, side):
    dialog = _typed_to_location(make_dialog)
    assert _asks(dialog.hear(vague))[-1].text.startswith("Which part of the hip:")
    events = dialog.hear("the groin")
    assert dialog.answers["location"] == ["groin"] and dialog.answers["side"] == side
    assert dialog.phrases["also_noted"].format(sign="which side hurts", answer=side) in _said(events)
    assert [a.question for a in _asks(events)] == ["duration"]  # "Which side?" is not asked
    assert dialog.transcript[-1] == {"question": "side", "heard": vague, "understood": side, "confidence": 1.0}


def test_a_miss_between_the_vague_place_and_its_part_keeps_the_side(make_dialog):
    dialog = _typed_to_location(make_dialog)
    for answer in ("my left hip", "umm", "the groin"):
        events = dialog.hear(answer)
    assert dialog.answers["side"] == "left" and [a.question for a in _asks(events)] == ["duration"]


@pytest.mark.parametrize("answers", [
    ("my hip", "the groin"),  # no side said
    ("my left hip", "the groin on the right"),  # two sides said: which one is asked
    ("not my left hip", "the groin"),  # not asked which part: the words are not a vague place
])
def test_no_side_is_taken_that_the_person_did_not_say_clearly(make_dialog, answers):
    dialog = _typed_to_location(make_dialog)
    for answer in answers:
        events = dialog.hear(answer)
    assert dialog.answers["location"] == ["groin"] and "side" not in dialog.answers
    assert [a.question for a in _asks(events)] == ["side"]


def test_a_vague_answer_before_an_earlier_understood_one_gives_no_side(make_dialog):
    dialog = _typed_to_location(make_dialog)
    for answer in ("my left hip", "the groin", "go back", "go back", "lower back"):
        events = dialog.hear(answer)  # the side and the place taken back, then the place answered again
    assert dialog.answers["location"] == ["lower_back"] and "side" not in dialog.answers
    assert [a.question for a in _asks(events)] == ["side"]


def test_go_back_after_the_side_taken_from_a_vague_place_asks_the_side(make_dialog):
    dialog = _typed_to_location(make_dialog)
    for answer in ("my left hip", "the groin"):
        dialog.hear(answer)
    events = dialog.hear("go back")
    assert [a.question for a in _asks(events)] == ["side"] and "side" not in dialog.answers
    assert dialog.taken_back[-1]["heard"] == "my left hip"


def test_by_jsonl_my_left_hip_then_the_groin_is_the_left(content):
    flags = ["no"] * len(content.red_flags)
    result = run_cli("--jsonl", stdin="\n".join([*flags, "60", "my left hip", "the groin", ""]))
    assert result.returncode == 0, result.stderr
    events = jsonl_events(result.stdout)
    asked = [e["question"] for e in events if e["type"] == "ask"]
    assert asked[-3:] == ["location", "location", "duration"]
    assert events[-1]["report"]["answers"]["side"] == "left"


# ------------------------------------------------------------------ bug 3: a warning sign asked, never answered
def _flag(report: dict, qid: str) -> str:
    return next(item["answer"] for item in report["red_flag_answers"] if item["id"] == qid)


def _flag_row(markdown: str, question: str) -> str:
    """The answer cell of a warning sign's row in the Markdown summary."""
    return next(line for line in markdown.splitlines() if line.startswith(f"| {question} |")).split(" | ")[1]


def test_a_spoken_yes_said_to_be_wrong_twice_then_input_ended_is_not_answered_with_what_was_heard(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    for answer in ("yes", "no", "yes", "no"):  # "I heard yes. Is that right?" "No.", twice
        dialog.hear(Heard(answer, 0.95))
    report = dialog.end_of_input()[-1].report
    assert _flag(report, "rf_bladder") == "not answered" and _flag(report, "rf_bowel") == "not asked"
    text = dialog.content.summary
    bladder = dialog.content.questions_by_id["rf_bladder"].text
    expected = f"{text.answers['not_answered']}: {text.labels['last_heard']} “yes”"
    assert _flag_row(render_markdown(report), bladder) == expected  # was "Not asked"
    page = render_html(report)
    assert f'<span class="ans ans-not-answered">{text.answers["not_answered"]}</span>' in page
    assert f'<span class="said said-not-answered">{text.labels["last_heard"]} “yes”</span>' in page


def test_words_not_understood_before_input_ended_are_shown_with_not_answered(make_dialog):
    dialog = make_dialog()
    dialog.start()
    dialog.hear("no")
    dialog.hear("my dog is barking")
    report = dialog.end_of_input()[-1].report
    assert _flag(report, "rf_bladder") == "no" and _flag(report, "rf_bowel") == "not answered"
    bowel = dialog.content.questions_by_id["rf_bowel"].text
    assert _flag_row(render_markdown(report), bowel).endswith("“my dog is barking”")


def test_the_question_being_asked_when_the_person_stopped_is_not_answered_the_rest_not_asked(make_dialog):
    dialog = make_dialog()
    dialog.start()
    report = dialog.hear("stop")[-1].report
    answers = [item["answer"] for item in report["red_flag_answers"]]
    assert answers[0] == "not answered" and set(answers[1:]) == {"not asked"}
    first = dialog.content.red_flags[0].text
    assert _flag_row(render_markdown(report), first) == dialog.content.summary.answers["not_answered"]  # no words


def test_after_an_emergency_the_signs_never_asked_stay_not_asked(make_dialog):
    dialog = make_dialog()
    dialog.start()
    dialog.hear("yes")  # the first sign is an emergency: the interview stops there
    report = dialog.hear("no")[-1].report
    answers = [item["answer"] for item in report["red_flag_answers"]]
    assert report["ended_by"] == "emergency" and answers[0] == "yes" and set(answers[1:]) == {"not asked"}
