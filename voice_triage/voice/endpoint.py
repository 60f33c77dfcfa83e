"""Energy-based endpointing on a stream: when an answer starts, when it ends, when nobody speaks."""
from __future__ import annotations

import copy
import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from voice_triage.settings import PAUSE_RANGE, PAUSE_STEP, WAIT_RANGE, WAIT_STEP, Settings, within
from voice_triage.voice.audio import SAMPLE_RATE, SAMPLE_WIDTH, as_floats

FRAME_MS = 30
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * SAMPLE_WIDTH
SILENT_DB = -90.0
UNVOICED_END_S = 0.25  # how long after the last voiced sound a loud unvoiced one still belongs to the word


@dataclass(frozen=True)
class EndpointConfig:
    """Timing and level settings; the defaults suit slow speakers (a generous trailing pause)."""

    # The person's defaults (a generous pause for slow speakers); the benchmarks measure these too
    pause_s: float = Settings.pause  # trailing silence that ends an answer
    initial_silence_s: float | None = Settings.silence_timeout  # None: wait for speech forever
    max_utterance_s: float = 15.0
    start_margin_db: float = 6.0  # above the noise floor to start speech
    keep_margin_db: float = 3.5  # above the noise floor to stay in speech (hysteresis)
    min_speech_db: float = -50.0  # never call anything quieter than this speech
    start_frames: int = 3  # consecutive loud frames to start: ignores clicks
    # Add this much of the background's recent swing above its floor to both margins. A television or voices
    # next door swing by several dB: with fixed margins they started an "answer" that ran to the maximum
    # length, and no answer was heard (scripts/bench_endpoint.py: 0 % heard at 20 and 10 dB, 75 and 80 % with this).
    swing_factor: float = 1.0
    # With a speech detector (RNNoise's, when installed) a frame is speech when the detector gives it at least
    # this probability and it is above the plain margins; the swing is then not needed. Loudness alone missed
    # quiet speech under the raised margins, and the background's peaks kept answers from ending
    # (scripts/bench_endpoint.py, fluctuating noise at 5 dB: 21 % heard -> 100 %). At 0.5 the detector alone
    # started "answers" on that background 4 times a minute; at 0.8, never.
    speech_probability: float = 0.8
    preroll_s: float = 0.5  # audio kept from before the start: the first consonant, and context for the decoder
    tail_s: float = 0.3  # trailing silence handed to the recognizer (it likes a little)
    # In a talking room the audio around an answer is the television's voice, which a grammar decoder hears as words
    # of the answer, so much less of it is kept (scripts/bench_rooms.py --noise talk --lead-in 16, 960 answers:
    # understood at 20 dB 46 -> 463, wrong answers taken 241 -> 77; at 10 dB 38 -> 403, 207 -> 112).
    talking_preroll_s: float = 0.15
    talking_tail_s: float = 0.1

    def with_pause(self, step: int) -> EndpointConfig:
        """One "give me more time" step: longer pause and longer wait for the first word."""
        pause = within(self.pause_s + PAUSE_STEP * step, PAUSE_RANGE)
        initial = None if self.initial_silence_s is None else within(self.initial_silence_s + WAIT_STEP * step,
                                                                      WAIT_RANGE)
        return replace(self, pause_s=pause, initial_silence_s=initial)


@dataclass(frozen=True)
class Segment:
    """One endpointed stretch of audio: `reason` is "pause", "max", "end" (stream ended) or "timeout" (or, from the
    listener, "typed": it took a typed line instead; "too_long": a person spoke past the maximum length)."""

    audio: bytes
    reason: str
    speech_s: float = 0.0


def frame_db(frame: bytes) -> float:
    """Loudness of one frame in dB relative to full scale."""
    x = as_floats(frame)
    if len(x) == 0:
        return SILENT_DB
    rms = math.sqrt(float(np.mean(x * x))) / 32768.0
    return 20.0 * math.log10(rms) if rms > 1e-9 else SILENT_DB


