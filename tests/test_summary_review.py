"""What a clinician reading the summaries found (stop 36): each case as the summary or the report command shows it."""
from __future__ import annotations

import io
import json
import re
import shutil
from html import escape
from pathlib import Path

import pytest

from test_clinician_review import OLDER_HIP
from test_dialog import answer_all
from voice_triage.content import CONTENT_DIR, ContentError, load_content
from voice_triage.events import Heard
from voice_triage.journal import Journal
from voice_triage.render_html import CSS, render_html
from voice_triage.render_markdown import md, render_markdown
from voice_triage.report import answer_text
from voice_triage.report_files import load_report, report_command

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
WORDS = "I think it started after my breast cancer treatment in 2015, they said it had not spread"


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def said_yes(report: dict, qid: str = "rf_cancer", heard: str = WORDS) -> dict:
    """The report with one warning sign answered yes in a sentence."""
    for item in report["red_flag_answers"]:
        if item["id"] == qid:
            item["answer"] = "yes"
    report["transcript"].append({"question": qid, "heard": heard, "understood": "yes", "confidence": 1.0})
    return report


def css_rule(selector: str) -> str:
    """The declarations of a rule in the page's style sheet (screen rules, before the print ones)."""
    found = re.search(re.escape(selector) + r" \{([^}]*)\}", CSS.split("@media print")[0])
    assert found, selector
    return found.group(1)


def test_a_yes_in_a_sentence_keeps_the_badge_short_and_the_words_on_their_own_line():
    """The words were inside the narrow one-line badge: 'Yes: “I thi' and the rest ran off it, unseen."""
    html = render_html(said_yes(load("gp_hip")))
    row = re.search(r'<div class="flag">(?:(?!</div>).)*' + re.escape(WORDS[:20]) + r".*?</div>", html)
    assert row, "the words are not in their warning sign's row"
    assert '<span class="ans ans-yes">Yes</span>' in row.group(0)
    assert f'<span class="said said-yes">“{WORDS}”</span>' in row.group(0)
    assert "nowrap" not in css_rule(".flag .ans") and "grid-column: 1 / -1" in css_rule(".flag .said")
    assert f"**Yes: “{WORDS}”**" in render_markdown(said_yes(load("gp_hip")))  # Markdown rows wrap by themselves


def unclear_report() -> dict:
    """A report whose answers pointed at no source: every score below the minimum."""
    report = load("self_care")
    report["likely_source"] = "unclear"
    report["sources"] = [dict(s, score=0, reasons=[]) for s in report["sources"]]
    return report


def test_an_unclear_likely_source_is_said_in_words():
    """'Most likely: **unclear**' showed the report's id."""
    words = load_content().summary.source_names["unclear"]
    html, markdown = render_html(unclear_report()), render_markdown(unclear_report())
    assert f"Most likely: **{md(words)}**" in markdown and f"<strong>{escape(words)}</strong>" in html
    assert "**unclear**" not in markdown and "<strong>unclear</strong>" not in html


def test_no_likely_source_is_named_by_its_bare_id():
    assert all(name.replace("_", " ") != sid for sid, name in load_content().summary.source_names.items())


def test_the_unclear_source_wording_comes_from_content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "summary.toml"
    path.write_text(re.sub(r'(?m)^unclear = ".*"$', 'unclear = "nothing stood out"', path.read_text("utf-8")),
                    encoding="utf-8")
    assert "Most likely: **nothing stood out**" in render_markdown(unclear_report(), load_content(folder).summary)


@pytest.mark.parametrize("text, days, shown", [
    ("since yesterday", 1, "since yesterday"), ("this morning", 0, "this morning"), ("Today", 0, "Today"),
    ("since Wednesday", 1, "since Wednesday (about 1 day)"), ("since 26 November", 0, "since 26 November (today)"),
    ("5 days", 5, "5 days"), ("a day", 1, "a day"), ("since Monday", 3, "since Monday (about 3 days)"),
    ("2 weeks", 14, "2 weeks (about 14 days)"),
])
def test_a_day_or_none_reads_naturally(content, text, days, shown):
    """'since yesterday (about 1 days)' and 'this morning (about 0 days)'."""
    assert answer_text(content, content.questions_by_id["duration"], {"days": days, "text": text}) == shown


