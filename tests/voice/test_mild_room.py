"""A mild room (speech well above the noise): the answer is decoded as heard and RNNoise's cleaning must agree.

Real synthesized speech, real white noise, the real RNNoise library and both real recognizers.
"""
from __future__ import annotations

import pytest

from voice_triage.voice import neural_denoise, noisy_room
from voice_triage.voice.noisy_room import DISAGREE_CAP, MILD_ROOM_DB, Room, speech_over_room_db
from voice_triage.voice.testing import ESPEAK, FLITE, DialogExam, Voice, add_noise, pad

KO = Voice("espeak-ng", "ko")
KOREAN = ("네", "아니요", "왼쪽", "오른쪽", "양쪽", "다시", "그만", "계속")


def spoken(synth, text: str, voice: Voice, snr: float) -> bytes:
    """An answer as the microphone gives it between turns, in white noise `snr` dB below the speech."""
    return add_noise(pad(synth(text, voice), 0.5, 1.5), snr, seed=1)


def watch_cleanings(monkeypatch) -> list:
    """Record what each answer is decoded from and checked against."""
    seen = []
    original = Room.cleanings

    def spy(self, utterance, audio=None):
        found = original(self, utterance, audio)
        seen.append((audio if audio is not None else utterance.audio, found))
        return found

    monkeypatch.setattr(Room, "cleanings", spy)
    return seen


@pytest.mark.parametrize("voice", [FLITE[0], FLITE[3], ESPEAK[0], ESPEAK[1]], ids=lambda v: v.label)
def test_the_room_reading_puts_30_db_above_the_line_and_20_db_below(synth, voice):
    speech = pad(synth("my lower back", voice), 0.5, 1.5)
    reading = {snr: speech_over_room_db(add_noise(speech, snr, seed=2)) for snr in (40.0, 30.0, 20.0, 10.0)}
    assert reading[40.0] > reading[30.0] >= MILD_ROOM_DB > reading[20.0] > reading[10.0]


def test_too_short_to_tell_counts_as_noisy():
    assert speech_over_room_db(bytes(640)) == 0.0 < MILD_ROOM_DB


def test_in_a_mild_room_pocketsphinx_hears_the_answer_as_it_came_checked_by_rnnoise(synth, sphinx, monkeypatch):
    ask = DialogExam().ask("yesno")
    phrases = sphinx.usable(ask.vocabulary)
    yes = spoken(synth, "yes", FLITE[0], 30.0)
    seen = watch_cleanings(monkeypatch)
    heard = sphinx.recognize(yes, phrases, synonyms=ask.synonyms)
    (decoded_audio, found), = seen
    assert found.heard == decoded_audio and found.checks == (neural_denoise.rnnoise(yes),)
    assert DialogExam().same("yesno", heard.text, "yes") and heard.confidence >= 0.5


def test_in_a_mild_room_an_answer_rnnoise_does_not_hear_is_not_taken(synth, sphinx, monkeypatch):
    exam = DialogExam()
    ask = exam.ask("yesno")
    phrases = sphinx.usable(ask.vocabulary)
    yes, no = spoken(synth, "yes", FLITE[0], 30.0), spoken(synth, "no", FLITE[0], 30.0)
    monkeypatch.setattr(noisy_room.Utterance, "neural", lambda self: no)  # RNNoise now hands over a "no"
    heard = sphinx.recognize(yes, phrases, synonyms=ask.synonyms)
    assert exam.same("yesno", heard.text, "yes") and heard.confidence <= DISAGREE_CAP


def test_at_20_db_the_answer_is_still_decoded_from_rnnoise_and_checked_by_a_classical_cleaning(synth, sphinx,
                                                                                                monkeypatch):
    ask = DialogExam().ask("yesno")
    yes = spoken(synth, "yes", FLITE[0], 20.0)
    seen = watch_cleanings(monkeypatch)
    sphinx.recognize(yes, sphinx.usable(ask.vocabulary), synonyms=ask.synonyms)
    (_, found), = seen
    assert found.heard == neural_denoise.rnnoise(yes) and len(found.checks) == 2


def test_in_a_mild_room_vosk_hears_the_answer_as_it_came_checked_by_rnnoise(vosk_ko, synth, monkeypatch):
    yes, no = spoken(synth, "네", KO, 30.0), spoken(synth, "아니요", KO, 30.0)
    seen = watch_cleanings(monkeypatch)
    heard = vosk_ko.recognize(yes, KOREAN)
    (decoded_audio, found), = seen
    assert found.heard == decoded_audio == yes and found.checks == (neural_denoise.rnnoise(yes),)
    assert heard.text == "네" and heard.confidence >= 0.5
    monkeypatch.setattr(noisy_room.Utterance, "neural", lambda self: no)
    heard = vosk_ko.recognize(yes, KOREAN)
    assert heard.text == "네" and heard.confidence <= DISAGREE_CAP
