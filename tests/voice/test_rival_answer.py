"""In a noisy room, pocketsphinx names the answers of another meaning whose phones fit as well as the one heard (its
rivals), so that the dialog checks such a red-flag "no": real audio, real pocketsphinx. Each case uses a fresh
recognizer, because pocketsphinx carries what it heard into the next answer."""
from __future__ import annotations

import pytest

from voice_triage.thresholds import SURE_NO
from voice_triage.voice import sphinx_recognizer
from voice_triage.voice.recognizers import Recognition
from voice_triage.voice.testing import FLITE, DialogExam, Voice, add_noise, pad

SLT, RMS, KAL16 = FLITE[0], FLITE[1], FLITE[3]
EXAM = DialogExam()  # the dialog's real warning-sign question and interpreter, loaded once


def hear(synth, text: str, voice: Voice, snr: float | None, seed: int = 1) -> Recognition:
    """`text` said in white noise `snr` dB below it (None: a quiet room), heard with a red flag's grammar."""
    ask = EXAM.ask("yesno")
    recognizer = sphinx_recognizer.SphinxRecognizer()
    audio = add_noise(pad(synth(text, voice), 0.5, 1.5), snr, seed=seed)
    return recognizer.recognize(audio, recognizer.usable(ask.vocabulary), synonyms=ask.synonyms)


def means_no(heard: Recognition) -> bool:
    """The dialog would take this as a "no"."""
    return EXAM.same("yesno", heard.text, "no")


@pytest.mark.parametrize(("voice", "snr", "seed", "heard_as"), [(SLT, 20.0, 3, "never"), (KAL16, 10.0, 1, "no")])
def test_help_heard_as_a_sure_no_has_a_rival(synth, voice: Voice, snr: float, seed: int, heard_as: str) -> None:
    """"help" heard as "never" or "no", sure enough to be taken without a check but for its rivals."""
    heard = hear(synth, "help", voice, snr, seed)
    assert heard.text == heard_as and means_no(heard) and heard.confidence >= SURE_NO, heard
    assert heard.rivals and not any(means_no(Recognition(rival, 1.0)) for rival in heard.rivals), heard.rivals


def test_a_no_in_noise_that_fits_best_has_no_rival(synth) -> None:
    """The check costs nothing when the phone loop fits the answer heard better than any other."""
    heard = hear(synth, "no", KAL16, 20.0)
    assert means_no(heard) and heard.confidence >= SURE_NO and heard.rivals == (), heard


def test_a_yes_in_noise_that_fits_best_has_no_rival(synth) -> None:
    heard = hear(synth, "yes", RMS, 20.0)
    assert heard.text == "yes" and heard.confidence >= SURE_NO and heard.rivals == (), heard


def test_in_a_quiet_room_there_is_no_rival_check(synth) -> None:
    """flite's clean "no" fits another answer as well, yet has no rivals: in a quiet room the check caught no sure
    mishearing of "no" and would only have added checks."""
    heard = hear(synth, "no", SLT, None)
    assert heard.text == "no" and heard.confidence >= SURE_NO and heard.rivals == (), heard

    ask = EXAM.ask("yesno")
    recognizer = sphinx_recognizer.SphinxRecognizer()
    session = recognizer.start(recognizer.usable(ask.vocabulary), synonyms=ask.synonyms)
    phones = session._decode_phones(pad(synth("no", SLT), 0.5, 1.5))
    assert session._rivals("no", phones), "in a noisy room the same sounds would have had rivals"
