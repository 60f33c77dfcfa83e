"""The clear answers an uncertain one ("not sure", or never understood) could have been, as far as the rules tell."""
from __future__ import annotations

import itertools
from typing import Any

from .content import LEVELS, Content

Answers = dict[str, Any]
UNCERTAIN = {"unsure": "unsure", "unknown": "unheard"}  # an uncertain answer and the rules.toml table with its cap


def is_uncertain(answer: Any) -> bool:
    """Whether an answer is "not sure" or was never understood."""
    return isinstance(answer, str) and answer in UNCERTAIN


def rule_questions(content: Content) -> list[str]:
    """The questions rules and modifiers look at, in the order they are asked."""
    looked_at = {condition.question for rule in content.rules + content.modifiers for condition in rule.when}
    return [question.id for question in content.questions if question.id in looked_at]


def telling_values(content: Content, question_id: str) -> list[Any]:
    """The clear answers the rules tell apart: yes and no, each option, each mix of the options rules name, and
    for numbers and durations each side of every line a rule draws."""
    question = content.questions_by_id[question_id]
    conditions = [c for rule in content.rules + content.modifiers for c in rule.when if c.question == question_id]
    if question.kind == "yesno":
        return ["yes", "no"]
    if question.kind in ("number", "duration"):
        values = sorted({line + step for line in {c.value for c in conditions} for step in (-1, 0, 1)})
        return [{"days": value} for value in values] if question.kind == "duration" else values
    if question.kind == "multi":
        named = sorted({v for c in conditions for v in (c.value if isinstance(c.value, list) else [c.value])})
        return [list(mix) for size in range(len(named) + 1) for mix in itertools.combinations(named, size)]
    return [option.id for option in question.options]


def uncertain_cap(content: Content, answers: Answers) -> str:
    """The least urgent cap of the uncertain answers rules look at: what they can set at most."""
    caps = [content.rules_raw[UNCERTAIN[answers[q]]]["cap"] for q in rule_questions(content)
            if is_uncertain(answers.get(q))]
    return max(caps, key=LEVELS.index, default=LEVELS[0])
