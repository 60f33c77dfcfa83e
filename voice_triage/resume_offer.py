"""The question asked before a new session when the last one was left unfinished: carry on with it, or start afresh.

By voice this is the only way to carry on without typing a command. Like `Dialog`, it does no I/O: it takes what
was heard and returns what to say or ask.
"""
from __future__ import annotations

from typing import Any

from .content import Content, Question, typed_wording
from .events import Adjust, Ask, Event, Heard, Say
from .thresholds import MIN_CONFIDENCE
from .understand import Interpreter, reask_vocabulary

QUESTION_ID = "resume_offer"
RESUME, NEW, QUIT = "resume", "new", "quit"  # the decisions
TRIES = 2  # unclear this many times: a new session, which asks every question again
# "Carry on" is the control "continue", and "start again" the control "restart": here they answer the offer
CONTROL_ANSWERS = {"continue": "yes", "restart": "no"}


class ResumeOffer:
    """Offer the unfinished session started at `started` (in words); `decision` is set once the answer is known."""

    def __init__(self, content: Content, started: str, spoken: bool) -> None:
        self.interpreter = Interpreter(content)
        self.phrases: dict[str, Any] = content.phrases if spoken else typed_wording(content.phrases)
        self.spoken = spoken
        self.started = started
        self.yes_no = Question(QUESTION_ID, "yesno", "", "")
        self.tries = 0
        self.decision: str | None = None
        # What to listen for: the short answers to a check (vocabulary.toml [reask]) and "carry on", "start again"
        phrases, controls = reask_vocabulary(self.interpreter, "check")
        answering = tuple(self.interpreter.vocab["reask"]["resume_offer"])
        self.listen_for = (tuple(dict.fromkeys(phrases + answering)), controls + answering)

    def start(self) -> list[Event]:
        """The offer, asked."""
        return [self._ask(self.phrases["resume_offer"].format(started=self.started))]

    def hear(self, heard: Heard) -> list[Event]:
        """Take one answer; returns what to say next (after which `decision` may be set)."""
        understanding = self.interpreter.understand(self.yes_no, heard.text)
        clear = heard.typed or not self.spoken or heard.confidence >= MIN_CONFIDENCE
        control = understanding.control
        if control in ("slower", "faster") and self.spoken:
            return [Adjust("rate", -1 if control == "slower" else 1), Say(self.phrases[control]), self._again()]
        if control == "stop":
            self.decision = QUIT
            return [Say(self.phrases["resume_quit"])]
        value = CONTROL_ANSWERS.get(control) if control else understanding.value
        if clear and value in ("yes", "no"):
            self.decision = RESUME if value == "yes" else NEW
            return [] if self.decision == RESUME else [Say(self.phrases["resume_new"])]
        if control is not None:  # repeat, help, go back, more time: the offer again, not counted as a try
            return [self._again()]
        self.tries += 1
        if self.tries >= TRIES:  # a new session asks everything again, warning signs first: nothing is assumed
            self.decision = NEW
            return [Say(self.phrases["resume_unclear"])]
        return [self._again()]

    def _again(self) -> Ask:
        """The offer in its short wording."""
        return self._ask(self.phrases["resume_offer_again"])

    def _ask(self, text: str) -> Ask:
        """The yes/no ask, with what to listen for."""
        phrases, controls = self.listen_for
        return Ask(text, QUESTION_ID, ("yes", "no"), phrases, "yesno", controls)
