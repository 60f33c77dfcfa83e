"""`voice-triage mics --test`: listen to the microphone for a few seconds and say whether speech comes through
well, so a carer can set up the hands-free mode before the conversation."""
from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from voice_triage.voice.audio import SAMPLE_RATE, SAMPLE_WIDTH
from voice_triage.voice.endpoint import EndpointConfig, segments
from voice_triage.voice.listener import MUTED_PEAK, peak
from voice_triage.voice.neural_denoise import speech_probability
from voice_triage.voice.noisy_room import MILD_ROOM_DB, speech_over_room_db

# Clear speech: what the recognizers treat as a mild room (about 22 dB SNR in white noise). Below it answers are
# lost more and more often (pocketsphinx, scripts/bench_rooms.py and bench_voice.py: 77 % of answers understood
# at 30 dB SNR, 68 % at 20 dB, 51 % at 10 dB).
CLEAR_DB = MILD_ROOM_DB


@dataclass(frozen=True)
class MicCheck:
    """What a few seconds from the microphone showed."""

    seconds: float
    peak: int  # loudest sample, of 32767
    speech_s: float  # speech found by the endpointer, seconds
    over_room_db: float  # loudest fifth of the frames over the quietest fifth

    @property
    def ok(self) -> bool:
        """Speech came through, clearly above the room."""
        return self.speech_s > 0 and self.over_room_db >= CLEAR_DB

    def verdict(self) -> str:
        """One line: what was heard and what to do about it."""
        if self.peak <= MUTED_PEAK:
            return ("No sound at all came from the microphone: it may be muted or switched off. "
                    "Check its switch and the system's input volume, then test again.")
        if self.speech_s == 0:
            return ("Sound came through, but no speech: speak during the test, closer to the microphone, "
                    "or choose another with --mic.")
        if self.over_room_db < CLEAR_DB:
            return (f"Speech came through, but only {self.over_room_db:.0f} dB above the room: move closer to the "
                    "microphone or somewhere quieter, or answers will often be asked again.")
        if self.peak >= 32000:
            return "Speech came through but too loud (it clips): turn the input volume down a little."
        return f"Speech came through clearly, {self.over_room_db:.0f} dB above the room. The microphone is ready."


def check(chunks: Iterable[bytes], seconds: float = 5.0) -> MicCheck:
    """Listen to `seconds` of 16 kHz audio and judge it."""
    wanted = int(seconds * SAMPLE_RATE * SAMPLE_WIDTH)
    audio = bytearray()
    for chunk in itertools.takewhile(lambda _: len(audio) < wanted, chunks):
        audio += chunk
    pcm = bytes(audio[:wanted])
    config = EndpointConfig(initial_silence_s=None, pause_s=0.6)
    found = segments([pcm], config, speech_probability())  # speech found as the conversation finds it
    speech_s = sum(seg.speech_s for seg in found if seg.reason != "timeout")
    return MicCheck(len(pcm) / (SAMPLE_RATE * SAMPLE_WIDTH), peak(pcm), speech_s, speech_over_room_db(pcm))