def test_a_one_day_duration_reads_naturally_in_the_summary(make_dialog):
    report = answer_all(make_dialog(), {**OLDER_HIP, "onset": "lifting", "duration": "since yesterday"})
    assert report["answers"]["duration"]["days"] == 1
    assert "| How long | since yesterday |" in render_markdown(report)


def test_the_one_day_wording_comes_from_content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "summary.toml"
    path.write_text(path.read_text("utf-8").replace('one_day = "{text} (about 1 day)"', 'one_day = "{text}: 1 day"'),
                    encoding="utf-8")
    mine = load_content(folder)
    assert answer_text(mine, mine.questions_by_id["duration"], {"days": 1, "text": "since Wednesday"}) == \
        "since Wednesday: 1 day"


@pytest.mark.parametrize("form, problem", [('"about a day"', "must contain {text}"),
                                           ('"{text} ({days} day)"', "unknown field")])
def test_a_duration_form_without_its_words_or_with_unknown_fields_is_refused(tmp_path, form, problem):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "summary.toml"
    path.write_text(path.read_text("utf-8").replace('no_days = "{text} (today)"', f"no_days = {form}"),
                    encoding="utf-8")
    with pytest.raises(ContentError, match=r"summary\.toml.*duration\.no_days.*" + re.escape(problem)):
        load_content(folder)


def symptom_rows(report: dict) -> dict[str, str]:
    """The symptom table of the Markdown summary: label -> answer."""
    rows = re.findall(r"^\| (.+?) \| (.*?) \|$", render_markdown(report).split("## Where it hurts and how")[1]
                      .split("##")[0], re.M)
    return {label: value for label, value in rows if label.strip()}


@pytest.mark.parametrize("answers", ["kept", "null", "missing"])
def test_a_null_answer_text_is_not_printed_as_none(answers):
    """A hand-edited report with answer_text.location null printed "None"."""
    report = load("gp_hip")
    report["answer_text"]["location"] = report["answer_text"]["limp"] = None
    if answers != "kept":
        report["answers"]["limp"] = None
        if answers == "missing":
            del report["answers"]["location"]
        else:
            report["answers"]["location"] = None
    rows, html = symptom_rows(report), render_html(report)
    assert "None" not in rows.values() and ">None<" not in html
    if answers == "kept":  # the answer itself still says it, with the person's words ("side" is not in the ids)
        said = "“groin, front of my thigh and the side of my hip”"
        assert (rows["Where it hurts"], rows["Limp"]) == (f"groin, front thigh, outer hip: {said}", "yes")
    else:
        assert rows["Where it hurts"] == rows["Limp"] == "not recorded"
        assert '<dd class="missing">not recorded</dd>' in html
        assert ("Body map: not recorded" in render_markdown(report)) == (answers == "null")


def run_report(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return report_command(list(argv), out, err), out.getvalue(), err.getvalue()


def stored_session(make_dialog, with_report: bool, ended: str = "stopped") -> Path:
    """A session journal as voice-triage keeps it (journal.py), with its report beside it or without."""
    journal = Journal.create(make_dialog())
    journal.heard(Heard("no", 1.0))
    journal.close(ended)
    if with_report:
        journal.report_path.write_text(json.dumps(load("self_care")), encoding="utf-8")
    return journal.path


def test_the_report_of_a_stored_session_journal_is_read(tmp_path, make_dialog):
    """Given a journal, the command said 'not a voice-triage report' with no hint of the report beside it."""
    journal, html = stored_session(make_dialog, with_report=True), tmp_path / "s.html"
    code, out, err = run_report(str(journal), "--html", str(html))
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"Read {journal.with_suffix('.report.json')}, the report of the session in {journal}",
                                f"Wrote {html}"]
    assert "SELF-CARE AT HOME" in html.read_text(encoding="utf-8")
    assert load_report(journal) == load("self_care")


