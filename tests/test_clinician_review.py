"""What a clinician reading the reports found (stop 34): each case as the report would show it."""
from __future__ import annotations

import pytest

from test_dialog import answer_all
from voice_triage.understand import Interpreter

OLDER_HIP = {"age": "80", "location": "side of my hip", "side": "left", "duration": "3 days", "quality": "sharp",
             "tingling": "no", "worse": "walking", "better": "rest", "limp": "yes"}


@pytest.mark.parametrize("onset", ["it just came on after I fell in the garden", "suddenly, when I fell off a chair",
                                   "I slipped on the ice carrying shopping", "don't know, maybe when I fell"])
def test_a_fall_named_beside_anything_else_is_a_fall(make_dialog, onset):
    report = answer_all(make_dialog(), {**OLDER_HIP, "onset": onset})
    assert report["answers"]["onset"] == "fall"
    assert report["disposition"] == "urgent" and "fall_older" in {f["id"] for f in report["findings"]}


@pytest.mark.parametrize("onset, meant", [("it came on after a long drive", "sitting_long"),
                                          ("it just came on", "no_reason"), ("lifting a box", "strain")])
def test_no_reason_gives_way_to_a_cause_named_beside_it(content, onset, meant):
    assert Interpreter(content).understand(content.questions_by_id["onset"], onset).value == meant


def test_one_by_one_the_fall_is_asked_first(content):
    assert content.questions_by_id["onset"].options[0].id == "fall"


@pytest.mark.parametrize("typed", ["constipated", "no, just constipated", "I'm a bit constipated"])
def test_constipation_alone_is_no_loss_of_bowel_control(content, typed):
    assert Interpreter(content).understand(content.questions_by_id["rf_bowel"], typed).value == "no"


def test_constipation_with_soiling_is_asked_again(content):
    bowel = content.questions_by_id["rf_bowel"]
    assert Interpreter(content).understand(bowel, "constipated and I soiled myself").value is None


def test_the_safety_net_does_not_say_if_you_get_what_the_person_already_has(make_dialog):
    common = {"age": "40", "location": "lower back", "side": "middle", "duration": "2 weeks", "quality": "dull ache",
              "tingling": "no", "worse": "bending", "better": "rest", "onset": "lifting"}
    with_night_pain = answer_all(make_dialog(), {**common, "rf_night_pain": "yes"})["advice_sections"]["seek_help"]
    without = answer_all(make_dialog(), common)["advice_sections"]["seek_help"]
    assert any("waking you at night" in line for line in without)
    assert not any("waking you at night" in line for line in with_night_pain)
    assert any("fever" in line for line in with_night_pain)  # the other lines stay


def test_the_summary_does_not_say_every_answer_was_given_when_one_was_not_understood(make_dialog):
    from voice_triage.render_markdown import render_markdown
    clear = answer_all(make_dialog(), {**OLDER_HIP, "onset": "lifting"})
    unclear = answer_all(make_dialog(), {**OLDER_HIP, "onset": "lifting", "quality": "zzz qqq"})
    assert unclear["answers"]["quality"] == "unknown" and unclear["complete"] is True
    assert "Every question that applied was answered." in render_markdown(clear)
    page = render_markdown(unclear)
    assert "Every question that applied was answered." not in page and "could not be understood" in page


@pytest.mark.parametrize("target", ["{tmp}", "{tmp}/link.json", "/dev/null"])  # "": test_reliability_left
def test_a_report_path_that_is_no_file_is_refused_before_the_interview(tmp_path, capsys, target):
    from voice_triage.cli import main
    (tmp_path / "real.json").write_text("{}")
    (tmp_path / "link.json").symlink_to(tmp_path / "real.json")
    code = main(["--text", "--no-save", "--report", target.format(tmp=tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot write the report" in err
    assert (tmp_path / "link.json").is_symlink() and (tmp_path / "real.json").read_text() == "{}"


def test_the_report_command_does_not_replace_a_link_with_a_file(tmp_path, make_dialog):
    import json
    from voice_triage.report_files import report_command
    source = tmp_path / "report.json"
    source.write_text(json.dumps(answer_all(make_dialog(), {**OLDER_HIP, "onset": "lifting"})))
    (tmp_path / "target.html").write_text("keep")
    (tmp_path / "link.html").symlink_to(tmp_path / "target.html")
    assert report_command([str(source), "--html", str(tmp_path / "link.html")]) == 5
    assert (tmp_path / "link.html").is_symlink() and (tmp_path / "target.html").read_text() == "keep"


def test_an_answer_taken_back_stays_in_the_summary_with_its_words(make_dialog):
    from voice_triage.render_html import render_html
    from voice_triage.render_markdown import render_markdown
    dialog = make_dialog()
    dialog.start()
    for answer in ("no", "no", "no", "no", "my foot drags", "go back", "not sure"):
        dialog.hear(answer)
    report = answer_all_from_here(dialog)
    assert report["answers"]["rf_leg_weakness"] == "unsure"
    assert report["taken_back"] == [{"question": "rf_leg_weakness", "answer": "yes", "heard": "my foot drags",
                                     "question_text": dialog.content.questions_by_id["rf_leg_weakness"].text}]
    assert "my foot drags" in render_markdown(report) and "my foot drags" in render_html(report)


def answer_all_from_here(dialog):
    from voice_triage.events import Ask, End
    events = dialog.hear("no")
    while not dialog.finished:
        ask = [e for e in events if isinstance(e, Ask)][-1]
        events = dialog.hear({"age": "40", "location": "lower back", "side": "left", "duration": "2 weeks",
                              "quality": "dull ache", "worse": "bending", "better": "rest",
                              "onset": "lifting"}.get(ask.question, "no"))
    return [e for e in events if isinstance(e, End)][0].report


def test_the_summaries_cite_the_source_of_each_reason(make_dialog, content):
    from voice_triage.render_html import render_html
    from voice_triage.render_markdown import render_markdown
    report = answer_all(make_dialog(), {**OLDER_HIP, "onset": "I fell", "rf_night_pain": "yes"})
    cited = {f["source"] for f in report["findings"]}
    page, html = render_markdown(report), render_html(report)
    for source in cited:
        assert content.sources[source]["title"] in page
        assert content.sources[source]["title"].replace("'", "&#x27;").replace("&", "&amp;")[:40] in html
    assert "\\[1\\]" in page and "[1]" in html


def test_a_warning_sign_answered_in_a_sentence_keeps_its_words_in_the_summary(make_dialog):
    from voice_triage.render_markdown import render_markdown
    said = "yes, breast cancer ten years ago"
    report = answer_all(make_dialog(), {**OLDER_HIP, "onset": "lifting", "rf_cancer": said})
    assert "Yes: \u201cyes, breast cancer ten years ago\u201d" in render_markdown(report)
    plain = answer_all(make_dialog(), {**OLDER_HIP, "onset": "lifting", "rf_cancer": "yes"})
    assert "\u201c" not in render_markdown(plain).split("## Warning signs")[1].split("##")[0]


@pytest.mark.parametrize("text, days, shown", [("5 days", 5, "5 days"), ("two days", 2, "two days"),
                                               ("2 weeks", 14, "2 weeks (about 14 days)")])
def test_a_duration_in_days_is_not_said_twice(content, text, days, shown):
    from voice_triage.report import answer_text
    assert answer_text(content, content.questions_by_id["duration"], {"days": days, "text": text}) == shown
