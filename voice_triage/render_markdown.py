"""The report as plain data for summaries (`summarize`), and as a readable Markdown summary."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

TITLE = "Back and hip pain: clinician summary"
NOT_ASKED = "not asked"
DEFAULT_DISCLAIMER = "This is a self-help triage aid, not a diagnosis. If you are worried, contact a health professional."

# Disposition ids in plain words: a short headline (read first; never colour alone) and its meaning.
DISPOSITIONS = {
    "emergency": ("EMERGENCY", "Call the emergency number or go to the emergency department now."),
    "urgent": ("URGENT: SEE A DOCTOR TODAY", "Same-day appointment or the urgent-care line."),
    "gp": ("SEE A DOCTOR SOON", "Book a doctor or physiotherapist appointment in the next one to two weeks."),
    "self_care": ("SELF-CARE AT HOME", "Look after it at home; see a doctor if it is not improving or warning signs appear."),
}
UNKNOWN_DISPOSITION = ("NO RESULT", "The interview ended before a level was set.")
LEVEL_WORDS = {"emergency": "emergency sign", "urgent": "same-day sign", "gp": "see-a-doctor sign"}
ANSWER_WORDS = {"yes": "Yes", "no": "No", "unsure": "Not sure", "unknown": "Not understood", NOT_ASKED: "Not asked"}
ENDED_BY = {
    "emergency": "The interview stopped early at an emergency sign; later questions were not asked.",
    "stopped": "The person asked to stop; later questions were not asked.",
    "end_of_input": "The interview ended before every question was answered.",
    "interrupted": "The interview was interrupted before every question was answered.",
}
# Symptom questions with a short clinician label; `True` rows are always shown ("not asked" if missing).
SYMPTOMS = (
    ("location", "Where it hurts", True), ("side", "Side", True), ("quality", "What it feels like", True),
    ("duration", "How long", True), ("improving", "Getting better", False), ("onset", "How it started", False),
    ("worse", "Worse with", True), ("better", "Eased by", True), ("tingling", "Tingling or numbness", False),
    ("morning_stiffness", "Morning stiffness over 30 min", False), ("limp", "Limp", False), ("age", "Age", False),
)
ADVICE_HEADINGS = (
    ("now", "What to do now"), ("why", "Why"), ("self_care", "Self-care"), ("stretches", "Stretches"),
    ("seek_help", "When to get help"),
)
SOURCE_WORDS = {"hip": "the hip joint", "spine": "the lower spine", "sacroiliac": "the sacroiliac joint",
                "muscle": "the muscles and tendons", "unclear": "unclear"}


@dataclass
class Summary:
    """Everything a summary shows, already in plain words (user text is not escaped here)."""

    when: str
    disposition: str
    headline: str
    meaning: str
    spoken: str
    status: str
    findings: list[str] = field(default_factory=list)
    red_flags: list[tuple[str, str, str, str]] = field(default_factory=list)  # question, answer id, words, level
    locations: list[str] = field(default_factory=list)
    locations_asked: bool = False
    side: str | None = None
    where: str = ""
    symptoms: list[tuple[str, str]] = field(default_factory=list)
    likely: str = ""
    reasons: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    advice: list[tuple[str, list[str]]] = field(default_factory=list)
    disclaimer: str = DEFAULT_DISCLAIMER


def _dict(value: Any) -> dict[str, Any]:
    """The value if it is a dict, else an empty one (reports may be incomplete or hand-edited)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """The value if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    """The value if it is a string, else None (ids must be strings to be looked up)."""
    return value if isinstance(value, str) else None


def words(value: Any) -> str:
    """Any answer value in plain words."""
    if value is None:
        return NOT_ASKED
    if isinstance(value, dict):
        return words(value.get("text", ", ".join(f"{k}: {words(v)}" for k, v in value.items())))
    if isinstance(value, list):
        return ", ".join(words(v) for v in value) if value else "none"
    return str(value).replace("_", " ") if isinstance(value, str) and re.fullmatch(r"[a-z_]+", value) else str(value)


def when(report: dict[str, Any]) -> str:
    """The session start as a readable date and time, or the raw text if it is not ISO-8601."""
    raw = report.get("created")
    if not isinstance(raw, str) or not raw:
        return "date not recorded"
    try:
        stamp = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    zone = stamp.strftime(" (UTC%z)") if stamp.tzinfo else ""
    zone = f"{zone[:-3]}:{zone[-3:]}" if zone else ""
    return f"{stamp.strftime('%A')} {stamp.day} {stamp.strftime('%B %Y, %H:%M')}{zone}"


def status(report: dict[str, Any]) -> str:
    """One line on whether the interview was complete and how it ended."""
    ended = _str(report.get("ended_by"))
    if ended in ENDED_BY:
        return ENDED_BY[ended]
    if report.get("complete") is False:
        return "Some questions were not answered."
    return "Every question that applied was answered." if report.get("complete") else ""


def red_flags(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Every red-flag question with the answer given: (question, answer id, answer words, level words)."""
    rows = []
    for item in _list(report.get("red_flag_answers")):
        item = _dict(item)
        answer = str(item.get("answer") or NOT_ASKED)
        question = str(item.get("question") or item.get("id") or "question not recorded")
        rows.append((question, answer, ANSWER_WORDS.get(answer, answer), LEVEL_WORDS.get(_str(item.get("level")), "")))
    return rows


