"""`voice-triage mics --test`: real synthesized speech and real noise through the check; only the device is fake."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from voice_triage import cli
from voice_triage.voice.audio import chunked
from voice_triage.voice.mic_check import check
from voice_triage.voice.testing import FLITE, add_noise, fluctuating_noise, hiss, pad, silence, speech_power

from fake_devices import LiveDevice, TwoMicrophones

SENTENCE = "yes my lower back hurts"


def five_seconds(pcm: bytes) -> bytes:
    """The answer in a five-second recording, the rest a very quiet live room."""
    pcm = pad(pcm, 1.0, 0.0)
    return (np.frombuffer(pcm + silence(5.0 - len(pcm) / 32000), dtype="<i2").astype(np.int32)
            + np.frombuffer(hiss(5.0, -70.0), dtype="<i2")).clip(-32768, 32767).astype("<i2").tobytes()


def test_clear_speech_is_ready(synth) -> None:
    result = check(chunked(five_seconds(synth(SENTENCE, FLITE[1]))))
    assert result.ok and result.speech_s > 0.8 and "ready" in result.verdict()


def test_a_muted_microphone_is_named(synth) -> None:
    result = check(chunked(silence(6.0)))
    assert not result.ok and result.seconds == 5.0 and "muted or switched off" in result.verdict()


def test_a_live_microphone_with_nobody_speaking_asks_for_speech() -> None:
    result = check(chunked(hiss(5.0, -60.0)))
    assert not result.ok and result.verdict().startswith("Sound came through, but no speech")


@pytest.mark.parametrize("snr", [10.0, 5.0])
def test_speech_in_a_loud_room_asks_to_move_closer(synth, snr) -> None:
    result = check(chunked(add_noise(five_seconds(synth(SENTENCE, FLITE[1])), snr)))
    assert result.speech_s > 0 and not result.ok and "move closer" in result.verdict()


@pytest.mark.parametrize("seed", range(4))
def test_a_swinging_room_with_nobody_speaking_asks_for_speech(synth, seed) -> None:
    voice = np.frombuffer(synth(SENTENCE, FLITE[1]), dtype="<i2").astype(np.float64)
    room = fluctuating_noise(16000 * 5, np.random.default_rng(seed)) * np.sqrt(speech_power(voice) / 10)
    result = check(chunked(room.clip(-32768, 32767).astype("<i2").tobytes()))
    # By loudness alone, one of these four rooms passed for 4.8 s of speech; RNNoise's detector hears no voice.
    assert result.speech_s == 0 and result.verdict().startswith("Sound came through, but no speech")


@pytest.mark.parametrize("seed", [0, 1])
def test_speech_in_a_swinging_room_is_found_and_only_the_speech(synth, seed) -> None:
    said = synth(SENTENCE, FLITE[1])
    result = check(chunked(add_noise(five_seconds(said), 5.0, seed, "fluctuating")))
    # By loudness alone: 4.8 s (the room taken for speech) or none at all.
    assert len(said) / 32000 - 0.6 < result.speech_s < len(said) / 32000 + 0.3 and "move closer" in result.verdict()


def test_clipping_speech_asks_for_less_input_volume(synth) -> None:
    loud = (np.frombuffer(five_seconds(synth(SENTENCE, FLITE[1])), dtype="<i2").astype(np.int32) * 8)
    result = check(chunked(loud.clip(-32768, 32767).astype("<i2").tobytes()))
    assert "too loud" in result.verdict()


class SpeakingMicrophones(TwoMicrophones):
    """Two microphones; the stream plays the given 16 kHz audio in real-time-sized blocks, then a quiet room."""

    def __init__(self, audio: bytes) -> None:
        super().__init__()
        self.audio = audio

    def check_input_settings(self, device=None, channels=None, dtype=None, samplerate=None, **kw):
        return None  # both record at 16 kHz

    def RawInputStream(self, **kw):  # noqa: N802 - sounddevice's name
        stream = super().RawInputStream(**kw)

        def start() -> None:
            data = self.audio + silence(3.0)
            for i in range(0, len(data), 960):
                kw["callback"](data[i:i + 960], 480, None, None)

        stream.start = start
        return stream


def test_mics_test_listens_to_the_chosen_microphone_and_says_it_is_ready(monkeypatch, capsys, synth) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", SpeakingMicrophones(five_seconds(synth(SENTENCE, FLITE[1]))))
    assert cli.main(["mics", "--test", "--mic", "Jabra"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Listening to Jabra EVOLVE 20") and "The microphone is ready." in out


def test_mics_test_on_a_muted_microphone_fails_with_what_to_do(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", LiveDevice())  # exact zeros in real time
    assert cli.main(["mics", "--test", "--seconds", "1"]) == cli.EXIT_VOICE
    assert "muted or switched off" in capsys.readouterr().out
