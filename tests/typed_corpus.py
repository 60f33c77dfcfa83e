"""The typed-answer corpora: answers people type, what each means, and how the assistant reads them.

Used by tests/test_typed_corpus.py (no answer read less urgently than meant) and scripts/typed_answers.py (the
counts for docs/benchmarks.md). The format is described at the top of tests/corpus/typed_answers.toml.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice_triage.assessment import possible_level, rank, red_flag_findings
from voice_triage.content import LEVELS, Content, Question
from voice_triage.understand import Interpreter

ROOT = Path(__file__).resolve().parents[1]
CORPORA = sorted((ROOT / "tests" / "corpus").glob("*.toml"))  # the main one, one written blind, one adversarial
EACH_RED_FLAG = "each red flag"
ASK_AGAIN = "ask again"
VERDICTS = ("right", "asked again", "misread")
UNHEARD = "unknown"  # how the rules see an answer never understood: what "ask again" is weighed as


@dataclass(frozen=True)
class Case:
    """One typed answer to one question, and what it means (ASK_AGAIN, a value, or a (low, high) day range)."""

    question: str
    typed: str
    meant: Any


@dataclass(frozen=True)
class Reading:
    """How the assistant read one case, and the findings it could no longer reach because of a misreading."""

    case: Case
    read: Any  # the value, None when asked again, or "command: <id>"
    verdict: str
    less_urgent_on: tuple[str, ...] = ()


def load_corpus(content: Content, path: Path) -> tuple[dt.date, list[Case]]:
    """The corpus' reference date and its cases, each checked against the question it answers."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    cases = []
    for index, table in enumerate(raw["answers"]):
        where = f"{path.name} answers[{index}]"
        ids = [flag.id for flag in content.red_flags] if table["question"] == EACH_RED_FLAG else [table["question"]]
        for question_id in ids:
            if question_id not in content.questions_by_id:
                raise ValueError(f"{where}: no question {question_id!r}")
            meant = _meant(content.questions_by_id[question_id], table, where)
            cases += [Case(question_id, typed, meant) for typed in table["typed"]]
    return raw["today"], cases


def _meant(question: Question, table: dict[str, Any], where: str) -> Any:
    """The meaning a table gives, checked against the question's kind and options."""
    for key, kind in (("days", "duration"), ("between", "number")):
        if key in table:
            low, high = table[key]
            if question.kind != kind or not 0 <= low <= high:
                raise ValueError(f"{where}: {key} = [lowest, highest] is for {kind} questions")
            return (low, high)
    meant = table["means"]
    if meant == ASK_AGAIN and question.kind != "free":
        return meant
    options = {option.id for option in question.options}
    valid = {
        "yesno": lambda: meant in ("yes", "no", "unsure"),
        "choice": lambda: meant in options,
        "free": lambda: meant in options | {"other", "unsure"},
        "multi": lambda: isinstance(meant, list) and set(meant) <= options,
        "number": lambda: isinstance(meant, int) or meant == "unsure",
        "duration": lambda: meant == "unsure",  # else days = [lowest, highest]
    }
    if question.kind not in valid or not valid[question.kind]():
        raise ValueError(f"{where}: {meant!r} is not an answer to {question.id} ({question.kind})")
    return meant


RE_ASKING = ("help", "repeat")  # controls that ask the same question again and take no answer


def read_case(content: Content, interpreter: Interpreter, case: Case) -> Reading:
    """Read one case as the dialog would and judge the reading."""
    understanding = interpreter.understand(content.questions_by_id[case.question], case.typed)
    if understanding.control:
        read = f"command: {understanding.control}"
        if case.meant == ASK_AGAIN and understanding.control in RE_ASKING:
            return Reading(case, read, "right")  # "why?" is help: the question again, and no answer taken
        return Reading(case, read, "misread", less_urgent(content, case.question, case.meant, UNHEARD))
    read = understanding.value
    if isinstance(read, dict) and "between" in read:
        # A decade ("in my fifties") is no age: it goes to the yes/no age steps, and a step is skipped only when
        # every age in it answers the step the same way (steps.py next_open_step). Scored as asked again, as
        # these corpora mean decades to be (and as they were read until stop 39).
        read = None
    if _matches(case.meant, read):
        return Reading(case, read, "right")
    if read is None:
        return Reading(case, read, "asked again")
    return Reading(case, read, "misread", less_urgent(content, case.question, case.meant, read))


