"""Synthetic speakers and noise for tests and benchmarks (flite, festival, espeak-ng; numpy noise)."""
from __future__ import annotations

import hashlib
import math
import shutil
import subprocess
import tempfile
import time
import wave
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voice_triage.content import Question, load_content
from voice_triage.events import Ask
from voice_triage.understand import Interpreter, vocabulary
from voice_triage.voice.audio import as_pcm, read_wav
from voice_triage.voice.recognizers import Recognition, Recognizer, Session

# Answer phrases by vocabulary class, as a person would say them; controls are added to every grammar.
CONTROLS = ("repeat", "go back", "help", "stop", "slower", "faster", "start over", "continue", "give me more time")
CLASSES: dict[str, tuple[str, ...]] = {
    "yesno": ("yes", "no", "yeah", "nope", "i don't know", "not sure"),
    "sides": ("left", "right", "both", "left side", "right side", "both sides", "middle"),
    "places": ("lower back", "buttock", "groin", "hip", "outer hip", "front of thigh", "back of thigh", "knee"),
    "durations": ("a few days", "about a week", "two weeks", "a month", "three months", "more than three months"),
    "controls": CONTROLS,
}
# Phrases that mean the same answer to the dialog (it maps synonyms to one canonical answer).
MEANING = {"yeah": "yes", "nope": "no", "not sure": "i don't know", "left side": "left", "right side": "right",
           "both sides": "both"}
OUT_OF_GRAMMAR = ("banana pudding", "i went to the store", "my dog is barking", "what time is it")


@dataclass(frozen=True)
class Voice:
    """A synthetic speaker: engine (flite, festival, espeak-ng) and voice name."""

    engine: str
    name: str

    @property
    def label(self) -> str:
        """Short name for tables."""
        return f"{self.engine}:{self.name}"


FLITE = tuple(Voice("flite", v) for v in ("slt", "rms", "awb", "kal16"))
FESTIVAL = (Voice("festival", "cmu_us_slt_arctic_hts"),)
ESPEAK = tuple(Voice("espeak-ng", v) for v in ("en-us", "en-us+f3", "en-us+m3", "en-gb"))  # robotic: the hard case
RATES = (0.85, 1.0, 1.2)  # speaking-rate factors: slower, normal, faster
SNRS: tuple[float | None, ...] = (None, 20.0, 10.0, 5.0)


def snr_label(snr: float | None) -> str:
    """'clean' or '10 dB', for benchmark tables."""
    return "clean" if snr is None else f"{snr:g} dB"
ENGINE_TOOL = {"flite": "flite", "festival": "text2wave", "espeak-ng": "espeak-ng"}


def tool_missing(voice: Voice) -> str | None:
    """Name of the missing program for this voice, or None."""
    tool = ENGINE_TOOL[voice.engine]
    return None if shutil.which(tool) else tool


def _command(voice: Voice, text: str, rate: float, out: Path) -> list[str]:
    """The shell command that writes `text` in `voice` at `rate` to `out`."""
    if voice.engine == "flite":
        return ["flite", "-voice", voice.name, "--setf", f"duration_stretch={1 / rate:.3f}", "-t", text, "-o", str(out)]
    if voice.engine == "espeak-ng":
        return ["espeak-ng", "-v", voice.name, "-s", str(round(160 * rate)), "-w", str(out), text]
    scheme = f"(voice_{voice.name})(Parameter.set 'Duration_Stretch {1 / rate:.3f})"
    return ["text2wave", "-eval", scheme, "-o", str(out)]


def synthesize(text: str, voice: Voice, rate: float = 1.0, cache: Path | None = None) -> bytes:
    """16 kHz mono int16 speech of `text`; cached by content so repeated runs are fast."""
    cache = cache or Path(tempfile.gettempdir()) / "voice-triage-synth"
    cache.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(f"{voice.engine}|{voice.name}|{rate}|{text}".encode()).hexdigest()[:20]
    raw = cache / f"{key}.pcm"
    if not raw.exists():
        wav = cache / f"{key}.wav"
        stdin = text if voice.engine == "festival" else None
        subprocess.run(_command(voice, text, rate, wav), input=stdin, text=True, check=True, capture_output=True)
        tmp = raw.with_suffix(".tmp")
        tmp.write_bytes(read_wav(wav))
        tmp.replace(raw)
        wav.unlink()
    return raw.read_bytes()


def silence(seconds: float) -> bytes:
    """Digital silence."""
    return bytes(2 * int(16000 * seconds))


def hiss(seconds: float, dbfs: float = -65.0, seed: int = 0) -> bytes:
    """A live microphone in a very quiet room: faint white noise at `dbfs` (RMS)."""
    sigma = 32768 * 10 ** (dbfs / 20)
    return np.random.default_rng(seed).normal(0, sigma, int(16000 * seconds)).round().astype("<i2").tobytes()