@pytest.mark.parametrize("ended, why", [("stopped", "moved or deleted"), ("interrupted", "--resume")])
def test_a_session_journal_without_its_report_says_so_in_one_line(tmp_path, make_dialog, ended, why):
    journal = stored_session(make_dialog, with_report=False, ended=ended)
    code, out, err = run_report(str(journal), "--html", str(tmp_path / "s.html"))
    assert code == 5 and out == "" and err.count("\n") == 1
    assert f"{journal} is a session journal, not a report" in err and journal.with_suffix(".report.json").name in err
    assert why in err
    assert not (tmp_path / "s.html").exists()


def test_a_summary_may_not_replace_the_report_beside_a_journal(make_dialog):
    journal = stored_session(make_dialog, with_report=True)
    kept = journal.with_suffix(".report.json").read_text(encoding="utf-8")
    code, _, err = run_report(str(journal), "--html", str(journal.with_suffix(".report.json")))
    assert code == 2 and "would replace the report" in err
    assert journal.with_suffix(".report.json").read_text(encoding="utf-8") == kept


def deep_in_a_report(depth: int) -> dict:
    """A report with an answer nested `depth` lists deep (hand-edited or made to break the reader)."""
    report, inner = load("self_care"), []
    report["answers"]["deep"] = inner
    for _ in range(depth):
        inner.append([])
        inner = inner[0]
    return report


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a": ' * 100_000 + "1" + "}" * 100_000,
                                  '{"type": "say"}\n' + "[" * 100_000])
def test_deeply_nested_json_is_refused_in_one_line(tmp_path, text):
    """It ended in 'unexpected error: maximum recursion depth exceeded', exit 1."""
    source = tmp_path / "deep.json"
    source.write_text(text, encoding="utf-8")
    code, out, err = run_report(str(source), "--html", str(tmp_path / "o.html"))
    assert (code, out) == (5, "") and err == f"voice-triage report: {source} is nested too deeply to be a " \
                                             "voice-triage report\n"


def test_a_report_too_deep_to_put_into_words_is_refused_and_leaves_no_summary(tmp_path, capsys):
    from voice_triage.cli import main
    source, html, markdown = tmp_path / "deep.json", tmp_path / "o.html", tmp_path / "o.md"
    source.write_text(json.dumps(deep_in_a_report(900)), encoding="utf-8")  # readable, too deep to say
    code = main(["report", str(source), "--html", str(html), "--markdown", str(markdown)])
    err = capsys.readouterr().err
    assert code == 5 and err.count("\n") == 1 and "nested too deeply" in err and "unexpected" not in err
    assert not html.exists() and not markdown.exists()


def jsonl(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


END = json.dumps({"type": "end", "report": load("self_care")})


@pytest.mark.parametrize("text, line", [
    (jsonl('{"type": "say", "text": "Hello"}', END, "Traceback (most recent call last):"), 3),
    (jsonl('{"type": "say", "text": "Hello"}', "{oops", END), 2),
    (jsonl('{"type": "say", "text": "Hello"}', "", "", END + " junk"), 4),
    (json.dumps(load("self_care"), indent=2).replace('"finished"', "finished", 1), 4),  # one document, broken in it
])
def test_invalid_json_names_the_line_at_fault(tmp_path, text, line):
    """A --jsonl capture with junk on its last line (3) said 'line 2: Extra data'."""
    source = tmp_path / "capture.jsonl"
    source.write_text(text, encoding="utf-8")
    code, _, err = run_report(str(source), "--html", str(tmp_path / "o.html"))
    assert code == 5 and f"is not valid JSON (line {line}: " in err and err.count("\n") == 1


def test_a_capture_with_a_line_separator_in_the_persons_words_is_read(tmp_path):
    """--jsonl writes words as they are: a U+2028 in them is no end of line."""
    report = load("self_care")
    report["transcript"][0]["heard"] = "no\u2028really"
    source = tmp_path / "capture.jsonl"
    source.write_text(jsonl('{"type": "say", "text": "Hello"}', json.dumps({"type": "end", "report": report},
                                                                          ensure_ascii=False)), encoding="utf-8")
    assert load_report(source) == report
