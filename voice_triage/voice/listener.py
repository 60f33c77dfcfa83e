"""VoiceListener: one spoken answer per question, from audio chunks through endpointing to a grammar recognizer."""
from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import islice

import numpy as np

from voice_triage.events import Adjust, Ask, Heard
from voice_triage.voice.endpoint import FRAME_MS, EndpointConfig, Endpointer, NoiseFloor, Segment, frames
from voice_triage.voice.neural_denoise import speech_probability
from voice_triage.voice.recognizers import Recognition, Recognizer, Session

log = logging.getLogger(__name__)

SPOTTING_KINDS = {"multi", "free", "number", "duration"}  # answers that come in a sentence, maybe several
# A muted or switched-off microphone sends exact zeros, give or take the last bit. A live one always hisses
# (its own electronics, the room): even hiss at -90 dBFS RMS peaks at about 4 within a second (sigma 1.04).
MUTED_PEAK = 2
# A live microphone first hears the room for this long, before anything is said: a television's voice is then known
# as the room's from the first question. Without it the television's first 15 s were taken for an answer that
# never paused, and the person's first answer was lost in it. Of 1.5 s stretches of television 116 of 120 are judged
# to talk (1 s: 96 of 120), of white, pink and swinging noise none (a throwaway count, 10 draws x 12 offsets).
ROOM_BEFORE_S = 1.5
# An answer cut at the maximum length is followed to its speaker's next pause, for up to this long more, so that its
# rest is not the answer to the next question. Over a pipe, without this, the rest of a 27 s answer was heard as "no
# answer" to the question asked again, and from then on every reply answered the question after the one it was meant
# for (a standardized patient who said "no" to every warning sign was sent to the emergency department). A voice that
# runs on past this is taken for the room (a television). From a live microphone, after 15 s more the person is told
# of the television; what is said while the assistant speaks is dropped anyway. A stream (--audio-in) has no such
# flush, so every reply must stay in step with its question: it is followed for up to ten minutes.
REST_OF_LONG_ANSWER_S = {"microphone": 15.0, "stream": 600.0}
# Each time a voice comes back in an answer's pause, its early decision (EarlyDecision) is dropped and the answer is
# decoded again. A slow speaker who stops between words does that a few times. The decodings dropped on one answer may
# take at most this share of its length so far; after that the answer is decoded when it ends, and the person waits for
# it. A share, not a count, bounds the work against real time on any machine. scripts/bench_slow_speakers.py (answers
# in two to four parts, hesitations of 0.5 to 1.3 s, clean, 8 voices x 2 rates): with at most two early decisions per
# answer (stop 43), a three- or four-part answer waited 366 to 649 ms (median) after its pause; a share of 0.1 still
# left four-part answers waiting about half a second, 0.15 some (p95 608 ms), 0.25 none. A television's loud moments
# drop one decision after another, over a stretch that grows to the maximum length: so in a room that talks no answer
# is decided early, and before the room is known to talk the share bounds that work (a throwaway run with a new listener
# per answer, talk at 10 dB for 16 s before each of 117 answers: decoding 87 s with at most two per answer, 274 s at a
# share of 0.15, 302 s at 0.25, in about 2300 s of audio; the same answers understood and wrong; a session learns its
# room once).
EARLY_DECODING_SHARE = 0.25


