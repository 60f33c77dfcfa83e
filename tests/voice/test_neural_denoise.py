"""RNNoise through its real library on synthesized speech in white noise, and the recognizer without it."""
from __future__ import annotations

import numpy as np
import pytest

from voice_triage.voice import neural_denoise
from voice_triage.voice.audio import CHUNK_BYTES
from voice_triage.voice.noisy_room import DISAGREE_CAP
from voice_triage.voice.sphinx_recognizer import SphinxRecognizer
from voice_triage.voice.testing import ESPEAK, FLITE, DialogExam, add_noise, pad


def samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def snr_db(clean: np.ndarray, other: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(clean ** 2) / np.sum((other - clean) ** 2)))


@pytest.fixture(scope="module")
def noisy_phrase(synth_cache):
    """A phrase said by flite, padded as between turns, and the same with white noise at 10 dB SNR."""
    from voice_triage.voice.testing import synthesize, tool_missing
    if tool_missing(FLITE[0]):
        pytest.skip("flite is not installed (scripts/setup.sh test installs it)")
    clean = pad(synthesize("my lower back and my buttock", FLITE[0], 1.0, synth_cache), 0.5, 1.0)
    return clean, add_noise(clean, 10.0, seed=3)


def test_rnnoise_is_installed_by_the_test_set_up():
    assert neural_denoise.available(), "scripts/setup.sh installs pyrnnoise; without it noisy rooms lose RNNoise"


def test_rnnoise_removes_noise_and_keeps_speech_in_place(noisy_phrase):
    clean, noisy = noisy_phrase
    cleaned = neural_denoise.rnnoise(noisy)
    assert len(cleaned) == len(noisy)
    x, y = samples(clean), samples(cleaned)
    assert snr_db(x, y) >= snr_db(x, samples(noisy)) + 2.0  # measured: about +3.5 dB here
    # Time-aligned: the best match between cleaned and clean speech is at no shift (the decoder's words
    # must keep their times, and the phone check compares frames).
    middle = slice(8000, len(x) - 8000)
    shifts = range(-80, 81)
    best = max(shifts, key=lambda k: float(np.dot(np.roll(y, -k)[middle], x[middle])))
    assert abs(best) <= 2


def test_rnnoise_cleans_the_same_when_fed_in_chunks(noisy_phrase):
    _, noisy = noisy_phrase
    stream = neural_denoise.RNNoiseStream()
    for start in range(0, len(noisy), CHUNK_BYTES):
        stream.feed(noisy[start:start + CHUNK_BYTES])
    assert stream.finish() == neural_denoise.rnnoise(noisy)


def test_silence_stays_silent_and_nothing_fed_gives_nothing():
    quiet = bytes(16000)
    assert np.abs(samples(neural_denoise.rnnoise(quiet))).max() <= 1
    assert neural_denoise.RNNoiseStream().finish() == b""


def test_without_the_library_the_recognizer_uses_the_classical_cleanings(monkeypatch):
    find_spec = neural_denoise.importlib.util.find_spec
    monkeypatch.setattr(neural_denoise.importlib.util, "find_spec",
                        lambda name, *rest: None if name == "pyrnnoise" else find_spec(name, *rest))
    neural_denoise._library.cache_clear()
    try:
        assert not neural_denoise.available()
        with pytest.raises(RuntimeError):
            neural_denoise.RNNoiseStream()
        assert SphinxRecognizer().room.neural is False
    finally:
        neural_denoise._library.cache_clear()


def test_an_answer_only_rnnoise_hears_is_not_taken(synth, sphinx, monkeypatch):
    """RNNoise's errors repeat themselves, so its answer stands only when a classical cleaning of the same audio
    decodes to the same answer (10 dB, 8 voices: wrong answers accepted 114 -> 30 of 960)."""
    from voice_triage.voice import noisy_room
    exam = DialogExam()
    ask = exam.ask("yesno")
    phrases = sphinx.usable(ask.vocabulary)
    yes = add_noise(pad(synth("yes", ESPEAK[0]), 0.5, 1.5), 20.0, seed=1)
    heard = sphinx.recognize(yes, phrases, synonyms=ask.synonyms)
    assert sphinx.room.neural and exam.same("yesno", heard.text, "yes") and heard.confidence >= 0.5
    # Both classical cleanings now hand the decoder a noisy "no" instead: they no longer agree with RNNoise.
    no = add_noise(pad(synth("no", ESPEAK[0]), 0.5, 1.5), 20.0, seed=1)
    monkeypatch.setattr(noisy_room, "log_mmse", lambda audio: no)
    monkeypatch.setattr(noisy_room, "denoise", lambda audio: no)
    heard = sphinx.recognize(yes, phrases, synonyms=ask.synonyms)
    assert exam.same("yesno", heard.text, "yes") and heard.confidence <= DISAGREE_CAP


def test_rnnoise_waits_in_a_quiet_room_and_a_noisy_answer_is_still_cleaned(synth, sphinx, monkeypatch):
    """After a quiet answer RNNoise is not run while the next one is spoken; if that one is noisy, the whole
    utterance is cleaned when it ends, to the same audio streaming would have given."""
    from voice_triage.voice.noisy_room import Room
    ask = DialogExam().ask("yesno")
    phrases = sphinx.usable(ask.vocabulary)
    sphinx.recognize(pad(synth("no", ESPEAK[0]), 0.5, 1.5), phrases, synonyms=ask.synonyms)
    assert sphinx.room.quiet
    session = sphinx.start(phrases, synonyms=ask.synonyms)
    assert session._utterance._neural is None
    cleaned_for_decoding = []
    original = Room.cleanings

    def spy(self, utterance, audio=None):
        found = original(self, utterance, audio)
        cleaned_for_decoding.append(found.heard if found else None)
        return found

    monkeypatch.setattr(Room, "cleanings", spy)
    noisy = add_noise(pad(synth("yes", ESPEAK[0]), 0.5, 1.5), 10.0, seed=1)
    for start in range(0, len(noisy), CHUNK_BYTES):
        session.feed(noisy[start:start + CHUNK_BYTES])
    session.finish()
    assert cleaned_for_decoding == [neural_denoise.rnnoise(noisy)] and not sphinx.room.quiet
    assert sphinx.start(phrases, synonyms=ask.synonyms)._utterance._neural is not None  # noise heard: streaming again


def test_the_speech_detector_tells_a_voice_from_a_swinging_background(synth):
    from voice_triage.voice.endpoint import frames
    from voice_triage.voice.testing import fluctuating_noise, speech_power

    answer = np.frombuffer(synth("my lower back and my buttock", FLITE[0]), dtype="<i2").astype(np.float64)
    sigma = np.sqrt(speech_power(answer) / 10)  # the background's loudness at 10 dB below the voice
    background = fluctuating_noise(16000 * 10, np.random.default_rng(2)) * sigma
    voice = answer + fluctuating_noise(len(answer), np.random.default_rng(3)) * sigma

    def share_called_speech(x: np.ndarray) -> float:
        detector = neural_denoise.SpeechDetector()
        pcm = np.clip(x, -32768, 32767).astype("<i2").tobytes()
        return float(np.mean([detector.probability(f) >= 0.8 for f in frames([pcm])]))

    assert share_called_speech(background) < 0.02  # measured: 0.3 %
    assert share_called_speech(voice) > 0.5  # measured: 80 %; the gaps between words are not speech
