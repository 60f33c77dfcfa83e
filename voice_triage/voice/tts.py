"""Speech out: the one owner of pyttsx3 (one utterance per runAndWait, stdout kept clean)."""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from voice_triage.settings import RATE_RANGE, RATE_STEP, Settings, within
from voice_triage.voice.errors import VoiceUnavailable

log = logging.getLogger(__name__)

DEFAULT_RATE = Settings.rate  # words per minute; a little slower than pyttsx3's 200, easier for older listeners


class SpeechFailed(RuntimeError):
    """The speech engine failed while speaking; the caller carries on with captions."""


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send anything written to stdout (Python or child processes) to stderr: JSONL on stdout stays clean."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real fd 1 (embedded, some test runners): the Python-level redirect still holds
        saved = None
    if saved is not None:
        os.dup2(2, 1)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)


def has_audio_output() -> bool:
    """Whether ALSA lists a sound card; pyttsx3 plays through aplay and fails silently without one."""
    cards = Path("/proc/asound/cards")
    if cards.exists():
        text = cards.read_text(errors="replace").strip()
        return bool(text) and "no soundcards" not in text
    return sys.platform != "linux"  # other systems play through their own APIs


class Tts:
    """Speaks one text at a time; rate changes stay for the rest of the session."""

    def __init__(self, rate: int | None = None, voice: str | None = None, driver: str | None = None) -> None:
        self.rate = _clamp(rate or DEFAULT_RATE)
        self.driver = driver
        self._engine = _init_engine(driver)  # strong reference: pyttsx3 keeps engines in a weak dict
        with stdout_to_stderr():
            self._engine.setProperty("rate", self.rate)
            if voice:
                self._set_voice(voice)

    def _set_voice(self, voice: str) -> None:
        """Pick a voice by id or by a part of its name or language."""
        wanted = voice.lower()
        for v in self._engine.getProperty("voices") or []:
            names = [str(v.id), str(getattr(v, "name", ""))] + [str(x) for x in getattr(v, "languages", []) or []]
            if any(wanted == n.lower() or wanted in n.lower() for n in names):
                self._engine.setProperty("voice", v.id)
                return
        log.warning("voice %r not found; using the default voice", voice)

    def speak(self, text: str) -> None:
        """Speak and wait until done; raise SpeechFailed if the engine breaks."""
        if not text.strip():
            return  # runAndWait with nothing queued repeats the last text
        try:
            with stdout_to_stderr():
                if self.driver == "dummy":
                    # pyttsx3 2.99's dummy driver runs queued commands at once when idle, so the loop's end
                    # runs before the loop starts and a second runAndWait never returns; queue them instead.
                    self._engine.proxy.setBusy(True)
                self._engine.say(text)
                self._engine.runAndWait()
        except Exception as e:  # any driver error: the session must go on with captions
            raise SpeechFailed(f"speech engine failed: {e}") from e

    def faster(self) -> int:
        """Speak faster from now on; returns the new rate."""
        return self._set_rate(self.rate + RATE_STEP)

    def slower(self) -> int:
        """Speak slower from now on; returns the new rate."""
        return self._set_rate(self.rate - RATE_STEP)

    def _set_rate(self, rate: int) -> int:
        """Apply a clamped rate (getProperty('rate') cannot be trusted, so the rate is kept here)."""
        self.rate = _clamp(rate)
        with stdout_to_stderr():
            self._engine.setProperty("rate", self.rate)
        return self.rate


def voice_lines(language: str = "en", driver: str | None = None) -> list[str]:
    """One line per voice of the speech engine whose id or languages start with `language` ("" for all)."""
    engine = _init_engine(driver)
    with stdout_to_stderr():
        found = engine.getProperty("voices") or []
    lines = []
    for v in found:
        vid = str(v.id)
        langs = [str(x) for x in getattr(v, "languages", []) or []]
        if not language or any(tag.split("/")[-1].lower().startswith(language.lower()) for tag in [vid, *langs]):
            lines.append(f"{vid:<28} {getattr(v, 'name', '') or ''}".rstrip())
    return lines


def _clamp(rate: int) -> int:
    """Keep the rate intelligible."""
    return int(within(rate, RATE_RANGE))


def _init_engine(driver: str | None) -> Any:
    """Start pyttsx3, turning every failure into VoiceUnavailable with what to install."""
    try:
        import pyttsx3
    except ImportError as e:
        raise VoiceUnavailable("the pyttsx3 package is missing; install: pip install 'voice-triage[voice]'") from e
    try:
        with stdout_to_stderr():
            return pyttsx3.init(driver) if driver else pyttsx3.init()
    except Exception as e:  # pyttsx3 raises RuntimeError/OSError/ImportError depending on the driver
        hint = "sudo apt-get install libespeak-ng1 espeak-ng alsa-utils" if sys.platform == "linux" else "a speech engine"
        raise VoiceUnavailable(f"no speech engine ({e}); install: {hint}") from e


def playback_missing() -> str | None:
    """Why spoken prompts cannot be heard here, or None if they can."""
    if sys.platform == "linux" and not shutil.which("aplay"):
        return "aplay is missing, prompts cannot be played; install: sudo apt-get install alsa-utils"
    if not has_audio_output():
        return "no sound card found, prompts are shown as captions only"
    return None