class VoiceListener:
    """Hears answers on a stream of 16 kHz mono int16 chunks; returns None once the stream has ended."""

    def __init__(self, chunks: Iterable[bytes], recognizer: Recognizer, config: EndpointConfig | None = None,
                 flush: Callable[[], None] | None = None, on_wait: Callable[[], None] | None = None) -> None:
        self.recognizer = recognizer
        self.config = config or EndpointConfig()
        self._frames = frames(chunks)  # one iterator for the whole session: audio is never read twice
        self._floor = NoiseFloor()  # background level carries over from question to question
        self._speech = speech_probability()  # RNNoise's speech detector, one for the session
        self._flush = flush  # live microphone: drop what was captured while we were speaking
        self.on_wait = on_wait or (lambda: None)  # e.g. say "continue when ready"
        self.on_no_sound: Callable[[], None] | None = None  # live microphone: say it sends no sound at all
        self.release: Callable[[], None] | None = None  # live microphone: let the device go when the session ends
        self._peak = 0  # loudest sample while waiting for this answer (or while hearing the room)
        self._told_no_sound = False  # said once per stretch of dead silence
        self.on_talking_room: Callable[[], None] | None = None  # say the background talks (a television)
        self._told_talking_room = False  # said once per stretch of a talking room
        self.keyboard: Callable[[], str | None] = lambda: None  # a line typed meanwhile, if any (KeyboardLines.poll)
        self._typed = ""
        self._cut_short: Endpointer | None = None  # an answer being spoken when a typed one came in
        self._started: Endpointer | None = None  # an answer begun over the room while a long "answer" was followed
        self._long_before = False  # the last voice heard ran past the maximum length (no answer heard since)
        self._timeouts: dict[str, int] = {}
        self._spotting = False
        self._controls: set[str] = set()
        self._carriers: tuple[str, ...] = ()
        self._synonyms: tuple[tuple[str, ...], ...] = ()
        self.ended = False
        self.last_latency_s = 0.0  # end of utterance to answer, for benchmarks
        self.last_decode_s = 0.0  # the recognizer's time on the answer, during its pause or after it
        self.early_share = EARLY_DECODING_SHARE  # benchmarks compare others

    def close(self) -> None:
        """The session is over: stop listening (a microphone left open would go on hearing the room)."""
        release, self.release = self.release, None
        if release:
            release()

    def adjust(self, event: Adjust) -> None:
        """Honour "give me more time" (pause +1) and its opposite."""
        if event.setting == "pause":
            self.config = self.config.with_pause(event.step)
            log.info("pause now %.1f s", self.config.pause_s)

    def listen(self, ask: Ask) -> Heard | None:
        """Hear one answer to `ask`; Heard("", 0.0) when nothing usable was said, None at end of input."""
        if self.ended:
            return None
        if self._flush is not None:
            self._flush()
        phrases = self.recognizer.usable(ask.vocabulary or ask.options)
        if not phrases:
            log.error("no recognizable phrase for question %r; vocabulary %r", ask.question, ask.vocabulary)
            return Heard("", 0.0)
        self._spotting = ask.kind in SPOTTING_KINDS
        # Control words (repeat, stop, bye...) count only as the whole answer, never inside a sentence.
        self._controls = set(ask.controls)
        self._carriers = ask.carriers
        self._synonyms = ask.synonyms
        return self._hear(ask.question, phrases)

    def _hear(self, question: str, phrases: Sequence[str]) -> Heard | None:
        """Endpoint and recognize (or take a typed line); after two silent tries, wait without a time limit."""
        config = self.config
        if self._timeouts.get(question, 0) >= 2:
            config = replace(config, initial_silence_s=None)
        seg, rec = self._utterance(config, phrases)
        if seg is None:
            self.ended = True
            return None
        self._check_talking_room(seg.reason)
        if seg.reason == "timeout":
            return self._timed_out(question, phrases)
        self._timeouts.pop(question, None)
        if seg.reason in ("pause", "typed"):
            self._long_before = False  # an answer, not a room talking on
        if seg.reason == "typed":
            return Heard(self._typed, 1.0, typed=True)
        if seg.reason == "too_long":
            return Heard("", 0.0, too_long=True)
        if seg.reason == "end":
            self.ended = True  # the stream ended mid-answer: use what was said, then report the end
        return _heard(rec)

    def _wholes(self, phrases: Sequence[str]) -> tuple[str, ...]:
        """The question's control words, which may only be the whole answer."""
        return tuple(p for p in phrases if p in self._controls)

    def _timed_out(self, question: str, phrases: Sequence[str]) -> Heard | None:
        """First silence: let the dialog re-ask. Second: say we will wait, then listen with no time limit."""
        self._check_microphone_sound()
        count = self._timeouts[question] = self._timeouts.get(question, 0) + 1
        if count < 2:
            return Heard("", 0.0)
        self.on_wait()
        return self._hear(question, phrases)

    def _check_microphone_sound(self) -> None:
        """After a wait with not one audible sample, say once that the microphone may be muted or off."""
        if self._peak > MUTED_PEAK:
            self._told_no_sound = False
        elif self.on_no_sound is not None and not self._told_no_sound:
            self._told_no_sound = True
            log.warning("the microphone sent only silence (peak %d); it may be muted", self._peak)
            self.on_no_sound()

    def hear_room(self, seconds: float = ROOM_BEFORE_S) -> None:
        """Before anything is said (a live microphone): learn the room; say at once if the microphone sends no sound
        or the room talks, rather than after answers are lost to it."""
        room = list(islice(self._frames, round(seconds * 1000 / FRAME_MS)))
        self._floor.hear(room, self._speech, self.config.speech_probability)
        self._peak = max(map(peak, room), default=0)
        self._check_microphone_sound()
        if self._floor.talking:
            self._tell_talking_room()

    def _check_talking_room(self, reason: str) -> None:
        """When voices in the background (a television) took the place of an answer or drowned one, say so once."""
        if not self._floor.talking:
            self._told_talking_room = False
        elif reason in ("max", "timeout"):
            # A room that talks raises the bar for an answer: only a voice louder than the room's is heard. An
            # "answer" that ran to the maximum length, or no answer at all, is then most likely the room's doing.
            self._tell_talking_room()

    def _tell_talking_room(self) -> None:
        """Say that the background talks, once per stretch of a talking room."""
        if self.on_talking_room is not None and not self._told_talking_room:
            self._told_talking_room = True
            log.warning("the background talks (a television?); only answers louder than it are heard")
            self.on_talking_room()

    def _utterance(self, config: EndpointConfig, phrases: Sequence[str]) -> tuple[Segment | None, Recognition | None]:
        """Read frames until the endpointer decides; stream speech into a recognizer session meanwhile."""
        self._let_cut_short_answer_end()
        ep, self._started = self._started or Endpointer(config, self._floor, self._speech), None
        session: Session | None = None
        early: EarlyDecision | None = None
        fed, dropped_s = 0, 0.0
        self._peak = 0
        for frame in self._frames:
            self._peak = max(self._peak, peak(frame))
            # A typed answer wins over whatever the microphone is hearing: someone chose the sure way.
            if (typed := self.keyboard()) is not None:
                self._typed, self._cut_short = typed, ep
                return Segment(b"", "typed"), None
            seg = ep.push(frame)
            if ep.in_speech:
                if early is not None and ep.committed > early.fed:
                    # the voice came back: hear the whole answer again
                    session, fed, early, dropped_s = None, 0, None, dropped_s + early.took
                # Feed as it comes, but hold back a trailing pause: it would only slow the final decode.
                session = session or self.recognizer.start(phrases, self._spotting, self._wholes(phrases),
                                                               self._carriers, self._synonyms)
                session.feed(b"".join(ep.speech_frames[fed:ep.committed]))
                fed = max(fed, ep.committed)
                if seg is None and early is None and self._may_decide_early(ep, dropped_s):
                    early = EarlyDecision.decide(session, fed, len(ep.speech_frames))
            if seg is not None and seg.reason == "max":
                seg = self._follow_long_answer(seg, ep, config)
                if self._started is not None and seg.reason == "max":
                    # An answer started over the room's long voice: hear it now. Returned as a miss, the question
                    # was asked again over the person's answer, whose rest the mute while speaking then lost.
                    self._tell_talking_room()
                    ep, self._started, session, fed, seg, early, dropped_s = self._started, None, None, 0, None, None, 0.0
                    continue
            if seg is not None:
                return seg, self._finish(session, early, ep) if self._is_answer(seg) else None
        seg = ep.flush()
        return seg, self._finish(session, early, ep) if seg is not None else None

    def _may_decide_early(self, ep: Endpointer, dropped_s: float) -> bool:
        """Whether to decode the answer now, in its pause: once nothing more would change what is decoded, while the
        decodings dropped on it are a small share of its length, and never in a room that talks (EARLY_DECODING_SHARE)."""
        answer_s = ep.committed * FRAME_MS / 1000
        return ep.settled and dropped_s <= self.early_share * answer_s and not self._floor.talking

    def _follow_long_answer(self, cut: Segment, ep: Endpointer, config: EndpointConfig) -> Segment:
        """After a cut at the maximum length, read on to the speaker's next pause, so that the rest is not taken as
        the next answer; "too_long" if it was a person.

        The pause is judged against the room as it was before the cut. A first overlong voice that stops is taken
        for a person's: the room is then as it was (the re-calibration on their voice is undone, so no television
        is announced). A television that stops for a moment cannot be told from that; but one that talks past the
        maximum length again, with no answer heard between, is the room's. So is a voice that runs on, or one with
        a louder voice starting over it (an answer over the television: heard next, as the answer to the question
        asked again). Those leave the room known to talk."""
        before = ep.floor_before_max
        if before is None:
            return cut
        persons, self._long_before = not self._long_before, True
        if not before.known:
            # No room was heard before this voice (it was there from the first frame): it is the room's, as
            # before. Over a television from the start, following it let an answer after it be lost in it
            # (scripts/bench_rooms.py --noise talk --lead-in 16 at 20 dB: 486/960 understood -> 444/936).
            return cut
        limit = REST_OF_LONG_ANSWER_S["microphone" if self._flush is not None else "stream"]
        rest = Endpointer.speaking(replace(config, max_utterance_s=limit), copy.deepcopy(before))
        # Only a room that now talks can have an answer start over it; the speech detector hears each frame once
        over = Endpointer(replace(config, initial_silence_s=None), self._floor, self._speech) \
            if self._floor.talking else None
        for frame in self._frames:
            if (typed := self.keyboard()) is not None:
                self._typed, self._cut_short = typed, rest
                return Segment(b"", "typed")
            if over is not None:
                over.push(frame)
                if over.in_speech:
                    self._started = over
                    return cut
            end = rest.push(frame)
            if end is not None and end.reason == "pause" and persons:
                self._floor = before
                return replace(cut, reason="too_long")
            if end is not None:
                return cut
        return cut  # the stream ended while the voice went on

    def _is_answer(self, seg: Segment) -> bool:
        """Whether a segment may hold an answer to decode: not a timeout, and not a talking room's own voice.

        Voice that ran to the maximum length without a pause, in a room that talks, is the television: decoded with
        the question's grammar it can come out as "no" to a warning sign. It is not taken, and the question is asked
        again (so is a person who spoke that long without a pause)."""
        if seg.reason in ("timeout", "too_long"):
            return False
        if seg.reason == "max" and self._floor.talking:
            log.info("voice to the maximum length in a talking room: taken for the room, not decoded")
            return False
        return True

    def _let_cut_short_answer_end(self) -> None:
        """Skip the rest of an answer interrupted by typing, so its last words are not the next answer."""
        ep, self._cut_short = self._cut_short, None
        if ep is None or not ep.in_speech:
            return
        for frame in self._frames:
            if ep.push(frame) is not None:
                return

    def _finish(self, session: Session | None, early: EarlyDecision | None, ep: Endpointer) -> Recognition | None:
        """Final recognition (the early decision when the voice did not come back), timing how long the person
        waited for it after the end of the utterance."""
        if session is None:
            return None
        if early is not None:
            self.last_latency_s = early.wait_after(len(ep.speech_frames))
            rec, self.last_decode_s = early.recognition, early.took
        else:
            start = time.perf_counter()
            rec = session.finish()
            self.last_latency_s = self.last_decode_s = time.perf_counter() - start
        log.debug("heard %r (raw %r) confidence %.2f, %.0f ms after the pause", rec.text, rec.raw, rec.confidence,
                  1000 * self.last_latency_s)
        return rec


