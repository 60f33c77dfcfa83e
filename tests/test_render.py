"""Clinician summaries: every answer shown, user text escaped, incomplete reports handled, files owner-only."""
from __future__ import annotations

import copy
import io
import json
import re
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voice_triage.content import load_content
from voice_triage.render_html import print_zoom, render_html
from voice_triage.render_markdown import render_markdown, summarize, when
from voice_triage.report_files import load_report, report_command, write_report_files

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
ROOT = Path(__file__).resolve().parents[1]
NAMES = ["emergency", "gp_hip", "self_care"]
EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


class Text(HTMLParser):
    """Visible text of a page, and the text of each element with a given class."""

    def __init__(self, cls: str = "") -> None:
        super().__init__()
        self.cls, self.depth, self.parts, self.blocks, self.tags = cls, 0, [], [], []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("style", "title"):
            self.skip += 1
        if self.depth:
            self.depth += 1
        elif self.cls and self.cls in (dict(attrs).get("class") or "").split():
            self.depth, self.blocks = 1, self.blocks + [""]

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self.skip -= 1
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.skip:
            return
        self.parts.append(data)
        if self.depth:
            self.blocks[-1] += " " + data


def visible(html: str, cls: str = "") -> Text:
    parser = Text(cls)
    parser.feed(html)
    return parser


def plain(text: str) -> str:
    return " ".join(text.split())


def md_plain(markdown: str) -> str:
    """Markdown with backslash escapes undone, whitespace collapsed."""
    return plain(re.sub(r"\\(.)", r"\1", markdown))


@pytest.mark.parametrize("name", NAMES)
def test_every_answer_appears_in_html_and_markdown(name):
    report = load(name)
    page = plain(" ".join(visible(render_html(report)).parts))
    markdown = md_plain(render_markdown(report))
    for qid, text in report["answer_text"].items():
        if not qid.startswith("rf_"):
            assert plain(text) in page, (qid, text)
            assert plain(text) in markdown, (qid, text)


@pytest.mark.parametrize("name", NAMES)
def test_every_red_flag_is_shown_with_its_answer(name):
    report = load(name)
    flags = [plain(b) for b in visible(render_html(report), "flag").blocks]
    assert len(flags) == len(report["red_flag_answers"])
    words = {"yes": "Yes", "no": "No", "unsure": "Not sure", "not asked": "Not asked"}
    markdown = md_plain(render_markdown(report))
    for shown, item in zip(flags, report["red_flag_answers"]):
        # A yes in a sentence keeps the person's words, on their own line: "Yes “yes, it feels numb down there…”".
        assert shown.split(" \u201c")[0] == f"{plain(item['question'])} {words[item['answer']]}"
        assert f"{plain(item['question'])} | " in markdown


def test_emergency_shows_not_asked_for_the_questions_it_cut_short():
    report = load("emergency")
    unasked = [i for i in report["red_flag_answers"] if i["answer"] == "not asked"]
    assert unasked, "the emergency sample should end before every red flag was asked"
    html = render_html(report)
    assert html.count('class="ans ans-not-asked">Not asked<') == len(unasked)
    assert render_markdown(report).count("| Not asked |") == len(unasked)
    assert "where it hurts was not asked" in plain(" ".join(visible(html).parts)).lower()


@pytest.mark.parametrize("name, headline", [("emergency", "EMERGENCY"), ("gp_hip", "SEE A DOCTOR SOON"),
                                            ("self_care", "SELF-CARE AT HOME")])
def test_disposition_is_in_words_at_the_top(name, headline):
    report = load(name)
    text = plain(" ".join(visible(render_html(report)).parts))
    assert text.index(headline) < 120  # right after the title and date
    assert f'class="result level-{report["disposition"]}"' in render_html(report)
    assert f"## {headline}" in render_markdown(report)


