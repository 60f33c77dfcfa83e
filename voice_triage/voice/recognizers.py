"""The one small interface every speech recognizer offers, and the matching of what it heard to the question's
phrases. The recognizers: vosk_recognizer.py (primary) and sphinx_recognizer.py (built in)."""
from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

log = logging.getLogger(__name__)

MIN_SNAP = 0.75  # how close a transcript must be to a known phrase to count as that phrase


@dataclass(frozen=True)
class Recognition:
    """What a recognizer understood: a phrase of the grammar (or ""), a confidence in [0, 1], runners-up."""

    text: str
    confidence: float
    alternatives: tuple[str, ...] = ()
    raw: str = ""  # the recognizer's own transcript before re-matching, for logs and the transcript
    # Answers of another meaning that fit the sounds as well as `text` (pocketsphinx's phone check, in a noisy room):
    # "help" heard as "no" with full confidence has "yeah" here. The dialog checks such a red-flag "no".
    rivals: tuple[str, ...] = ()


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