@dataclass(frozen=True)
class EarlyDecision:
    """An answer decoded while its pause was still running: the audio handed to the recognizer stops growing once
    the pause passes the short tail (0.3 s), and the pause goes on to 1.5 s by default. The decoding (about 150 ms
    clean, up to half a second in noise: scripts/bench_voice.py) is done in that time, so the person is not kept
    waiting after it. Should the voice come back before the pause ends, the decision is dropped and the whole answer
    heard again."""

    recognition: Recognition
    fed: int  # frames of the answer decoded
    frames_then: int  # frames of the answer and its pause read when the decoding began
    started: float  # perf_counter when the decoding began
    took: float = 0.0  # seconds the decoding took

    @classmethod
    def decide(cls, session: Session, fed: int, frames_then: int) -> EarlyDecision:
        """Decode the answer as it stands."""
        started = time.perf_counter()
        recognition = session.finish()
        return cls(recognition, fed, frames_then, started, time.perf_counter() - started)

    def wait_after(self, frames_now: int) -> float:
        """Seconds a live microphone's user waits after the pause ends: the time since the decoding began, less the
        audio that arrived meanwhile (a stream read faster than real time would otherwise hide a slow decoding)."""
        audio_since_s = (frames_now - self.frames_then) * FRAME_MS / 1000
        return max(0.0, time.perf_counter() - self.started - audio_since_s)


def peak(frame: bytes) -> int:
    """Largest absolute sample of int16 PCM."""
    return int(np.abs(np.frombuffer(frame, dtype="<i2").astype(np.int32)).max()) if len(frame) >= 2 else 0


def _heard(rec: Recognition | None) -> Heard:
    """Turn a recognition into Heard; a rejected transcript keeps its words but gets confidence 0."""
    if rec is None:
        return Heard("", 0.0)
    if not rec.text:
        return Heard(rec.raw.replace("[unk]", "").strip(), 0.0)
    return Heard(rec.text, rec.confidence, rec.alternatives, rec.rivals)
