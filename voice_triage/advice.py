"""Compose the spoken advice from an assessment: what to do now, why, self-care, stretches, safety net."""
from __future__ import annotations

from dataclasses import dataclass

from .assessment import FLOORS, Answers, Assessment, Finding, holds, may_hold, rank
from .content import Content, Stretch


@dataclass(frozen=True)
class Said:
    """One advice sentence and the id (sources.toml) of the source it comes from; None for the conversation's own
    lead-ins ("You told me something that needs checking:"), which state nothing clinical."""

    text: str
    source: str | None


def _sentence(text: str) -> str:
    """A finding as a spoken sentence."""
    return text[0].upper() + text[1:] + "."


def _join(reasons: list[str], last_joiner: str) -> str:
    """"a, b and c" for speech."""
    return reasons[0] if len(reasons) == 1 else f"{', '.join(reasons[:-1])} {last_joiner} {reasons[-1]}"


def _found(finding: Finding) -> Said:
    """A finding as a spoken sentence, with the source of the rule or warning sign behind it."""
    return Said(_sentence(finding.text), finding.source)


def now_lines(content: Content, result: Assessment) -> list[Said]:
    """The level in plain words, opened by the warning signs that set it (and then why the interview itself
    needs a doctor: stopped early, answers not understood)."""
    phrases, level = content.phrases, result.disposition
    now = content.advice["now"][level]
    lines = []
    if level == "emergency":
        lines.append(Said(phrases["emergency_intro"], None))
        lines += [_found(f) for f in result.findings if f.level == "emergency"]
    else:
        told = [f for f in result.findings if f.id not in FLOORS and rank(f.level) <= rank("gp")]
        lines += [Said(phrases["flags_intro"], None), *map(_found, told)] if told else []
        lines += [_found(f) for f in result.findings if f.id in FLOORS]
    lines.append(Said(content.levels[level]["text"], content.levels[level]["source"]))
    return lines + [Said(line, now["source"]) for line in now["lines"]]


def why_lines(content: Content, result: Assessment) -> list[Said]:
    """The likely source, with the reasons in the person's own answers (not for levels in [why] not_for), then
    what it means (not for levels in [why] brief_for)."""
    why, level = content.advice["why"], result.disposition
    if level in why["not_for"]:
        return []
    meaning = content.advice["explain"][result.likely_source]
    explain = [] if level in why.get("brief_for", []) else [Said(meaning["text"], meaning["source"])]
    if result.likely_source == "unclear":
        return [Said(content.phrases["source_unclear"], meaning["source"]), *explain]
    top = result.sources[0]
    reasons = _join(top["reasons"][:3], content.phrases["last_joiner"])
    return [Said(content.phrases["source_intro"].format(label=top["label"], reasons=reasons), meaning["source"]),
            *explain]


def self_care_lines(content: Content, level: str, answers: Answers) -> list[Said]:
    """Self-care tips that suit this level and none of whose conditions to leave them out may hold."""
    return [Said(tip.text, tip.source) for tip in content.tips
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


def stretch_lines(content: Content, stretches: list[Stretch]) -> list[Said]:
    """Each stretch spoken as name, how, and caution."""
    if not stretches:
        return []
    phrases, settings = content.phrases, content.advice["stretches"]
    lines = [Said(settings["intro"], settings["source"])]
    for stretch in stretches:
        lines += [Said(phrases["stretch"].format(name=stretch.name, how=stretch.how), stretch.source),
                  Said(phrases["stretch_caution"].format(caution=stretch.caution), stretch.source)]
    return lines


def seek_help_lines(content: Content, level: str, answers: Answers) -> list[Said]:
    """When to get help (leaving out "if you get X" when X was already said), and the cauda equina warning signs
    as a safety net (not for emergencies)."""
    if level == "emergency":
        return []
    warning = content.advice["ces_warning"]
    lines = [Said(line.text, line.source) for line in content.seek_help
             if level not in line.not_for and not any(holds(c, answers) for c in line.avoid_if)]
    return lines + [Said(line, warning["source"]) for line in (warning["intro"], *warning["signs"])]


def compose(content: Content, result: Assessment, answers: Answers) -> dict[str, list[Said]]:
    """Every advice section, in speaking order, each sentence with its source."""
    level = result.disposition
    return {
        "now": now_lines(content, result),
        "why": why_lines(content, result),
        "self_care": self_care_lines(content, level, answers),
        "stretches": stretch_lines(content, choose_stretches(content, result, answers)),
        "seek_help": seek_help_lines(content, level, answers),
        "disclaimer": [Said(content.advice["disclaimer"]["text"], content.advice["disclaimer"]["source"])],
    }

