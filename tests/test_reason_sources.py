"""The likely source's reasons, the others considered and the warning-sign rows name their sources in the report,
and the summaries number the reasons like the findings and advice ("[n]")."""
from __future__ import annotations

import re

import pytest

from test_advice_sources import HIP
from test_dialog import answer_all
from voice_triage.render_html import render_html
from voice_triage.render_markdown import render_markdown, summarize

# Groin and lower back: the hip joint most likely, the lower spine also considered, each for its own reasons.
BOTH = {**HIP, "location": "groin and lower back", "worse": "stairs and putting on socks"}


@pytest.fixture(scope="module")
def report(content):
    from clock import NOW, TODAY
    from voice_triage.dialog import Dialog
    report = answer_all(Dialog(content, today=TODAY, now=NOW), BOTH)
    assert report["likely_source"] == "hip"
    assert sum(1 for s in report["sources"] if s["reasons"]) >= 2, "another source is considered too"
    return report


def test_every_reason_names_the_source_of_the_feature_behind_it(report, content):
    by_reason = {}
    for feature in content.features:
        by_reason.setdefault((feature.source_id, feature.reason), set()).add(feature.source)
    for flag in content.red_flags:
        if flag.suggests:
            by_reason.setdefault((flag.suggests, flag.because), set()).add(flag.source)
    for entry in report["sources"]:
        assert [c["text"] for c in entry["reasons_cited"]] == entry["reasons"]
        for cited in entry["reasons_cited"]:
            assert cited["source"] in content.sources
            assert cited["source"] in by_reason[(entry["id"], cited["text"])]


def test_a_flag_suggesting_a_source_cites_the_flag(content):
    from clock import NOW, TODAY
    from voice_triage.dialog import Dialog
    flag = next(f for f in content.red_flags if f.suggests)
    report = answer_all(Dialog(content, today=TODAY, now=NOW), {**HIP, flag.id: "yes"})
    entry = next(s for s in report["sources"] if s["id"] == flag.suggests)
    assert {"text": flag.because, "source": flag.source} in entry["reasons_cited"]


def test_every_warning_sign_row_names_its_source(report, content):
    rows = report["red_flag_answers"]
    assert [row["id"] for row in rows] == [flag.id for flag in content.red_flags]
    assert all(row["source"] == flag.source and row["source"] in content.sources
               for row, flag in zip(rows, content.red_flags))


def test_the_summaries_number_each_reason_with_its_sources_title(report):
    summary = summarize(report)
    assert summary.reasons and all(number for _, number in summary.reasons)
    best = next(s for s in report["sources"] if s["id"] == report["likely_source"])
    for (words, number), cited in zip(summary.reasons, best["reasons_cited"]):
        assert words == cited["text"]
        assert summary.sources[number - 1] == summary.text.citations[cited["source"]]
    markdown = render_markdown(report)
    assert all(re.search(re.escape(words) + r" \\\[\d+\\\]", markdown) for words, _ in summary.reasons)


def test_the_others_considered_show_their_reasons_not_a_bare_score(report):
    others = [s for s in report["sources"] if s["id"] != report["likely_source"] and s["reasons"]]
    markdown, page = render_markdown(report), render_html(report)
    line = next(x for x in markdown.splitlines() if x.startswith("Also considered"))
    assert "score" not in line.lower() and "score" not in page.split('class="others"')[1].split("</span>")[0]
    for entry in others:
        for reason in entry["reasons"]:
            assert re.search(re.escape(reason) + r" \\\[\d+\\\]", line), reason


def test_a_report_from_before_reasons_were_cited_still_shows_its_reasons(report):
    old = dict(report, sources=[{k: v for k, v in s.items() if k != "reasons_cited"} for s in report["sources"]])
    summary = summarize(old)
    assert [words for words, _ in summary.reasons] == [words for words, _ in summarize(report).reasons]
    assert all(number is None for _, number in summary.reasons)
    assert all(reason in render_markdown(old) for reason, _ in summary.reasons)
