"""What a clinician reading the summaries found (stop 36): each case as the summary or the report command shows it."""
from __future__ import annotations

import json
import re
from pathlib import Path

from voice_triage.render_html import CSS, render_html
from voice_triage.render_markdown import render_markdown

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
