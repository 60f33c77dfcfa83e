"""`voice-triage mics --test`: listen to the room for a moment, then to the person, and say whether speech comes
through well, so a carer can set up the hands-free mode before the conversation."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from voice_triage.voice.audio import SAMPLE_RATE, SAMPLE_WIDTH
from voice_triage.voice.endpoint import FRAME_MS, EndpointConfig, NoiseFloor, frames, segments
from voice_triage.voice.listener import MUTED_PEAK, peak
from voice_triage.voice.neural_denoise import speech_probability
from voice_triage.voice.noisy_room import MILD_ROOM_DB, speech_over_room_db

# Clear speech: what the recognizers treat as a mild room (about 22 dB SNR in white noise). Below it answers are
# lost more and more often (pocketsphinx, scripts/bench_rooms.py and bench_voice.py: 77 % of answers understood
# at 30 dB SNR, 68 % at 20 dB, 51 % at 10 dB).
CLEAR_DB = MILD_ROOM_DB
# The quiet moment before the speech: the same 3 s of background the listener judges a talking room by.
ROOM_S = NoiseFloor.SWING_FRAMES * FRAME_MS / 1000


@dataclass(frozen=True)
class MicCheck:
    """What a few seconds from the microphone showed."""

    seconds: float  # of the speech, after the quiet moment
    peak: int  # loudest sample, of 32767
    speech_s: float  # speech found by the endpointer, seconds
    over_room_db: float  # loudest fifth of the frames over the quietest fifth
    # A speech detector heard a voice in most of the quiet moment: a television, a radio, people talking. Over a
    # television about half the answers are understood even 20 dB below the person (scripts/bench_rooms.py
    # --noise talk --lead-in 16), and the old check called such a room "ready" (it sounded clear by loudness).
    room_talks: bool = False

    @property
    def ok(self) -> bool:
        """Speech came through, clearly above a room that does not talk."""
        return self.speech_s > 0 and self.over_room_db >= CLEAR_DB and not self.room_talks

    def verdict(self) -> str:
        """One line: what was heard and what to do about it."""
        if self.peak <= MUTED_PEAK:
            return ("No sound at all came from the microphone: it may be muted or switched off. "
                    "Check its switch and the system's input volume, then test again.")
        if self.room_talks:
            return ("I heard talking while you were quiet, like a television or a radio: turn it off or move away "
                    "from it, then test again, or many answers will be misheard.")
        if self.speech_s == 0:
            return ("Sound came through, but no speech: speak during the test, closer to the microphone, "
                    "or choose another with --mic.")
        if self.over_room_db < CLEAR_DB:
            return (f"Speech came through, but only {self.over_room_db:.0f} dB above the room: move closer to the "
                    "microphone or somewhere quieter, or answers will often be asked again.")
        if self.peak >= 32000:
            return "Speech came through but too loud (it clips): turn the input volume down a little."
        return f"Speech came through clearly, {self.over_room_db:.0f} dB above the room. The microphone is ready."


def check(chunks: Iterable[bytes], seconds: float = 5.0, room_s: float = ROOM_S,
          speak_now: Callable[[], None] = lambda: None) -> MicCheck:
    """Listen to `room_s` of the room, call `speak_now`, then listen to `seconds` of speech (16 kHz) and judge it."""
    stream = iter(chunks)
    room, left = _take(stream, room_s, b"")
    speak_now()
    pcm, _ = _take(stream, seconds, left)
    detector = speech_probability()  # one detector for both, as the conversation hears the room before the answer
    floor = NoiseFloor()
    floor.hear(frames([room]), detector, EndpointConfig().speech_probability)
    room_talks = floor.talking  # judged on the quiet moment alone: the endpointer goes on updating the floor
    config = EndpointConfig(initial_silence_s=None, pause_s=0.6)
    found = segments([pcm], config, detector, floor)  # speech found as the conversation finds it
    speech_s = sum(seg.speech_s for seg in found if seg.reason != "timeout")
    return MicCheck(len(pcm) / (SAMPLE_RATE * SAMPLE_WIDTH), max(peak(room), peak(pcm)), speech_s,
                    speech_over_room_db(pcm), room_talks)


def _take(stream: Iterator[bytes], seconds: float, left: bytes) -> tuple[bytes, bytes]:
    """The next `seconds` of audio (after `left`, what the last read took too many of), and what is left over."""
    wanted = int(seconds * SAMPLE_RATE) * SAMPLE_WIDTH
    audio = bytearray(left)
    while len(audio) < wanted and (chunk := next(stream, None)) is not None:
        audio += chunk
    return bytes(audio[:wanted]), bytes(audio[wanted:])
