"""Lists asked one option at a time by voice ("Does it hurt here: groin?"): a sub-dialog of the triage.

Spoken sentence answers are the weakest by voice (places 86% understood clean, 15% at 10 dB) and yes/no the
strongest (99.6% and 86%; docs/benchmarks-voice.md), so a list question missed twice becomes a row of yes/no
questions. A free question with options ("How did it start?") is asked the same way, and its first "yes" is the
answer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import report as reporting
from .assessment import blocks_a_rule
from .content import Option, Question
from .events import Ask, Heard
from .thresholds import MAX_TRIES, MIN_CONFIDENCE

if TYPE_CHECKING:  # the mixin's host
    from .dialog import Dialog


@dataclass
class OneByOne:
    """A list question asked option by option ("Does it hurt here: groin?"), and the answers so far."""

    question: Question
    remaining: list[Option]
    chosen: list[str] = field(default_factory=list)
    understood: bool = False  # at least one option got a clear yes or no
    missed: bool = False  # the current option was not understood once already
    end_heard: bool = False  # "that's all" was heard once, and no other answer understood since
    no_heard: bool = False  # a "no" that could keep a rule off was heard once for the current option
    skipped: list[str] = field(default_factory=list)  # options never understood (counted as not said)
    skipped_after_end: list[str] = field(default_factory=list)  # ... since that "that's all": no, if it is heard again

    @property
    def single(self) -> bool:
        """One answer only (a free question): the first "yes" ends it."""
        return self.question.kind != "multi"


class OptionByOption:
    """The one-option-at-a-time part of `Dialog` (state `one_by_one`)."""

    def on_enter_one_by_one(self: Dialog) -> None:
        """Start (or, after a cancelled stop, resume) asking the current list question option by option (or a
        number question step by step)."""
        if self.current.steps:
            self._start_steps()
            return
        if not isinstance(self.one, OneByOne) or self.one.question is not self.current:
            self.one = OneByOne(self.current, list(self.current.options))
            self._say(self.phrases["one_by_one_single" if self.one.single else "one_by_one"])
        self._ask_option()

    def _one_by_one_due(self: Dialog, question: Question | None) -> bool:
        """Spoken, a list question missed twice is asked option by option, and a number step by step (sentence
        answers are the weakest by voice: places 15% understood at 10 dB, yes/no 86%; docs/benchmarks-voice.md)."""
        return (question is not None and self._has_one_by_one(question) and question is self.current
                and self.tries >= MAX_TRIES - 1)

    def _has_one_by_one(self: Dialog, question: Question) -> bool:
        """Spoken, a question with options or steps can be asked as yes/no questions instead (heard most reliably)."""
        return self.spoken and bool(question.one_by_one or question.steps)

    def _ask_option(self: Dialog) -> None:
        """Ask whether the next option applies, as a yes/no question."""
        question, option = self.one.question, self.one.remaining[0]
        offered = ("yes", "no") if self.one.single else ("yes", "no", self.list_done[0])
        self._emit_ask(Ask(question.one_by_one.format(option=option.label), f"{question.id}:{option.id}",
                           offered, self.option_vocabulary, "yesno", self.controls))

    def _hear_option(self: Dialog, heard: Heard) -> None:
        """Yes adds the option, no skips it; not understood twice skips it too (a symptom, not a warning sign),
        though a skipped option a rule looks for keeps the outcome at least GP (`_finish_one_by_one`).

        "That's all" ends the list: the options not yet asked count as no. By voice it must be heard twice, with
        no other answer understood between (a miss between does not count, and the second may come on a later
        option); options missed between the two count as no, since the person had said that was all.
        """
        understanding = self.interpreter.understand(self.yes_no, heard.text)
        if control := self._taken_control(understanding.control, heard):
            self._control(control)
            return
        one, option = self.one, self.one.remaining[0]
        clear = heard.confidence >= MIN_CONFIDENCE
        done = clear and self.interpreter.list_done(heard.text)
        value = "done" if done else understanding.value if clear else None
        unconfirmed_end = self._note_list_end(value, done)
        # So must a "no" that could keep a rule off ("below the knee?" while numbness in both legs is possible).
        unconfirmed_no = value == "no" and self.by_voice and not one.no_heard and self._option_keeps_a_rule_off()
        one.no_heard = one.no_heard or unconfirmed_no
        value = None if unconfirmed_end or unconfirmed_no else value
        self._log(one.question, heard, value, option)
        if unconfirmed_no:
            self._say(self.phrases["to_be_sure"])
            self._emit_ask(self.current_ask)
            return
        if unconfirmed_end or (value is None and not one.missed):
            one.missed = True
            # A first "that's all" was understood: asking for it again, not "Sorry, I didn't catch that".
            self._say(self.phrases["list_end_again"] if unconfirmed_end else self._sorry(heard))
            self._emit_ask(self.current_ask)
            return
        self._take_option(option, value, done)

    def _note_list_end(self: Dialog, value: Any, done: bool) -> bool:
        """Count "that's all"; True when this one is the first heard by voice, to be heard again before it counts.

        Ending a list must be heard twice: at 10 dB a "yes" was heard as "no others" at confidence 1.0 and
        emptied p-s3's location list, and at 0.94 cut p-g2's after its first place (scripts/bench_spoken.py
        traces); the places cut off (back of the thigh, below the knee) are what some rules look for. A miss
        between the two does not undo the first: at 10 dB "that's all" is understood about two times in five,
        so "twice in a row" rarely came and each later option was asked about twice more.
        """
        one = self.one
        unconfirmed_end = value == "done" and self.by_voice and not one.end_heard
        if value not in (None, "done"):  # another answer understood: the person was not done after all
            one.skipped += one.skipped_after_end
            one.end_heard, one.skipped_after_end = False, []
        elif done and not unconfirmed_end:  # the second "that's all": what was missed since the first is a no
            one.skipped_after_end = []
        one.end_heard = one.end_heard or unconfirmed_end
        return unconfirmed_end

    def _take_option(self: Dialog, option: Option, value: Any, done: bool) -> None:
        """Yes adds the option, no or a second miss passes it; then the next option, or the list is finished."""
        one = self.one
        if value is None:
            (one.skipped_after_end if one.end_heard else one.skipped).append(option.id)
        one.remaining = [] if done else one.remaining[1:]
        one.missed, one.no_heard = False, False
        one.understood = one.understood or value is not None
        if value == "yes":
            one.chosen.append(option.id)
            if one.single:
                one.remaining = []
        if one.remaining:
            self._ask_option()
        else:
            self._finish_one_by_one()

    def _option_keeps_a_rule_off(self: Dialog, option_id: str | None = None) -> bool:
        """Whether leaving an option (the current one) out could keep a rule off that naming it would leave possible."""
        one = self.one
        option_id = option_id or one.remaining[0].id
        if one.single:  # "no" leaves the other options (or "other"); "yes" would be this one
            others = [option.id for option in one.question.options if option.id != option_id]
            return blocks_a_rule(self.content, self.answers, one.question.id, [*others, "other"], [option_id])
        return blocks_a_rule(self.content, self.answers, one.question.id, [one.chosen], [[*one.chosen, option_id]])

    def _finish_one_by_one(self: Dialog) -> None:
        """Record the options said yes to ("unknown" if no option was understood at all) and move on.

        An option never understood counts as not said; where it could have kept a rule off, the list is marked
        partly unclear, which keeps the outcome at least at the [unclear_answers] level. A single answer is the
        option said yes to, "other" when every option was a clear no, and "unknown" when one was missed.
        """
        one = self.one
        missed = one.skipped + one.skipped_after_end
        if one.single:
            value = one.chosen[0] if one.chosen else "unknown" if missed or not one.understood else "other"
            self._settle_sub_dialog(one.question, value)
            return
        unclear = one.understood and any(self._option_keeps_a_rule_off(option) for option in missed)
        self._settle_sub_dialog(one.question, one.chosen if one.understood else "unknown", unclear)

    def _settle_sub_dialog(self: Dialog, question: Question, value: Any, unclear: bool = False) -> None:
        """End a one-at-a-time or step-by-step sub-dialog: say what was noted, record it, and move on."""
        self.one = None
        if value == "unknown":
            self._say(self.phrases["give_up_symptom"])
        else:
            self._say(self.phrases["one_by_one_done"].format(answer=reporting.answer_text(self.content, question, value)))
        self._record(question, value)
        if unclear:
            self.partly_unclear.add(question.id)
        self.answered()
