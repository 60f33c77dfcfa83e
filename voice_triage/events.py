"""Plain data passed between the dialog and its listeners and speakers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Say:
    """Something to speak; nothing is expected back."""

    text: str
    # Said while listening, after which the listener waits for speech with no time limit ("Say continue when you are
    # ready"): a program on the audio pipe must send some. How listening goes on, not what is said: not compared.
    waits: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Ask:
    """A question: speak `text`, then hear one answer.

    `options` are the canonical answers to offer; `vocabulary` is every phrase that can be
    understood here (answers, synonyms and control words) for a grammar-based recognizer;
    `controls` are the control phrases among them, which count only as a whole answer; `carriers` are
    neutral words a spoken sentence answer may wrap around its answer phrases ("mostly in my groin");
    `synonyms` are groups of vocabulary phrases that mean the same answer ("no", "nope", "not really").
    """

    text: str
    question: str
    options: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    kind: str = "yesno"
    controls: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class End:
    """The conversation is over; `report` is the full report dictionary."""

    text: str
    report: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Adjust:
    """A spoken request to change delivery: `setting` is "rate" or "pause", `step` is +1 or -1.

    Speakers and listeners that can honour it do; typed ones ignore it.
    """

    setting: str
    step: int


Event = Say | Ask | End | Adjust


@dataclass(frozen=True)
class Heard:
    """One utterance as understood by a listener (typed text has confidence 1.0)."""

    text: str
    confidence: float = 1.0
    alternatives: tuple[str, ...] = ()
    rivals: tuple[str, ...] = ()  # answers of another meaning that fit the sounds as well (recognizers.Recognition)
    typed: bool = False  # typed at the keyboard during a spoken session: as sure as typed mode, never read back
    too_long: bool = False  # spoken past the maximum length without a pause: not decoded, asked again


class Listener(Protocol):
    """Hears one answer to a question; returns None when input has ended for good."""

    def listen(self, ask: Ask) -> Heard | None: ...


class Speaker(Protocol):
    """Delivers one dialog event to the person (speech, caption, JSON line...)."""

    def emit(self, event: Event) -> None: ...
