"""VoiceSpeaker: speaks prompts and forwards every event to a caption speaker."""
from __future__ import annotations

import logging
from collections.abc import Callable

from voice_triage.events import Adjust, Ask, End, Event, Say, Speaker
from voice_triage.voice.tts import SpeechFailed, Tts

log = logging.getLogger(__name__)


class VoiceSpeaker:
    """Captions first (they never fail), then speech; on a speech failure, captions carry on alone."""

    def __init__(self, captions: Speaker, tts: Tts | None,
                 on_speaking: Callable[[bool], None] | None = None,
                 on_adjust: Callable[[Adjust], None] | None = None) -> None:
        self.captions = captions
        self.tts = tts
        self._on_speaking = on_speaking or (lambda speaking: None)  # half duplex: mute the microphone
        self._on_adjust = on_adjust or (lambda event: None)  # e.g. the listener's "give me more time"

    def speaks_aloud(self) -> bool:
        """Whether prompts are spoken (not with --no-speak, nor after the speech engine failed)."""
        return self.tts is not None

    def emit(self, event: Event) -> None:
        """Caption the event, then act on it: speak text, or change the rate or pause."""
        self.captions.emit(event)
        if isinstance(event, Adjust):
            self._adjust(event)
        elif isinstance(event, (Say, Ask, End)):
            self._speak(event.text)

    def _adjust(self, event: Adjust) -> None:
        """Rate changes go to the speech engine; everything is passed on to the listener."""
        if event.setting == "rate" and self.tts is not None:
            rate = self.tts.faster() if event.step > 0 else self.tts.slower()
            log.info("speaking rate now %d words per minute", rate)
        self._on_adjust(event)

    def _speak(self, text: str) -> None:
        """Speak with the microphone muted; drop to captions only after a failure."""
        if self.tts is None or not text.strip():
            return
        self._on_speaking(True)
        try:
            self.tts.speak(text)
        except SpeechFailed as e:
            log.warning("%s; continuing with captions only", e)
            self.tts = None
        finally:
            self._on_speaking(False)