@pytest.mark.parametrize("name", NAMES)
def test_advice_likely_source_date_and_disclaimer_are_shown(name):
    report = load(name)
    page = plain(" ".join(visible(render_html(report)).parts))
    markdown = md_plain(render_markdown(report))
    for line in report["advice"]:
        assert plain(line) in page and plain(line) in markdown, line
    for reason in report["sources"][0]["reasons"]:
        assert reason in page and reason in markdown
    assert report["disclaimer"] in page and report["disclaimer"] in markdown
    assert "22 November 2026" in page and "22 November 2026" in markdown


def evil_report() -> dict:
    report = load("gp_hip")
    report["answer_text"]["onset"] = EVIL
    report["red_flag_answers"][0]["question"] = EVIL
    report["advice_sections"]["now"].append(EVIL)
    report["sources"][0]["reasons"].append(EVIL)
    report["findings"][0]["text"] = EVIL
    report["disposition_text"] = EVIL
    report["created"] = EVIL
    report["answer_text"]["location"] = EVIL
    report["disposition"] = '"><script>x</script>'
    return report


def test_user_text_is_escaped_in_html():
    html = render_html(evil_report())
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "script" not in visible(html).tags and "img" not in visible(html).tags
    page = " ".join(visible(html).parts)
    assert page.count('<script>alert("x")</script>') >= 7  # shown as text


def test_user_text_is_escaped_in_markdown():
    markdown = render_markdown(evil_report())
    assert re.search(r"(?<!\\)<script", markdown) is None
    assert md_plain(markdown).count('<script>alert("x")</script>') >= 6


@pytest.mark.parametrize("name", NAMES)
def test_html_is_self_contained(name):
    html = render_html(load(name)).lower()
    for needle in ("<script", "<link", " src=", "@import", "url(", "https://", "<iframe"):
        assert needle not in html, needle
    assert re.findall(r"http://[^\s\"']+", html) == ["http://www.w3.org/2000/svg"]
    assert "@page" in html and "@media print" in html


@pytest.mark.parametrize("report", [
    {}, {"format": "voice-triage-report/1"}, {"disposition": "urgent", "answers": {"location": ["groin"]}},
    {"answers": [], "answer_text": "x", "red_flag_answers": {"a": 1}, "sources": "x", "advice_sections": []},
    {"red_flag_answers": [None, 3, {"id": "rf_x"}], "findings": [None], "created": "yesterday"},
    {"answers": {"location": "groin", "side": 3, "duration": {"days": 3}}, "advice": ["Rest."]},
])
def test_incomplete_or_malformed_reports_still_render(report):
    html, markdown = render_html(report), render_markdown(report)
    assert "not a diagnosis" in html and "not a diagnosis" in markdown
    assert "</html>" in html


@pytest.mark.parametrize("name, marks", [("emergency", 0), ("gp_hip", 4), ("self_care", 1)])
def test_body_map_marks_the_reported_places(name, marks):
    html = render_html(load(name))
    assert html.count('class="bm-mark"') == marks  # gp_hip: groin, front of thigh, outer hip front and back
    assert html.count("<svg") == 1 and "bm-unsure" not in html


def test_unsure_and_yes_red_flags_stand_out_and_unknown_side_is_drawn_as_unsure():
    report = load("gp_hip")
    report["red_flag_answers"][0]["answer"] = "unsure"
    report["red_flag_answers"][1]["answer"] = "yes"
    del report["answers"]["side"], report["answer_text"]["side"]
    html = render_html(report)
    assert 'class="ans ans-unsure">Not sure<' in html and 'class="ans ans-yes">Yes<' in html
    assert html.count("bm-mark bm-unsure") == 8 and "side not recorded" in html
    assert "| Not sure |" in render_markdown(report) and "| **Yes** |" in render_markdown(report)


def test_missing_symptom_answers_say_not_asked():
    report = load("emergency")
    rows = dict(summarize(report).symptoms)
    assert rows["What it feels like"] == rows["Worse with"] == rows["Eased by"] == "not asked"


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                        max_size=3), max_leaves=12)
report_keys = st.sampled_from(["created", "disposition", "disposition_text", "findings", "likely_source",
                               "sources", "red_flag_answers", "answers", "answer_text", "questions", "advice",
                               "advice_sections", "disclaimer", "complete", "ended_by"])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(report_keys, json_values, max_size=8))
