"""A number narrowed down by yes/no questions ("Are you over fifty?"): a sub-dialog of the triage.

By voice, numbers are the weak point in noise (scripts/bench_spoken.py, 20 dB: a 30-year-old's "two days" was
heard as "today" and "three days", and the conversation ended "see a GP" for want of a duration), while yes/no
answers are understood far more often. The rules only compare ages and durations with a few lines, so a few
yes/no questions (questions.toml [[question.step]]) settle as much as the number would.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .assessment import blocks_a_rule, comparable
from .content import COMPARE, Question, Settled, Step, bands
from .events import Ask, Heard
from .thresholds import MAX_STEP_HEARINGS, MIN_CONFIDENCE, SURE_NO

if TYPE_CHECKING:  # the mixin's host
    from .dialog import Dialog


@dataclass
class Stepping:
    """A number question being narrowed down, and the step asked now."""

    question: Question
    step: Step
    heard: list[str | None] = field(default_factory=list)  # this step's hearings: "yes", "no", or None (missed)
    within: tuple[int, int] | None = None  # the range already answered ("in my fifties"): the steps it settles
    said: str = ""  # the words narrowed down ("in my fifties", "six weeks"), kept beside the band for the summary


def next_open_step(question: Question, target: str | Settled, within: tuple[int, int] | None) -> Step | Settled:
    """The step `target` names or, while `within` (a range answered) settles each step, where the steps lead."""
    while not isinstance(target, Settled):
        step = next(s for s in question.steps if s.id == target)
        op, line = step.yes_means
        answers = {COMPARE[op](end, line) for end in within} if within is not None else {True, False}
        if len(answers) == 2:
            return step
        target = step.yes if answers.pop() else step.no
    return target


def either_side_of_a_line(question: Question, value: Any) -> tuple[int, int] | None:
    """For an answer exactly on a line a step draws ("six weeks", 42 days), a range just across it, so that the
    line's step is asked (questions.toml check_lines); None for any other answer."""
    if not question.check_lines:
        return None
    number = comparable(value)  # what the rules compare: a duration's days
    if isinstance(number, bool) or not isinstance(number, int | float):
        return None
    lines = {step.yes_means[1] for step in question.steps}
    return (int(number) - 1, int(number) + 1) if number in lines else None


def settled_value(question: Question, end: Settled, said: str = "",
                  within: tuple[int, int] | None = None) -> dict[str, Any]:
    """The recorded answer: the value for the rules (days for a duration), the words, that it is a band, and the
    answer it narrows down when there was one ("six weeks").

    An age range said (`within`) keeps the value inside both it and the band: "born in 1961" (64 or 65), then "no"
    to sixty-five or older, is 64, where the band alone said "fifty-one to sixty-four"; "late forties" is 47, not
    the band's 44, which asked about morning stiffness as if under forty-five.
    """
    key = "days" if question.kind == "duration" else "value"
    value, text = end.value, end.text
    if within is not None and question.kind == "number":
        fits = [age for age in range(within[0], within[1] + 1)
                if next_open_step(question, question.steps[0].id, (age, age)) == end]
        if fits:
            value = min(max(value, fits[0]), fits[-1])
            text = str(fits[0]) if len(fits) == 1 else text
    return {key: value, "text": text, "approximate": True} | ({"said": said} if said else {})


