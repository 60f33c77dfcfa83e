"""Load and validate the clinical content files (TOML) into plain dataclasses."""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .summary_text import SummaryText, read_summary_text

CONTENT_DIR = Path(__file__).parent / "content"
FILES = ("sources", "questions", "vocabulary", "rules", "advice", "dialog", "summary")
LEVELS = ("emergency", "urgent", "gp", "self_care")
SOURCE_IDS = ("hip", "spine", "sacroiliac", "muscle")
KINDS = ("yesno", "number", "choice", "multi", "duration", "free")
# The conversation controls the dialog knows (a `_control_<id>` method each); vocabulary.toml [control] gives the words
CONTROL_IDS = ("repeat", "back", "help", "stop", "restart", "slower", "faster", "more_time", "continue")
OPS = ("eq", "ne", "lt", "gt", "le", "ge", "in", "includes", "includes_any")
# Every phrase of dialog.toml the program says (checked at start-up: a missing one would fail mid-conversation).
PHRASE_KEYS = (
    "welcome", "welcome_spoken", "noted", "not_understood", "not_heard", "too_long", "hard_to_hear", "hard_to_hear_typing",
    "options_yesno", "options_list", "options_number", "options_duration", "options_free", "give_up_red_flag",
    "give_up_symptom", "one_by_one", "one_by_one_single", "one_by_one_done", "in_steps", "unsure_then_steps",
    "to_be_sure", "on_a_line", "answer_band",
    "confirm_yes", "confirm_no", "confirm_unsure", "confirm_read_yes", "confirm_stop", "not_stopping", "confirm_value",
    "help",
    "back_none", "back_done", "restart", "slower", "faster", "more_time", "continue", "silence_wait", "mic_silent",
    "room_talking", "room_talking_typing", "stopped", "stopped_end", "emergency_intro", "emergency_repeat",
    "emergency_end", "advice_intro", "source_intro", "source_unclear", "flags_intro", "goodbye", "welcome_back",
    "stretch", "stretch_caution", "why_asked", "help_check", "last_joiner", "voice_lost", "speech_lost",
    "answer_unknown", "answer_none",
    "answer_duration", "recognizer_fallback", "speech_off", "help_typed", "speech_only", "also_noted", "heard_again",
    "list_end_again", "confirm_restart", "not_restarting", "stopped_resume", "stopped_resume_command",
    "resume_offer", "resume_offer_again", "resume_new", "resume_unclear", "resume_quit",
)


class ContentError(Exception):
    """A content file is missing, malformed, or refers to something that does not exist."""


@dataclass(frozen=True)
class Condition:
    """One test on an answer: `answers[question] <op> value`."""

    question: str
    op: str
    value: Any


@dataclass(frozen=True)
class Option:
    """One canonical answer with the phrases that mean it."""

    id: str
    label: str
    synonyms: tuple[str, ...]
    typed_synonyms: tuple[str, ...] = ()  # read in typed answers only, never put in a recognizer grammar


@dataclass(frozen=True)
class Settled:
    """Where a row of yes/no steps ends: the value the rules use, and the answer in words for the report."""

    value: int
    text: str


@dataclass(frozen=True)
class Step:
    """One yes/no question that narrows a number down ("Are you over fifty?"); each answer leads to the next
    step's id or to a Settled value."""

    id: str
    ask: str
    yes: str | Settled
    no: str | Settled
    yes_means: tuple[str, int]  # what "yes" says of the number, e.g. ("gt", 50): over fifty


