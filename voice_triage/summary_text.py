"""The clinician summary's wording: content/summary.toml, with each level's meaning and the disclaimer."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LEVEL_IDS = ("emergency", "urgent", "gp", "self_care")
RED_FLAG_LEVELS = ("emergency", "urgent", "gp")
ANSWER_IDS = ("yes", "no", "unsure", "unknown", "not_asked")
ENDINGS = ("emergency", "stopped", "end_of_input", "interrupted")
ADVICE_SECTIONS = ("now", "why", "self_care", "stretches", "seek_help")
SOURCE_IDS = ("hip", "spine", "sacroiliac", "muscle", "unclear")
LABELS = (
    "date", "date_not_recorded", "result", "no_result", "why", "complete", "incomplete", "red_flags", "question",
    "answer", "kind", "no_red_flags", "question_not_recorded", "where_and_how", "where", "pain", "body_map",
    "map_key", "where_not_asked", "no_place", "side", "side_not_recorded", "not_asked", "none", "likely_source",
    "most_likely", "because", "also_considered", "score", "not_assessed", "advice", "advice_given", "no_advice",
    "made_by",
)


class SummaryTextError(ValueError):
    """summary.toml lacks a key the summary needs; the message names it."""


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


def read_summary_text(raw: dict[str, Any], levels: dict[str, Any], disclaimer: str, caution: str) -> SummaryText:
    """Check summary.toml and join it with the level meanings, the disclaimer and the caution phrase."""
    return SummaryText(
        title=_text(raw, "title"),
        headlines=_table(raw, "headline", (*LEVEL_IDS, "unknown")),
        meanings={level: str(levels.get(level, {}).get("text", "")) for level in LEVEL_IDS},  # checked elsewhere
        red_flag_kinds=_table(raw, "red_flag_kind", RED_FLAG_LEVELS),
        red_flag_groups=_table(raw, "red_flag_group", (*RED_FLAG_LEVELS, "other")),
        answers=_table(raw, "answer", ANSWER_IDS),
        ended_by=_table(raw, "ended_by", ENDINGS),
        symptoms=_symptoms(raw),
        advice_headings=_table(raw, "advice_headings", ADVICE_SECTIONS),
        source_names=_table(raw, "source_names", SOURCE_IDS),
        labels=_table(raw, "labels", LABELS),
        disclaimer=disclaimer,
        caution_prefix=caution.split("{", 1)[0].strip(),
    )


def _text(table: dict[str, Any], key: str, where: str = "") -> str:
    """A required string."""
    name = f"{where}.{key}" if where else key
    if key not in table:
        raise SummaryTextError(f"summary.toml: {name}: missing required key")
    if not isinstance(table[key], str):
        raise SummaryTextError(f"summary.toml: {name}: expected str")
    return table[key]


def _table(raw: dict[str, Any], name: str, keys: tuple[str, ...]) -> dict[str, str]:
    """A required table with a string for each key, in the given order."""
    table = raw.get(name)
    if not isinstance(table, dict):
        raise SummaryTextError(f"summary.toml: {name}: missing required table")
    return {key: _text(table, key, name) for key in keys}


def _symptoms(raw: dict[str, Any]) -> tuple[tuple[str, str, bool], ...]:
    """The [[symptom]] rows as (question id, label, always shown)."""
    rows = raw.get("symptom")
    if not isinstance(rows, list) or not rows:
        raise SummaryTextError("summary.toml: symptom: at least one [[symptom]] row is required")
    out = []
    for index, row in enumerate(rows):
        where = f"symptom[{index}]"
        if not isinstance(row.get("always"), bool):
            raise SummaryTextError(f"summary.toml: {where}.always: expected true or false")
        out.append((_text(row, "question", where), _text(row, "label", where), row["always"]))
    return tuple(out)
