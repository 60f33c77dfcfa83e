"""Grammar-limited speech recognizers behind one small interface: Vosk (primary) and pocketsphinx (built in)."""
from __future__ import annotations

import difflib
import functools
import json
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voice_triage.voice.accents import british
from voice_triage.voice.audio import SAMPLE_RATE, chunked
from voice_triage.voice.denoise import comfort_noise
from voice_triage.voice.errors import ModelError, VoiceUnavailable
from voice_triage.voice.noisy_room import DISAGREE_CAP, Room

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path("models") / "vosk-model-small-en-us-0.15"
MODEL_ENV = "VOICE_TRIAGE_MODEL"
MIN_SNAP = 0.75  # how close a transcript must be to a known phrase to count as that phrase
UNK = "[unk]"
SURE_WORD = 0.9  # Vosk word confidence below which a word may be an insertion


@dataclass(frozen=True)
class Recognition:
    """What a recognizer understood: a phrase of the grammar (or ""), a confidence in [0, 1], runners-up."""

    text: str
    confidence: float
    alternatives: tuple[str, ...] = ()
    raw: str = ""  # the recognizer's own transcript before re-matching, for logs and the transcript


class Session(Protocol):
    """One utterance being recognized: feed audio as it arrives, then finish."""

    def feed(self, pcm: bytes) -> None: ...

    def finish(self) -> Recognition: ...


class Recognizer(Protocol):
    """Hears one utterance given the phrases that may be said now."""

    name: str

    def usable(self, phrases: Sequence[str]) -> tuple[str, ...]: ...

    def start(self, phrases: Sequence[str], spotting: bool = False, wholes: Sequence[str] = (),
              carriers: Sequence[str] = (), synonyms: Sequence[Sequence[str]] = ()) -> Session: ...

    def recognize(self, audio: bytes, phrases: Sequence[str], spotting: bool = False,
                  wholes: Sequence[str] = (), carriers: Sequence[str] = (),
                  synonyms: Sequence[Sequence[str]] = ()) -> Recognition: ...


def normalize(phrase: str) -> str:
    """Lowercase, keep letters (any script), digits and apostrophes, single spaces."""
    return " ".join(re.sub(r"[^\w' ]+", " ", phrase.lower()).split())


def snap(text: str, phrases: Sequence[str]) -> tuple[str, float]:
    """Nearest phrase to a transcript and its word-level similarity (1.0 = exact); ("", 0) if none is close."""
    words = normalize(text).split()
    if not words:
        return "", 0.0
    scored = [(difflib.SequenceMatcher(None, words, normalize(p).split()).ratio(), p) for p in phrases]
    best_score, best = max(scored, default=(0.0, ""))
    return (best, best_score) if best_score >= MIN_SNAP else ("", 0.0)


class Meanings:
    """Which phrases mean the same answer ("no", "nope", "not really"), from the question's synonym groups."""

    def __init__(self, synonyms: Sequence[Sequence[str]] = ()) -> None:
        self._group = {normalize(p): i for i, group in enumerate(synonyms) for p in group}

    def same(self, one: str, other: str) -> bool:
        """The same phrase, or two that mean the same answer.

        In noise the two cleanings often pick different words for the same answer (yes/no answers at 10 dB:
        48 of 65 disagreements, 44 of those right). Sentence answers (spotting) still need the same words:
        comparing only the answers found there accepted more wrong ones (scripts/bench_voice.py notes).
        """
        group = self._group.get(normalize(one))
        return one == other or (group is not None and group == self._group.get(normalize(other)))


def verdict(raw: str, confidence: float, phrases: Sequence[str]) -> Recognition:
    """Re-match a transcript to the question's phrases; anything that does not match is rejected."""
    clean = " ".join(w for w in normalize(raw).split() if w != "unk")
    phrase, similarity = snap(clean, phrases)
    if not phrase:
        return Recognition("", 0.0, (), raw)
    return Recognition(phrase, round(max(0.0, min(1.0, confidence * similarity)), 3), (), raw)


