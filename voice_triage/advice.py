"""Compose the spoken advice from an assessment: what to do now, why, self-care, stretches, safety net."""
from __future__ import annotations

from .assessment import FLOORS, Answers, Assessment, holds, may_hold, rank
from .content import Content, Stretch

def _sentence(text: str) -> str:
    """A finding as a spoken sentence."""
    return text[0].upper() + text[1:] + "."


def _join(reasons: list[str], last_joiner: str) -> str:
    """"a, b and c" for speech."""
    return reasons[0] if len(reasons) == 1 else f"{', '.join(reasons[:-1])} {last_joiner} {reasons[-1]}"


def now_lines(content: Content, result: Assessment) -> list[str]:
    """The level in plain words, opened by the warning signs that set it (and then why the interview itself
    needs a doctor: stopped early, answers not understood)."""
    phrases, level = content.phrases, result.disposition
    lines = []
    if level == "emergency":
        lines.append(phrases["emergency_intro"])
        lines += [_sentence(f.text) for f in result.findings if f.level == "emergency"]
    else:
        told = [f for f in result.findings if f.id not in FLOORS and rank(f.level) <= rank("gp")]
        lines += [phrases["flags_intro"], *(_sentence(f.text) for f in told)] if told else []
        lines += [_sentence(f.text) for f in result.findings if f.id in FLOORS]
    lines.append(content.levels[level]["text"])
    return lines + list(content.advice["now"][level]["lines"])


def why_lines(content: Content, result: Assessment) -> list[str]:
    """The likely source, with the reasons in the person's own answers (not for levels in [why] not_for), then
    what it means (not for levels in [why] brief_for)."""
    why, level = content.advice["why"], result.disposition
    if level in why["not_for"]:
        return []
    explain = [] if level in why.get("brief_for", []) else [content.advice["explain"][result.likely_source]["text"]]
    if result.likely_source == "unclear":
        return [content.phrases["source_unclear"], *explain]
    top = result.sources[0]
    reasons = _join(top["reasons"][:3], content.phrases["last_joiner"])
    return [content.phrases["source_intro"].format(label=top["label"], reasons=reasons), *explain]


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


def seek_help_lines(content: Content, level: str, answers: Answers) -> list[str]:
    """When to get help (leaving out "if you get X" when X was already said), and the cauda equina warning signs
    as a safety net (not for emergencies)."""
    if level == "emergency":
        return []
    warning = content.advice["ces_warning"]
    lines = [line.text for line in content.seek_help if not any(holds(c, answers) for c in line.avoid_if)]
    return lines + [warning["intro"], *warning["signs"]]


def compose(content: Content, result: Assessment, answers: Answers) -> dict[str, list[str]]:
    """Every advice section, in speaking order."""
    level = result.disposition
    return {
        "now": now_lines(content, result),
        "why": why_lines(content, result),
        "self_care": self_care_lines(content, level, answers),
        "stretches": stretch_lines(content, choose_stretches(content, result, answers)),
        "seek_help": seek_help_lines(content, level, answers),
        "disclaimer": [content.advice["disclaimer"]["text"]],
    }

