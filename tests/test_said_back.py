"""By voice, an answer taken without a check is said back ("Noted: no."), so a mishearing can be undone."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st
from patient import REMARKS, Patient

from voice_triage.events import Ask, Heard, Say
from voice_triage.report import answer_text


def noted(dialog, answer: str) -> Say:
    """The content's wording of an answer said back."""
    return Say(dialog.phrases["noted"].format(answer=answer))


def says(events) -> list[str]:
    return [e.text for e in events if isinstance(e, Say)]


def test_voice_mode_says_at_the_start_that_answers_are_said_back_and_typed_mode_does_not(make_dialog):
    spoken, typed = make_dialog(spoken=True), make_dialog()
    assert spoken.phrases["welcome_spoken"] in says(spoken.start())
    assert spoken.phrases["welcome_spoken"] not in says(typed.start())


def test_a_sure_spoken_red_flag_no_is_said_back_before_the_next_question(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    events = dialog.hear(Heard("negative", 1.0))
    assert events[0] == noted(dialog, "no")
    assert isinstance(events[-1], Ask) and events[-1].question == "rf_bowel"
    assert dialog.answers == {"rf_bladder": "no"}


def test_typed_answers_are_not_said_back_in_either_mode(make_dialog):
    typed = make_dialog()
    typed.start()
    assert says(typed.hear("no")) == []
    spoken = make_dialog(spoken=True)
    spoken.start()
    assert says(spoken.hear(Heard("no", typed=True))) == []  # typed at the keyboard during a spoken session


def test_go_back_after_an_answer_said_back_wrongly_asks_that_question_again(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("no", 0.95))  # the person had said something else
    events = dialog.hear(Heard("go back", 0.9))
    assert dialog.phrases["back_done"] in says(events)
    assert events[-1].question == "rf_bladder" and "rf_bladder" not in dialog.answers


def test_checked_answers_are_not_said_back_again(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("no", 0.6))  # unsure red-flag "no": "I heard no. Is that right?"
    events = dialog.hear(Heard("yes", 0.9))
    assert dialog.answers == {"rf_bladder": "no"} and says(events) == []
    assert events[-1].question == "rf_bowel"


def test_a_choice_is_said_back_by_its_label(make_dialog, content):
    dialog = make_dialog(spoken=True)
    dialog.start()
    while dialog.current.is_red_flag:
        dialog.hear(Heard("no", 0.95))
    dialog.hear(Heard("42", 0.95))
    dialog.hear(Heard("yes", 0.95))  # "I heard 42. Is that right?"
    dialog.hear(Heard("my lower back", 0.95))
    dialog.hear(Heard("yes", 0.95))  # "I heard lower back. Is that right?"
    assert dialog.current.id == "side"
    events = dialog.hear(Heard("the left side", 0.95))
    label = content.questions_by_id["side"].option("left").label
    assert events[0] == noted(dialog, label) and dialog.answers["side"] == "left"


def test_the_standardized_patient_says_go_back_only_when_its_answer_is_said_back_wrongly(make_dialog):
    patient = Patient({"leg_weakness": True})
    dialog = make_dialog(spoken=True)
    weakness = next(q for q in dialog.content.red_flags if q.id == "rf_leg_weakness")
    assert patient.answer(weakness.text) in ("yes", "yeah", "yes, I have", "I think so", "yep")
    patient.notice(dialog.phrases["noted"].format(answer="yes"))
    assert patient.answer(weakness.text) != "go back"
    patient.notice(dialog.phrases["noted"].format(answer="no"))  # heard "no": wrong
    assert patient.answer("Have you lost feeling in one or both legs?") == "go back"
    assert (patient.said_back, patient.undone) == (2, 1)


def test_a_chatty_patient_remarks_once_per_warning_sign_and_means_its_answer_all_the_same(make_dialog):
    bladder = make_dialog().content.red_flags[0]
    chatty, quiet = Patient({"bladder_bowel": True}, seed=3, chatty=1.0), Patient({"bladder_bowel": True}, seed=3)
    assert chatty.answer(bladder.text) in REMARKS and chatty.meant is True
    assert chatty.answer(bladder.reask) == quiet.answer(bladder.text)  # then answers, worded as a quiet patient
    assert Patient({}, chatty=1.0).answer("How old are you?") not in REMARKS  # warning signs only


POOL = ["yes", "no", "not sure", "yeah", "nope", "definitely", "zzz garbage", "repeat", "go back", "help",
        "start over", "64", "lower back", "left", "both sides", "three weeks", "a year", "dull ache", "walking",
        "nothing", "after lifting", "that's all", "that's wrong"]


HEARD = st.lists(st.tuples(st.sampled_from(POOL), st.sampled_from([0.3, 0.6, 0.85, 1.0])), max_size=40)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(early=HEARD, late=HEARD)
def test_by_voice_no_answer_is_taken_without_the_person_hearing_it(make_dialog, content, early, late):
    """Every spoken answer that counts was either checked ("I heard X. Is that right?", answered just now) or is
    said back as it is taken ("Noted: X.", or "I have noted: X." after one option at a time).

    Between two runs of random answers, clear answers take the conversation past the warning signs, the age and
    where it hurts, to the questions answered in a word (which side, is it getting better...).
    """
    dialog = make_dialog(spoken=True)
    dialog.start()
    past_the_read_backs = [("no", 1.0)] * len(content.red_flags) + [("64", 1.0), ("yes", 1.0), ("lower back", 1.0),
                                                                    ("yes", 1.0)]
    for text, confidence in early + past_the_read_backs + late:
        if dialog.finished:
            break
        before, state = dict(dialog.answers), dialog.state
        events = dialog.hear(Heard(text, confidence))
        taken = {qid: value for qid, value in dialog.answers.items()
                 if value != "unknown" and (qid not in before or before[qid] != value)}
        said = " ".join(says(events))
        for qid, value in taken.items():
            answer = answer_text(content, content.questions_by_id[qid], value)
            assert state == "confirming" or f"noted: {answer}." in said.lower(), (qid, value, said)


def test_right_after_an_answer_is_said_back_thats_wrong_means_go_back(make_dialog, content):
    dialog = make_dialog(spoken=True)
    dialog.start()
    ask = dialog.hear(Heard("no", 0.95))[-1]
    assert "that's wrong" in ask.vocabulary and "that's wrong" in ask.controls  # the recognizer listens for it
    events = dialog.hear(Heard("that's wrong", 0.9))
    assert dialog.phrases["back_done"] in says(events)
    assert events[-1].question == "rf_bladder" and dialog.answers == {}


def test_thats_wrong_is_an_answer_where_nothing_was_just_said_back(make_dialog):
    dialog = make_dialog(spoken=True)
    ask = dialog.start()[-1]
    assert "that's wrong" not in ask.controls
    dialog.hear(Heard("that's wrong", 0.9))  # to the first question: nothing was said back, so it is a "no"
    assert dialog.answers == {"rf_bladder": "no"}
    typed = make_dialog(spoken=True)
    typed.start()
    typed.hear(Heard("no", typed=True))  # typed answers are not said back
    typed.hear(Heard("that's wrong", typed=True))
    assert typed.answers == {"rf_bladder": "no", "rf_bowel": "no"}
