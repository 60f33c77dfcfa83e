"""The clinician summary's wording: content/summary.toml, with each level's meaning and the disclaimer."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

ANSWER_IDS = ("yes", "no", "unsure", "unknown", "not_answered", "not_asked")
ENDINGS = ("emergency", "stopped", "end_of_input", "interrupted")
ADVICE_SECTIONS = ("now", "why", "self_care", "stretches", "seek_help")
DURATIONS = ("one_day", "no_days")  # [duration]: a duration of one day, and of none
LABELS = (
    "date", "date_not_recorded", "result", "no_result", "why", "complete", "complete_unclear", "taken_back",
    "sources", "incomplete",
    "red_flags", "question", "last_heard", "unclear_check",
    "answer", "kind", "no_red_flags", "question_not_recorded", "where_and_how", "where", "pain", "body_map",
    "map_key", "where_not_asked", "no_place", "side", "side_not_recorded", "not_asked", "not_recorded", "none",
    "likely_source", "most_likely", "because", "also_considered", "not_assessed", "advice", "advice_given",
    "no_advice",
    "made_by",
)


class KeyReader(Protocol):
    """Reads required keys and names the file and key in its errors (content.py's reader)."""

    def get(self, table: dict[str, Any], key: str, where: str, kind: type | tuple = str) -> Any:
        """A required key of the given type."""

    def fail(self, key: str, message: str) -> Exception:
        """An error naming the key at fault."""


@dataclass(frozen=True)
class DateWords:
    """How a date and time are written: a format with named fields, and the names of days and months."""

    format: str
    weekdays: tuple[str, ...]  # Monday first
    months: tuple[str, ...]  # January first
    span: str = "{start} to {end}"  # from a start to an end: two times on one day, else two dates

    def write(self, stamp: datetime, time: str | None = None) -> str:
        """The date and time in words (`time`: other words for the time); the UTC offset only when it has a zone."""
        offset = stamp.strftime("%z") if stamp.tzinfo else ""
        zone = f" (UTC{offset[:-2]}:{offset[-2:]})" if offset else ""
        return self.format.format(weekday=self.weekdays[stamp.weekday()], day=stamp.day,
                                  month=self.months[stamp.month - 1], year=stamp.year,
                                  time=time or _clock(stamp), zone=zone)

    def write_span(self, start: datetime, end: datetime) -> str:
        """From start to end: "Thursday 26 November 2026, 10:02 to 10:14"; both dates in full across days."""
        end = end.astimezone(start.tzinfo) if start.tzinfo and end.tzinfo else end
        if end.date() == start.date():
            same_minute = _clock(end) == _clock(start)
            return self.write(start, None if same_minute else self.span.format(start=_clock(start), end=_clock(end)))
        return self.span.format(start=self.write(start), end=self.write(end))


def _clock(stamp: datetime) -> str:
    """The 24-hour clock: "14:05"."""
    return f"{stamp.hour:02d}:{stamp.minute:02d}"


@dataclass(frozen=True)
class SummaryText:
    """Every word the clinician summary prints, keyed by the ids the report uses."""

    title: str
    headlines: dict[str, str]  # level id (and "unknown") -> headline
    meanings: dict[str, str]  # level id -> what it means (rules.toml [level.<id>].text)
    red_flag_kinds: dict[str, str]
    red_flag_groups: dict[str, str]
    answers: dict[str, str]
    ended_by: dict[str, str]
    symptoms: tuple[tuple[str, str, bool], ...]  # (question id, label, always shown)
    advice_headings: dict[str, str]
    source_names: dict[str, str]
    labels: dict[str, str]
    disclaimer: str
    caution_prefix: str  # how a spoken stretch caution starts ("Caution:"), so the page keeps it with its stretch
    date: DateWords
    durations: dict[str, str]  # "one_day" and "no_days": a duration's {text} with its days in words
    citations: dict[str, str] = field(default_factory=dict)  # source id -> title (sources.toml), for "[1]" notes


def read_summary_text(reader: KeyReader, raw: dict[str, Any], meanings: dict[str, str], disclaimer: str,
                      caution: str, source_ids: tuple[str, ...],
                      citations: dict[str, str] | None = None) -> SummaryText:
    """Check summary.toml and join it with the level meanings (most urgent first), the disclaimer and the
    caution phrase; a red flag is one of the levels but the last."""
    levels = tuple(meanings)
    return SummaryText(
        title=reader.get(raw, "title", ""),
        headlines=_table(reader, raw, "headline", (*levels, "unknown")),
        meanings=meanings,
        red_flag_kinds=_table(reader, raw, "red_flag_kind", levels[:-1]),
        red_flag_groups=_table(reader, raw, "red_flag_group", (*levels[:-1], "other")),
        answers=_table(reader, raw, "answer", ANSWER_IDS),
        ended_by=_table(reader, raw, "ended_by", ENDINGS),
        symptoms=_symptoms(reader, raw),
        advice_headings=_table(reader, raw, "advice_headings", ADVICE_SECTIONS),
        source_names=_table(reader, raw, "source_names", source_ids),
        labels=_table(reader, raw, "labels", LABELS),
        disclaimer=disclaimer,
        caution_prefix=caution.split("{", 1)[0].strip(),
        date=_date_words(reader, raw),
        durations=_durations(reader, raw),
        citations=dict(citations or {}),
    )


def _date_words(reader: KeyReader, raw: dict[str, Any]) -> DateWords:
    """The [date] table: seven day names, twelve month names, and a format that uses only known fields."""
    table = reader.get(raw, "date", "", dict)
    names = {}
    for key, count in (("weekdays", 7), ("months", 12)):
        values = reader.get(table, key, "date", list)
        if len(values) != count or not all(isinstance(v, str) and v for v in values):
            raise reader.fail(f"date.{key}", f"expected a list of {count} names")
        names[key] = tuple(values)
    words = DateWords(reader.get(table, "format", "date"), names["weekdays"], names["months"],
                      reader.get(table, "span", "date"))
    for key, start, end in (("format", datetime(2000, 1, 1), datetime(2000, 1, 1)),
                            ("span", datetime(2000, 1, 1), datetime(2000, 1, 2))):
        try:
            words.write_span(start, end)
        except (KeyError, IndexError, ValueError) as error:
            raise reader.fail(f"date.{key}", f"unknown field or bad braces ({error})") from None
    return words


def _durations(reader: KeyReader, raw: dict[str, Any]) -> dict[str, str]:
    """The [duration] table: each form has the words ({text}) and no other field."""
    forms = _table(reader, raw, "duration", DURATIONS)
    for key, form in forms.items():
        try:
            missing = form.format(text="") == form.format(text="x")
        except (KeyError, IndexError, ValueError) as error:
            raise reader.fail(f"duration.{key}",
                              f"unknown field or bad braces ({error}); only {{text}} is known") from None
        if missing:
            raise reader.fail(f"duration.{key}", "must contain {text}, the duration's own words")
    return forms


def _table(reader: KeyReader, raw: dict[str, Any], name: str, keys: tuple[str, ...]) -> dict[str, str]:
    """A required table with a string for each key, in the given order."""
    table = reader.get(raw, name, "", dict)
    return {key: reader.get(table, key, name) for key in keys}


def _symptoms(reader: KeyReader, raw: dict[str, Any]) -> tuple[tuple[str, str, bool], ...]:
    """The [[symptom]] rows as (question id, label, always shown)."""
    rows = reader.get(raw, "symptom", "", list)
    if not rows:
        raise reader.fail("symptom", "at least one [[symptom]] row is required")
    return tuple((reader.get(row, "question", f"symptom[{i}]"), reader.get(row, "label", f"symptom[{i}]"),
                  reader.get(row, "always", f"symptom[{i}]", bool)) for i, row in enumerate(rows))