COMPARE = {"lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b}


def bands(steps: tuple[Step, ...], start: Step | None = None) -> list[tuple[list[tuple[str, int, bool]], Settled]]:
    """Every way through the steps (from the first, or from `start`): the (op, value, answer was yes) tests on the
    way, and where it ends."""
    by_id = {step.id: step for step in steps}
    found: list[tuple[list[tuple[str, int, bool]], Settled]] = []

    def walk(step: Step, tests: list[tuple[str, int, bool]]) -> None:
        for answer, target in ((True, step.yes), (False, step.no)):
            here = [*tests, (*step.yes_means, answer)]
            if isinstance(target, Settled):
                found.append((here, target))
            else:
                walk(by_id[target], here)
    if steps:
        walk(start or steps[0], [])
    return found


def in_band(value: int, tests: list[tuple[str, int, bool]]) -> bool:
    """Whether a number answers every step on a path the way the path went."""
    return all(COMPARE[op](value, line) == answer for op, line, answer in tests)


@dataclass(frozen=True)
class Question:
    """A question, red flag or symptom; red flags carry a level."""

    id: str
    kind: str
    text: str
    reask: str
    # Where the question comes from (sources.toml). The dialog's own checks ("Is that right?") are conversation,
    # not clinical content, and carry none.
    source: str = ""
    options: tuple[Option, ...] = ()
    ask_if: tuple[Condition, ...] = ()
    level: str | None = None
    finding: str = ""
    suggests: str | None = None
    because: str = ""
    sign: str = ""  # in a few words, for "I could not understand your answer about <sign>" (red flags, rule questions)
    one_by_one: str = ""  # multi or free, spoken: "{option}" wording to ask each option as yes or no after two misses
    steps: tuple[Step, ...] = ()  # number or duration, spoken: yes/no questions to narrow it after two misses
    # number or duration: an answer exactly on a line a step draws is asked that step ("six weeks": more than six?)
    check_lines: bool = False
    means: tuple[tuple[str, str], ...] = ()  # yesno: (phrase, yes/no/unsure) of this question's own ("getting worse")
    typed_means: tuple[tuple[str, str], ...] = ()  # the same, read in typed answers only ("can't pee")
    plain_yes: bool = False  # yesno: a yes counts only when plain, since yes is the less urgent answer ("improving")
    # choice: the option that wins when named among others ("both, mostly the left"); free: the options that win,
    # in order, when an answer names several ("it came on after I fell": the fall)
    several: tuple[str, ...] = ()
    ask_again_if: frozenset[str] = frozenset()  # multi: words that, outside every option named, make it unclear
    # multi: of those words, the ones with a question of their own asking which part is meant ("hip": which part?)
    clarify: tuple[tuple[str, str], ...] = ()
    listen_for: tuple[str, ...] = ()  # multi, by voice: of those words, the ones the grammar hears on their own
    skip_words: frozenset[str] = frozenset()  # multi: words left out before options are named ("my right thigh")
    pairing_words: frozenset[str] = frozenset()  # choice: "both" in "both the groin and the buttock" names no option
    # multi: phrases of answers that name none of the options but something else ("heat"), and what to ask then
    unlisted: tuple[tuple[str, ...], str] = ((), "")
    also_from: tuple[str, ...] = ()  # earlier questions whose typed answer may already give this one ("left hip")
    why: str = ""  # symptom questions: why it is asked, said with help ("I ask because ...")

    @property
    def reason_asked(self) -> str:
        """Why the question is asked, for help: a symptom's `why`, or a warning sign's finding."""
        return self.why or self.finding

    @property
    def is_red_flag(self) -> bool:
        """True for warning-sign questions, which are always asked first."""
        return self.level is not None

    def option(self, option_id: str) -> Option:
        """The option with this id."""
        return next(o for o in self.options if o.id == option_id)


@dataclass(frozen=True)
class Rule:
    """A pattern of answers that sets (or raises) a level."""

    id: str
    level: str
    when: tuple[Condition, ...]
    finding: str
    source: str
    raises: str | None = None
    raisable: bool = True  # False: not a warning sign, so no modifier raises it (the child floor)


@dataclass(frozen=True)
class Feature:
    """An answer that points to a likely source of the pain."""

    source_id: str
    condition: Condition
    weight: int
    reason: str
    source: str


@dataclass(frozen=True)
class Stretch:
    """A stretch with who it suits and when to leave it out."""

    id: str
    name: str
    how: str
    caution: str
    suits: tuple[str, ...]
    avoid_if: tuple[Condition, ...]
    source: str


@dataclass(frozen=True)
class Tip:
    """A self-care tip, the levels it is not spoken for, and when to leave it out."""

    text: str
    not_for: tuple[str, ...]
    avoid_if: tuple[Condition, ...]
    source: str


@dataclass(frozen=True)
class Content:
    """Everything the dialog, assessment and advice need, validated."""

    sources: dict[str, dict[str, Any]]
    red_flags: tuple[Question, ...]
    symptoms: tuple[Question, ...]
    vocabulary: dict[str, Any]
    levels: dict[str, dict[str, Any]]
    rules: tuple[Rule, ...]
    modifiers: tuple[Rule, ...]
    features: tuple[Feature, ...]
    rules_raw: dict[str, Any]
    stretches: tuple[Stretch, ...]
    stretches_avoid_if: tuple[Condition, ...]  # any one true (or uncertain) leaves out every stretch
    tips: tuple[Tip, ...]
    seek_help: tuple[Tip, ...]  # when to get help; avoid_if: the person already said so ("if you get a fever")
    advice: dict[str, Any]
    phrases: dict[str, Any]
    summary: SummaryText
    questions_by_id: dict[str, Question] = field(default_factory=dict)

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question in asking order: red flags first."""
        return self.red_flags + self.symptoms


class _Reader:
    """Reads keys from one file's tables, naming the file and key in every error."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, message: str) -> ContentError:
        """An error that names this file and the key at fault."""
        return ContentError(f"{self.file}: {key}: {message}")

    def get(self, table: dict[str, Any], key: str, where: str, kind: type | tuple = str) -> Any:
        """A required key of the given type (`where` "" for a top-level key)."""
        name = f"{where}.{key}" if where else key
        if key not in table:
            raise self.fail(name, "missing required key")
        value = table[key]
        if not isinstance(value, kind):
            raise self.fail(name, f"expected {getattr(kind, '__name__', kind)}")
        return value


def _load_toml(folder: Path, name: str) -> dict[str, Any]:
    """Parse one content file, turning syntax errors into a named ContentError."""
    path = folder / f"{name}.toml"
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"{path.name}: file is missing from {folder}") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path.name}: syntax error: {error}") from None
    except (OSError, UnicodeDecodeError) as error:  # --content naming a file, or an unreadable one
        raise ContentError(f"{path}: cannot read it ({getattr(error, 'strerror', None) or error})") from None


def _conditions(reader: _Reader, raw: Any, where: str) -> tuple[Condition, ...]:
    """Parse a list of {question, op, value} tables."""
    if not isinstance(raw, list):
        raise reader.fail(where, "expected a list of conditions")
    result = []
    for index, item in enumerate(raw):
        spot = f"{where}[{index}]"
        if not isinstance(item, dict):
            raise reader.fail(spot, "expected a table")
        op = reader.get(item, "op", spot)
        if op not in OPS:
            raise reader.fail(f"{spot}.op", f"unknown op {op!r}; use one of {', '.join(OPS)}")
        if "value" not in item:
            raise reader.fail(f"{spot}.value", "missing required key")
        result.append(Condition(reader.get(item, "question", spot), op, item["value"]))
    return tuple(result)