def _matches(meant: Any, read: Any) -> bool:
    """Whether a reading is what the answer means."""
    if meant == ASK_AGAIN:
        return read is None
    if isinstance(meant, tuple):
        number = read["days"] if isinstance(read, dict) else read
        return isinstance(number, (int, float)) and meant[0] <= number <= meant[1]
    if isinstance(meant, list):
        return isinstance(read, list) and set(read) == set(meant)
    return read == meant


def levels_reached(content: Content, question_id: str, value: Any) -> dict[str, str]:
    """The level each red flag, rule and modifier on this question could still reach with this answer alone."""
    answers = {question_id: value}
    reached = {finding.id: finding.level for finding in red_flag_findings(content, answers)}
    for rule in content.rules + content.modifiers:
        if any(condition.question == question_id for condition in rule.when):
            level = possible_level(content, rule, answers)
            if level:
                reached[rule.id] = level
    return reached


def less_urgent(content: Content, question_id: str, meant: Any, read: Any) -> tuple[str, ...]:
    """The findings a misreading can no longer reach at the level the meant answer could, when nothing it reaches
    instead is as urgent (none: as safe). "All over" read as both sides loses the one-leg finding but reaches the
    both-legs emergency, so it is not less urgent."""
    after = levels_reached(content, question_id, read)
    before: dict[str, str] = {}
    for value in _values(content, question_id, meant):  # a range reaches what either end does
        for finding, level in levels_reached(content, question_id, value).items():
            before[finding] = min(level, before.get(finding, level), key=rank)
    lost = {finding: level for finding, level in before.items()
            if rank(level) < (rank(after[finding]) if finding in after else len(LEVELS))}
    best_after = min((rank(level) for level in after.values()), default=len(LEVELS))
    return tuple(finding for finding, level in lost.items() if rank(level) < best_after)


def _values(content: Content, question_id: str, meant: Any) -> list[Any]:
    """The answers a meaning stands for, as the rules see them: both ends of a range; "unknown" for unclear."""
    if meant == ASK_AGAIN:
        return [UNHEARD]
    if isinstance(meant, tuple):
        kind = content.questions_by_id[question_id].kind
        return [{"days": end} if kind == "duration" else end for end in meant]
    return [meant]


def read_all(content: Content, path: Path) -> list[Reading]:
    """Every case of the corpus, read."""
    today, cases = load_corpus(content, path)
    interpreter = Interpreter(content, today=today)
    return [read_case(content, interpreter, case) for case in cases]


def group_of(content: Content, question_id: str) -> str:
    """The row a question's answers are counted in: red flags together, other questions one by one."""
    return "red flags" if content.questions_by_id[question_id].is_red_flag else question_id


def table(content: Content, readings: list[Reading]) -> str:
    """Markdown counts per question group: answers, right, asked again, misread, of those less urgent."""
    groups: dict[str, Counter[str]] = {}
    for reading in readings:
        counts = groups.setdefault(group_of(content, reading.case.question), Counter())
        counts[reading.verdict] += 1
        counts["less urgent"] += bool(reading.less_urgent_on)
    groups["all"] = sum(groups.values(), Counter())
    rows = ["| question | answers | right | asked again | misread | of which less urgent |",
            "|---|---|---|---|---|---|"]
    for name, counts in groups.items():
        total = sum(counts[verdict] for verdict in VERDICTS)
        cells = [name, str(total), *(str(counts[verdict]) for verdict in VERDICTS), str(counts["less urgent"])]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)