class StepByStep:
    """The yes/no narrowing part of `Dialog` (state `one_by_one`, with `self.one` a Stepping)."""

    def _narrow_down(self: Dialog, question: Question, within: tuple[int, int], said: str) -> None:
        """A range answered ("in my fifties"): recorded when it settles every step, else the first step it leaves
        open is asked ("Are you over fifty?")."""
        target = next_open_step(question, question.steps[0].id, within)
        if isinstance(target, Settled):
            self._settle_sub_dialog(question, settled_value(question, target, said, within))
            return
        self.one = Stepping(question, target, within=within, said=said)
        self.take_one_by_one()

    def _check_the_line(self: Dialog, question: Question, within: tuple[int, int], value: Any) -> None:
        """An answer exactly on a line ("six weeks"): asked the line's step ("more than six weeks?")."""
        self._say(self.phrases["on_a_line"])
        self._narrow_down(question, within, value["text"] if isinstance(value, dict) else str(value))

    def _start_steps(self: Dialog) -> None:
        """Begin (or, after a cancelled stop, resume) narrowing the current question down."""
        if not (isinstance(self.one, Stepping) and self.one.question is self.current):
            self.one = Stepping(self.current, self.current.steps[0])
            self._say(self.phrases["in_steps"])
        self._ask_step()

    def _ask_step(self: Dialog) -> None:
        """Ask the current step as a yes/no question."""
        one = self.one
        self._emit_ask(Ask(one.step.ask, f"{one.question.id}:{one.step.id}", ("yes", "no"), self.option_vocabulary,
                           "yesno", self.controls))

    def _hear_step(self: Dialog, heard: Heard) -> None:
        """Yes or no leads to the next step or settles the answer; missed twice, or never settled, it is unknown."""
        understanding = self.interpreter.understand(self.yes_no, heard.text)
        if control := self._taken_control(understanding.control, heard):
            self._control(control)
            return
        one = self.one
        if understanding.value == "unsure" and heard.confidence >= MIN_CONFIDENCE:
            self._log(one.question, heard, "unsure")  # not sure at a step either: recorded so, the safe way
            self._finish_steps("unsure")
            return
        value = understanding.value if understanding.value in ("yes", "no") and heard.confidence > 0 else None
        one.heard.append(value)
        taken = self._step_answer(value, heard.confidence)
        self._log(one.question, heard, taken)
        if taken is None:
            if one.heard.count(None) >= 2 or len(one.heard) >= MAX_STEP_HEARINGS:
                self._finish_steps("unknown")
                return
            sure = value is not None and heard.confidence >= SURE_NO
            self._say(self.phrases["to_be_sure"] if sure else self._sorry(heard))
            self._emit_ask(self.current_ask)
            return
        target = next_open_step(one.question, one.step.yes if taken == "yes" else one.step.no, one.within)
        if isinstance(target, Settled):
            self._finish_steps(settled_value(one.question, target, one.said, one.within))
            return
        one.step, one.heard = target, []
        self._ask_step()

    def _step_answer(self: Dialog, value: str | None, confidence: float) -> str | None:
        """The step's answer once its hearings settle it, else None.

        A step decides a line the rules use (six weeks, fifty years). An answer that keeps every rule the other
        answer could reach is taken at once when heard clearly, or when heard twice however faint (at 20 dB most
        answers come back at confidence 0.3: a "no" heard twice that way left p-s1's duration unknown). An answer
        that alone keeps a more urgent rule from applying must be heard twice more than the other answer, however
        sure it sounds: at 10 dB a "yes" to "more than six weeks?" was heard as "nope" at 0.5 and taken, and p-g2
        ended at self-care instead of a GP (scripts/bench_spoken.py); confidence cannot catch a sure mishearing.
        Heard two ways, it is asked again (up to MAX_STEP_HEARINGS) rather than given up on at once.
        """
        if value is None or not self.by_voice:  # typed ("not sure" how long, then "yes"): it is what was meant
            return value
        heard = self.one.heard
        other = "no" if value == "yes" else "yes"
        if self._step_keeps_a_rule_off(value):
            return value if heard.count(value) - heard.count(other) >= 2 else None
        return value if confidence >= SURE_NO or heard.count(value) >= 2 else None

    def _step_keeps_a_rule_off(self: Dialog, value: str) -> bool:
        """Whether some value this step's answer leads to stays short of a level the other answer could reach."""
        question = self.one.question
        ends: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
        for tests, end in bands(question.steps, start=self.one.step):
            ends[tests[0][2]].append(settled_value(question, end))  # tests[0]: the answer to this step
        return blocks_a_rule(self.content, self.answers, question.id, ends[value == "yes"], ends[value != "yes"])

    def _finish_steps(self: Dialog, value: Any) -> None:
        """Record the band (or "unknown"), say what was noted, and move on."""
        self._settle_sub_dialog(self.one.question, value)