def _options(reader: _Reader, raw: list[dict[str, Any]], where: str) -> tuple[Option, ...]:
    """Parse [[question.option]] tables."""
    options = []
    for index, item in enumerate(raw):
        spot = f"{where}.option[{index}]"
        synonyms, typed = (_strings(reader, item.get(key, []), f"{spot}.{key}")
                           for key in ("synonyms", "typed_synonyms"))
        label = reader.get(item, "label", spot)
        options.append(Option(reader.get(item, "id", spot), label, synonyms, typed))
    return tuple(options)


def _strings(reader: _Reader, raw: Any, where: str) -> tuple[str, ...]:
    """A list of phrases, lowercased."""
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise reader.fail(where, "expected a list of strings")
    return tuple(s.lower() for s in raw)


def _red_flag(reader: _Reader, item: dict[str, Any], index: int) -> Question:
    """Parse one [[red_flag]] table."""
    where = f"red_flag[{index}]"
    level = reader.get(item, "level", where)
    if level not in LEVELS[:3]:
        raise reader.fail(f"{where}.level", f"must be one of emergency, urgent, gp, not {level!r}")
    suggests = item.get("suggests")
    if suggests is not None and suggests not in SOURCE_IDS:
        raise reader.fail(f"{where}.suggests", f"unknown likely source {suggests!r}")
    return Question(
        id=reader.get(item, "id", where), kind="yesno", text=reader.get(item, "text", where),
        reask=reader.get(item, "reask", where), source=reader.get(item, "source", where), level=level,
        finding=reader.get(item, "finding", where), suggests=suggests, because=item.get("because", ""),
        sign=reader.get(item, "sign", where), means=_means(reader, item.get("means", {}), "yesno", f"{where}.means"),
        typed_means=_means(reader, item.get("typed_means", {}), "yesno", f"{where}.typed_means"),
    )