def symptoms(report: dict[str, Any]) -> list[tuple[str, str]]:
    """Symptom answers as (label, plain words): the main ones always, the rest when answered."""
    texts, answers, questions = (_dict(report.get(k)) for k in ("answer_text", "answers", "questions"))
    flags = {_dict(i).get("id") for i in _list(report.get("red_flag_answers"))}
    rows, shown = [], set()
    for qid, label, always in SYMPTOMS:
        shown.add(qid)
        if qid in texts or qid in answers or always:
            rows.append((label, str(texts[qid]) if qid in texts else words(answers.get(qid))))
    for qid in list(texts) + [q for q in answers if q not in texts]:
        if qid not in shown and qid not in flags and not str(qid).startswith("rf_"):
            shown.add(qid)
            label = str(questions.get(qid) or qid).replace("_", " ")
            rows.append((label, str(texts[qid]) if qid in texts else words(answers[qid])))
    return rows


def likely_source(report: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """The likely source in words, its reasons, and the other sources that scored."""
    ranked = [_dict(s) for s in _list(report.get("sources"))]
    best_id = _str(report.get("likely_source"))
    best = next((s for s in ranked if s.get("id") == best_id), None)
    label = str((best or {}).get("label") or SOURCE_WORDS.get(best_id, words(best_id) if best_id else "not assessed"))
    reasons = [str(r) for r in _list((best or {}).get("reasons"))]
    others = [f"{s.get('label') or words(s.get('id'))} (score {s.get('score', '?')})"
              for s in ranked if s is not best and _list(s.get("reasons"))]
    return label, reasons, others


def advice(report: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The advice as spoken, grouped under headings; the plain list when there are no sections."""
    sections = _dict(report.get("advice_sections"))
    grouped = [(title, [str(x) for x in _list(sections.get(key))]) for key, title in ADVICE_HEADINGS]
    grouped += [(words(key), [str(x) for x in _list(lines)]) for key, lines in sections.items()
                if key not in dict(ADVICE_HEADINGS) and key != "disclaimer"]
    grouped = [(title, lines) for title, lines in grouped if lines]
    if not grouped and _list(report.get("advice")):
        grouped = [("Advice given", [str(x) for x in _list(report.get("advice"))])]
    return grouped


def disclaimer(report: dict[str, Any]) -> str:
    """The not-a-diagnosis statement from the report, or the standard one."""
    text = report.get("disclaimer") or " ".join(str(x) for x in _list(_dict(report.get("advice_sections")).get("disclaimer")))
    return str(text) if text else DEFAULT_DISCLAIMER


def summarize(report: Any) -> Summary:
    """Plain-words summary of a report dictionary, tolerating missing or malformed keys."""
    report = _dict(report)
    level = _str(report.get("disposition"))
    headline, meaning = DISPOSITIONS.get(level, UNKNOWN_DISPOSITION)
    answers = _dict(report.get("answers"))
    likely, reasons, others = likely_source(report)
    side = answers.get("side")
    return Summary(
        when=when(report), disposition=level if level in DISPOSITIONS else "unknown", headline=headline,
        meaning=meaning, spoken=str(report.get("disposition_text") or ""), status=status(report),
        findings=[str(_dict(f).get("text") or _dict(f).get("id") or "") for f in _list(report.get("findings"))],
        red_flags=red_flags(report), locations=[str(x) for x in _list(answers.get("location"))],
        locations_asked="location" in answers, side=side if isinstance(side, str) else None, where=where(report),
        symptoms=symptoms(report), likely=likely, reasons=reasons, others=others, advice=advice(report),
        disclaimer=disclaimer(report),
    )


def md(text: str) -> str:
    """Text with Markdown and HTML syntax characters escaped, so user words stay words."""
    escaped = re.sub(r"([\\`*_\[\]<>|])", r"\\\1", " ".join(text.split()))
    return re.sub(r"^([#+-])", r"\\\1", escaped)  # a leading # or - would start a heading or a list


def _capital(text: str) -> str:
    """First letter upper-cased."""
    return text[:1].upper() + text[1:]


def render_markdown(report: dict[str, Any]) -> str:
    """The readable Markdown summary: same content as the HTML one."""
    s = summarize(report)
    parts = [[f"# {TITLE}", "", f"**Date:** {md(s.when)}"], _md_result(s), _md_flags(s), _md_pain(s),
             _md_source(s), _md_advice(s), ["---", "", f"*{md(s.disclaimer)}*", ""]]
    return "\n\n".join("\n".join(part) for part in parts)


def _md_result(s: Summary) -> list[str]:
    """The disposition in words, why, and how the interview ended."""
    lines = [f"## {md(s.headline)}", "", md(s.spoken or s.meaning)]
    why = [f"- Why: {md(_capital(f))}" for f in s.findings if f]
    lines += [""] + why if why else []
    return lines + (["", f"*{md(s.status)}*"] if s.status else [])


def _md_flags(s: Summary) -> list[str]:
    """Every red-flag question with its answer; a yes in bold."""
    rows = [f"| {md(q)} | **{md(w)}** | {md(k)} |" if a == "yes" else f"| {md(q)} | {md(w)} | {md(k)} |"
            for q, a, w, k in s.red_flags]
    header = ["## Warning signs (red flags)", "", "| Question | Answer | Kind |", "|---|---|---|"]
    return header + (rows or ["| (no red-flag questions recorded) | | |"])


def _md_pain(s: Summary) -> list[str]:
    """Where it hurts (the body map in words) and the symptom answers."""
    rows = [f"| {md(label)} | {md(value)} |" for label, value in s.symptoms]
    return ["## Where it hurts and how", "", f"Body map: {md(s.where)}", "", "| | |", "|---|---|"] + rows


def _md_source(s: Summary) -> list[str]:
    """The likely source, its reasons and the others considered."""
    lines = ["## Likely source", "", f"Most likely: **{md(s.likely)}**"]
    lines += [""] + [f"- {md(r)}" for r in s.reasons] if s.reasons else []
    return lines + (["", f"Also considered: {md('; '.join(s.others))}"] if s.others else [])


def _md_advice(s: Summary) -> list[str]:
    """The advice as spoken, under headings."""
    lines = ["## Advice that was spoken"]
    for title, items in s.advice:
        lines += ["", f"### {md(title)}", ""] + [f"- {md(item)}" for item in items]
    return lines if s.advice else lines + ["", "No advice was given."]


def where(report: dict[str, Any]) -> str:
    """Where it hurts and on which side, in words, for the body-map caption."""
    answers, texts = _dict(report.get("answers")), _dict(report.get("answer_text"))
    if "location" not in answers:
        return "where it hurts was not asked"
    if not _list(answers.get("location")):
        return "no place named"
    places = str(texts.get("location") or words(answers["location"]))
    side = texts.get("side") or (words(answers["side"]) if "side" in answers else None)
    return f"{places}; side: {side}" if side else f"{places}; side not recorded"