def pad(pcm: bytes, before: float = 0.4, after: float = 1.5) -> bytes:
    """Silence around an utterance, as between turns of a conversation."""
    return silence(before) + pcm + silence(after)


def mic_test_recording(pcm: bytes, room_s: float, listen_s: float = 5.0) -> bytes:
    """`voice-triage mics --test` as a person takes it in a very quiet live room: `room_s` of the room while they
    stay quiet, then the answer 1 s into `listen_s` of listening."""
    pcm = silence(room_s) + pad(pcm, 1.0, 0.0)
    room = np.frombuffer(hiss(room_s + listen_s, -70.0), dtype="<i2").astype(np.int32)
    said = np.frombuffer(pcm, dtype="<i2")[:len(room)]
    room[:len(said)] += said
    return room.clip(-32768, 32767).astype("<i2").tobytes()


def speech_power(x: np.ndarray) -> float:
    """Mean power of the active part of a signal (frames within 20 dB of the loudest)."""
    n = len(x) // 480 * 480
    energy = (x[:n].reshape(-1, 480) ** 2).mean(axis=1) if n else np.array([np.mean(x**2)])
    active = energy[energy >= energy.max() * 0.01]
    return float(active.mean()) if active.size and active.mean() > 0 else 1.0


def noise_sigma(speech: np.ndarray, snr_db: float) -> float:
    """Standard deviation of noise at `snr_db` below the speech's active power."""
    return math.sqrt(speech_power(speech) / 10 ** (snr_db / 10))


def at_level(pcm: bytes, power: float) -> bytes:
    """The same speech scaled to the given active power: synthetic voices differ by up to 12 dB in loudness."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    scaled = x * math.sqrt(power / speech_power(x))
    return as_pcm(scaled)


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-variance 1/f noise with nothing below 60 Hz (like fans and traffic; rooms have no sub-audio wander)."""
    freqs = np.fft.rfftfreq(n, 1 / 16000)
    spectrum = rng.normal(size=len(freqs)) + 1j * rng.normal(size=len(freqs))
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[freqs < 60] = 0
    x = np.fft.irfft(spectrum, n)
    return x / x.std()


def fluctuating_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Pink noise whose level swings by up to +/-6 dB a few times a second (a television, voices next door)."""
    t = np.arange(n) / 16000
    envelope = 10 ** (6 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6)) * np.sin(2 * np.pi * 2.3 * t) / 20)
    return pink_noise(n, rng) * envelope / np.sqrt(np.mean(envelope ** 2))


# A television's dialogue: sentences no question would take as an answer, for background talk.
BACKGROUND_TALK = ("and now the weather for the weekend ahead", "the match was held up by rain in the second half",
                   "we will be right back after these messages", "traffic is heavy on the bridge this morning")


def talk_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-variance background talk (a television, people chatting): two flite voices taking turns, with short
    gaps, never stopping for long."""
    pieces, total = [], 0
    while total < n:
        text, voice = BACKGROUND_TALK[rng.integers(len(BACKGROUND_TALK))], FLITE[rng.integers(2)]
        pieces += [np.frombuffer(synthesize(text, voice), dtype="<i2").astype(np.float64),
                   np.zeros(int(16000 * rng.uniform(0.1, 0.4)))]
        total += len(pieces[-2]) + len(pieces[-1])
    x = np.concatenate(pieces)[:n]
    return x / x.std()


# Kinds of room noise, each unit-variance: n samples from a random generator.
def television(seconds: float, seed: int, dbfs: float = -35.0) -> bytes:
    """A television's dialogue (talk_noise: two flite voices taking turns) at `dbfs` RMS, on its own."""
    x = talk_noise(int(16000 * seconds), np.random.default_rng(seed)) * 32768 * 10 ** (dbfs / 20)
    return as_pcm(x)


NOISES = {"white": lambda n, rng: rng.normal(size=n), "pink": pink_noise, "fluctuating": fluctuating_noise,
          "talk": talk_noise}


def add_noise(pcm: bytes, snr_db: float | None, seed: int = 0, kind: str = "white") -> bytes:
    """Noise of a kind (white unless told) over the whole signal at `snr_db` relative to the speech's active power."""
    if snr_db is None:
        return pcm
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    noisy = x + NOISES[kind](len(x), np.random.default_rng(seed)) * noise_sigma(x, snr_db)
    return as_pcm(noisy)


def same_answer(heard: str, said: str) -> bool:
    """Whether the dialog would take `heard` as the answer `said` (synonyms count)."""
    return MEANING.get(heard, heard) == MEANING.get(said, said)