def test_any_json_shaped_report_renders_without_error(report):
    assert "</html>" in render_html(report)
    assert render_markdown(report).startswith("# ")


@pytest.mark.parametrize("name", NAMES)
def test_print_scale_stays_readable(name):
    assert 0.75 <= print_zoom(summarize(load(name))) <= 1


def test_longer_reports_print_smaller():
    long = copy.deepcopy(load("gp_hip"))
    long["advice_sections"]["self_care"] *= 3
    assert print_zoom(summarize(long)) < print_zoom(summarize(load("gp_hip")))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_report_files_are_owner_only_and_new_folders_are_private(tmp_path):
    target = tmp_path / "new" / "deeper" / "session.json"
    written = write_report_files(load("gp_hip"), target)
    assert written == [target, target.with_suffix(".md"), target.with_suffix(".html")]
    assert all(mode(path) == 0o600 for path in written)
    assert mode(tmp_path / "new") == mode(tmp_path / "new" / "deeper") == 0o700
    assert json.loads(target.read_text(encoding="utf-8")) == load("gp_hip")
    assert "SEE A DOCTOR SOON" in target.with_suffix(".html").read_text(encoding="utf-8")
    assert list(target.parent.glob(".*")) == []


@pytest.mark.parametrize("name", ["visit.html", "visit.md"])
def test_a_report_named_like_a_summary_keeps_its_json_beside_it(tmp_path, name):
    # Written at visit.html, the JSON report was then overwritten by the HTML summary: no report was kept
    written = write_report_files(load("gp_hip"), tmp_path / name)
    assert written == [tmp_path / "visit.json", tmp_path / "visit.md", tmp_path / "visit.html"]
    assert json.loads((tmp_path / "visit.json").read_text(encoding="utf-8")) == load("gp_hip")
    assert "SEE A DOCTOR SOON" in (tmp_path / "visit.html").read_text(encoding="utf-8")