def _question(reader: _Reader, item: dict[str, Any], index: int) -> Question:
    """Parse one [[question]] table."""
    where = f"question[{index}]"
    kind = reader.get(item, "kind", where)
    if kind not in KINDS:
        raise reader.fail(f"{where}.kind", f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    options = _options(reader, item.get("option", []), where)
    if kind in ("choice", "multi") and not options:
        raise reader.fail(f"{where}.option", f"a {kind} question needs options")
    one_by_one = item.get("one_by_one", "")
    if one_by_one and (kind not in ("multi", "free") or "{option}" not in one_by_one):
        raise reader.fail(f"{where}.one_by_one", "only for multi and free questions, and must contain {option}")
    steps = _steps(reader, item.get("step", []), f"{where}.step")
    if steps and kind not in ("number", "duration"):
        raise reader.fail(f"{where}.step", "only for number and duration questions")
    check_lines = item.get("check_lines", False)
    if not isinstance(check_lines, bool) or (check_lines and not steps):
        raise reader.fail(f"{where}.check_lines", "must be true or false, and true only with [[question.step]] tables")
    several = item.get("several", ())
    several = (several,) if isinstance(several, str) else tuple(several)
    if several and (kind not in ("choice", "free") or not set(several) <= {o.id for o in options}):
        raise reader.fail(f"{where}.several", "only for choice and free questions, and must name option ids")
    return Question(
        id=reader.get(item, "id", where), kind=kind, text=reader.get(item, "text", where),
        reask=reader.get(item, "reask", where), source=reader.get(item, "source", where), options=options,
        ask_if=_conditions(reader, item.get("ask_if", []), f"{where}.ask_if"), one_by_one=one_by_one, steps=steps,
        check_lines=check_lines,
        sign=item.get("sign", ""), means=_means(reader, item.get("means", {}), kind, f"{where}.means"),
        typed_means=_means(reader, item.get("typed_means", {}), kind, f"{where}.typed_means"),
        plain_yes=_plain_yes(reader, item.get("plain_yes", False), kind, f"{where}.plain_yes"),
        several=several,
        ask_again_if=_ask_again_if(reader, item.get("ask_again_if", []), kind, f"{where}.ask_again_if"),
        clarify=_clarify(reader, item, kind, f"{where}.clarify"),
        listen_for=_listen_for(reader, item, f"{where}.listen_for"),
        skip_words=_ask_again_if(reader, item.get("skip_words", []), kind, f"{where}.skip_words"),
        pairing_words=_pairing_words(reader, item.get("pairing_words", []), kind, f"{where}.pairing_words"),
        unlisted=_unlisted(reader, item.get("unlisted", {}), kind, f"{where}.unlisted"),
        also_from=tuple(reader.get(item, "also_from", where, list) if "also_from" in item else ()),
        why=reader.get(item, "why", where),
    )


def _ask_again_if(reader: _Reader, raw: Any, kind: str, where: str) -> frozenset[str]:
    """A multi question's words that must be part of an option named ("legs" in "back and both legs")."""
    if raw and kind != "multi":
        raise reader.fail(where, "only for multi questions")
    return frozenset(_strings(reader, raw, where))


def _pairing_words(reader: _Reader, raw: Any, kind: str, where: str) -> frozenset[str]:
    """A choice question's words that, with an "and" after them, join two things ("both the groin and the buttock")."""
    if raw and kind != "choice":
        raise reader.fail(where, "only for choice questions")
    if not isinstance(raw, list) or not all(isinstance(w, str) and " " not in w.strip() for w in raw):
        raise reader.fail(where, "expected a list of single words")
    return frozenset(w.strip().lower() for w in raw)


def _unlisted(reader: _Reader, raw: Any, kind: str, where: str) -> tuple[tuple[str, ...], str]:
    """A multi question's answers about something it does not list ("heat" to what eases it), and what to ask."""
    if not raw:
        return (), ""
    if kind != "multi":
        raise reader.fail(where, "only for multi questions")
    phrases, ask = reader.get(raw, "phrases", where, list), reader.get(raw, "ask", where)
    if not phrases or not all(isinstance(p, str) and p.strip() for p in phrases) or not ask.strip():
        raise reader.fail(where, "phrases must be a list of words or phrases, and ask a question")
    return tuple(p.strip().lower() for p in phrases), ask


def _clarify(reader: _Reader, item: dict[str, Any], kind: str, where: str) -> tuple[tuple[str, str], ...]:
    """A multi question's which-part questions, one per word of its `ask_again_if`."""
    raw = item.get("clarify", {})
    if raw and kind != "multi":
        raise reader.fail(where, "only for multi questions")
    if not isinstance(raw, dict) or not all(isinstance(v, str) and v.strip() for v in raw.values()):
        raise reader.fail(where, "expected a table of word = question")
    words = {w.lower() for w in item.get("ask_again_if", [])}
    if stray := sorted(w for w in raw if w.lower() not in words):
        raise reader.fail(where, f"{', '.join(stray)}: each word must also be in ask_again_if")
    return tuple((word.lower(), text) for word, text in raw.items())


def _listen_for(reader: _Reader, item: dict[str, Any], where: str) -> tuple[str, ...]:
    """The vague words a recognizer listens for on their own: each must have a which-part question (`clarify`)."""
    words = _strings(reader, item.get("listen_for", []), where)
    if stray := sorted(w for w in words if w not in item.get("clarify", {})):
        raise reader.fail(where, f"{', '.join(stray)}: each word needs a question in clarify")
    return words


def _plain_yes(reader: _Reader, raw: Any, kind: str, where: str) -> bool:
    """A yes/no question whose yes is the less urgent answer: only a plain, unqualified yes counts."""
    if not isinstance(raw, bool) or (raw and kind != "yesno"):
        raise reader.fail(where, "true or false, and only for yesno questions")
    return raw


def _means(reader: _Reader, raw: dict[str, Any], kind: str, where: str) -> tuple[tuple[str, str], ...]:
    """A yes/no question's own phrases for yes, no or not sure ("getting worse" is a no to "getting better?")."""
    if raw and kind != "yesno":
        raise reader.fail(where, "only for yesno questions")
    means = []
    for value, phrases in raw.items():
        if value not in ("yes", "no", "unsure"):
            raise reader.fail(f"{where}.{value}", "must be yes, no or unsure")
        means += [(phrase, value) for phrase in _strings(reader, phrases, f"{where}.{value}")]
    twice = next((phrase for i, (phrase, _) in enumerate(means) if phrase in (p for p, _ in means[:i])), None)
    if twice:
        raise reader.fail(where, f"{twice!r} is listed twice")
    return tuple(means)


def _steps(reader: _Reader, raw: list[dict[str, Any]], where: str) -> tuple[Step, ...]:
    """Parse [[question.step]] tables; every path from the first step must end in a value, without loops."""
    steps = tuple(Step(reader.get(item, "id", f"{where}[{i}]"), reader.get(item, "ask", f"{where}[{i}]"),
                       _step_end(reader, item, "yes", f"{where}[{i}]"), _step_end(reader, item, "no", f"{where}[{i}]"),
                       _yes_means(reader, item, f"{where}[{i}]"))
                  for i, item in enumerate(raw))
    by_id = {step.id: step for step in steps}
    for i, step in enumerate(steps):
        for answer in ("yes", "no"):
            seen, target = {step.id}, getattr(step, answer)
            while isinstance(target, str):
                if target not in by_id:
                    raise reader.fail(f"{where}[{i}].{answer}", f"unknown step {target!r}")
                if target in seen:
                    raise reader.fail(f"{where}[{i}].{answer}", f"step {target!r} loops back")
                seen.add(target)
                target = by_id[target].yes if answer == "yes" else by_id[target].no
    for tests, end in bands(steps):
        if not in_band(end.value, tests):  # e.g. "over fifty" recorded as 45
            raise reader.fail(where, f"value {end.value} ({end.text!r}) does not answer the steps that lead to it")
    return steps


def _yes_means(reader: _Reader, item: dict[str, Any], where: str) -> tuple[str, int]:
    """A step's yes_means = { op = "gt", value = 50 }: what a "yes" says of the number."""
    means = reader.get(item, "yes_means", where, dict)
    op = reader.get(means, "op", f"{where}.yes_means")
    if op not in COMPARE:
        raise reader.fail(f"{where}.yes_means.op", f"unknown op {op!r}; use one of {', '.join(COMPARE)}")
    return op, reader.get(means, "value", f"{where}.yes_means", int)


def _step_end(reader: _Reader, item: dict[str, Any], answer: str, where: str) -> str | Settled:
    """A step's "yes" or "no": the next step's id, or { value = N, text = "..." }."""
    target = reader.get(item, answer, where, (str, dict))
    if isinstance(target, str):
        return target
    value = reader.get(target, "value", f"{where}.{answer}", int)
    return Settled(value, reader.get(target, "text", f"{where}.{answer}"))


def _rule(reader: _Reader, item: dict[str, Any], where: str, modifier: bool) -> Rule:
    """Parse one [[rule]] (sets `level`) or [[modifier]] (`raises` one level `to` another)."""
    return Rule(
        reader.get(item, "id", where), reader.get(item, "to" if modifier else "level", where),
        _conditions(reader, reader.get(item, "when", where, list), f"{where}.when"),
        reader.get(item, "finding", where), reader.get(item, "source", where),
        raises=reader.get(item, "raises", where) if modifier else None,
        raisable=reader.get(item, "raisable", where, bool) if "raisable" in item else True)


def _rules(reader: _Reader, raw: dict[str, Any]) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    """Parse [[rule]] and [[modifier]] tables."""
    rules = tuple(_rule(reader, item, f"rule[{i}]", False) for i, item in enumerate(raw.get("rule", [])))
    modifiers = tuple(_rule(reader, item, f"modifier[{i}]", True) for i, item in enumerate(raw.get("modifier", [])))
    return rules, modifiers


def _features(reader: _Reader, raw: list[dict[str, Any]]) -> tuple[Feature, ...]:
    """Parse [[feature]] tables."""
    features = []
    for index, item in enumerate(raw):
        where = f"feature[{index}]"
        source_id = reader.get(item, "source_id", where)
        if source_id not in SOURCE_IDS:
            raise reader.fail(f"{where}.source_id", f"unknown likely source {source_id!r}")
        condition = _conditions(reader, [item], where)[0]
        features.append(Feature(source_id, condition, reader.get(item, "weight", where, int),
                                reader.get(item, "reason", where), reader.get(item, "source", where)))
    return tuple(features)


def _stretches(reader: _Reader, raw: list[dict[str, Any]]) -> tuple[Stretch, ...]:
    """Parse [[stretch]] tables."""
    stretches = []
    for index, item in enumerate(raw):
        where = f"stretch[{index}]"
        suits = tuple(reader.get(item, "suits", where, list))
        for suit in suits:
            if suit not in SOURCE_IDS:
                raise reader.fail(f"{where}.suits", f"unknown likely source {suit!r}")
        stretches.append(Stretch(
            reader.get(item, "id", where), reader.get(item, "name", where), reader.get(item, "how", where),
            reader.get(item, "caution", where), suits,
            _conditions(reader, item.get("avoid_if", []), f"{where}.avoid_if"), reader.get(item, "source", where)))
    return tuple(stretches)


def _levels(reader: _Reader, raw: Any, where: str) -> tuple[str, ...]:
    """A list of level ids (`not_for`), each checked."""
    for level in raw:
        if level not in LEVELS:
            raise reader.fail(where, f"unknown level {level!r}")
    return tuple(raw)


def _tips(reader: _Reader, raw: list[dict[str, Any]]) -> tuple[Tip, ...]:
    """Parse [[self_care]] tables."""
    tips = []
    for index, item in enumerate(raw):
        where = f"self_care[{index}]"
        tips.append(Tip(reader.get(item, "text", where), _levels(reader, item.get("not_for", []), f"{where}.not_for"),
                        _conditions(reader, item.get("avoid_if", []), f"{where}.avoid_if"),
                        reader.get(item, "source", where)))
    return tuple(tips)


def _seek_help(reader: _Reader, raw: dict[str, Any]) -> tuple[Tip, ...]:
    """Parse [seek_help] lines: text, or { text, unless = [conditions] }."""
    lines = []
    for index, item in enumerate(reader.get(raw, "lines", "seek_help", list)):
        where = f"seek_help.lines[{index}]"
        if isinstance(item, str):
            lines.append(Tip(item, (), (), raw["source"]))
        else:
            not_for = _levels(reader, item.get("not_for", []), f"{where}.not_for")
            lines.append(Tip(reader.get(item, "text", where), not_for,
                             _conditions(reader, item.get("unless", []), f"{where}.unless"), raw["source"]))
    return tuple(lines)


def _check_sources(file: str, node: Any, known: dict[str, Any], path: str = "") -> None:
    """Every `source` key anywhere in a file must name a listed source."""
    if isinstance(node, dict):
        for key, value in node.items():
            spot = f"{path}.{key}" if path else key
            if key == "source" and isinstance(value, str) and value not in known:
                raise ContentError(f"{file}: {spot}: unknown source {value!r} (not in sources.toml)")
            _check_sources(file, value, known, spot)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _check_sources(file, item, known, f"{path}[{index}]")


def _check_condition(file: str, where: str, condition: Condition, questions: dict[str, Question]) -> None:
    """A condition must name a real question, and option values must be that question's options."""
    question = questions.get(condition.question)
    if question is None:
        raise ContentError(f"{file}: {where}: unknown question {condition.question!r}")
    values = condition.value if isinstance(condition.value, list) else [condition.value]
    if question.kind in ("choice", "multi", "free") and question.options:
        known = {o.id for o in question.options}
        for value in values:
            if value not in known:
                raise ContentError(f"{file}: {where}: {value!r} is not an option of question {question.id!r}")


def _check_references(content: Content) -> None:
    """Cross-file checks: ids unique, conditions point at real questions and options, levels known."""
    seen: set[str] = set()
    for question in content.questions:
        if question.id in seen:
            raise ContentError(f"questions.toml: {question.id}: duplicate question id")
        seen.add(question.id)
    questions = content.questions_by_id
    for question in content.symptoms:
        for condition in question.ask_if:
            _check_condition("questions.toml", f"{question.id}.ask_if", condition, questions)
    for rule in content.rules + content.modifiers:
        for level in (rule.level, rule.raises or rule.level):
            if level not in LEVELS:
                raise ContentError(f"rules.toml: {rule.id}: unknown level {level!r}")
        for condition in rule.when:
            _check_condition("rules.toml", f"{rule.id}.when", condition, questions)
            if not questions[condition.question].sign:  # named when that answer is uncertain ([uncertain_rule])
                raise ContentError(f"questions.toml: {condition.question}: a question a rule looks at needs a `sign`")
    for index, feature in enumerate(content.features):
        _check_condition("rules.toml", f"feature[{index}]", feature.condition, questions)
    for stretch in content.stretches:
        for condition in stretch.avoid_if:
            _check_condition("advice.toml", f"{stretch.id}.avoid_if", condition, questions)
    for condition in content.stretches_avoid_if:
        _check_condition("advice.toml", "stretches.avoid_if", condition, questions)
    for index, tip in enumerate(content.tips):
        for condition in tip.avoid_if:
            _check_condition("advice.toml", f"self_care[{index}].avoid_if", condition, questions)
    for index, line in enumerate(content.seek_help):
        for condition in line.avoid_if:
            _check_condition("advice.toml", f"seek_help.lines[{index}].unless", condition, questions)
    for level in LEVELS:
        if level not in content.levels:
            raise ContentError(f"rules.toml: level.{level}: missing required table")
    _check_uncertain_flags(content)
    _check_uncertain_rule(content)


def _check_also_from(content: Content) -> None:
    """`also_from` names questions asked before this one."""
    order = [q.id for q in content.questions]
    for index, question in enumerate(content.symptoms):
        for earlier in question.also_from:
            if earlier not in order or order.index(earlier) >= order.index(question.id):
                raise ContentError(f"questions.toml: question[{index}].also_from: {earlier!r} is not a question asked "
                                   f"before {question.id!r}")


def _check_uncertain_rule(content: Content) -> None:
    """[uncertain_rule]: a wording for a rule that hangs on a "not sure" answer and one never understood."""
    reader, uncertain = _Reader("rules.toml"), content.rules_raw["uncertain_rule"]
    for key in ("unsure", "unheard"):
        text = reader.get(uncertain, key, "uncertain_rule")
        if "{finding}" not in text or "{sign}" not in text:
            raise reader.fail(f"uncertain_rule.{key}", "must contain {sign} and {finding}")


def _check_uncertain_flags(content: Content) -> None:
    """[unheard] and [unsure]: a known cap, a finding, and an action for every level the answer can set
    ([unheard]: the red flag's own level, what to do if the sign is there; [unsure]: the level it sets)."""
    reader = _Reader("rules.toml")
    for key in ("unheard", "unsure"):
        table = content.rules_raw[key]
        cap = reader.get(table, "cap", key)
        if cap not in LEVELS:
            raise reader.fail(f"{key}.cap", f"unknown level {cap!r}")
        reader.get(table, "finding", key)
        actions = reader.get(table, "action", key, dict)
        for flag in content.red_flags:
            level = flag.level if key == "unheard" else max(flag.level, cap, key=LEVELS.index)
            reader.get(actions, level, f"{key}.action")


def _required_tables(file: str, raw: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Name the first missing top-level key."""
    for key in keys:
        if key not in raw:
            raise ContentError(f"{file}: {key}: missing required key")


TYPED = "_typed"  # dialog.toml: the suffix of a phrase's wording for answers that are typed


def typed_wording(phrases: dict[str, Any]) -> dict[str, Any]:
    """The dialog's phrases with each `<key>_typed` twin in place of `<key>`: "You can type ...", not "say"."""
    return {**phrases, **{key[:-len(TYPED)]: text for key, text in phrases.items() if key.endswith(TYPED)}}


def load_content(folder: Path | None = None) -> Content:
    """Load every content file from `folder` (default: the packaged content) and validate it."""
    folder = folder or CONTENT_DIR
    raw = {name: _load_toml(folder, name) for name in FILES}
    _required_tables("sources.toml", raw["sources"], ("source",))
    sources = raw["sources"]["source"]
    for name in FILES[1:]:
        _check_sources(f"{name}.toml", raw[name], sources)
    _required_tables("vocabulary.toml", raw["vocabulary"], ("yesno", "acknowledgements", "qualifiers", "plain_answer", "typing", "none",
                                                         "states", "list_done", "reask", "said_back", "carriers", "negation",
                                                         "control_fillers", "control", "numbers", "number_speech",
                                                         "hedged_yes", "someone_else",
                                                         "duration"))
    _required_tables("rules.toml", raw["rules"], ("level", "unsure", "unheard", "uncertain_rule", "incomplete",
                                                   "unclear_answers", "likely_source", "feature"))
    _required_tables("advice.toml", raw["advice"], ("now", "why", "explain", "self_care", "stretch", "stretches",
                                                    "seek_help", "ces_warning", "disclaimer"))
    questions_reader, rules_reader = _Reader("questions.toml"), _Reader("rules.toml")
    advice_reader, advice = _Reader("advice.toml"), raw["advice"]
    red_flags = tuple(_red_flag(questions_reader, item, i) for i, item in enumerate(raw["questions"].get("red_flag", [])))
    symptoms = tuple(_question(questions_reader, item, i) for i, item in enumerate(raw["questions"].get("question", [])))
    if not red_flags:
        raise ContentError("questions.toml: red_flag: at least one red-flag question is required")
    rules, modifiers = _rules(rules_reader, raw["rules"])
    content = Content(
        sources=sources, red_flags=red_flags, symptoms=symptoms, vocabulary=raw["vocabulary"],
        levels=raw["rules"]["level"], rules=rules, modifiers=modifiers,
        features=_features(rules_reader, raw["rules"]["feature"]), rules_raw=raw["rules"],
        stretches=_stretches(advice_reader, advice["stretch"]),
        stretches_avoid_if=_conditions(advice_reader, advice["stretches"].get("avoid_if", []), "stretches.avoid_if"),
        tips=_tips(advice_reader, advice["self_care"]), seek_help=_seek_help(advice_reader, advice["seek_help"]),
        advice=advice,
        phrases=raw["dialog"], summary=_summary(raw), questions_by_id={q.id: q for q in red_flags + symptoms},
    )
    _check_references(content)
    _check_also_from(content)
    _check_why_levels(raw["advice"]["why"])
    _check_advice_cites(raw["advice"], raw["rules"]["level"])
    _check_controls(raw["vocabulary"]["control"], raw["vocabulary"].get("typed_control", {}))
    _check_reask(raw["vocabulary"])  # after the controls: the offer's phrases must be some
    _check_numbers(raw["vocabulary"])
    _required_tables("dialog.toml", raw["dialog"], PHRASE_KEYS)
    for index, (question, _, _) in enumerate(content.summary.symptoms):
        if question not in content.questions_by_id:
            raise ContentError(f"summary.toml: symptom[{index}].question: unknown question {question!r}")
    return content


def _check_advice_cites(advice: dict[str, Any], levels: dict[str, Any]) -> None:
    """Every block of spoken advice, and every level's words, name a source: the report cites each line."""
    blocks = {**{f"now.{lvl}": advice["now"].get(lvl) for lvl in LEVELS},
              **{f"explain.{sid}": advice["explain"].get(sid) for sid in (*SOURCE_IDS, "unclear")},
              **{key: advice[key] for key in ("stretches", "seek_help", "ces_warning", "disclaimer")}}
    for where, block in blocks.items():
        if not isinstance(block, dict):
            raise ContentError(f"advice.toml: {where}: missing required table")
        if "source" not in block:
            raise ContentError(f"advice.toml: {where}.source: missing required key")
    for level in LEVELS:
        if "source" not in levels.get(level, {}):
            raise ContentError(f"rules.toml: level.{level}.source: missing required key")


def _check_why_levels(why: dict[str, Any]) -> None:
    """[why] not_for and brief_for name known levels."""
    reader = _Reader("advice.toml")
    listed = {"not_for": reader.get(why, "not_for", "why", list), "brief_for": why.get("brief_for", [])}
    for key, levels in listed.items():
        for level in levels:
            if level not in LEVELS:
                raise reader.fail(f"why.{key}", f"unknown level {level!r}")


def _check_controls(controls: dict[str, Any], typed: dict[str, Any]) -> None:
    """[control] gives words for exactly the controls the dialog knows; [typed_control] only for known ones."""
    reader = _Reader("vocabulary.toml")
    for table, given in (("control", controls), ("typed_control", typed)):
        for control in given:
            if control not in CONTROL_IDS:
                raise reader.fail(f"{table}.{control}", f"unknown control; the dialog knows {', '.join(CONTROL_IDS)}")
    for control in CONTROL_IDS:
        if not reader.get(controls, control, "control", list):
            raise reader.fail(f"control.{control}", "needs at least one phrase")


def _check_numbers(vocab: dict[str, Any]) -> None:
    """Number speech and duration units are complete enough to understand and to build grammars."""
    reader = _Reader("vocabulary.toml")
    reader.get(vocab["qualifiers"], "words", "qualifiers", list)
    reader.get(vocab["acknowledgements"], "words", "acknowledgements", list)
    reader.get(vocab["someone_else"], "words", "someone_else", list)
    reader.get(vocab["plain_answer"], "words", "plain_answer", list)
    reader.get(vocab["typing"], "spellings", "typing", dict)
    reader.get(vocab["negation"], "just_before", "negation", list)
    for key in ("unless_followed_by", "exceptions", "in_answers", "after"):
        reader.get(vocab["negation"], key, "negation", list)
    reader.get(vocab["negation"], "suffix", "negation", str)
    reader.get(vocab["states"], "words", "states", list)
    for key in ("joiner", "hundred", "and_a_half", "minus", "range_before"):
        reader.get(vocab["number_speech"], key, "number_speech")
    for key in ("articles", "above", "below", "typed_below", "birth_words", "vague", "range_words"):
        reader.get(vocab["number_speech"], key, "number_speech", list)
    for key in ("decades", "decade_parts"):
        reader.get(vocab["number_speech"], key, "number_speech", dict)
    for name, span in vocab["number_speech"]["decade_parts"].items():
        if not (isinstance(span, list) and len(span) == 2 and all(isinstance(n, int) for n in span)
                and 0 <= span[0] <= span[1] <= 9):
            raise reader.fail(f"number_speech.decade_parts.{name}", "must be [first, last] years into a decade, 0-9")
    duration = vocab["duration"]
    for key in ("units", "plurals", "phrases"):
        reader.get(duration, key, "duration", dict)
    reader.get(vocab["none"], "unsure", "none", list)
    dates = reader.get(vocab["duration"], "dates", "duration", dict)
    for key, kind in (("after", list), ("skip", list), ("months", dict), ("parts", dict), ("days", dict),
                      ("seasons", dict)):
        reader.get(dates, key, "duration.dates", kind)
    _check_dates(dates)
    for key in ("between", "range", "weekdays", "spoken_counts", "spoken_units", "unclear", "frequency", "per"):
        reader.get(duration, key, "duration", list)
    for key in ("openers", "with_question_mark", "closers"):
        reader.get(reader.get(vocab, "asking", "", dict), key, "asking", list)
    reader.get(duration, "spoken_since", "duration")
    for word, day in reader.get(duration, "weekday_words", "duration", dict).items():
        if day not in duration["weekdays"]:
            raise reader.fail(f"duration.weekday_words.{word}", f"{day!r} is not one of duration.weekdays")
    named = {value for value in vocab["numbers"].values()}
    for value in (*range(1, 20), *range(20, 100, 10)):
        if value not in named:
            raise reader.fail("numbers", f"no word for {value} (recognizer grammars say every number 1-110)")
    for unit in duration["plurals"]:
        if unit not in duration["units"]:
            raise reader.fail(f"duration.plurals.{unit}", "not one of duration.units")
    for unit in duration["spoken_units"]:
        if unit not in duration["plurals"]:
            raise reader.fail("duration.spoken_units", f"{unit!r} has no entry in duration.plurals")


def _summary(raw: dict[str, dict[str, Any]]) -> SummaryText:
    """The clinician summary's wording, with the level meanings and disclaimer it shares with the dialog."""
    levels = raw["rules"]["level"]  # each level's own keys are checked with the rules
    meanings = {level: str(levels.get(level, {}).get("text", "")) for level in LEVELS}
    return read_summary_text(_Reader("summary.toml"), raw["summary"], meanings, raw["advice"]["disclaimer"]["text"],
                             raw["dialog"].get("stretch_caution", ""), (*SOURCE_IDS, "unclear"),
                             {sid: str(entry.get("title", sid)) for sid, entry in raw["sources"]["source"].items()})


def _check_dates(dates: dict[str, Any]) -> None:
    """[duration.dates]: months 1-12, parts 1-31, days and seasons' ends "MM-DD" of a real day."""
    where = "vocabulary.toml: duration.dates"
    for name, month in dates["months"].items():
        if not isinstance(month, int) or not 1 <= month <= 12:
            raise ContentError(f"{where}.months.{name}: must be a month number, 1 to 12")
    for name, day in dates["parts"].items():
        if not isinstance(day, int) or not 1 <= day <= 31:
            raise ContentError(f"{where}.parts.{name}: must be a day of the month, 1 to 31")
    named = [(f"days.{name}", month_day) for name, month_day in dates["days"].items()]
    for name, ends in dates["seasons"].items():
        if not isinstance(ends, list) or len(ends) != 2:
            raise ContentError(f"{where}.seasons.{name}: must be [\"MM-DD\", \"MM-DD\"], its first and last day")
        named += [(f"seasons.{name}", month_day) for month_day in ends]
    for name, month_day in named:
        try:
            dt.date(2000, *(int(part) for part in str(month_day).split("-")))
        except (TypeError, ValueError):
            raise ContentError(f"{where}.{name}: must be \"MM-DD\", a day of the year") from None


def _check_reask(vocab: dict[str, Any]) -> None:
    """[yesno] has a phrase list per answer, and every re-ask and check phrase is one of its phrases."""
    for value in ("yes", "no", "unsure"):
        if not vocab["yesno"].get(value):
            raise ContentError(f"vocabulary.toml: yesno.{value}: missing required key")
    known = {p for phrases in vocab["yesno"].values() for p in phrases}
    yes_phrases = set(vocab["yesno"]["yes"]) | set(vocab.get("typed_yesno", {}).get("yes", []))
    for i, phrase in enumerate(vocab["hedged_yes"]["phrases"]):
        if phrase not in yes_phrases:
            raise ContentError(f"vocabulary.toml: hedged_yes.phrases[{i}]: {phrase!r} is not a yes phrase")
    for value, phrases in vocab.get("typed_yesno", {}).items():
        if value not in ("yes", "no", "unsure") or not isinstance(phrases, list) or not all(
                isinstance(p, str) for p in phrases):
            raise ContentError(f"vocabulary.toml: typed_yesno.{value}: must be a list under yes, no or unsure")
        spoken_too = [p for p in phrases if p in known]
        if spoken_too:
            raise ContentError(f"vocabulary.toml: typed_yesno.{value}: {spoken_too[0]!r} is already in [yesno]")
    for key in ("yesno", "check"):
        for i, phrase in enumerate(vocab["reask"].get(key, [])):
            if phrase not in known:
                raise ContentError(f"vocabulary.toml: reask.{key}[{i}]: {phrase!r} is not a phrase of [yesno]")
    answering = {*vocab["control"].get("continue", []), *vocab["control"].get("restart", [])}
    offer = vocab["reask"].get("resume_offer")
    if not isinstance(offer, list):
        raise ContentError("vocabulary.toml: reask.resume_offer: missing required key (a list)")
    for i, phrase in enumerate(offer):
        if phrase not in answering:
            raise ContentError(f"vocabulary.toml: reask.resume_offer[{i}]: {phrase!r} is not a phrase of [control] "
                               "continue or restart")
