"""Turn answers into a disposition and a ranked likely source, with the reasons for each."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .content import LEVELS, SOURCE_IDS, Condition, Content, Question, Rule
from .possible_answers import UNCERTAIN, Answers, is_uncertain, rule_questions, telling_values, uncertain_cap


FLOORS = ("incomplete", "unclear_answers")  # findings about the interview itself, not about what the person told


def rank(level: str) -> int:
    """0 for emergency up to 3 for self-care: lower is more urgent."""
    return LEVELS.index(level)


def most_urgent(levels: list[str]) -> str:
    """The most urgent of some levels (self-care when there are none)."""
    return min(levels, key=rank, default="self_care")


def comparable(value: Any) -> Any:
    """Durations compare by their days; a number narrowed down step by step by its value for the rules."""
    if isinstance(value, dict):
        return value.get("days", value.get("value"))
    return value


def holds(condition: Condition, answers: Answers) -> bool:
    """Whether one condition holds; an unanswered or unknown question never satisfies it."""
    if condition.question not in answers:
        return False
    answer, target = comparable(answers[condition.question]), condition.value
    if answer in ("unknown", None):
        return condition.op == "ne"
    tests = {
        "eq": lambda: answer == target, "ne": lambda: answer != target,
        "in": lambda: answer in target,
        "includes": lambda: isinstance(answer, list) and target in answer,
        "includes_any": lambda: isinstance(answer, list) and bool(set(answer) & set(target)),
    }
    if condition.op in tests:
        return tests[condition.op]()
    if not isinstance(answer, (int, float)):
        return False
    return {"lt": answer < target, "gt": answer > target, "le": answer <= target, "ge": answer >= target}[condition.op]


def all_hold(conditions: tuple[Condition, ...], answers: Answers) -> bool:
    """Whether every condition holds."""
    return all(holds(condition, answers) for condition in conditions)


def possible_level(content: Content, rule: Rule, answers: Answers) -> str | None:
    """The level a rule could still set, or None when an answer rules it out: a question not answered yet may
    hold, and so may one answered "not sure" or never understood, which makes it no more urgent than its cap."""
    answered = tuple(condition for condition in rule.when if condition.question in answers)
    if not can_all_hold(content, answered, answers):
        return None
    caps = [content.rules_raw[UNCERTAIN[answers[c.question]]]["cap"] for c in answered if not holds(c, answers)]
    return max([rule.level, *caps], key=rank)


def may_hold(condition: Condition, answers: Answers) -> bool:
    """Whether a condition holds, or might: its answer was "not sure" or never understood."""
    return holds(condition, answers) or is_uncertain(answers.get(condition.question))


def reachable_level(content: Content, answers: Answers, question_id: str, value: Any) -> str:
    """The most urgent level a rule or modifier on this question could still reach if it were answered `value`
    (questions not answered yet count as possibly satisfied)."""
    trial = {**answers, question_id: value}
    reached = []
    for rule in content.rules:
        level = possible_level(content, rule, trial)
        reached += [(rule, level)] if level else []
    # A modifier raises a finding of its `raises` level: one already there, or a rule that may still apply.
    raisable = ({finding.level for finding in red_flag_findings(content, trial)}
                | {level for rule, level in reached if rule.raisable})
    for modifier in content.modifiers:
        level = possible_level(content, modifier, trial)
        reached += [(modifier, level)] if level and modifier.raises in raisable else []
    return most_urgent([level for rule, level in reached if any(c.question == question_id for c in rule.when)])


def blocks_a_rule(content: Content, answers: Answers, question_id: str, chosen: Iterable[Any],
                  others: Iterable[Any]) -> bool:
    """Whether an answer could leave the outcome less urgent than another answer could make it, given the answers
    so far (tingling "no" with pain down one leg: "yes" would mean see a doctor).

    `chosen` and `others` are groups of values: a yes/no step stands for every value it can still lead to, so a
    "no" to "Are you over fifty?" blocks if any age it leads to misses a level "yes" would reach.
    """
    least = max((reachable_level(content, answers, question_id, value) for value in chosen), key=rank)
    floor = most_urgent([least, assess(content, answers).disposition])
    reach = most_urgent([reachable_level(content, answers, question_id, value) for value in others])
    return rank(reach) < rank(floor)


@dataclass(frozen=True)
class Finding:
    """A red flag or rule that set a level, with why in plain words."""

    id: str
    level: str
    text: str
    source: str


@dataclass
class Assessment:
    """The outcome: level, findings, and likely sources ranked with reasons."""

    disposition: str
    findings: list[Finding]
    likely_source: str
    sources: list[dict[str, Any]] = field(default_factory=list)


def red_flag_findings(content: Content, answers: Answers) -> list[Finding]:
    """Findings from red-flag answers; "not sure" and "not understood" count up to their configured caps."""
    unsure = content.rules_raw["unsure"]
    findings = []
    for flag in content.red_flags:
        answer = answers.get(flag.id)
        if answer == "yes":
            findings.append(Finding(flag.id, flag.level, flag.finding, flag.source))
        elif answer == "unsure":
            level = max(flag.level, unsure["cap"], key=rank)
            text = unsure["finding"].format(sign=flag.sign, action=unsure["action"][level])
            findings.append(Finding(flag.id, level, text, unsure["source"]))
        elif answer == "unknown":
            findings.append(unheard_finding(content, flag))
    return findings


def unheard_finding(content: Content, flag: Question) -> Finding:
    """A red flag whose answer was never understood: what to do if the sign is there, up to the [unheard] cap."""
    unheard = content.rules_raw["unheard"]
    text = unheard["finding"].format(sign=flag.sign, action=unheard["action"][flag.level])
    return Finding(flag.id, max(flag.level, unheard["cap"], key=rank), text, unheard["source"])


def rule_findings(content: Content, answers: Answers) -> list[Finding]:
    """Findings from symptom patterns and modifiers; where an answer they look at is uncertain, also those of the
    most urgent clear answer it could have been, no more urgent than its cap and saying why (the safe side)."""
    certain = _findings_as_answered(content, answers)
    if not any(is_uncertain(answers.get(question)) for question in rule_questions(content)):
        return certain  # the usual case, on every answer: nothing to weigh
    known = {finding.id for finding in certain}
    patterns = [p for p in _possible_patterns(content, answers) if any(rule.id not in known for rule in p)]
    if not patterns:
        return certain
    worst = min(patterns, key=lambda pattern: rank(pattern[-1].level))  # ties keep the content's order
    return certain + [_uncertain_finding(content, rule, answers) for rule in worst if rule.id not in known]


def _possible_patterns(content: Content, answers: Answers) -> list[list[Rule]]:
    """Each rule that could hold with one clear answer to each uncertain question, and each modifier with the
    finding it raises: a red flag, or a rule that could hold together with it."""
    patterns = [[rule] for rule in content.rules if can_all_hold(content, rule.when, answers)]
    flag_levels = {finding.level for finding in red_flag_findings(content, answers)}
    for modifier in content.modifiers:
        if modifier.raises in flag_levels and can_all_hold(content, modifier.when, answers):
            patterns.append([modifier])
        patterns += [[rule, modifier] for rule in content.rules if rule.level == modifier.raises and rule.raisable
                     and can_all_hold(content, rule.when + modifier.when, answers)]
    return patterns


def can_all_hold(content: Content, conditions: tuple[Condition, ...], answers: Answers) -> bool:
    """Whether these conditions hold together, given the clear answers and one clear value for each uncertain one."""
    for question_id in {condition.question for condition in conditions}:
        on_it = [condition for condition in conditions if condition.question == question_id]
        if not is_uncertain(answers.get(question_id)):
            if not all(holds(condition, answers) for condition in on_it):
                return False
        elif not any(all(holds(c, {question_id: value}) for c in on_it)
                     for value in telling_values(content, question_id)):
            return False
    return True


def _findings_as_answered(content: Content, answers: Answers) -> list[Finding]:
    """Findings from symptom patterns that hold, then modifiers that raise other flags one step."""
    holding = [rule for rule in content.rules if all_hold(rule.when, answers)]
    findings = [Finding(r.id, r.level, r.finding, r.source) for r in holding]
    raisable = red_flag_findings(content, answers) + [f for f, r in zip(findings, holding) if r.raisable]
    raised = []
    for modifier in content.modifiers:
        targets = [f for f in raisable if f.level == modifier.raises]
        if targets and all_hold(modifier.when, answers):
            raised.append(Finding(modifier.id, modifier.level, modifier.finding, modifier.source))
    return findings + raised


def _uncertain_finding(content: Content, rule: Rule, answers: Answers) -> Finding:
    """A finding that holds only if an uncertain answer went one way: capped, and naming that answer."""
    level = max(rule.level, uncertain_cap(content, answers), key=rank)
    hangs_on = next((c.question for c in rule.when if is_uncertain(answers.get(c.question))), None)
    if hangs_on is None:  # a modifier raising a finding that is itself uncertain
        return Finding(rule.id, level, rule.finding, rule.source)
    template = content.rules_raw["uncertain_rule"][UNCERTAIN[answers[hangs_on]]]
    text = template.format(sign=content.questions_by_id[hangs_on].sign, finding=rule.finding)
    return Finding(rule.id, level, text, rule.source)


def rank_sources(content: Content, answers: Answers) -> list[dict[str, Any]]:
    """Likely sources by evidence score, each with the reasons taken from the answers."""
    labels = content.rules_raw["likely_source"]["labels"]
    scores = {sid: {"id": sid, "label": labels[sid], "score": 0, "reasons": [], "reasons_cited": []}
              for sid in SOURCE_IDS}
    evidence = [(flag.suggests, 3, flag.because, flag.source) for flag in content.red_flags
                if flag.suggests and answers.get(flag.id) == "yes"]
    # Strongest evidence first, so the spoken "because ..." names the most telling answers.
    evidence += [(feature.source_id, feature.weight, feature.reason, feature.source)
                 for feature in sorted(content.features, key=lambda f: -f.weight) if holds(feature.condition, answers)]
    for source_id, weight, reason, cited in evidence:
        entry = scores[source_id]
        entry["score"] += weight
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)
            entry["reasons_cited"].append({"text": reason, "source": cited})
    return sorted(scores.values(), key=lambda entry: -entry["score"])


def assess(content: Content, answers: Answers, complete: bool = True, partly_unclear: bool = False) -> Assessment:
    """The most urgent level reached; an unfinished interview, or one with answers (or, `partly_unclear`, parts
    of a list answer) not understood, is at least a floor level."""
    findings = red_flag_findings(content, answers) + rule_findings(content, answers)
    unclear = partly_unclear or any(answer == "unknown" for answer in answers.values())  # given up on after tries
    for floor_id, applies in zip(FLOORS, (not complete, unclear)):
        if applies:
            floor = content.rules_raw[floor_id]
            findings.append(Finding(floor_id, floor["level"], floor["finding"], floor["source"]))
    ranked = rank_sources(content, answers)
    # Ties keep the content's order (hip, spine, sacroiliac, muscle); too little evidence is "unclear".
    likely = ranked[0]["id"] if ranked[0]["score"] >= content.rules_raw["likely_source"]["min_score"] else "unclear"
    findings.sort(key=lambda f: rank(f.level))
    return Assessment(most_urgent([f.level for f in findings]), findings, likely, ranked)
