"""British pronunciations for pocketsphinx: the rules on phones, and British speech heard through them."""
from __future__ import annotations

import pytest

from voice_triage.voice.accents import british
from voice_triage.voice.audio import chunked
from voice_triage.voice.listener import VoiceListener
from voice_triage.voice.testing import ESPEAK, DialogExam, RATES, pad


@pytest.mark.parametrize("us, uk", [
    ("F AE S T ER", "F AA S T AH"),  # faster: no final r, broad a
    ("S L OW ER", "S L OW AH"),  # slower
    ("AE F T ER", "AA F T AH"),  # after
    ("L AE S T", "L AA S T"),  # last
    ("S T AA R T", "S T AA R T"),  # start: an r before a consonant stays (else it sounds like "stop")
    ("HH ER T", "HH ER T"),  # hurt: the vowel of "hurt" is kept
    ("B AE K", "B AE K"),  # back: a short a before k
    ("", ""),
])
def test_british_variant_of_us_phones(us: str, uk: str) -> None:
    assert british(us.split()) == tuple(uk.split())


def test_every_word_of_a_grammar_gets_its_british_pronunciation_once(sphinx) -> None:
    sphinx.start(("faster", "slower", "yes"))
    assert sphinx.decoder.lookup_word("faster(2)") == "F AA S T AH"
    assert sphinx.spotter.lookup_word("slower(2)") == "S L OW AH"
    assert sphinx.decoder.lookup_word("yes(2)") is None  # nothing differs: no alternate
    sphinx.start(("faster", "no"))
    assert sphinx.decoder.lookup_word("faster(3)") is None


def test_an_existing_alternate_is_kept(sphinx) -> None:
    """CMU already has "either(2)" (AY DH ER); the British one comes after it."""
    before = sphinx.decoder.lookup_word("either(2)")
    sphinx.start(("either", "neither"))
    assert sphinx.decoder.lookup_word("either(2)") == before
    assert "AH" == sphinx.decoder.lookup_word("either(3)").split()[-1]


def test_british_speaker_saying_faster_and_slower(synth) -> None:
    """espeak-ng's British voice says "faster" and "slower" without the final r; with the US dictionary alone
    "faster" was heard as "positive" at every rate (docs/benchmarks-voice.md). Heard with a red flag's whole
    grammar by a fresh recognizer, so earlier tests' audio does not change the result."""
    from voice_triage.voice.sphinx_recognizer import SphinxRecognizer
    sphinx, exam = SphinxRecognizer(), DialogExam()
    ask = exam.ask("controls")
    understood = []
    for word in ("faster", "slower"):
        for rate in RATES:
            heard = VoiceListener(chunked(pad(synth(word, ESPEAK[3], rate), 0.5, 1.5)), sphinx).listen(ask)
            understood.append(heard is not None and heard.confidence >= 0.5 and exam.same("controls", heard.text, word))
    assert sum(understood) >= 5, understood
