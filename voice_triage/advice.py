"""Compose the spoken advice from an assessment: what to do now, why, self-care, stretches, safety net."""
from __future__ import annotations

from .assessment import Answers, Assessment, may_hold, rank
from .content import Content, Stretch

def _join(reasons: list[str], last_joiner: str) -> str:
    """"a, b and c" for speech."""
    return reasons[0] if len(reasons) == 1 else f"{', '.join(reasons[:-1])} {last_joiner} {reasons[-1]}"


def now_lines(content: Content, result: Assessment) -> list[str]:
    """The level in plain words, opened by the warning signs that set it."""
    phrases, level = content.phrases, result.disposition
    lines = []
    if level == "emergency":
        lines.append(phrases["emergency_intro"])
        lines += [f.text[0].upper() + f.text[1:] + "." for f in result.findings if f.level == "emergency"]
    elif result.findings:
        lines.append(phrases["flags_intro"])
        lines += [f.text[0].upper() + f.text[1:] + "." for f in result.findings if rank(f.level) <= rank("gp")]
    lines.append(content.levels[level]["text"])
    return lines + list(content.advice["now"][level]["lines"])


def why_lines(content: Content, result: Assessment) -> list[str]:
    """The likely source, with the reasons in the person's own answers (not for levels in [why] not_for)."""
    if result.disposition in content.advice["why"]["not_for"]:
        return []
    explain = content.advice["explain"][result.likely_source]["text"]
    if result.likely_source == "unclear":
        return [content.phrases["source_unclear"], explain]
    top = result.sources[0]
    reasons = _join(top["reasons"][:3], content.phrases["last_joiner"])
    intro = content.phrases["source_intro"].format(label=top["label"], reasons=reasons)
    return [intro, explain]


def self_care_lines(content: Content, level: str, answers: Answers) -> list[str]:
    """Self-care tips that suit this level and none of whose conditions to leave them out may hold."""
    return [tip.text for tip in content.tips
            if level not in tip.not_for and not any(may_hold(c, answers) for c in tip.avoid_if)]


def choose_stretches(content: Content, result: Assessment, answers: Answers) -> list[Stretch]:
    """Stretches that suit the likely source and none of whose cautions apply."""
    settings = content.advice["stretches"]
    if result.disposition not in settings["levels"] or any(may_hold(c, answers) for c in content.stretches_avoid_if):
        return []
    wanted = result.likely_source
    suitable = [s for s in content.stretches
                if (wanted == "unclear" or wanted in s.suits) and not any(may_hold(c, answers) for c in s.avoid_if)]
    return suitable[: settings["max"]]


def stretch_lines(content: Content, stretches: list[Stretch]) -> list[str]:
    """Each stretch spoken as name, how, and caution."""
    if not stretches:
        return []
    phrases = content.phrases
    lines = [content.advice["stretches"]["intro"]]
    for stretch in stretches:
        lines += [phrases["stretch"].format(name=stretch.name, how=stretch.how),
                  phrases["stretch_caution"].format(caution=stretch.caution)]
    return lines


def seek_help_lines(content: Content, level: str) -> list[str]:
    """When to get help, and the cauda equina warning signs as a safety net (not for emergencies)."""
    if level == "emergency":
        return []
    warning = content.advice["ces_warning"]
    return list(content.advice["seek_help"]["lines"]) + [warning["intro"], *warning["signs"]]


def compose(content: Content, result: Assessment, answers: Answers) -> dict[str, list[str]]:
    """Every advice section, in speaking order."""
    level = result.disposition
    return {
        "now": now_lines(content, result),
        "why": why_lines(content, result),
        "self_care": self_care_lines(content, level, answers),
        "stretches": stretch_lines(content, choose_stretches(content, result, answers)),
        "seek_help": seek_help_lines(content, level),
        "disclaimer": [content.advice["disclaimer"]["text"]],
    }