def test_debug_may_come_before_a_command(tmp_path):
    # Error messages say "run again with --debug", and "voice-triage --debug report ..." was refused
    result = subprocess.run([sys.executable, "-m", "voice_triage", "--debug", "report", str(FIXTURES / "gp_hip.json"),
                             "--html", str(tmp_path / "s.html")], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0 and (tmp_path / "s.html").exists()


def test_report_files_replace_readable_files_and_leave_existing_folders_alone(tmp_path):
    tmp_path.chmod(0o755)
    target = tmp_path / "r.json"
    for path in (target, target.with_suffix(".md"), target.with_suffix(".html")):
        path.write_text("old", encoding="utf-8")
        path.chmod(0o644)
    write_report_files(load("self_care"), target)
    assert mode(target) == mode(target.with_suffix(".html")) == 0o600 and mode(tmp_path) == 0o755


def run_report(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = report_command(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_report_command_writes_html_and_markdown(tmp_path):
    html, md = tmp_path / "out" / "s.html", tmp_path / "out" / "s.md"
    code, out, err = run_report(str(FIXTURES / "self_care.json"), "--html", str(html), "--markdown", str(md))
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"Wrote {html}", f"Wrote {md}"]
    assert mode(html) == mode(md) == 0o600 and "SELF-CARE AT HOME" in html.read_text(encoding="utf-8")


def test_report_command_reads_a_jsonl_session(tmp_path):
    session = tmp_path / "session.jsonl"
    lines = [{"type": "say", "text": "Hello"}, {"type": "end", "text": "Bye", "report": load("emergency")}]
    session.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert load_report(session) == load("emergency")
    assert run_report(str(session), "--html", str(tmp_path / "e.html"))[0] == 0


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"), ("{not json", "is not valid JSON"), ('{"a": 1}', "is not a voice-triage report"),
    ("[1, 2]", "is not a voice-triage report"), ("", "is empty"),
])
def test_report_command_errors_are_one_line(tmp_path, content, message):
    source = tmp_path / "in.json"
    if content is not None:
        source.write_text(content, encoding="utf-8")
    code, out, err = run_report(str(source), "--html", str(tmp_path / "o.html"))
    assert code == 5 and out == "" and message in err
    assert err.count("\n") == 1 and err.startswith("voice-triage report: ") and "Traceback" not in err
    assert not (tmp_path / "o.html").exists()


def test_report_command_needs_an_output(tmp_path):
    code, _, err = run_report(str(FIXTURES / "gp_hip.json"))
    assert code == 2 and "--html" in err


def test_report_command_bad_arguments_exit_2(capsys):
    assert run_report("--nonsense")[0] == 2
    assert run_report("--help")[0] == 0


# ---------------------------------------------------------------- state-machine diagram (scripts/render_diagram.py)
import importlib.util  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def diagram_module():
    spec = importlib.util.spec_from_file_location("render_diagram", ROOT / "scripts" / "render_diagram.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


MERMAID = """---
title: demo "flow"
---
stateDiagram-v2
  direction LR
  classDef s_active color:red
  state "welcome" as welcome
  Class welcome s_active
  state "asking things" as asking
  [*] --> welcome
  welcome --> asking: begin
  asking --> asking: answered [pending] | went_back
  asking --> emergency: answered [emergency_found]
  asking --> ended: stopped
"""


def test_mermaid_state_diagram_becomes_dot():
    rd = diagram_module()
    diagram = rd.parse(MERMAID)
    assert diagram.title == 'demo "flow"' and diagram.direction == "LR"
    assert diagram.states["asking"] == "asking things"
    assert (rd.START, "welcome", "") in diagram.edges
    assert ("asking", "asking", "answered [pending] | went_back") in diagram.edges
    dot = rd.to_dot(diagram)
    assert 'label="demo \\"flow\\""' in dot and '"asking" -> "asking" [label="answered [pending]\\nwent_back"' in dot
    assert '"ended" [label="ended", peripheries=2]' in dot
    assert '"asking" -> "ended" [label="stopped", color="#9aa3ad"' in dot


def test_mermaid_flowchart_edges_are_understood():
    rd = diagram_module()
    diagram = rd.parse("flowchart TD\n  a[Start here] -->|yes| b(Done)\n  b --> c\n")
    assert diagram.direction == "TD" and diagram.states == {"a": "Start here", "b": "Done", "c": "c"}
    assert diagram.edges == [("a", "b", "yes"), ("b", "c", "")]


def test_unknown_mermaid_is_an_error_not_a_wrong_picture():
    with pytest.raises(ValueError, match="cannot read"):
        diagram_module().parse("stateDiagram-v2\n  a ==> b\n")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed (apt-get install graphviz)")
def test_dot_renders_svg():
    rd = diagram_module()
    svg = rd.render_svg(rd.to_dot(rd.parse(MERMAID)))
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "asking things" in svg


def test_committed_diagram_picture_shows_every_state_of_the_mermaid_text():
    mmd, svg = ROOT / "docs" / "state-machine.mmd", ROOT / "docs" / "state-machine.svg"
    if not mmd.exists():
        pytest.skip("docs/state-machine.mmd not written yet")
    picture = svg.read_text(encoding="utf-8")
    for label in diagram_module().parse(mmd.read_text(encoding="utf-8")).states.values():
        if not label.startswith("__"):
            assert f">{label}</text>" in picture, f"{label} missing: run scripts/render_diagram.py"


def test_the_summary_wording_comes_from_content(tmp_path):
    """A reviewer changes a headline, a label and a symptom row in summary.toml; both pages follow."""
    import shutil

    from voice_triage.content import CONTENT_DIR, load_content
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "summary.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('gp = "SEE A DOCTOR SOON"', 'gp = "BOOK A VISIT"').replace('likely_source = "Likely source"',
                                                                                  'likely_source = "Probable origin"')
    path.write_text(text.replace('label = "Where it hurts"', 'label = "Painful places"'), encoding="utf-8")
    words = load_content(folder).summary
    report = load("gp_hip")
    html, markdown = render_html(report, text=words), render_markdown(report, words)
    for expected in ("BOOK A VISIT", "Probable origin", "Painful places"):
        assert expected in html and expected in markdown, expected
    assert "SEE A DOCTOR SOON" not in html + markdown


def test_the_date_is_written_with_the_contents_words(tmp_path):
    """Day and month names and the date's layout come from summary.toml, not from the machine's locale."""
    import shutil

    from voice_triage.content import CONTENT_DIR, load_content
    from voice_triage.render_markdown import when
    assert when({"created": "2026-03-01T07:05:09+05:30"}, load_content().summary) == "Sunday 1 March 2026, 07:05 (UTC+05:30)"
    assert when({"created": "2026-12-31T23:59:00"}, load_content().summary) == "Thursday 31 December 2026, 23:59"
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "summary.toml"
    text = path.read_text(encoding="utf-8").replace('"Sunday"]', '"dimanche"]').replace('"March"', '"mars"')
    path.write_text(text.replace('format = "{weekday} {day} {month} {year}, {time}{zone}"',
                                 'format = "{weekday} {day} {month} {year} à {time}"'), encoding="utf-8")
    words = load_content(folder).summary
    report = dict(load("gp_hip"), created="2026-03-01T07:05:09+05:30")
    for page in (render_html(report, text=words), render_markdown(report, words)):
        assert "dimanche 1 mars 2026 à 07:05" in page


def test_report_command_takes_wording_from_a_content_folder(tmp_path):
    import shutil

    from voice_triage.content import CONTENT_DIR
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "summary.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "Back and hip pain: clinician summary"',
                                                             'title = "Hip clinic summary"'), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = report_command([str(FIXTURES / "gp_hip.json"), "--markdown", str(tmp_path / "s.md"), "--content", str(folder)],
                          out, err)
    assert code == 0, err.getvalue()
    assert (tmp_path / "s.md").read_text(encoding="utf-8").startswith("# Hip clinic summary")
    (folder / "summary.toml").write_text("title = 3\n", encoding="utf-8")
    code = report_command([str(FIXTURES / "gp_hip.json"), "--markdown", str(tmp_path / "t.md"), "--content", str(folder)],
                          out, err)
    assert code == 3 and "summary.toml: title: expected str" in err.getvalue() and "Traceback" not in err.getvalue()


