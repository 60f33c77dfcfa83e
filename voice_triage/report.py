"""Build the report dictionary (format in docs/report-format.md) from a finished or stopped dialog."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .advice import Said
from .assessment import Assessment
from .content import Content, Question
from .understand import find_phrases, unit_days

if TYPE_CHECKING:
    from .dialog import Dialog

FORMAT = "voice-triage-report/1"
NOT_ASKED = "not asked"  # the answer to a red flag the interview did not reach (docs/report-format.md)
# The answer to a red flag asked but left without one: heard, then "no" to "Is that right?", or input ended first.
NOT_ANSWERED = "not answered"


def answer_text(content: Content, question: Question, value: Any) -> str:
    """An answer in plain words, for read-backs and summaries."""
    phrases = content.phrases
    if value in ("unknown", None):
        return phrases["answer_unknown"]
    if question.kind == "yesno" or value == "unsure":  # a free answer may be "not sure" too
        said = content.vocabulary["yesno"].get(value)
        return said[0] if said else str(value)  # the first phrase: "yes", "no", "not sure"
    if isinstance(value, dict) and value.get("approximate"):
        if value.get("said"):  # "six weeks or less (you said 6 weeks)": the person's own words beside the band
            return phrases["answer_band"].format(band=value["text"], said=value["said"])
        return str(value["text"])  # narrowed down by yes/no questions: a band, not a number
    if question.kind == "duration":
        return _duration_text(content, str(value["text"]), value["days"])
    if question.kind == "multi":
        return ", ".join(question.option(v).label for v in value) if value else phrases["answer_none"]
    if question.kind in ("choice", "free") and question.options and value != "other":
        return question.option(value).label
    return str(value)


def _duration_text(content: Content, text: str, days: int) -> str:
    """A duration's words with the days counted, unless the words say them already."""
    if _counts_in_days(content, text):
        return text  # "5 days", not "5 days (about 5 days)"
    fixed = _fixed_phrase(content, text, days)
    if fixed and days in (0, 1):
        return fixed  # "this morning", not "this morning (about 0 days)"
    if days in (0, 1):
        return content.summary.durations["one_day" if days else "no_days"].format(text=text)
    return content.phrases["answer_duration"].format(text=fixed or text, days=days)


def _fixed_phrase(content: Content, text: str, days: int) -> str | None:
    """The duration's one phrase with a fixed meaning ("today", "last week"), as written, when it gave the days.

    The words around it counted for nothing, and by voice they are often noise: "two days" heard as "today is"
    was read back as "today is (today)", spoken "today is today".
    """
    written = text.replace(",", " ").split()
    found = find_phrases([word.lower() for word in written], content.vocabulary["duration"]["phrases"])
    if len(found) != 1 or found[0][2] != days:
        return None
    start, end, _ = found[0]
    return " ".join(written[start:end])


def _counts_in_days(content: Content, text: str) -> bool:
    """Whether a duration's words name days (or nights) and no longer unit, so its days need no saying again."""
    units = unit_days(content.vocabulary["duration"])
    named = [units[word] for word in text.lower().replace(",", " ").split() if word in units]
    return bool(named) and all(days == 1 for days in named)


def red_flag_answers(content: Content, answers: dict[str, Any],
                     asked: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Every red-flag question with its answer: "not answered" where it was `asked` but the interview ended
    before an answer was kept, "not asked" where it ended first."""
    return [{"id": q.id, "question": q.text, "answer": answers.get(q.id, NOT_ANSWERED if q.id in asked else NOT_ASKED),
             "level": q.level, "source": q.source} for q in content.red_flags]


def asked_questions(dialog: "Dialog") -> frozenset[str]:
    """The questions with words on record, and the one being asked when the interview ended."""
    on_record = {str(entry["question"]).split(":")[0] for entry in dialog.transcript}
    return frozenset(on_record | ({dialog.current.id} if dialog.current is not None else set()))


def build(dialog: "Dialog", result: Assessment, sections: dict[str, list[Said]], complete: bool) -> dict[str, Any]:
    """The full report for the dialog's current answers."""
    content, answers = dialog.content, dict(dialog.answers)
    asked = {qid: content.questions_by_id[qid] for qid in answers}
    flags = content.red_flags
    return {
        "format": FORMAT,
        "created": dialog.created,
        "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "complete": complete,
        "ended_by": dialog.ended_by,
        "disposition": result.disposition,
        "disposition_text": content.levels[result.disposition]["text"],
        "findings": [vars(f) for f in result.findings],
        "likely_source": result.likely_source,
        "sources": result.sources,
        "red_flags": [q.id for q in flags if answers.get(q.id) == "yes"],
        "red_flags_unsure": [q.id for q in flags if answers.get(q.id) in ("unsure", "unknown")],
        "red_flag_answers": red_flag_answers(content, answers, asked_questions(dialog)),
        "answers": answers,
        "answer_text": {qid: answer_text(content, q, answers[qid]) for qid, q in asked.items()},
        "questions": {qid: q.text for qid, q in asked.items()},
        "advice": [line.text for lines in sections.values() for line in lines],
        "advice_sections": {name: [line.text for line in lines] for name, lines in sections.items()},
        "advice_cited": [{"section": name, "text": line.text, "source": line.source}
                         for name, lines in sections.items() for line in lines],
        "transcript": list(dialog.transcript),
        "taken_back": list(dialog.taken_back),
        "disclaimer": content.advice["disclaimer"]["text"],
    }