def spotted(raw: str, confidence: float, phrases: Sequence[str], wholes: Sequence[str] = (),
            carriers: Sequence[str] = ()) -> Recognition:
    """A spotting result: kept whole (the dialog reads several answers in it) if it names at least one phrase.

    `wholes` (control words such as "bye") count only as the entire answer, never inside a sentence;
    `carriers` (the content's neutral words around answers: "my", "the") never count as an answer.
    """
    words = [w for w in normalize(raw).split() if w != "unk"]
    text = " ".join(words)
    if text in wholes:
        return Recognition(text, round(max(0.0, min(1.0, confidence)), 3), (text,), raw)
    found = [p for p in phrases if f" {p} " in f" {text} " and p not in carriers and p not in wholes]
    if not found:
        return Recognition("", 0.0, (), raw)
    return Recognition(text, round(max(0.0, min(1.0, confidence)), 3), tuple(found), raw)


class GrammarRecognizer:
    """Shared part: filter phrases to words the model knows (logging what is dropped), and one-shot recognize."""

    name = "grammar"

    def knows(self, word: str) -> bool:
        """Whether the model can recognize this word."""
        raise NotImplementedError

    def start(self, phrases: Sequence[str], spotting: bool = False, wholes: Sequence[str] = (),
              carriers: Sequence[str] = (), synonyms: Sequence[Sequence[str]] = ()) -> Session:
        """Open a session for one utterance limited to `phrases` (spotting: several, with `carriers` around
        them; `wholes` only as the entire answer; `synonyms`: groups of phrases that mean the same answer)."""
        raise NotImplementedError

    def usable(self, phrases: Sequence[str]) -> tuple[str, ...]:
        """Phrases whose every word is known; a phrase with an unknown word is dropped whole (never altered)."""
        return self._usable(tuple(phrases))

    @lru_cache(maxsize=256)  # the same questions come back (re-asks); checking words is not free
    def _usable(self, phrases: tuple[str, ...]) -> tuple[str, ...]:
        keep, dropped = [], []
        for phrase in dict.fromkeys(normalize(p) for p in phrases):
            (keep if phrase and all(self.knows(w) for w in phrase.split()) else dropped).append(phrase)
        if dropped:
            log.info("%s: dropped phrases with words the model does not know: %s", self.name, dropped)
        return tuple(keep)

    def recognize(self, audio: bytes, phrases: Sequence[str], spotting: bool = False,
                  wholes: Sequence[str] = (), carriers: Sequence[str] = (),
                  synonyms: Sequence[Sequence[str]] = ()) -> Recognition:
        """Recognize one complete utterance."""
        session = self.start(phrases, spotting, wholes, carriers, synonyms)
        session.feed(audio)
        return session.finish()


# --- Vosk -------------------------------------------------------------------------------------------


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
        return vosk.Model(str(folder))
    except Exception as e:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelError(f"speech model in {folder} is broken or incomplete ({e}); "
                         "delete it and run: voice-triage models download") from e


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
        if pcm and self._rec.AcceptWaveform(pcm):
            self._words += json.loads(self._rec.Result()).get("result", [])

    def finish(self) -> Recognition:
        """What was heard; in a noisy room what RNNoise's cleaning gives, if a classical cleaning agrees."""
        self._words += json.loads(self._rec.FinalResult()).get("result", [])
        noisy = self._room.cleanings(self._utterance)
        if noisy is None:
            return self._judged(self._words)
        heard = self._decode(noisy.heard)
        if not heard.text and noisy.fallback is not None:
            heard = self._judged(self._words)  # what was heard before cleaning
        if heard.text and not any(self._meanings.same(self._decode(check).text, heard.text) for check in noisy.checks):
            heard = Recognition(heard.text, min(heard.confidence, DISAGREE_CAP), heard.alternatives, heard.raw)
        return heard

    def _decode(self, audio: bytes) -> Recognition:
        """A whole utterance through a fresh recognizer, in the chunks a listener would pass."""
        rec, words = self._recognizer(), []
        for chunk in chunked(audio):
            if rec.AcceptWaveform(chunk):
                words += json.loads(rec.Result()).get("result", [])
        return self._judged(words + json.loads(rec.FinalResult()).get("result", []))

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


def _text(words: list[dict[str, Any]]) -> str:
    """Transcript of Vosk words."""
    return " ".join(w["word"] for w in words)


def _mean_conf(words: list[dict[str, Any]]) -> float:
    """Mean Vosk word confidence."""
    return sum(float(w.get("conf", 0.0)) for w in words) / len(words)


# --- pocketsphinx -----------------------------------------------------------------------------------

_FILLERS = {"SIL", "+NSN+", "+SPN+", "+BREATH+", "+COUGH+", "+UM+", "+SMACK+", "+UH+", "(NULL)", "<s>", "</s>", "<sil>"}


