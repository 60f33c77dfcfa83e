"""The triage conversation as a state machine. No I/O: it takes heard text and returns events."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from transitions import Machine

from . import report as reporting
from .advice import compose
from .assessment import assess, blocks_a_rule, may_hold, red_flag_findings, rule_findings, unheard_finding
from .content import Content, Option, Question, typed_wording
from .events import Adjust, Ask, End, Event, Heard, Say
from .one_by_one import OneByOne, OptionByOption
from .steps import StepByStep, Stepping, either_side_of_a_line
from .thresholds import MAX_SPOKEN_CONTROLS, MAX_SPOKEN_UNDO, MAX_TRIES, MIN_CONFIDENCE, SURE_NO
from .understand import NOT_UNDERSTOOD, YESNO_VALUES, Interpreter, Understanding, reask_vocabulary, vocabulary

log = logging.getLogger(__name__)

ACTIVE = ["red_flags", "confirming", "symptoms", "one_by_one"]
STATES = ["welcome", "red_flags", "confirming", "symptoms", "one_by_one", "emergency", "advice", "ended"]

# First matching row wins. Red flags first is enforced here: `symptoms` is only entered
# `unless` a red-flag question is still pending.
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "begin", "source": "welcome", "dest": "red_flags"},
    {"trigger": "answered", "source": ["red_flags", "symptoms", "one_by_one"], "dest": "confirming",
     "conditions": "needs_confirmation"},
    {"trigger": "answered", "source": ACTIVE, "dest": "emergency", "conditions": "emergency_found"},
    {"trigger": "answered", "source": ACTIVE, "dest": "red_flags", "conditions": "red_flag_pending"},
    {"trigger": "answered", "source": ACTIVE, "dest": "symptoms", "conditions": "symptom_pending",
     "unless": "red_flag_pending"},
    {"trigger": "answered", "source": ACTIVE, "dest": "advice", "unless": "red_flag_pending"},
    {"trigger": "take_one_by_one", "source": "symptoms", "dest": "one_by_one"},
    {"trigger": "went_back", "source": [*ACTIVE, "emergency"], "dest": "red_flags", "conditions": "red_flag_pending"},
    {"trigger": "went_back", "source": [*ACTIVE, "emergency"], "dest": "symptoms", "unless": "red_flag_pending"},
    {"trigger": "restarted", "source": ACTIVE, "dest": "red_flags"},
    {"trigger": "advised", "source": ["advice", "emergency"], "dest": "ended"},
    {"trigger": "stopped", "source": ["welcome", *ACTIVE, "emergency", "advice"], "dest": "ended"},
]

EMERGENCY_REPEAT = "emergency_repeat"
# Spoken answers read back before they count: "forty" and "fourteen" are easily confused, and answers heard
# through a spotting grammar (places, durations, what makes it worse) are the least reliable by voice
# (docs/benchmarks-voice.md: places 86% and durations 94% understood clean, 15% and 26% at 10 dB). How it started
# ("free") names a likely source's reason: on clean speech "after a long hill walk" was heard as "after long
# journey", a strain read as sitting (scripts/bench_spoken.py, p-s2). "other" (no option named) is not read back.
CONFIRMED_KINDS = ("number", "duration", "multi", "free")
# A read-back of one of these kinds whose check was unclear twice stands when both hearings gave the same answer
# (as a red-flag "no" heard twice does): in the 10 dB benchmark "the right side" was heard as "right" three times
# and every "yep" to the read-back missed, so the side ended "not understood". Not for numbers and durations:
# "forty" was heard as "fourteen" twice in a row (p-g2), so those still need a clear "yes".
AGREEING_KINDS = ("choice", "free")
# The pending "answer" while a spoken stop is checked: in the noisy-room benchmark (scripts/bench_spoken.py)
# noise heard as "that's enough" once ended a public emergency case at gp.
STOP = "stop"
# ... and while a "start over" is checked: it clears every answer, so it is asked first, typed too.
RESTART = "restart"
# The ask ids of those checks (JSONL `question`): a check of an answer is `confirm:<question id>`, but these check no
# answer, so a program reading `confirm:rf_bladder` must not take them for one.
CHECK_IDS = {STOP: "confirm_stop", RESTART: "confirm_restart"}
STOPPED_SECTIONS = ("now", "seek_help", "disclaimer")  # the advice said, and reported, when a session stops early


class Dialog(OptionByOption, StepByStep):
    """One triage conversation. Call `start()`, then `hear()` with each answer; both return events."""

    def __init__(self, content: Content, *, spoken: bool = False,
                 today: dt.date | None = None, now: dt.datetime | None = None) -> None:
        self.content = content
        self.typed_phrases = typed_wording(content.phrases)
        self.interpreter = Interpreter(content, today)
        self.spoken = spoken  # answers come from speech recognition: confirm the high-stakes ones
        self.can_type = False  # a keyboard works too during this spoken session: the noise tip says so
        # Whether the answers are being saved where --resume finds them (set by the caller): a stop then says so.
        self.keeps_answers: Callable[[], bool] = lambda: False
        # Answers heard so far (replayed ones too, not reset by "start over"), and how many came before the "stop"
        # that ended the session: the journal leaves the stop and its check out of a resume (`stop_answers`).
        self.heard_count = 0
        self.stop_asked_at = 0
        # Whether prompts are heard aloud now: not with --no-speak, nor once the speech engine failed (set by the caller).
        self.speaks_aloud: Callable[[], bool] = lambda: self.spoken
        self.by_voice = spoken  # the answer being handled was heard, not typed
        self.offers_resume = False  # a person starts the next session, which offers to carry on this one
        self.yes_no = Question("confirm", "yesno", "", "")
        self.controls = tuple(self.interpreter.spoken_controls)  # what a recognizer listens for
        self.list_done = tuple(content.vocabulary["list_done"]["phrases"])  # "that's all", one option at a time
        self.option_vocabulary = vocabulary(self.interpreter, self.yes_no) + self.list_done
        self.created = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
        self.outbox: list[Event] = []
        self.hinted_noise = False  # the "move closer to the microphone" tip is given once per conversation
        # Spoken controls heard per asked question id, and per control over the conversation; both kept through
        # "start over", which noise can say too.
        self.spoken_controls: dict[str, int] = {}
        self.spoken_control_totals: dict[str, int] = {}
        self.restart_was_spoken = False  # the "start over" being checked was heard, not typed
        self._reset()
        self.machine = Machine(model=self, states=STATES, transitions=TRANSITIONS, initial="welcome",
                               auto_transitions=False)

    @property
    def phrases(self) -> dict[str, Any]:
        """The words of the conversation: as spoken, or with each phrase's typed twin when answers are typed (a
        resumed session may change between the two)."""
        return self.content.phrases if self.spoken else self.typed_phrases

    def _reset(self) -> None:
        """Forget every answer (also used by "start over")."""
        self.answers: dict[str, Any] = {}
        self.history: list[str] = []
        self.transcript: list[dict[str, Any]] = []
        self.taken_back: list[dict[str, Any]] = []  # answers undone with "go back", for the clinician summary
        self.current: Question | None = None
        self.current_ask: Ask | None = None
        self.tries = 0
        self.pending: tuple[Question, Any] | None = None
        self.rechecked = False  # the pending answer's check was unclear once and has been asked again
        self.doubted: set[str] = set()  # red flags whose unsure "no" could not be confirmed once already
        # Pending answers kept only on a clear "yes" to their check: an emergency "yes" heard faintly, or an answer
        # heard the same as one just taken back with "go back".
        self.clear_yes_only: set[str] = set()
        self.unchecked: dict[str, Any] = {}  # read-back answers whose check was unclear, by question id
        self.partly_unclear: set[str] = set()  # lists with a part never understood that a rule looks for
        self.one: OneByOne | Stepping | None = None  # a question asked option by option or step by step (voice)
        self.said_back = False  # the last answer was just said back: "that's wrong" may follow (vocabulary.toml)
        self.ended_by = ""
        self.report: dict[str, Any] = {}

    # ------------------------------------------------------------------ public API
    def start(self) -> list[Event]:
        """Greet and ask the first red-flag question."""
        self._say(*self.phrases["welcome"])
        if self.spoken:
            self._say(self.phrases["welcome_spoken"])
        self.begin()
        return self._drain()

    def hear(self, heard: Heard | str) -> list[Event]:
        """Take one answer to the current question and return what to say or ask next."""
        heard = Heard(heard) if isinstance(heard, str) else heard
        self.by_voice = self.spoken and not heard.typed
        after_said_back, self.said_back = self.said_back, False
        if self.state == "ended":
            return []
        self.heard_count += 1
        if self.state == "emergency":
            self._hear_emergency(heard)
        elif self.state == "confirming":
            self._hear_confirmation(heard)
        elif self.state == "one_by_one":
            self._hear_step(heard) if isinstance(self.one, Stepping) else self._hear_option(heard)
        else:
            self._hear_answer(heard, after_said_back)
        return self._drain()

    def end_of_input(self, how: str = "end_of_input") -> list[Event]:
        """Input ended for good (or the process was interrupted): end like "stop", keeping the answers."""
        if self.state != "ended":
            self._stop(how)
        return self._drain()

    @property
    def finished(self) -> bool:
        """True once the End event has been produced."""
        return self.state == "ended"

    @property
    def stop_answers(self) -> int:
        """How many of the last answers asked to stop (the "stop" and its check), when "stop" ended the session."""
        return self.heard_count - self.stop_asked_at if self.ended_by == "stopped" else 0

    # ------------------------------------------------------------------ conditions (named in TRANSITIONS)
    def needs_confirmation(self) -> bool:
        """Spoken: an emergency "yes" or "not sure", an unsure red-flag "no", a read-back answer or a "stop" waits for a
        check; typed too, a "start over" that would clear answers, and an emergency "yes" said in passing."""
        return self.pending is not None

    def emergency_found(self) -> bool:
        """Any clear emergency answer or rule so far (the likely source is not needed here)."""
        findings = red_flag_findings(self.content, self.answers) + rule_findings(self.content, self.answers)
        return any(finding.level == "emergency" for finding in findings)

    def red_flag_pending(self) -> bool:
        """Some red-flag question has not been answered yet."""
        return self._next_red_flag() is not None

    def symptom_pending(self) -> bool:
        """Some symptom question that applies has not been answered yet."""
        return self._next_symptom() is not None

    # ------------------------------------------------------------------ state entry: asking
    def on_enter_red_flags(self) -> None:
        """Ask the next red-flag question."""
        self._ask(self._next_red_flag())

    def on_enter_symptoms(self) -> None:
        """Ask the next symptom question that applies (option by option if its answer was missed twice)."""
        question = self._next_symptom()
        if self._one_by_one_due(question):
            self.current = question
            self.take_one_by_one()
        else:
            self._ask(question)

    def on_enter_confirming(self) -> None:
        """Check a high-stakes answer once: "I heard yes / no / 40 — is that right?"; typed, "I took that as a yes"."""
        question, value = self.pending
        check_id = CHECK_IDS.get(value) if isinstance(value, str) else None  # a list answer cannot be looked up
        if check_id:
            text = self.phrases[check_id]
        elif question.is_red_flag:
            text = self.phrases["confirm_read_yes" if value == "yes" and not self.by_voice else f"confirm_{value}"]
        else:
            text = self.phrases["confirm_value"].format(answer=reporting.answer_text(self.content, question, value))
        # By voice, listen for the short answers to "Is that right?" (vocabulary.toml [reask]); typed, only a
        # "start over" is checked.
        phrases, controls = reask_vocabulary(self.interpreter, "check")
        self._emit_ask(Ask(text, check_id or f"confirm:{question.id}", ("yes", "no"), phrases, "yesno", controls))

    def on_enter_emergency(self) -> None:
        """Say what to do now, then offer to repeat it."""
        self._finish_assessment("emergency")
        self._speak_advice()
        self._offer_emergency_repeat()

    def on_enter_advice(self) -> None:
        """Speak the assessment and advice, then end."""
        self._finish_assessment("finished")
        self._say(self.phrases["advice_intro"])
        self._speak_advice()
        self.advised()

    def on_enter_ended(self) -> None:
        """Hand over the report."""
        closing = {"finished": "goodbye", "emergency": "emergency_end"}.get(self.ended_by, "stopped_end")
        self.outbox.append(End(self.phrases[closing], self.report))

    # ------------------------------------------------------------------ hearing
    def _hear_answer(self, heard: Heard, after_said_back: bool = False) -> None:
        """Controls first (right after an answer was said back, "that's wrong" is "go back"), then the answer."""
        understanding = self.interpreter.understand(self.current, heard.text)
        correction = self.interpreter.correction(heard.text) if after_said_back and self.by_voice else None
        if control := self._taken_control(correction or understanding.control, heard):
            self._control(control)
        elif self._faint_but_worth_checking(understanding.value, heard):
            self._accept(self.current, self._with_parts_named_before(understanding.value), heard)
        elif heard.confidence < MIN_CONFIDENCE or understanding.value is None:
            self._not_understood(heard, understanding.clarify if heard.confidence >= MIN_CONFIDENCE else None)
        else:
            self._accept(self.current, self._with_parts_named_before(understanding.value), heard)

    def _with_parts_named_before(self, value: Any) -> Any:
        """A list answered after "which part?" with what the vague answer named clearly: "both hips and my back",
        asked which part of the hips, then "the groin" is the groin and the lower back (the back was lost); "none"
        adds nothing to them ("groin and my knee", asked whether it goes below the knee)."""
        question = self.current
        if question.kind != "multi" or not isinstance(value, list):
            return value
        named = [option for heard in self._vague_before(question, self.transcript)
                 for option in self.interpreter.options_named(question, heard.text)]
        return value + [option for option in dict.fromkeys(named) if option not in value]

    def _taken_control(self, control: str | None, heard: Heard) -> str | None:
        """The control to act on. By voice, a control heard faintly is a miss, and so is any beyond the first
        few on one question: noise heard as "what" (repeat) or "previous" (go back) otherwise re-asks for ever,
        since a control is not a try (scripts/bench_spoken.py, p-g4 at 10 dB: 253 asks of the duration)."""
        if control is None or not self.by_voice:
            return control
        if heard.confidence < MIN_CONFIDENCE:
            return None
        key = self.current_ask.question if self.current_ask is not None else self.state
        if key in CHECK_IDS.values():  # counted per question, as when these checks were asked as confirm:<id>
            key = f"{key}:{self.current.id}"
        count = self.spoken_controls[key] = self.spoken_controls.get(key, 0) + 1
        undone = self.spoken_control_totals[control] = self.spoken_control_totals.get(control, 0) + 1
        if count > MAX_SPOKEN_CONTROLS or undone > MAX_SPOKEN_UNDO.get(control, undone):
            return None
        return control

    def _faint_but_worth_checking(self, value: Any, heard: Heard) -> bool:
        """A spoken answer heard too faintly to take, but checked rather than dropped: a "yes" to an emergency
        sign, a "no" to any sign, or an answer that is read back anyway (age, duration, lists, how it started).

        Each stands only on a clear "yes" to "I heard ... Is that right?". In the 10 dB benchmark a cauda
        equina "yes" heard faintly was asked again until never understood, and the case ended one level too low
        (scripts/bench_spoken.py, p-e1); at 20 dB a "nope" heard three times just under the line left a sign
        "not understood", and a gp case ended at "see a doctor today" (p-g1). Read-back answers heard faintly
        are right about half the time at 20 dB (places and durations: 110 of 234), and an age missed three
        times kept a self-care case at "see a GP" (p-s2).
        """
        question = self.current
        if not (self.spoken and 0.0 < heard.confidence < MIN_CONFIDENCE) or value is None:
            return False
        if question.kind in CONFIRMED_KINDS:
            return value != "other"
        return question.is_red_flag and (value == "no" or (value == "yes" and question.level == "emergency"))

    def _accept(self, question: Question, value: Any, heard: Heard) -> None:
        """Record an understood answer (or hold a high-stakes spoken one for confirmation) and move on."""
        self._log(question, heard, value)
        heard_again = self.by_voice and self._taken_back_before(question, value)
        if heard_again and self.state == "symptoms" and self._has_one_by_one(question):
            self._say(self.phrases["heard_again"])
            self.take_one_by_one()
            return
        if isinstance(value, dict) and "between" in value:  # "in my fifties": asked only what it leaves open
            self._narrow_down(question, tuple(value["between"]), value["text"])
            return
        if within := either_side_of_a_line(question, value):  # "six weeks": more than six, or six or less?
            self._check_the_line(question, within, value)
            return
        if value == "unsure" and question.steps and self.state == "symptoms":
            # "I don't know how long": "more than six weeks?" may still be known, and it is what the rules ask
            self._say(self.phrases["unsure_then_steps"])
            self.take_one_by_one()
            return
        # An emergency sign answered "yes" or "not sure" is read back: in noise "I think so" is heard as
        # "I don't know" (scripts/bench_spoken.py, p-e3 at 10 dB: progressive leg weakness ended at urgent).
        emergency_yes = question.level == "emergency" and value in ("yes", "unsure")
        # A red-flag "no" is checked when not sure, or when another answer fits the sounds as well: in noise
        # "help" was heard as "no" with full confidence (scripts/bench_sure_no.py). Heard "no" a second time after
        # an unclear check: two separate hearings agree, so it stands (unless it is faint: then it is checked again).
        unsure_no = (question.is_red_flag and value == "no" and (heard.confidence < SURE_NO or bool(heard.rivals))
                     and (question.id not in self.doubted or heard.confidence < MIN_CONFIDENCE))
        read_back = question.kind in CONFIRMED_KINDS and value != "other"
        checked_by_voice = self.by_voice and (emergency_yes or unsure_no or read_back or heard_again
                                              or self._keeps_a_rule_off(question, value))
        if checked_by_voice or self._typed_yes_in_passing(question, value, heard):
            # A faint emergency "yes" is checked like a red-flag "no": it stands only on a clear "yes" (read-back
            # answers always do), as does an answer heard again as it was before "go back".
            strict = heard_again or (heard.confidence < MIN_CONFIDENCE and value == "yes")
            (self.clear_yes_only.add if strict else self.clear_yes_only.discard)(question.id)
            self.pending, self.rechecked = (question, value), False
        else:
            self._record(question, value)
            if self.by_voice:
                self._say_noted(question, value)
            else:
                self._take_also(question, heard)
        self.answered()

    def _typed_yes_in_passing(self, question: Question, value: Any, heard: Heard) -> bool:
        """A typed emergency "yes" read only from words like "I had" in a sentence about something else ("I had a cold
        last week" to "Are you unable to stand?" gave the emergency advice): checked once, kept unless clearly "no"."""
        return (not self.by_voice and question.level == "emergency" and value == "yes"
                and self.interpreter.yes_in_passing(question, heard.text))

    def _taken_back_before(self, question: Question, value: Any) -> bool:
        """The answer is one this question had before "go back" undid it: likely heard wrong the same way again.

        In a review at a slow rate (0.6), "left" was heard as "both sides" six times in a row, each said back,
        taken back and heard again, until the go-back limit let the wrong side stand.
        """
        return any(item["question"] == question.id and item["answer"] == value for item in self.taken_back)

    def _take_also(self, question: Question, heard: Heard) -> None:
        """A typed answer that clearly answers a later question too ("my left buttock": the side) answers it, aloud.

        The vague answers just before it count too: "my left hip", asked which part, then "the groin" is the left.
        Only typed: a recognizer hears an answer with the grammar of its own question, which holds no side words.
        """
        said = [heard, *self._vague_before(question, self.transcript[:-1])]  # the last is the answer understood
        for later in self.content.symptoms:
            if question.id not in later.also_from or later.id in self.answers:
                continue
            if not all(may_hold(c, self.answers) for c in later.ask_if):
                continue  # not a question for this person: tingling "no" says nothing of one leg or both
            found = [(value, words) for words in said if (value := self._also_value(later, words)) is not None]
            # Answers that disagree ("my left hip", then "the groin on the right") leave the question to be asked.
            if found and all(value == found[0][0] for value, _ in found):
                value, words = found[0]
                self._log(later, words, value)
                self._record(later, value)
                self._say(self.phrases["also_noted"].format(
                    sign=later.sign, answer=reporting.answer_text(self.content, later, value)))

    def _also_value(self, later: Question, heard: Heard) -> Any:
        """What a typed answer to an earlier question clearly says to `later`; None when nothing clear."""
        got = self.interpreter.understand(later, heard.text)
        return got.value if got.control is None and got.value not in (NOT_UNDERSTOOD, "unsure", "other") else None

    def _vague_before(self, question: Question, transcript: list[dict[str, Any]]) -> list[Heard]:
        """The answers to `question` asked which part ("my left hip") at the end of `transcript`, latest first."""
        vague = []
        for entry in reversed(transcript):
            if entry["question"] != question.id or entry["understood"] is not None:
                break
            heard = Heard(entry["heard"], entry["confidence"])
            if heard.confidence >= MIN_CONFIDENCE and self.interpreter.understand(question, heard.text).clarify:
                vague.append(heard)
        return vague

    def _say_noted(self, question: Question, value: Any) -> None:
        """Say back a spoken answer taken without a check, so that a mishearing can be undone with "go back".

        Confidence cannot catch a sure mishearing: pocketsphinx hears "banana pudding" as a red-flag "no" with
        confidence 1.0 (tests/voice/test_said_back_by_voice.py), and it rejects only 37 to 70% of off-topic talk
        (docs/benchmarks-voice.md). Answers checked with "Is that right?" are not said back again.
        """
        self._say(self.phrases["noted"].format(answer=reporting.answer_text(self.content, question, value)))
        self.said_back = True

    def _keeps_a_rule_off(self, question: Question, value: Any) -> bool:
        """A symptom answer (not read back anyway) that is all that keeps a more urgent rule from applying.

        In the 10 dB benchmark a tingling "yes" heard as "nope" with confidence 0.9 took a case with tingling
        down one leg from "book an appointment" to self-care (scripts/bench_spoken.py, p-g2): confidence alone
        cannot catch a sure mishearing, so by voice such an answer is read back whatever its confidence.
        """
        if question.is_red_flag or question.kind in CONFIRMED_KINDS:
            return False
        values = YESNO_VALUES if question.kind == "yesno" else tuple(option.id for option in question.options)
        return blocks_a_rule(self.content, self.answers, question.id, [value], [v for v in values if v != value])

    def _record(self, question: Question, value: Any) -> None:
        """Store an answer and remember the order for "go back"."""
        self.answers[question.id] = value
        self.partly_unclear.discard(question.id)
        self.unchecked.pop(question.id, None)
        self.history.append(question.id)
        self.tries = 0

    def _hear_confirmation(self, heard: Heard) -> None:
        """Keep or drop the answer being checked; when unsure, take the safe side.

        A "yes" or "not sure" to an emergency flag is kept unless the person clearly says no. A red-flag "no" is
        kept only on a clear yes; otherwise the question is asked again, and after repeated tries the answer
        counts as "not sure", which is triaged as a possible yes. A read-back answer (age, duration, list, how it
        started) has no safe side, so it too stands only on a clear yes: kept on an unclear check, an age of 42
        misheard as 5 made a gp case urgent (scripts/bench_spoken.py, p-g2 at 20 dB); a side or how it started
        stands also when heard the same twice and neither check was a clear "no" (AGREEING_KINDS). Such a check
        heard unclearly is asked once more before the question itself (`_check_again`). A spoken
        "stop" ends the conversation only on a clear yes (or "stop" again), and "start over" clears the answers only
        on a clear yes; otherwise the question is asked again.
        """
        understanding = self.interpreter.understand(self.yes_no, heard.text)
        said_no = understanding.value == "no" and heard.confidence >= MIN_CONFIDENCE  # the word, not "go back"
        control = self._taken_control(understanding.control, heard)
        if control == "back" or self.interpreter.correction(heard.text):
            # "go back" or "that's wrong" to "Is that right?" is its "no": the question is asked again.
            understanding, control = Understanding(value="no"), None
        if self._control_while_checking(control):
            return
        (question, value), self.pending = self.pending, None
        self._log(question, heard, f"confirm:{understanding.value}")
        clear = heard.confidence >= MIN_CONFIDENCE
        clear_yes = understanding.value == "yes" and clear
        if value == STOP:
            if clear_yes:
                self._stop("stopped")
                return
            self._say(self.phrases["not_stopping"])
        elif value == RESTART:
            if clear_yes:
                self._restart()
                return
            if said_no and self.restart_was_spoken:  # a person who changed their mind may still start over later
                self.spoken_control_totals[RESTART] -= 1
            self._say(self.phrases["not_restarting"])  # the answers are kept
        elif question.is_red_flag and value == "no":
            if clear_yes:
                self._record(question, value)
            else:
                self._doubt_red_flag_no(question)
        elif self._needs_clear_yes(question, value) and not clear_yes:
            unclear_check = not clear or understanding.value not in ("no", "unsure")
            if not self._not_confirmed(question, value, heard, unclear_check):
                return
        elif understanding.value == "no" and clear:
            self._read_back_rejected(question)
        else:
            self._record(question, value)
        self.answered()

    def _control_while_checking(self, control: str | None) -> bool:
        """A control said to "Is that right?"; True when it was handled there (the check is asked again, or stop)."""
        if control in ("slower", "faster"):
            self._change_rate(control)
        if control == "help":
            self._say(self.phrases["help_check"])
        if control in ("repeat", "help", "slower", "faster", "more_time", "continue"):
            self._emit_ask(self.current_ask)
            return True
        if control == "stop":
            if self.pending[1] != STOP:  # not the "stop" again that confirms one
                self._note_stop_asked()
            if self.pending[1] == STOP or not self.by_voice:
                self._stop("stopped")  # "stop" again while checking a stop, or a typed stop: it ends
            else:
                self._check_stop_instead()
            return True
        return False

    def _needs_clear_yes(self, question: Question, value: Any) -> bool:
        """A faint "yes", an answer heard again after "go back", a read-back, or an answer that keeps a rule off stands
        only on a clear "yes" to its check."""
        return (question.id in self.clear_yes_only or question.kind in CONFIRMED_KINDS
                or self._keeps_a_rule_off(question, value))

    def _not_confirmed(self, question: Question, value: Any, heard: Heard, unclear_check: bool) -> bool:
        """An answer whose check was not a clear "yes"; False while the check itself is asked once more.

        It stands when heard the same again with an unclear check (AGREEING_KINDS); an unclear check is asked
        once more; otherwise the question is asked again (a red flag in the end says what to do).
        """
        if unclear_check and question.kind in AGREEING_KINDS and self.unchecked.get(question.id) == value:
            self._record(question, value)
        elif unclear_check and not self.rechecked:
            self._check_again(question, value, heard)
            return False
        else:
            self.clear_yes_only.discard(question.id)
            self.unchecked[question.id] = value if unclear_check else None
            self._read_back_rejected(question)
        return True

    def _check_again(self, question: Question, value: Any, heard: Heard) -> None:
        """An unclear answer to "I heard X. Is that right?": ask that check once more, not the whole question.

        The check is a yes/no answer, heard far more reliably than the answer it checks (docs/benchmarks-voice.md,
        10 dB: yes/no 83%, places 12%, durations 23%). Asking the whole question again instead meant another
        sentence to hear, often heard differently, and after three tries the list was asked option by option.
        """
        self.rechecked = True
        self.pending = (question, value)
        self._say(self._sorry(heard))
        self._emit_ask(self.current_ask)

    def _read_back_rejected(self, question: Question) -> None:
        """No clear "yes" to "I heard X": ask again; after repeated tries move on as if never understood."""
        self.tries += 1
        if self.tries >= MAX_TRIES:
            self._give_up(question)

    def _check_stop_instead(self) -> None:
        """ "Stop" heard while checking another answer: settle that one the safe way, then check the stop.

        In the 10 dB benchmark a "yes" to "I heard no. Is that right?" was heard as a stop word and ended the
        interview at once, with most warning signs unasked (scripts/bench_spoken.py, p-e2).
        """
        self._settle_pending()
        if self.emergency_found():
            self._stop("stopped")  # a kept emergency "yes": the emergency advice is said as it ends
            return
        self.pending = (self.current, STOP)
        self.on_enter_confirming()

    def _doubt_red_flag_no(self, question: Question) -> None:
        """A red-flag "no" that was not confirmed: ask again, or after repeated tries record "not sure"."""
        self.doubted.add(question.id)
        self._read_back_rejected(question)

    def _give_up_red_flag(self, question: Question) -> None:
        """No answer understood after repeated tries: say now what to do if the sign is there; record "unknown"."""
        finding = unheard_finding(self.content, question)
        self._say(f"{self.phrases['give_up_red_flag']} {finding.text}.")
        self._record(question, "unknown")

    def _hear_emergency(self, heard: Heard) -> None:
        """After emergency advice: "yes" / "repeat" repeats it ("slower" / "faster" at the new rate), a typed
        "go back" undoes the answer that led here (a typing slip), anything else ends."""
        understanding = self.interpreter.understand(self.current, heard.text)
        # "Yes" here asks for a repeat, and is limited like one: noise heard as "yes" must not repeat it for ever.
        request = "repeat" if understanding.value == "yes" else understanding.control
        if request == "back" and not self.by_voice:
            # A spoken emergency answer was checked before it counted ("I heard yes. Is that right?"), and noise
            # heard as "go back" must not undo it; a typed one had no check, so one slip must not lock it in.
            self._control_back()
            return
        taken = self._taken_control(request, heard)
        if taken in ("slower", "faster"):  # the advice again at the new rate: "slower" ended the session
            self._change_rate(taken)
        if taken in ("repeat", "back", "help", "slower", "faster"):
            self._speak_advice()
            self._offer_emergency_repeat()
        else:
            self.advised()

    def _not_understood(self, heard: Heard, clarify: str | None = None) -> None:
        """Re-ask with the options, or ask which part a vague answer meant (`clarify`: "my hip"); after repeated
        failures move on conservatively."""
        self.tries += 1
        question = self.current
        if self.tries < MAX_TRIES:
            if heard.text.strip():  # words not understood stay on record ("my foot drags", then "no")
                self._log(question, heard, None)
            if clarify:  # the answer was heard, only too vague: no "sorry", and the parts to choose from
                self._ask(question, text=clarify)
                return
            self._say(self._sorry(heard))
            self._hint_noise()
            if self._one_by_one_due(question):
                self.take_one_by_one()
            else:
                self._ask(question, short=True, with_options=True)
            return
        self._log(question, heard, None)
        self._give_up(question)
        self.answered()

    def _hint_noise(self) -> None:
        """Spoken, a second miss on one question: once, suggest a closer microphone, a quieter place or typing."""
        if self.spoken and self.tries == MAX_TRIES - 1 and not self.hinted_noise:
            self.hinted_noise = True
            self._say(self.phrases["hard_to_hear_typing" if self.can_type else "hard_to_hear"])

    def _give_up(self, question: Question) -> None:
        """No answer after repeated tries: a red flag says what to do now; a symptom is recorded unknown."""
        if question.is_red_flag:
            self._give_up_red_flag(question)
        else:
            self._say(self.phrases["give_up_symptom"])
            self._record(question, "unknown")

    # ------------------------------------------------------------------ controls
    def _control(self, control: str) -> None:
        """Conversation controls that work at every question."""
        handler = getattr(self, f"_control_{control}")
        handler()

    def _control_repeat(self) -> None:
        self._emit_ask(self.current_ask)

    def _control_help(self) -> None:
        """Why this question is asked, what can be said, then the question with its choices."""
        why = self.current.reason_asked
        self._say(*([self.phrases["why_asked"].format(why=why)] if why else []),
                  self.phrases["help" if self.spoken else "help_typed"])
        self._ask_again(with_options=True)

    def _control_continue(self) -> None:
        self._say(self.phrases["continue"])
        self._emit_ask(self.current_ask)

    def _control_slower(self) -> None:
        self._adjust("rate", -1, "slower")

    def _control_faster(self) -> None:
        self._adjust("rate", +1, "faster")

    def _control_more_time(self) -> None:
        self._adjust("pause", +1, "more_time")

    def _control_back(self) -> None:
        """Undo the last answer and ask that question again."""
        if isinstance(self.one, Stepping) and self.one.said:
            pass  # at "more than six weeks?" after "six weeks", that answer (not yet recorded) is the one taken back
        elif not self.history:
            self._say(self.phrases["back_none"])
            self._emit_ask(self.current_ask)
            return
        else:
            last = self.history.pop()
            self._note_taken_back(last)
            self.answers.pop(last, None)
            self.partly_unclear.discard(last)
            self.unchecked.pop(last, None)
        self.tries, self.one = 0, None
        self._say(self.phrases["back_done"])
        self.went_back()

    def _note_taken_back(self, question_id: str) -> None:
        """Keep an answer being undone, with the words it came from: "my foot drags" then "not sure" matters."""
        if question_id not in self.answers:
            return
        # The words of the answer itself, not of its "Is that right?" check (logged as "confirm:yes").
        heard = next((entry["heard"] for entry in reversed(self.transcript)
                      if entry["question"].split(":")[0] == question_id and entry["understood"] is not None
                      and not str(entry["understood"]).startswith("confirm:")), "")
        question = self.content.questions_by_id[question_id]
        self.taken_back.append({"question": question_id, "question_text": question.text,
                                "answer": self.answers[question_id], "heard": heard})

    def _control_restart(self) -> None:
        """Check first, typed too, when there are answers to lose: "start over" clears them all."""
        if not self.answers:
            self._restart()
            return
        self.restart_was_spoken = self.by_voice  # counted against MAX_SPOKEN_UNDO when heard (_taken_control)
        self.pending = (self.current, RESTART)
        self.answered()

    def _restart(self) -> None:
        """Forget everything and begin again with the first red flag."""
        self._reset()
        self._say(self.phrases["restart"])
        self.restarted()

    def _control_stop(self) -> None:
        """Typed "stop" ends at once; a spoken one is checked first (when not already checking something)."""
        self._note_stop_asked()
        if self.by_voice and self.state in ("red_flags", "symptoms", "one_by_one"):
            self.pending = (self.current, STOP)
            self.answered()
        else:
            self._stop("stopped")

    def _note_stop_asked(self) -> None:
        """Remember where a "stop" came: a resume carries on from the question it was said to."""
        self.stop_asked_at = self.heard_count - 1  # the answers before this one

    # ------------------------------------------------------------------ helpers
    def _stop(self, how: str) -> None:
        """End early; the report of what was gathered is still made, and the safe level is said."""
        self._settle_pending()
        if isinstance(self.one, OneByOne) and self.one.chosen:
            self._record(self.one.question, list(self.one.chosen))  # the options said yes to so far
        if self.state not in ("emergency", "advice"):
            self._finish_assessment(how, early=True)
            sections = self.report["advice_sections"]
            self._say(self.phrases["stopped"], *(line for lines in sections.values() for line in lines))
        if how == "stopped" and self.stop_asked_at and self.keeps_answers():  # a session with no answer is not kept
            self._say(self.phrases["stopped_resume" if self.offers_resume else "stopped_resume_command"])
        self.stopped()

    def _adjust(self, setting: str, step: int, phrase: str, ask_again: bool = True) -> None:
        """Change a setting for the rest of the session and say so; then the question again, unless the caller
        has its own next step."""
        if setting == "rate" and not self.speaks_aloud():
            phrase = "speech_only"  # nothing is spoken aloud: "I will speak more slowly" would not be true
        else:
            self.outbox.append(Adjust(setting, step))
        self._say(self.phrases[phrase])
        if ask_again:
            self._ask_again()

    def _change_rate(self, control: str) -> None:
        """ "slower" or "faster" heard where the caller asks its own next question (a check, the emergency advice)."""
        self._adjust("rate", -1 if control == "slower" else +1, control, ask_again=False)

    def _ask_again(self, with_options: bool = False) -> None:
        """The current question again in its short wording (the same option when asking one by one)."""
        if self.state == "one_by_one":
            self._emit_ask(self.current_ask)
        else:
            self._ask(self.current, short=True, with_options=with_options)

    def _next_red_flag(self) -> Question | None:
        return next((q for q in self.content.red_flags if q.id not in self.answers), None)

    def _next_symptom(self) -> Question | None:
        # A question whose condition hangs on an uncertain answer is asked too: when in doubt, ask.
        return next((q for q in self.content.symptoms
                     if q.id not in self.answers and all(may_hold(c, self.answers) for c in q.ask_if)), None)

    def _ask(self, question: Question, short: bool = False, with_options: bool = False, text: str = "") -> None:
        """Ask a question, in full, in its short re-ask wording, or in other words (`text`)."""
        self.current = question
        text = text or (question.reask if short else question.text)
        if with_options:
            text = f"{text} {self._options_phrase(question)}"
        options = tuple(self.interpreter.options_for(question))
        phrases, controls = vocabulary(self.interpreter, question), self.controls
        if self.said_back:  # the recognizer listens for "that's wrong" too, as a whole answer like a control
            corrections = tuple(self.interpreter.corrections)
            phrases, controls = tuple(dict.fromkeys(phrases + corrections)), controls + corrections
        if self.spoken and with_options and question.kind == "yesno":
            # Asked again after a miss: listen for what the re-ask offers (docs/benchmarks-voice.md).
            phrases, controls = reask_vocabulary(self.interpreter)
        self._emit_ask(Ask(text, question.id, options, phrases, question.kind, controls))

    def _options_phrase(self, question: Question) -> str:
        """How to answer this kind of question."""
        if question.kind == "yesno":
            return self.phrases["options_yesno"]
        if question.kind in ("choice", "multi"):
            return self.phrases["options_list"].format(options=", ".join(o.label for o in question.options))
        return self.phrases[f"options_{question.kind}"]

    def _emit_ask(self, ask: Ask) -> None:
        # Checks, steps and single options are yes/no questions of their own, not in questions.toml.
        question = self.content.questions_by_id.get(ask.question, self.yes_no)
        synonyms = self.interpreter.synonyms(question, ask.vocabulary) if self.spoken else ()  # for recognizers
        self.current_ask = replace(ask, carriers=self.interpreter.carriers, synonyms=synonyms)
        self.outbox.append(self.current_ask)

    def _offer_emergency_repeat(self) -> None:
        self.current = Question(EMERGENCY_REPEAT, "yesno", self.phrases["emergency_repeat"],
                                self.phrases["emergency_repeat"])
        self._ask(self.current)

    def _say(self, *lines: str) -> None:
        self.outbox.extend(Say(line) for line in lines)

    def _speak_advice(self) -> None:
        for section in self.report["advice_sections"].values():
            self._say(*section)

    def _settle_pending(self) -> None:
        """Stopping while an answer awaits its check: keep it, unless it is a red-flag "no" (the safe side).

        A spoken emergency "yes" must never be lost because "stop" (or a noise heard as "stop") came next.
        """
        if self.pending is None:
            return
        (question, value), self.pending = self.pending, None
        if value not in (STOP, RESTART) and not (question.is_red_flag and value == "no"):
            self._record(question, value)

    def _finish_assessment(self, how: str, early: bool = False) -> None:
        """Assess what was gathered and build the report (`early`: stopped, so only the advice said then)."""
        self.ended_by = how
        complete = how in ("finished", "emergency")
        result = assess(self.content, self.answers, complete=complete, partly_unclear=bool(self.partly_unclear))
        sections = compose(self.content, result, self.answers)
        if early:  # only what is said on stopping: tips and stretches chosen from half the answers are not
            sections = {name: lines if name in STOPPED_SECTIONS else [] for name, lines in sections.items()}
        self.report = reporting.build(self, result, sections, complete)

    def _sorry(self, heard: Heard) -> str:
        """ "Sorry, I didn't hear an answer" for silence, "didn't catch that" for words not understood, and "too long"
        for an answer spoken past the maximum length."""
        if heard.too_long:
            return self.phrases["too_long"]
        return self.phrases["not_heard"] if not heard.text.strip() else self.phrases["not_understood"]

    def _log(self, question: Question, heard: Heard, value: Any, option: Option | None = None) -> None:
        """One transcript entry; an option asked on its own is logged as `<question>:<option>`."""
        asked = f"{question.id}:{option.id}" if option else question.id
        self.transcript.append({"question": asked, "heard": heard.text, "understood": value,
                                "confidence": round(heard.confidence, 3)})

    def _drain(self) -> list[Event]:
        events, self.outbox = self.outbox, []
        return events


def mermaid() -> str:
    """The state machine as Mermaid text, for clinicians to review the flow."""
    from transitions.extensions import GraphMachine

    class _Model:
        pass

    machine = GraphMachine(model=_Model(), states=STATES, transitions=TRANSITIONS, initial="welcome",
                           auto_transitions=False, graph_engine="mermaid", show_conditions=True,
                           title="voice-triage conversation")
    return machine.model.get_graph().draw(None)
