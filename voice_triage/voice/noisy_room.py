"""Hearing an answer in a noisy room, the same way for both recognizers: cleaned twice, heard alike twice.

RNNoise (neural_denoise.py) hears more through noise than the classical cleanings (denoise.py), but its
mistakes repeat on the same audio, while the classical cleanings' mistakes differ from its. So in a noisy
room an answer is decoded from RNNoise's cleaning and stands only if log-MMSE or spectral subtraction hears the
same answer (figures in scripts/bench_voice.py notes, for pocketsphinx and for Vosk). Without RNNoise,
spectral subtraction is decoded and log-MMSE must agree. A quiet room is decoded as it is; in a mild room
(speech well above the noise) the answer is decoded as heard and, when RNNoise is installed, stands only if
RNNoise's cleaning agrees.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voice_triage.voice import neural_denoise
from voice_triage.voice.audio import FRAME_SAMPLES, frame_power
from voice_triage.voice.denoise import denoise, log_mmse

DISAGREE_CAP = 0.3  # confidence when the two cleanings hear different answers: the dialog asks again
# Speech this far above the room (loudest fifth of the frames over the quietest fifth; white noise at 30 dB SNR
# reads about 32.6 here, at 20 dB about 22.8) is decoded as heard, with RNNoise's cleaning as the check: there the
# cleanings take away more speech than noise (pocketsphinx at 30 dB, 960 answers: wrong accepted 24 -> 16, wrong
# and sure 15 -> 6, understood 728 -> 738; scripts/bench_rooms.py).
MILD_ROOM_DB = 25.0


class Utterance:
    """One answer's audio as it arrives, with RNNoise cleaning it alongside when asked to."""

    def __init__(self, stream: bool) -> None:
        self._audio = bytearray()
        # Cleaned while the person speaks, so the answer is not kept waiting (about 23 ms per second of audio).
        self._neural = neural_denoise.RNNoiseStream() if stream else None

    def feed(self, pcm: bytes) -> None:
        """Keep the audio (and clean it, when streaming)."""
        self._audio += pcm
        if self._neural is not None:
            self._neural.feed(pcm)

    @property
    def audio(self) -> bytes:
        """Everything heard so far, as it was heard."""
        return bytes(self._audio)

    def neural(self) -> bytes:
        """RNNoise's cleaning of the whole utterance: streaming and cleaning it whole give identical audio."""
        return self._neural.finish() if self._neural is not None else neural_denoise.rnnoise(self.audio)


@dataclass(frozen=True)
class Cleanings:
    """A noisy answer: decode `heard`; the answer stands only if one of `checks` decodes to the same answer."""

    heard: bytes
    checks: tuple[bytes, ...]
    fallback: bytes | None = None  # decoded when `heard` leaves no phrase at all (heavy subtraction)


class Room:
    """What a recognizer knows of the room: whether it can clean noisy answers with RNNoise, and whether the last
    answer came from a quiet room."""

    def __init__(self, cleaning: bool = True) -> None:
        self.cleaning = cleaning  # False: every answer is decoded as heard
        self.neural = neural_denoise.available()
        # After a quiet answer RNNoise is not run while the next one is spoken (about 23 ms of CPU per second of
        # audio saved); if that one is noisy after all, it is cleaned whole when it ends.
        self.quiet = False

    def utterance(self) -> Utterance:
        """A new answer's audio, cleaned by RNNoise as it comes unless the room was quiet."""
        return Utterance(stream=self.cleaning and self.neural and not self.quiet)

    def cleanings(self, utterance: Utterance, audio: bytes | None = None) -> Cleanings | None:
        """The cleanings to decode and check a noisy answer with; None in a quiet room (remembered).

        `audio` is the utterance as the decoder should hear it when that differs from what was recorded
        (pocketsphinx adds faint comfort noise); RNNoise always cleans what was recorded.
        """
        audio = utterance.audio if audio is None else audio
        subtracted = denoise(audio) if self.cleaning else audio
        self.quiet = subtracted is audio  # denoise hands back its input untouched in a quiet room
        if self.quiet:
            return None
        if self.neural and speech_over_room_db(utterance.audio) >= MILD_ROOM_DB:
            return Cleanings(audio, (utterance.neural(),))
        if self.neural:
            return Cleanings(utterance.neural(), (log_mmse(audio), subtracted))
        return Cleanings(subtracted, (log_mmse(audio),), fallback=audio)


def speech_over_room_db(pcm: bytes) -> float:
    """A rough signal-to-noise ratio: the loudest fifth of the 10 ms frames over the quietest fifth, in dB."""
    if len(pcm) < 5 * 2 * FRAME_SAMPLES:
        return 0.0  # too short to tell: treated as noisy
    power = np.sort(frame_power(pcm))
    fifth = len(power) // 5
    return float(10 * np.log10(power[-fifth:].mean() / power[:fifth].mean()))