# Broad phone classes: in noise the phone loop often swaps a phone for its neighbour (P/B/V, T/TH, IH/EH).
_BROAD_CLASSES = ("P B", "T D", "K G", "F V", "TH DH", "S Z SH ZH CH JH", "HH", "M N NG", "L R ER", "W Y",
                  "IY IH EY EH AE", "AH AA AO", "UW UH OW", "AY AW OY")
_BROAD = {phone: i for i, group in enumerate(_BROAD_CLASSES) for phone in group.split()}
# The phone loop "hears" phones in near-silence (synthesized speech, comfort noise); frames this far below
# the loudest one are left out (clean answers understood: 95.8% -> 97.2% over 8 voices; off-topic talk
# rejected: 50% -> 45%).
NEAR_SILENCE_DB = 45.0
FRAME_SAMPLES = SAMPLE_RATE // 100  # pocketsphinx's 100 frames per second
TALK_RATIO = 1.8  # this many times the answer's phones is talk around or instead of it (off-topic talk rejected: 42% -> 50%)


def phone_agreement(expected: Sequence[str], heard: Sequence[str]) -> float:
    """Confidence from how well a free phone-loop transcript agrees with the grammar answer's phones.

    Agreement is half exact phones, half broad phone classes (measured on the benchmark: clean answers
    understood 96.7% -> 98.1% with wrong answers accepted 0.9% -> 1.1%). Agreement 0.15 maps to 0.5, the
    dialog's acceptance line; much more speech than the answer (out-of-grammar talk) halves it.
    """
    heard = [p for p in heard if p not in _FILLERS]
    if not expected:
        return 0.0
    exact = difflib.SequenceMatcher(None, list(expected), heard).ratio()
    broad = difflib.SequenceMatcher(None, [_BROAD.get(p, p) for p in expected], [_BROAD.get(p, p) for p in heard]).ratio()
    conf = min(1.0, 0.3 + 1.4 * (exact + broad) / 2)
    return conf * 0.5 if len(heard) > TALK_RATIO * len(expected) else conf


