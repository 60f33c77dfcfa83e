"""Vosk, the primary recognizer: a model folder on disk and a runtime grammar per question."""
from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from voice_triage.voice.audio import SAMPLE_RATE, chunked
from voice_triage.voice.english_model import MODEL_NAME
from voice_triage.voice.errors import ModelError, VoiceUnavailable
from voice_triage.voice.noisy_room import DISAGREE_CAP, Room
from voice_triage.voice.recognizers import GrammarRecognizer, Meanings, Recognition, Session, spotted, verdict

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path("models") / MODEL_NAME
MODEL_ENV = "VOICE_TRIAGE_MODEL"
UNK = "[unk]"
SURE_WORD = 0.9  # Vosk word confidence below which a word may be an insertion


def find_model(explicit: str | Path | None = None, root: Path | None = None) -> Path | None:
    """The Vosk model folder: --model, then $VOICE_TRIAGE_MODEL, then models/ under the project or cwd."""
    if explicit:
        return Path(explicit)
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV])
    project = root or Path(__file__).resolve().parents[2]
    for base in (project, Path.cwd()):
        if (base / DEFAULT_MODEL_DIR).is_dir():
            return base / DEFAULT_MODEL_DIR
    return None


def load_vosk_model(path: str | Path) -> Any:
    """Load a Vosk model from a folder only (never by language: that downloads); clear errors."""
    try:
        import vosk
    except ImportError as e:
        raise VoiceUnavailable("the vosk package is missing; install: pip install 'voice-triage[voice]'") from e
    folder = Path(path)
    if not folder.is_dir():
        raise ModelError(f"speech model folder not found: {folder}; run: voice-triage models download")
    if not (folder / "am").is_dir() and not (folder / "final.mdl").exists():
        raise ModelError(f"{folder} does not look like a Vosk model (no am/ folder); run: voice-triage models download")
    vosk.SetLogLevel(-1)
    try:
        with _native_stderr_logged():
            return vosk.Model(str(folder))
    except Exception as e:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelError(f"speech model in {folder} is broken or incomplete ({e}); "
                         "delete it and run: voice-triage models download") from e


@contextlib.contextmanager
def _native_stderr_logged() -> Iterator[None]:
    """Hold what the C++ library writes straight to file descriptor 2 and log it at debug level.

    Kaldi prints past Python logging and SetLogLevel: a model with a bad option in conf/model.conf put 74 lines
    of option help before our one-line error. Loading runs before the conversation, with no other thread writing.
    """
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to keep clean
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            said = held.read().decode("utf-8", errors="replace").strip()
            if said:
                log.debug("the speech library said while loading the model:\n%s", said)


def has_runtime_grammar(path: str | Path) -> bool:
    """Models with HCLG.fst silently ignore grammars; HCLr.fst + Gr.fst support them."""
    graph = Path(path) / "graph"
    return (graph / "HCLr.fst").exists() and (graph / "Gr.fst").exists()


class VoskRecognizer(GrammarRecognizer):
    """Vosk with a runtime grammar per question; a fresh KaldiRecognizer per utterance; in a noisy room the answer
    is cleaned and checked as for pocketsphinx (noisy_room.py)."""

    name = "vosk"

    def __init__(self, model_path: str | Path) -> None:
        self.path = Path(model_path)
        self.model = load_vosk_model(self.path)
        if not has_runtime_grammar(self.path):
            log.warning("vosk model %s has no graph/HCLr.fst + Gr.fst: grammars are ignored", self.path)
        self.has_unk = self.knows(UNK)
        self.room = Room()  # noisy answers are cleaned and checked as for pocketsphinx (noisy_room.py)

    def knows(self, word: str) -> bool:
        """Whether the word is in the model's vocabulary."""
        return self.model.vosk_model_find_word(word) != -1

    def start(self, phrases: Sequence[str], spotting: bool = False, wholes: Sequence[str] = (),
              carriers: Sequence[str] = (), synonyms: Sequence[Sequence[str]] = ()) -> Session:
        """A session with a grammar of the usable phrases plus [unk] when the model has it (`synonyms`: groups of
        phrases that mean the same answer, for the check in a noisy room)."""
        grammar = list(self.usable(phrases))
        if not grammar:
            raise ValueError("none of the phrases can be recognized by this model")
        fillers = [w for w in carriers if self.knows(w) and w not in grammar] if spotting else []
        judge = functools.partial(spotted, wholes=tuple(wholes), carriers=tuple(carriers)) if spotting else verdict
        return VoskSession(self, grammar + fillers + ([UNK] if self.has_unk else []), grammar, judge, synonyms)


