"""Every advice sentence carries the source it comes from: in the JSON report and as "[n]" in both summaries."""
from __future__ import annotations

import html as html_module
import re

import pytest

from test_dialog import answer_all
from voice_triage.render_html import render_html
from voice_triage.render_markdown import render_markdown, summarize

HIP = {"age": "58", "location": "groin", "side": "left", "duration": "8 months", "quality": "dull ache",
       "tingling": "no", "worse": "stairs", "better": "rest", "onset": "slowly"}
CASES = {
    "emergency": {"rf_saddle": "yes"},
    "urgent": {**HIP, "age": "80", "onset": "I fell"},
    "gp": {**HIP, "rf_night_pain": "yes"},
    "self_care": {**HIP, "age": "40", "location": "lower back", "duration": "3 days", "worse": "bending",
                  "onset": "lifting"},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def report(request, content):
    from clock import NOW, TODAY
    from voice_triage.dialog import Dialog
    report = answer_all(Dialog(content, today=TODAY, now=NOW), CASES[request.param])
    assert report["disposition"] == request.param, "each case is at the level it is named after"
    return report


def test_each_case_has_advice(report):
    assert report["advice"]


def test_every_advice_line_in_the_report_names_a_listed_source(report, content):
    cited = report["advice_cited"]
    assert [c["text"] for c in cited] == report["advice"]
    assert [c["section"] for c in cited] == [s for s, lines in report["advice_sections"].items() for _ in lines]
    assert all(c["source"] in content.sources for c in cited if c["text"] not in lead_ins(content))
    assert all(c["source"] is None for c in cited if c["text"] in lead_ins(content))


def test_a_finding_spoken_as_advice_cites_the_rule_behind_it(report):
    by_text = {c["text"].rstrip(".").lower(): c["source"] for c in report["advice_cited"]}
    for finding in report["findings"]:
        spoken = by_text.get(finding["text"].lower())
        assert spoken in (None, finding["source"]), finding["id"]


def test_a_stretch_and_its_caution_cite_the_stretch_source(content):
    from clock import NOW, TODAY
    from voice_triage.dialog import Dialog
    report = answer_all(Dialog(content, today=TODAY, now=NOW), CASES["self_care"])
    stretches = [c for c in report["advice_cited"] if c["section"] == "stretches"]
    assert len(stretches) >= 3, "self-care for a back strain offers stretches"
    named = {s.name: s.source for s in content.stretches}
    for line in stretches[1:]:  # after the intro: name and how, then its caution
        name = next((n for n in named if line["text"].startswith(n)), None)
        if name:
            assert line["source"] == named[name]


def lead_ins(content) -> tuple[str, ...]:
    """The conversation's own lead-ins: said with the advice, but nothing clinical to cite."""
    return content.phrases["emergency_intro"], content.phrases["flags_intro"]


def test_every_advice_bullet_in_the_markdown_ends_with_a_listed_source_number(report, content):
    page = render_markdown(report)
    advice = page.split("## Advice that was spoken", 1)[1].split("## Sources cited above", 1)
    assert len(advice) == 2, "the summary lists the sources its advice cites"
    bullets = [line for line in advice[0].splitlines() if line.startswith("- ")]
    listed = re.findall(r"^(\d+)\. ", advice[1], re.M)
    assert bullets and len(bullets) == len(report["advice"]) - 1  # the disclaimer is shown on its own
    for bullet in bullets:
        number = re.search(r"\\\[(\d+)\\\]$", bullet)
        assert (number and number.group(1) in listed) or bullet[2:] in lead_ins(content), bullet


def test_the_html_cites_each_printed_advice_bullet_once(report, content):
    html = render_html(report)
    advice = html.split('<section class="advice">', 1)[1].split("</section>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", advice, re.S)
    assert items
    for item in items:
        assert re.search(r"\[\d+\]$", item) or html_module.unescape(item) in lead_ins(content), item
    stretches = [i for i in items if "Caution:" in i]
    for item in stretches:  # a caution joined to its stretch from the same source: one number, at the end
        assert len(re.findall(r"\[\d+\]", item)) == 1, item


def test_findings_are_numbered_before_advice(report):
    summary = summarize(report)
    for line in summary.findings:
        assert re.search(r"\[(\d+)\]$", line)
    finding_numbers = {int(n) for line in summary.findings for n in re.findall(r"\[(\d+)\]$", line)}
    assert finding_numbers == set(range(1, len(finding_numbers) + 1))


def test_a_report_without_advice_sources_still_renders_its_advice(report):
    older = {k: v for k, v in report.items() if k != "advice_cited"}
    page = render_markdown(older)
    for line in report["advice_sections"]["now"]:
        assert line.split(" ")[0] in page
    assert summarize(older).advice and all(n is None for _, lines in summarize(older).advice for _, n in lines)