class SphinxRecognizer(GrammarRecognizer):
    """pocketsphinx with its bundled US-English model and a JSGF grammar per question.

    The grammar decoder always answers with some phrase, so a second, free phone-loop decoder checks it:
    confidence is how well the two agree (out-of-grammar speech and noise disagree). In a noisy room the
    audio is cleaned first and a different cleaning must hear the same answer (noisy_room.py).
    """

    name = "pocketsphinx"

    def __init__(self) -> None:
        try:
            from pocketsphinx import Decoder, get_model_path
        except ImportError as e:
            raise VoiceUnavailable("the pocketsphinx package is missing; install: pip install 'voice-triage[voice]'") from e
        # No lattice best-path pass: with a small grammar it swaps the first pass's right phrase for a wrong
        # one in noise (top phrase right at 10 dB SNR: 75% with it, 84% without; clean 98.9% -> 99.4%).
        self.decoder = Decoder(lm=None, loglevel="FATAL", bestpath=False)
        # Spotting grammars loop over carrier words; a strong word-insertion penalty stops them from
        # explaining every noise as "a", "in", "i" (measured: 9/10 sentence answers right vs 8/10). No
        # best-path pass here either (places and durations at 20 dB SNR: 90 -> 141 of 456 understood).
        self.spotter = Decoder(lm=None, loglevel="FATAL", wip=1e-4, bestpath=False)
        # Phone-loop settings suggested for allphone decoding: low LM weight, wide beams.
        self.phones = Decoder(lm=None, allphone=get_model_path("en-us/en-us-phone.lm.bin"), loglevel="FATAL",
                              lw=2.0, beam=1e-20, pbeam=1e-20)
        self.room = Room()  # noisy answers are cleaned for the decoder (noisy_room.py)
        self._searches: dict[tuple, str] = {}
        self._accented: set[str] = set()  # words whose British pronunciation has been added

    def knows(self, word: str) -> bool:
        """Whether the word is in the pronouncing dictionary."""
        return self.decoder.lookup_word(word) is not None

    def pronunciations(self, phrase: str) -> set[tuple[str, ...]]:
        """Dictionary phones of a phrase, said the US way and the British way (one speaker, one accent)."""
        by_word = [(self.decoder.lookup_word(word) or "").split() for word in phrase.split()]
        us = tuple(phone for phones in by_word for phone in phones)
        uk = tuple(phone for phones in by_word for phone in british(phones))
        return {us, uk}

    def _add_british(self, words: set[str]) -> None:
        """Give each word its British pronunciation too, as a dictionary alternate in both grammar decoders."""
        for word in words - self._accented:
            us = (self.decoder.lookup_word(word) or "").split()
            uk = british(us)
            if us and uk != tuple(us):
                for decoder in (self.decoder, self.spotter):
                    decoder.add_word(_free_alternate(decoder, word), " ".join(uk), True)
            self._accented.add(word)

    def start(self, phrases: Sequence[str], spotting: bool = False, wholes: Sequence[str] = (),
              carriers: Sequence[str] = (), synonyms: Sequence[Sequence[str]] = ()) -> Session:
        """A session whose grammar is the usable phrases (compiled once per distinct phrase list)."""
        usable = self.usable(phrases)
        if not usable:
            raise ValueError("none of the phrases can be recognized by this model")
        whole = tuple(p for p in usable if p in set(wholes)) if spotting else ()
        if not spotting:
            return SphinxSession(self, self._search(usable), usable, verdict, self.decoder, synonyms=synonyms)
        # The spotting decoder's strong insertion penalty leaves short robotic answers ("hip") with no path
        # at all; then the answers alone (no control words) are tried as one phrase. Measured on places and
        # durations, 8 voices: clean 235 -> 347 of 456 understood, wrong accepted 28 -> 50 (read back anyway).
        answers = tuple(p for p in usable if p not in whole) or usable
        fillers = tuple(w for w in carriers if self.knows(w))
        judge = functools.partial(spotted, wholes=whole, carriers=tuple(carriers))
        return SphinxSession(self, self._search(usable, whole, fillers), usable, judge, self.spotter,
                             fallback=self._search(answers))

    def _search(self, phrases: tuple[str, ...], wholes: tuple[str, ...] | None = None,
                carriers: tuple[str, ...] = ()) -> str:
        """The name of a compiled grammar search: one phrase, or spotting (when `wholes` is given)."""
        key = (phrases, wholes is not None, wholes or (), carriers)
        if key not in self._searches:
            self._add_british({word for phrase in phrases + carriers for word in phrase.split()})
            name = f"g{len(self._searches)}"
            if wholes is None:
                self.decoder.add_jsgf_string(name, jsgf(phrases))
            else:
                self.spotter.add_jsgf_string(name, jsgf(phrases, carriers, wholes))
            self._searches[key] = name
        return self._searches[key]


def _free_alternate(decoder: Any, word: str) -> str:
    """The first unused dictionary name for another pronunciation of `word` ("either(3)" after "either(2)")."""
    n = 2
    while decoder.lookup_word(f"{word}({n})") is not None:
        n += 1
    return f"{word}({n})"


def jsgf(phrases: Sequence[str], carriers: Sequence[str] = (), wholes: Sequence[str] = ()) -> str:
    """A JSGF grammar: exactly one phrase, or (with carriers) phrases with carrier words around them.

    Phrases in `wholes` (control words) may only be the whole answer: "bye" must never hide inside
    "my lower back and my buttock".
    """
    if not carriers:  # normalized phrases: letters, digits and apostrophes, all fine in JSGF
        return f"#JSGF V1.0;\ngrammar answers;\npublic <answer> = {' | '.join(phrases)};\n"
    items = [p for p in phrases if p not in set(wholes)] or list(phrases)
    sentence = "<carrier>* <item> (<carrier>* <item>)* <carrier>*"
    answer = f"{sentence} | {' | '.join(wholes)}" if wholes and len(items) < len(phrases) else sentence
    return ("#JSGF V1.0;\ngrammar answers;\n"
            f"<item> = {' | '.join(items)};\n<carrier> = {' | '.join(carriers)};\n"
            f"public <answer> = {answer};\n")