def frames(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut arbitrary chunks into fixed frames; a short last frame is passed on too."""
    buf = b""
    for chunk in chunks:
        buf += chunk
        while len(buf) >= FRAME_BYTES:
            yield buf[:FRAME_BYTES]
            buf = buf[FRAME_BYTES:]
    if buf:
        yield buf


class NoiseFloor:
    """Tracks background level: follows quiet frames quickly, loud frames only slowly (speech must not raise it);
    and how far the background swings above that floor."""

    SWING_FRAMES = 100  # the last 3 s of background
    SWING_PERCENTILE = 90
    STEADY_JITTER_DB = 1.0
    # A room whose background is mostly voice (a television, people talking) over the last 3 s "talks". Its voice
    # share over 3 s is at least 73 % (talk noise, 5th percentile); white, pink and swinging noise are voice in 9 % of
    # frames or fewer (a throwaway measurement on a minute of each).
    TALKING_SHARE = 0.5
    # A room heard to talk before a pause in listening (`hear`: before the assistant first speaks) must talk again in
    # the first background heard after it: a voice in CONFIRMING_VOICES of its first CONFIRMING_FRAMES (one alone may
    # be the detector's memory of what it heard last). Someone who spoke while the assistant started has stopped by
    # then; had it gone on counting, an answer given within 0.3 s of the first question was heard 29 times in 160
    # instead of 154 (a throwaway run; at 1 s, 144 instead of 153). A television that is not heard again so soon is
    # learnt as before, from its first 15 s.
    CONFIRMING_FRAMES = 10
    CONFIRMING_VOICES = 3
    # A floor that has heard less background than this (0.3 s) before a voice began is no judge of that voice's
    # pauses: a stream that starts with a television's voice (scripts/bench_rooms.py --lead-in 16).
    KNOWN_FRAMES = 10

    def __init__(self, db: float | None = None) -> None:
        self.db = db
        self._recent: deque[float] = deque(maxlen=self.SWING_FRAMES)
        self._voiced: deque[bool] = deque(maxlen=self.SWING_FRAMES)  # whether a speech detector heard a voice in each
        self._confirming: list[bool] | None = None  # the verdicts since `hear`, while the room's talking is unconfirmed

    @property
    def swing(self) -> float:
        """dB from the floor up to the 90th percentile of recent background, beyond steady jitter (0 until
        there is enough background to tell)."""
        if self.db is None or len(self._recent) < 10:
            return 0.0
        # Steady noise jitters by under a decibel from frame to frame: only a real swing raises the margins.
        return max(0.0, float(np.percentile(self._recent, self.SWING_PERCENTILE)) - self.db - self.STEADY_JITTER_DB)

    @property
    def known(self) -> bool:
        """Whether enough background has been heard to judge a pause against (KNOWN_FRAMES)."""
        return len(self._recent) >= self.KNOWN_FRAMES

    @property
    def talking(self) -> bool:
        """Whether a speech detector heard a voice in most of the recent background (a television, a chat)."""
        return len(self._voiced) >= 10 and sum(self._voiced) >= self.TALKING_SHARE * len(self._voiced)

    def update(self, level: float, voiced: bool = False) -> None:
        """Take in one non-speech frame's level, and whether a speech detector heard a voice in it."""
        self._confirm_talking(voiced)
        self._remember(level, voiced)
        if self.db is None:
            self.db = max(level, -75.0)
        elif level < self.db:
            self.db = 0.7 * self.db + 0.3 * max(level, -75.0)
        else:
            self.db += min(level - self.db, 6.0) * 0.05

    def recalibrate(self, levels: Sequence[float], voicing: Sequence[bool]) -> None:
        """Take a stretch first taken for speech as the background after all: floor and recent frames both.

        All of its last 3 s become the recent background: with only its last second, a television's voice was
        judged too quiet, and answers ran on (a throwaway run, talk 20 dB below the answer: 42 -> 20 of 56 heard).
        So a monologue of 15 s without a pause makes the room "talk" too, until up to 1.5 s of quiet is heard."""
        self.db = float(np.percentile(levels, 20))
        for level, voiced in zip(levels, voicing):
            self._remember(level, voiced)

    def hear(self, background: Iterable[bytes], speech: Callable[[bytes], float] | None, probability: float) -> None:
        """Take in frames where nobody is meant to speak, all of them background, with a speech detector's verdicts
        (a voice: at least `probability`). Without a detector a talking room cannot be told from speech, so it never
        "talks"."""
        for frame in background:
            self.update(frame_db(frame), speech is not None and speech(frame) >= probability)
        self._confirming = [] if self.talking else None

    def _confirm_talking(self, voiced: bool) -> None:
        """After `hear`: a voice soon again confirms that the room talks; without it, forget what was heard."""
        if self._confirming is None:
            return
        self._confirming.append(voiced)
        if sum(self._confirming) >= self.CONFIRMING_VOICES:
            self._confirming = None
        elif len(self._confirming) >= self.CONFIRMING_FRAMES:
            self._confirming = None
            self._recent.clear()
            self._voiced.clear()

    def _remember(self, level: float, voiced: bool) -> None:
        self._recent.append(level)
        self._voiced.append(voiced)


class Endpointer:
    """Feed frames one at a time; `push` returns a Segment when the answer ended (or timed out).

    `speech`, if given, is a detector's probability that a frame holds speech (SpeechDetector.probability).
    """

    def __init__(self, config: EndpointConfig, floor: NoiseFloor | None = None,
                 speech: Callable[[bytes], float] | None = None) -> None:
        self.config = config
        self.floor = floor or NoiseFloor()
        self._speech_probability = speech
        self._voice = False  # the detector's verdict on the current frame
        self._frame_s = FRAME_MS / 1000.0
        self._pre: deque[bytes] = deque(maxlen=self._frames(config.preroll_s))
        self._speech: list[bytes] = []
        self._loud_run = 0
        self._quiet_run = 0
        self._unvoiced_run = 0  # frames since the last one that was speech
        self._waited = 0.0
        self._preroll = 0
        self._levels: list[float] = []
        self._voicing: list[bool] = []  # the detector's verdict on each frame since the start
        self._talking_room = False  # whether the room talked when this answer started (the floor stays put meanwhile)
        self.in_speech = False
        self.floor_before_max: NoiseFloor | None = None  # the floor as it was before a cut at the maximum length

    @classmethod
    def speaking(cls, config: EndpointConfig, floor: NoiseFloor) -> Endpointer:
        """An endpointer already in speech, judged against `floor`: to follow a voice to its next pause."""
        ep = cls(config, floor)
        ep.in_speech, ep._talking_room = True, floor.talking
        return ep

    def push(self, frame: bytes) -> Segment | None:
        """Take one frame; return a finished Segment or None while still listening."""
        level = frame_db(frame)
        if self._speech_probability is not None:
            self._voice = self._speech_probability(frame) >= self.config.speech_probability
        if not self.in_speech:
            return self._waiting(frame, level)
        return self._speaking(frame, level)

    def _waiting(self, frame: bytes, level: float) -> Segment | None:
        """Before speech: look for a run of loud frames; time out after the initial silence."""
        if self.floor.db is None:
            self.floor.update(level, self._voice)  # a stream starts with background, not with speech: calibrate on it
        self._pre.append(frame)
        self._loud_run = self._loud_run + 1 if self._is_loud(level, self.config.start_margin_db) else 0
        if self._loud_run >= self.config.start_frames:
            self.in_speech = True
            self._talking_room = self.floor.talking
            self._speech = list(self._pre)[-self._frames(self.config.talking_preroll_s):] if self._talking_room \
                else list(self._pre)
            self._preroll = len(self._speech) - self._loud_run
            return None
        if self._loud_run == 0:
            self.floor.update(level, self._voice)
        self._waited += self._frame_s
        limit = self.config.initial_silence_s
        if limit is not None and self._waited >= limit:
            return Segment(b"", "timeout")
        return None

    def _speaking(self, frame: bytes, level: float) -> Segment | None:
        """In speech: end after the trailing pause or at the maximum length."""
        self._speech.append(frame)
        self._levels.append(level)
        self._voicing.append(self._voice)
        speech = self._is_loud(level, self._keep_margin())
        self._unvoiced_run = 0 if speech else self._unvoiced_run + 1
        loud = speech or self._is_unvoiced_end(level)
        self._quiet_run = 0 if loud else self._quiet_run + 1
        if self._quiet_run * self._frame_s >= self.config.pause_s:
            return self._finish("pause")
        if len(self._speech) * self._frame_s >= self.config.max_utterance_s:
            return self._finish("max")
        return None

    def _is_loud(self, level: float, margin: float) -> bool:
        """Speech: the detector hears a voice above the plain margin (above the room's own voice, when it talks);
        without a detector, loud enough above both the noise floor and its swing."""
        if self._speech_probability is not None:
            return self._voice and level >= self._threshold(margin + self._talking_room_db())
        return level >= self._threshold(margin + self.config.swing_factor * self.floor.swing)

    def _talking_room_db(self) -> float:
        """How far above its floor a talking room's voice reaches (0 in a room that does not talk).

        The detector hears a television's voice too: there, only a voice louder than the room's starts or carries
        an answer (scripts/bench_endpoint.py, in a session under way, talk 20 dB below the answer: 0 % heard -> 80 %,
        at 10 dB 0 -> 77 %; false starts 4 -> 1 a minute)."""
        return self.floor.swing if self.floor.talking else 0.0

    def _keep_margin(self) -> float:
        """The margin that keeps an answer going: in a talking room, the one that starts it.

        With the lower keep margin the television's own loud moments carried an answer on after it ended ("front of
        thigh" heard as "front of thigh and calves with"; scripts/bench_rooms.py --noise talk --lead-in 16, 960
        answers at 20 dB: wrong answers taken 74 -> 40, understood 469 -> 486; at 10 dB about the same, 117 -> 113
        and 401 -> 406)."""
        return self.config.start_margin_db if self._talking_room else self.config.keep_margin_db

    def _is_unvoiced_end(self, level: float) -> bool:
        """With a detector: a loud frame soon after the voice, like a word's unvoiced end ("hip", "buttock": a
        closure, then a burst), which the detector does not call a voice but belongs to the answer."""
        return (self._speech_probability is not None and self._unvoiced_run * self._frame_s <= UNVOICED_END_S
                and level >= self._threshold(self._keep_margin() + self._talking_room_db()))

    def _threshold(self, margin: float) -> float:
        """The level to beat: `margin` above the noise floor, and never below the absolute minimum."""
        floor = self.floor.db if self.floor.db is not None else -75.0
        return max(floor + margin, self.config.min_speech_db)

    @property
    def committed(self) -> int:
        """Frames of the utterance that are certainly in it: all but a trailing pause beyond the short tail."""
        keep_quiet = self._frames(self.config.talking_tail_s if self._talking_room else self.config.tail_s)
        return len(self._speech) - max(0, self._quiet_run - keep_quiet)

    @property
    def settled(self) -> bool:
        """Whether the answer's audio is complete unless the voice comes back: its pause has run past the short tail
        handed to the recognizer, so more quiet adds nothing to what is decoded."""
        return self.in_speech and self.committed < len(self._speech)

    def _frames(self, seconds: float) -> int:
        """Whole frames in `seconds`, at least one."""
        return max(1, round(seconds / self._frame_s))

    def _finish(self, reason: str) -> Segment:
        """Build the segment, trimming the trailing pause down to a short tail."""
        speech_s = (len(self._speech) - self._preroll - self._quiet_run) * self._frame_s
        if reason == "max" and self._levels:
            # Fifteen seconds without a pause is more likely the room than speech (a mistaken noise floor, a
            # television): re-calibrate on it, floor and recent background both. The floor from before is kept: if
            # a pause follows soon after all, it was a person speaking at length (VoiceListener._follow_long_answer).
            self.floor_before_max = copy.deepcopy(self.floor)
            self.floor.recalibrate(self._levels, self._voicing)
        return Segment(b"".join(self._speech[:self.committed]), reason, speech_s)

    def flush(self) -> Segment | None:
        """The stream ended: return what was being said, if anything."""
        if self.in_speech:
            return self._finish("end")
        return None

    @property
    def speech_frames(self) -> list[bytes]:
        """Frames of the current utterance so far (including pre-roll), for streaming recognizers."""
        return self._speech


def segments(chunks: Iterable[bytes], config: EndpointConfig, speech: Callable[[bytes], float] | None = None,
             floor: NoiseFloor | None = None) -> Iterator[Segment]:
    """Endpoint a whole stream into successive segments (timeouts included), from `floor` if the room was heard
    before; for the microphone test, tests and benchmarks."""
    floor = floor if floor is not None else NoiseFloor()
    ep = Endpointer(config, floor, speech)
    for frame in frames(chunks):
        seg = ep.push(frame)
        if seg is not None:
            yield seg
            ep = Endpointer(config, floor, speech)
    last = ep.flush()
    if last is not None:
        yield last