@pytest.mark.parametrize(("created", "finished", "written"), [
    ("2026-11-26T10:02:09+00:00", "2026-11-26T10:14:50+00:00", "Thursday 26 November 2026, 10:02 to 10:14 (UTC+00:00)"),
    ("2026-11-26T10:02:09+00:00", "2026-11-26T10:02:50+00:00", "Thursday 26 November 2026, 10:02 (UTC+00:00)"),
    ("2026-11-26T23:50:00+00:00", "2026-11-28T09:01:00+00:00",
     "Thursday 26 November 2026, 23:50 (UTC+00:00) to Saturday 28 November 2026, 09:01 (UTC+00:00)"),  # resumed
    ("2026-11-26T10:02:09+01:00", "2026-11-26T09:30:00+00:00", "Thursday 26 November 2026, 10:02 to 10:30 (UTC+01:00)"),
    ("2026-11-26T10:02:09+00:00", "2026-11-26T09:00:00+00:00", "Thursday 26 November 2026, 10:02 (UTC+00:00)"),
    ("2026-11-26T10:02:09+00:00", "2026-11-26T10:20:00", "Thursday 26 November 2026, 10:02 (UTC+00:00)"),
    ("2026-11-26T10:02:09+00:00", "soon", "Thursday 26 November 2026, 10:02 (UTC+00:00)"),
])
def test_the_summary_says_when_the_interview_ran_from_start_to_end(created, finished, written):
    assert when({"created": created, "finished": finished}, load_content().summary) == written