class SphinxSession:
    """Buffers one utterance and decodes it whole (batch cepstral normalisation is more accurate)."""

    def __init__(self, owner: SphinxRecognizer, search: str, phrases: tuple[str, ...],
                 judge: Callable[[str, float, Sequence[str]], Recognition], decoder: Any,
                 fallback: str | None = None, synonyms: Sequence[Sequence[str]] = ()) -> None:
        self._owner, self._search, self._phrases = owner, search, phrases
        self._judge, self._decoder, self._fallback = judge, decoder, fallback
        self._meanings = Meanings(synonyms)
        self._utterance = owner.room.utterance()

    def feed(self, pcm: bytes) -> None:
        """Keep the audio until the end of the utterance (RNNoise cleans it as it comes)."""
        self._utterance.feed(pcm)

    def finish(self) -> Recognition:
        """Decode with the grammar (in noise, a cleaning of it), verify against the phone loop, re-match.

        RNNoise against the classical pair (spectral subtraction decoded, log-MMSE must agree), at 10 dB SNR,
        8 voices x 3 rates, 960 answers: wrong answers accepted 114 -> 30, understood 503 -> 483; at 20 dB wrong
        70 -> 24, understood 662 -> 656. With no check at all RNNoise's answer was understood 658 times but 250
        wrong ones were taken; checked against itself on audio shifted by 7.5 ms, 117 wrong: its errors repeat,
        while the classical cleanings' differ. Agreement with log-MMSE alone: 444 understood, 29 wrong.
        """
        audio = self._utterance.audio
        if self._judge is verdict:
            # Single-phrase grammars: faint noise fixes digital silence (espeak-ng 24/36 -> 34/36). Not for
            # spotting grammars: there it turned "forty" into "fourteen" in spoken vignettes.
            audio = comfort_noise(audio)
        noisy = self._owner.room.cleanings(self._utterance, audio)
        heard = noisy.heard if noisy else audio
        raw = self._decode_grammar(heard) or (self._decode_grammar(noisy.fallback) if noisy and noisy.fallback else "")
        if not raw:
            return Recognition("", 0.0)
        # In noise the phone loop hears more on the cleaned audio (10 dB: 53% -> 62% understood).
        phones = self._decode_phones(heard)
        conf = max(phone_agreement(said, phones) for said in self._owner.pronunciations(raw))
        if noisy and not any(self._meanings.same(self._decode_grammar(check), raw) for check in noisy.checks):
            conf = min(conf, DISAGREE_CAP)  # a different cleaning hears another answer: not sure enough to act on
        return self._judge(raw, conf, self._phrases)

    def _decode_grammar(self, audio: bytes) -> str:
        """Best grammar phrase; when the spotting grammar finds no path at all, the one-phrase fallback's.

        The fallback is a one-phrase grammar, so it gets comfort noise like one (clean places 135 -> 144 of 168
        understood, espeak-ng's "back of thigh" had no path at all; durations 138 -> 135; wrong accepted 22
        both; no change in noise)."""
        found = _decode(self._decoder, self._search, audio)
        if found or self._fallback is None:
            return found
        return _decode(self._owner.decoder, self._fallback, comfort_noise(audio))

    def _decode_phones(self, audio: bytes) -> list[str]:
        """Free phone-loop transcript of the same audio, leaving out phones "heard" in near-silence."""
        dec = self._owner.phones
        dec.start_utt()
        dec.process_raw(audio, full_utt=True)
        dec.end_utt()
        if dec.hyp() is None:
            return []
        loud = audible_frames(audio)
        return [s.word for s in dec.seg() if loud[min(len(loud) - 1, (s.start_frame + s.end_frame) // 2)]]


def _decode(decoder: Any, search: str, audio: bytes) -> str:
    """One decoder pass with a grammar search (pocketsphinx returns a partial path when no phrase fits).

    The decoder's front end is deliberately not reset between answers: doing so made decoding repeatable but
    less accurate (scripts/bench_voice.py notes: clean 91.9% -> 90.8%, wrong accepted at 10 dB 10.8% -> 13.6%).
    """
    decoder.activate_search(search)
    decoder.start_utt()
    decoder.process_raw(audio, full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp is not None else ""


def audible_frames(audio: bytes, below_peak_db: float = NEAR_SILENCE_DB) -> np.ndarray:
    """Per 10 ms decoder frame: whether it is within `below_peak_db` of the loudest frame."""
    x = np.frombuffer(audio[: len(audio) - len(audio) % 2], dtype="<i2").astype(np.float64)
    n = max(1, len(x) // FRAME_SAMPLES)
    x = np.pad(x, (0, n * FRAME_SAMPLES - len(x))) if len(x) < n * FRAME_SAMPLES else x[: n * FRAME_SAMPLES]
    level = 10 * np.log10((x.reshape(n, FRAME_SAMPLES) ** 2).mean(axis=1) + 1.0)
    return level >= level.max() - below_peak_db