class VoskSession:
    """One utterance: a KaldiRecognizer hears it as it comes; in a noisy room its cleanings are heard at the end.

    Vosk's grammar decoder takes noise for answers, often with full confidence: on the Korean model, espeak-ng
    answers at 10 dB SNR, 142 of 288 were understood and 95 wrong ones taken. Decoding RNNoise's cleaning and
    keeping the answer only if a classical cleaning hears it too (as pocketsphinx does): 192 understood, none
    wrong (scripts/bench_voice.py notes).
    """

    def __init__(self, owner: VoskRecognizer, grammar: list[str], phrases: list[str],
                 judge: Callable[[str, float, Sequence[str]], Recognition] = verdict,
                 synonyms: Sequence[Sequence[str]] = ()) -> None:
        # ensure_ascii=False: vosk looks words up as UTF-8 text, escaped non-ASCII words would all be "missing"
        self._model, self._grammar = owner.model, json.dumps(grammar, ensure_ascii=False)
        self._room, self._utterance = owner.room, owner.room.utterance()
        self._phrases, self._judge, self._meanings = phrases, judge, Meanings(synonyms)
        self._rec = self._recognizer()
        self._words: list[dict[str, Any]] = []

    def _recognizer(self) -> Any:
        """A fresh KaldiRecognizer with this question's grammar and word confidences."""
        import vosk

        rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, self._grammar)
        rec.SetWords(True)
        return rec

    def feed(self, pcm: bytes) -> None:
        """Pass audio on; when Vosk finds its own endpoint, keep that part's words."""
        self._utterance.feed(pcm)
        if pcm:
            self._words += _accepted(self._rec, pcm)

    def finish(self) -> Recognition:
        """What was heard; in a noisy room what RNNoise's cleaning gives, if a classical cleaning agrees."""
        self._words += _final(self._rec)
        noisy = self._room.cleanings(self._utterance)
        if noisy is None:
            return self._judged(self._words)
        heard = self._decode(noisy.heard)
        if not heard.text and noisy.fallback is not None:
            heard = self._judged(self._words)  # what was heard before cleaning
        if heard.text and not any(self._meanings.same(self._decode(check).text, heard.text) for check in noisy.checks):
            heard = replace(heard, confidence=min(heard.confidence, DISAGREE_CAP))  # the dialog asks again
        return heard

    def _decode(self, audio: bytes) -> Recognition:
        """A whole utterance through a fresh recognizer, in the chunks a listener would pass."""
        rec = self._recognizer()
        words = [word for chunk in chunked(audio) for word in _accepted(rec, chunk)]
        return self._judged(words + _final(rec))

    def _judged(self, all_words: list[dict[str, Any]]) -> Recognition:
        """Confidence = mean word confidence, less for [unk] words; re-matched to the phrases."""
        words = [w for w in all_words if w.get("word") != UNK]
        if not words:
            return Recognition("", 0.0, (), " ".join(w.get("word", "") for w in all_words))
        penalty = len(words) / len(all_words)  # part of it was [unk]: less sure of the rest
        result = self._judge(_text(words), _mean_conf(words) * penalty, self._phrases)
        sure = [w for w in words if float(w.get("conf", 0.0)) >= SURE_WORD]
        if not result.text and sure and len(sure) < len(words):
            # Grammar mode inserts short words at noises (e.g. a stray "yes" before "repeat"); Vosk marks
            # them with a low confidence, so try again without them, a little less sure.
            retry = self._judge(_text(sure), _mean_conf(sure) * penalty * 0.9, self._phrases)
            result = Recognition(retry.text, retry.confidence, (), result.raw) if retry.text else result
        return result


def _accepted(rec: Any, pcm: bytes) -> list[dict[str, Any]]:
    """Pass audio to a KaldiRecognizer; the words of the part it ends when it finds its own endpoint there."""
    return json.loads(rec.Result()).get("result", []) if rec.AcceptWaveform(pcm) else []


def _final(rec: Any) -> list[dict[str, Any]]:
    """The words of what is left at the end of the utterance."""
    return json.loads(rec.FinalResult()).get("result", [])


def _text(words: list[dict[str, Any]]) -> str:
    """Transcript of Vosk words."""
    return " ".join(w["word"] for w in words)


def _mean_conf(words: list[dict[str, Any]]) -> float:
    """Mean Vosk word confidence."""
    return sum(float(w.get("conf", 0.0)) for w in words) / len(words)
