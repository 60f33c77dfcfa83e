"""pocketsphinx, the built-in recognizer: its wheel's US-English model, a JSGF grammar per question and a free
phone loop that checks the grammar's answer."""
from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from voice_triage.voice.accents import british
from voice_triage.voice.audio import frame_power
from voice_triage.voice.denoise import comfort_noise
from voice_triage.voice.errors import VoiceUnavailable
from voice_triage.voice.noisy_room import DISAGREE_CAP, Room
from voice_triage.voice.recognizers import GrammarRecognizer, Meanings, Recognition, Session, spotted, verdict

_FILLERS = {"SIL", "+NSN+", "+SPN+", "+BREATH+", "+COUGH+", "+UM+", "+SMACK+", "+UH+", "(NULL)", "<s>", "</s>", "<sil>"}


# Broad phone classes: in noise the phone loop often swaps a phone for its neighbour (P/B/V, T/TH, IH/EH).
_BROAD_CLASSES = ("P B", "T D", "K G", "F V", "TH DH", "S Z SH ZH CH JH", "HH", "M N NG", "L R ER", "W Y",
                  "IY IH EY EH AE", "AH AA AO", "UW UH OW", "AY AW OY")
_BROAD = {phone: i for i, group in enumerate(_BROAD_CLASSES) for phone in group.split()}
# The phone loop "hears" phones in near-silence (synthesized speech, comfort noise); frames this far below
# the loudest one are left out (clean answers understood: 95.8% -> 97.2% over 8 voices; off-topic talk
# rejected: 50% -> 45%).
NEAR_SILENCE_DB = 45.0
TALK_RATIO = 1.8  # this many times the answer's phones is talk around or instead of it (off-topic talk rejected: 42% -> 50%)


def spoken_phones(heard: Sequence[str]) -> list[str]:
    """A phone-loop transcript without its fillers and silences."""
    return [p for p in heard if p not in _FILLERS]


def phone_match(expected: Sequence[str], spoken: Sequence[str]) -> float:
    """How well spoken phones (spoken_phones) match an answer's phones: half exact phones, half broad classes."""
    if not expected:
        return 0.0
    exact = difflib.SequenceMatcher(None, list(expected), list(spoken)).ratio()
    broad = difflib.SequenceMatcher(None, [_BROAD.get(p, p) for p in expected], [_BROAD.get(p, p) for p in spoken]).ratio()
    return (exact + broad) / 2


def phone_agreement(expected: Sequence[str], heard: Sequence[str]) -> float:
    """Confidence from how well a free phone-loop transcript agrees with the grammar answer's phones.

    Agreement is half exact phones, half broad phone classes (measured on the benchmark: clean answers
    understood 96.7% -> 98.1% with wrong answers accepted 0.9% -> 1.1%). Agreement 0.15 maps to 0.5, the
    dialog's acceptance line; much more speech than the answer (out-of-grammar talk) halves it.
    """
    if not expected:
        return 0.0
    spoken = spoken_phones(heard)
    conf = min(1.0, 0.3 + 1.4 * phone_match(expected, spoken))
    return conf * 0.5 if len(spoken) > TALK_RATIO * len(expected) else conf


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
        """Decode with the grammar (in a noisy room a cleaning of it), verify against the phone loop, re-match.

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
        raw = self._decode_grammar(heard)
        if not raw and noisy and noisy.fallback is not None:
            raw = self._decode_grammar(noisy.fallback)  # heavy subtraction left too little for any phrase to fit
        if not raw:
            return Recognition("", 0.0)
        # In noise the phone loop hears more on the cleaned audio (10 dB: 53% -> 62% understood).
        phones = self._decode_phones(heard)
        conf = max(phone_agreement(said, phones) for said in self._owner.pronunciations(raw))
        if noisy and not any(self._meanings.same(self._decode_grammar(check), raw) for check in noisy.checks):
            conf = min(conf, DISAGREE_CAP)  # a different cleaning hears another answer: not sure enough to act on
        result = self._judge(raw, conf, self._phrases)
        if noisy and self._judge is verdict and result.text:
            return replace(result, rivals=self._rivals(result.text, phones))
        return result

    def _rivals(self, answer: str, phones: Sequence[str]) -> tuple[str, ...]:
        """Answers of another meaning (control words too) whose phones fit the phone loop as well as `answer`'s.

        Only for one-phrase grammars: a sentence answer has no list of rivals. Only in a noisy room: in a quiet one
        it found no sure mishearing of "no", but rivals for 21 of 92 right, sure ones (scripts/bench_voice.py notes).
        """
        spoken = spoken_phones(phones)  # once, not per phrase

        def fit(phrase: str) -> float:
            return max(phone_match(said, spoken) for said in self._owner.pronunciations(phrase))

        chosen = fit(answer)
        return tuple(p for p in self._phrases if not self._meanings.same(p, answer) and fit(p) >= chosen)

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
    level = 10 * np.log10(frame_power(audio))
    return level >= level.max() - below_peak_db
