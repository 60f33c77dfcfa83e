"""Run one dialog with a listener and a speaker until it ends, journaling every answer first."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

from .dialog import Dialog
from .events import Ask, End, Event, Heard, Listener, Say, Speaker
from .journal import Journal

log = logging.getLogger(__name__)


class Interrupted(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM): like Ctrl-C, also when it comes before the session starts."""


@dataclass
class Channels:
    """The current listener and speaker, with typed ones to fall back on if a device fails."""

    listener: Listener
    speaker: Speaker
    fallback_listener: Listener | None = None
    fallback_speaker: Speaker | None = None
    phrases: dict[str, Any] = field(default_factory=dict)  # what to say when a device fails; run() fills it
    fell_back: bool = False  # voice input failed: answers are typed from now on
    input_error: Exception | None = None  # why input failed with nothing to fall back to (the session then ended)

    def emit(self, event: Event) -> None:
        """Speak or print; if the speaker breaks, continue on the fallback (captions)."""
        try:
            self.speaker.emit(event)
        except (KeyboardInterrupt, Interrupted, BrokenPipeError):
            raise
        except Exception as error:
            if self.fallback_speaker is None or self.speaker is self.fallback_speaker:
                raise
            log.warning("speaker failed (%s); falling back to text", error)
            log.debug("speaker failure", exc_info=True)  # --debug: the cause, should it be a bug
            self.speaker = self.fallback_speaker
            self.speaker.emit(Say(self.phrases["speech_lost"]))
            self.speaker.emit(event)

    def listen(self, ask: Ask) -> Heard | None:
        """Hear an answer; if the microphone or recognizer breaks, switch to typed answers (prompts still spoken)."""
        try:
            return self._typed(self.listener.listen(ask))
        except (KeyboardInterrupt, Interrupted):
            raise
        except Exception as error:
            log.debug("listener failure", exc_info=True)  # --debug: the cause, should it be a bug
            if self.fallback_listener is None or self.listener is self.fallback_listener:
                # Nothing to fall back to: end like end of input, so the report of what was gathered is made.
                log.warning("input failed (%s); ending the session with the answers so far", error)
                self.input_error = error
                return None
            log.warning("listener failed (%s); falling back to typed input", error)
            self.listener, self.fell_back = self.fallback_listener, True
            # The speaker carries on: someone who relies on hearing the prompts must hear that voice input
            # stopped, and still hear the questions (captions go on too).
            self.emit(Say(self.phrases["voice_lost"]))
            self.emit(ask)
            return self._typed(self.listener.listen(ask))

    def _typed(self, heard: Heard | None) -> Heard | None:
        """After a fallback, answers are typed: as sure as typed mode, so a spoken dialog does not read them back."""
        return replace(heard, typed=True) if heard is not None and self.fell_back else heard


def run(dialog: Dialog, channels: Channels, journal: Journal | None = None,
        first_events: list[Event] | None = None) -> dict[str, Any]:
    """Drive the dialog to its end and return the report; an interruption still yields a report."""
    journal = journal or Journal(None)
    channels.phrases = channels.phrases or dialog.phrases
    events = dialog.start() if first_events is None else first_events
    try:
        while True:
            for event in events:
                channels.emit(event)
            if dialog.finished:
                break
            ask = last_ask(events)
            heard = channels.listen(ask) if ask else None
            if heard is None:
                events = dialog.end_of_input()
                continue
            journal.heard(heard, ask.question)
            events = dialog.hear(heard)
    except (Interrupted, KeyboardInterrupt):
        log.info("interrupted; ending with what was gathered")
        for event in dialog.end_of_input("interrupted"):
            channels.emit(event)
    finally:
        journal.close(dialog.ended_by, dialog.stop_answers)
    return dialog.report


def last_ask(events: list[Event]) -> Ask | None:
    """The question to hear an answer to: the last Ask among the events, if any."""
    return next((e for e in reversed(events) if isinstance(e, Ask)), None)


def resume_events(dialog: Dialog, welcome_back: str) -> list[Event]:
    """What to say when a replayed dialog continues: a short welcome and the pending question."""
    if dialog.finished:
        return [End(welcome_back, dialog.report)]
    if dialog.state == "confirming" and dialog.pending is not None and dialog.pending[0].text:
        # "I heard yes. Is that right?" alone does not say which question it was
        return [Say(welcome_back), Say(dialog.pending[0].text), dialog.current_ask]
    return [Say(welcome_back), dialog.current_ask]