def grammar_for(cls: str) -> tuple[str, ...]:
    """The phrases a question of this class would accept: its answers plus the control words."""
    return tuple(dict.fromkeys(CLASSES[cls] + CONTROLS))


OFF_TOPIC = "off-topic"
# The real question each class is asked with; off-topic speech and controls are heard during a red flag.
QUESTION_OF = {"yesno": "rf_bladder", "sides": "side", "places": "location", "durations": "duration",
               "controls": "rf_bladder", OFF_TOPIC: "rf_bladder"}
# How people also answer a yes/no question: hedged and two-part answers.
MORE_YESNO = ("i think so", "not really", "not that i've noticed", "yes i have", "no i don't think so")


def dialog_ask(interpreter: Interpreter, question: Question) -> Ask:
    """The Ask the dialog emits for `question` by voice: its phrases, controls, carrier words and synonyms."""
    phrases = vocabulary(interpreter, question)
    return Ask("?", question.id, (), phrases, question.kind, tuple(interpreter.spoken_controls), interpreter.carriers,
               interpreter.synonyms(question, phrases))


def meaning_of(interpreter: Interpreter, question: Question, text: str) -> tuple:
    """(control, value) as the dialog understands `text`; a duration counts by its days."""
    got = interpreter.understand(question, text)
    value = got.value.get("days") if isinstance(got.value, dict) else got.value
    return got.control, value


class DialogExam:
    """English answers asked with the dialog's real questions and judged by its interpreter."""

    def __init__(self) -> None:
        content = load_content()
        self.interpreter = Interpreter(content)
        self.questions = {cls: content.questions_by_id[qid] for cls, qid in QUESTION_OF.items()}
        answers = {**CLASSES, "yesno": CLASSES["yesno"] + MORE_YESNO, OFF_TOPIC: OUT_OF_GRAMMAR}
        # An answer the question itself would not understand typed (e.g. "knee" for the location) is left out.
        self.classes = {cls: tuple(t for t in texts if cls == OFF_TOPIC or self.meaning(cls, t) != (None, None))
                        for cls, texts in answers.items()}

    def ask(self, cls: str) -> Ask:
        """The Ask the dialog emits for this class's question."""
        return dialog_ask(self.interpreter, self.questions[cls])

    def grammar(self, cls: str) -> str:
        """Which question's grammar the class is heard with, and its size."""
        ask = self.ask(cls)
        return f"{ask.question} ({ask.kind}), {len(ask.vocabulary)} phrases"

    def meaning(self, cls: str, text: str) -> tuple:
        """(control, value) as the dialog understands `text`; a duration counts by its days."""
        return meaning_of(self.interpreter, self.questions[cls], text)

    def same(self, cls: str, heard: str, said: str) -> bool:
        """Whether the dialog takes `heard` to mean what `said` means."""
        return cls != OFF_TOPIC and bool(heard) and self.meaning(cls, heard) == self.meaning(cls, said)


def write_wav(path: Path, pcm: bytes, channels: int = 1, rate: int = 16000) -> Path:
    """Write 16-bit PCM bytes (interleaved when `channels` > 1) as a WAV file, for tests."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return path


class ReadCount:
    """Chunks passed through, counting the bytes read so far."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks, self.read = iter(chunks), 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.read += len(chunk)
            yield chunk


class Watched:
    """The real recognizer, noting how much of the stream had been read each time an answer was decoded, and how long
    each decoding took."""

    def __init__(self, recognizer: Recognizer, stream: ReadCount) -> None:
        self._recognizer, self._stream = recognizer, stream
        self.decoded_at: list[int] = []
        self.took: list[float] = []
        self.name = recognizer.name

    def usable(self, phrases: Sequence[str]) -> tuple[str, ...]:
        """The recognizer's own answer."""
        return self._recognizer.usable(phrases)

    def start(self, *args: Any, **kwargs: Any) -> Session:
        """The recognizer's session, its decodings noted."""
        return _WatchedSession(self._recognizer.start(*args, **kwargs), self)


class _WatchedSession:
    """A session whose decodings are noted by its Watched."""

    def __init__(self, session: Session, watcher: Watched) -> None:
        self._session, self._watcher = session, watcher

    def feed(self, pcm: bytes) -> None:
        """As the session."""
        self._session.feed(pcm)

    def finish(self) -> Recognition:
        """As the session, noting how far the stream had been read and the decoding's time."""
        self._watcher.decoded_at.append(self._watcher._stream.read)
        start = time.perf_counter()
        recognition = self._session.finish()
        self._watcher.took.append(time.perf_counter() - start)
        return recognition
