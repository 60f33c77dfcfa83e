"""Stop 49: the summary showed the words said to "Is that right?" as a warning sign's answer ("Yes: “sort of, they're
not getting worse though”"), lost the answer's own words after a clear check, and did not show that a yes was kept
only because its check was unclear. And the symptom rows never showed the person's words: a knee named beside the
places, or "I lifted a heavy box at work and felt something go", reached only the JSON transcript."""
from __future__ import annotations

from voice_triage.events import Ask, End, Heard
from voice_triage.render_html import render_html
from voice_triage.render_markdown import render_markdown

WOBBLY = "my legs feel a bit wobbly since the fall"
NOT_WORSE = "sort of, they're not getting worse though"


def _to(dialog, qid: str, spoken: bool = False) -> None:
    """The dialog brought to the warning sign `qid`, every sign before it a sure no."""
    events = dialog.start()
    while (asked := [e for e in events if isinstance(e, Ask)][-1].question) != qid:
        events = dialog.hear(Heard("no", 1.0) if spoken else "no")


def _report(dialog, events) -> dict:
    """The report once the emergency advice is said and "Would you like me to repeat that?" answered no."""
    assert not any(isinstance(e, End) for e in events)
    events = dialog.hear(Heard("no", 1.0) if dialog.spoken else "no")
    return next(e for e in events if isinstance(e, End)).report


def _row(dialog, report: dict, qid: str) -> str:
    """The answer cell of a warning sign's row in the Markdown summary."""
    question = dialog.content.questions_by_id[qid].text
    line = next(line for line in render_markdown(report).splitlines() if line.startswith(f"| {question} |"))
    return line.split(" | ")[1]


def test_a_typed_yes_kept_on_an_unclear_check_shows_both_the_answer_and_the_check(make_dialog):
    dialog = make_dialog()
    _to(dialog, "rf_leg_weakness")
    dialog.hear(WOBBLY)  # "I took that as a yes. Is that right?"
    report = _report(dialog, dialog.hear(NOT_WORSE))
    assert report["answers"]["rf_leg_weakness"] == "yes"  # the safe side, as before
    unclear = dialog.content.summary.labels["unclear_check"]
    assert _row(dialog, report, "rf_leg_weakness") == f"**Yes: “{WOBBLY}”; {unclear}: “{NOT_WORSE}”**"
    assert f"“{WOBBLY}”; {unclear}: “{NOT_WORSE}”".replace("'", "&#x27;") in render_html(report)


def test_a_spoken_yes_checked_clearly_keeps_the_answers_own_words(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("yes i leak", 0.95))  # "I heard yes. Is that right?"
    report = _report(dialog, dialog.hear(Heard("yes", 0.95)))
    assert _row(dialog, report, "rf_bladder") == "**Yes: “yes i leak”**"  # was "Yes": the check's "yes" replaced it


def test_a_spoken_yes_kept_on_a_mumbled_check_says_so(make_dialog):
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("yes", 0.95))
    report = _report(dialog, dialog.hear(Heard("mm", 0.2)))
    assert report["answers"]["rf_bladder"] == "yes"
    unclear = dialog.content.summary.labels["unclear_check"]
    assert _row(dialog, report, "rf_bladder") == f"**Yes; {unclear}: “mm”**"


def test_a_clear_yes_to_the_check_adds_nothing(make_dialog):
    dialog = make_dialog()
    _to(dialog, "rf_leg_weakness")
    dialog.hear(WOBBLY)
    report = _report(dialog, dialog.hear("yes"))
    assert _row(dialog, report, "rf_leg_weakness") == f"**Yes: “{WOBBLY}”**"


SYMPTOM_ANSWERS = {"age": "60", "side": "left", "duration": "since monday, so about 10 days", "quality": "dull ache",
                   "worse": "walking", "better": "rest", "onset": "I lifted a heavy box at work and felt something go"}


def _symptom_rows(dialog, location: list[str]) -> dict[str, str]:
    """The symptom rows (by question id) of the Markdown summary after a typed interview, the location answered with `location`."""
    events, location = dialog.start(), list(location)
    while not any(isinstance(e, End) for e in events):
        asked = [e for e in events if isinstance(e, Ask)][-1].question
        if asked == "location" and location:
            events = dialog.hear(location.pop(0))
        else:
            events = dialog.hear(SYMPTOM_ANSWERS.get(asked, "no"))
    markdown = render_markdown(next(e for e in events if isinstance(e, End)).report)
    rows = [line.split(" | ") for line in markdown.split("## Where it hurts and how")[1].splitlines()
            if line.startswith("| ") and not line.startswith("| |")]
    qids = {label: qid for qid, label, _ in dialog.content.summary.symptoms}
    return {qids.get(cells[0].lstrip("| ")): cells[1].rstrip(" |") for cells in rows}


def test_a_knee_named_beside_the_places_reaches_the_summary_in_the_persons_words(make_dialog):
    knee = "in the groin and down the front of my thigh, and sometimes my knee"
    rows = _symptom_rows(make_dialog(), [knee, "none"])  # "The knee itself is not one of the places I note..."
    assert rows["location"] == f"groin, front of the thigh: “{knee}”"


def test_how_it_started_keeps_the_persons_sentence_and_a_plain_answer_adds_nothing(make_dialog):
    rows = _symptom_rows(make_dialog(), ["groin"])
    assert rows["onset"] == f"after lifting, sport, or a strain: “{SYMPTOM_ANSWERS['onset']}”"
    assert rows["location"] == "groin" and rows["worse"] == "walking"
    assert rows["duration"] == "since Monday so about 10 days"  # its words are the answer's: not said twice


def test_a_sentence_that_only_names_the_places_is_not_said_twice(make_dialog):
    rows = _symptom_rows(make_dialog(), ["groin, front of my thigh and the side of my hip"])
    assert rows["location"] == "groin, front of the thigh, side of the hip"


def test_a_sentence_asked_again_stays_beside_the_not_sure_it_led_to(make_dialog):
    """"my right leg feels weak..." was asked again, then "not sure": the summary showed only "Not sure"."""
    dialog, weak = make_dialog(), "my right leg feels weak when I walk upstairs, but it's not getting worse"
    _to(dialog, "rf_leg_weakness")
    dialog.hear(weak)
    dialog.hear("not sure")
    report = dialog.end_of_input()[-1].report
    assert _row(dialog, report, "rf_leg_weakness") == f"{dialog.content.summary.answers['unsure']}: “{weak}”"


def test_a_sentence_that_also_gave_the_side_is_shown_once(make_dialog):
    where = "low back on the right, shooting down the back of my leg to my foot"
    rows = _symptom_rows(make_dialog(), [where])
    assert rows["location"] == f"lower back, back of the thigh, foot: “{where}”" and rows["side"] == "right"
