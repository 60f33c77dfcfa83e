"""pocketsphinx with the dialog's own question grammars (180 yes/no phrases, spotting for places and durations).

The class grammars in test_sphinx.py are small; these are what the dialog really asks with. Thresholds were
set from measured results (docs/benchmarks-voice.md, flite voices, clean) a few points below them, so a real
regression fails; places and durations are the weak part, which is why the dialog reads them back.
"""
from __future__ import annotations

import pytest

from voice_triage.voice.audio import chunked
from voice_triage.voice.listener import VoiceListener
from voice_triage.voice.testing import FLITE, OFF_TOPIC, DialogExam, add_noise, pad

ACCEPT = 0.5
_RESULTS: dict[tuple, list[tuple[str, bool, bool]]] = {}


@pytest.fixture(scope="module")
def exam() -> DialogExam:
    return DialogExam()


def heard_by_class(exam: DialogExam, sphinx, synth, snr: float | None = None) -> dict[str, list[tuple[bool, bool]]]:
    """Per class: (understood, wrong accepted) for every flite voice's answers, heard with the real grammar."""
    if snr not in _RESULTS:
        out: dict[str, list[tuple[bool, bool]]] = {}
        for cls, answers in exam.classes.items():
            if cls == OFF_TOPIC:
                continue  # off-topic rejection is poor (about 20% clean); the benchmark reports it
            ask = exam.ask(cls)
            for voice in FLITE:
                for i, said in enumerate(answers):
                    audio = add_noise(pad(synth(said, voice), 0.5, 1.5), snr, seed=i)
                    heard = VoiceListener(chunked(audio), sphinx).listen(ask)
                    right, sure = exam.same(cls, heard.text, said), bool(heard.text) and heard.confidence >= ACCEPT
                    out.setdefault(cls, []).append((right and sure, not right and sure))
        _RESULTS[snr] = out
    return _RESULTS[snr]


def share(pairs: list[tuple[bool, bool]], index: int) -> float:
    return sum(p[index] for p in pairs) / len(pairs)


@pytest.mark.slow
# Measured 2026-11-23 (4 flite voices, rate 1.0): yes/no, sides, controls 100%; places 25/28; durations 16/24.
# 2026-11-24, after the spotting fix (no best-path pass, one-phrase fallback): places 27/28, durations 19/24.
@pytest.mark.parametrize("cls, least", [("yesno", 0.95), ("sides", 0.95), ("controls", 0.95),
                                        ("places", 0.89), ("durations", 0.70)])
def test_clean_flite_answers_are_understood_through_the_real_grammar(exam, sphinx, synth, cls, least):
    pairs = heard_by_class(exam, sphinx, synth)[cls]
    assert share(pairs, 0) >= least, f"{cls}: {share(pairs, 0):.0%} understood"


@pytest.mark.slow
def test_clean_yes_no_is_never_taken_for_the_opposite(exam, sphinx, synth):
    results = heard_by_class(exam, sphinx, synth)
    assert share(results["yesno"], 1) == 0.0
    answers = [p for cls, pairs in results.items() if cls != OFF_TOPIC for p in pairs]
    assert share(answers, 1) <= 0.05  # measured 4 of 160
