"""Noise reduction on real synthesized speech: it cleans noisy audio, leaves quiet audio alone, finds the noise."""
from __future__ import annotations

import numpy as np
import pytest

from voice_triage.voice.denoise import denoise, exp1, log_mmse
from voice_triage.voice.testing import FLITE, add_noise, pad


def samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def error_db(cleaned: bytes, reference: bytes) -> float:
    """Power of the difference from the clean reference, relative to the reference, in dB."""
    x, ref = samples(cleaned), samples(reference)
    return float(10 * np.log10(np.mean((x - ref) ** 2) / np.mean(ref ** 2)))


@pytest.mark.parametrize("x, expected", [(0.01, 4.0379), (0.1, 1.8229), (1.0, 0.21938), (2.0, 0.048901),
                                         (5.0, 0.0011483)])
def test_exp1_matches_tabulated_values(x: float, expected: float) -> None:
    assert exp1(np.array([x]))[0] == pytest.approx(expected, rel=2e-3)


@pytest.mark.parametrize("clean_up", [denoise, log_mmse])
def test_noisy_speech_comes_out_closer_to_the_clean_speech(synth, clean_up) -> None:
    clean = pad(synth("both sides", FLITE[0]), 0.5, 0.5)
    noisy = add_noise(clean, 10.0, seed=3)
    assert error_db(clean_up(noisy), clean) < error_db(noisy, clean) - 3.0


@pytest.mark.parametrize("clean_up", [denoise, log_mmse])
def test_a_quiet_room_is_left_alone(synth, clean_up) -> None:
    quiet = pad(synth("yes", FLITE[1]), 0.5, 0.5)
    assert clean_up(quiet) is quiet


def test_speech_at_the_very_start_is_not_taken_for_noise(synth) -> None:
    speech = synth("lower back", FLITE[3])
    loud = np.flatnonzero(np.abs(samples(speech)) > 1000)
    speech = speech[2 * loud[0]:2 * loud[-1]]  # no leading silence from the synthesizer
    late = add_noise(pad(speech, 0.5, 0.5), 20.0, seed=1)
    early = add_noise(pad(speech, 0.0, 1.0), 20.0, seed=1)
    kept_late = np.mean(samples(denoise(late))[8000:8000 + len(speech) // 2] ** 2)
    kept_early = np.mean(samples(denoise(early))[:len(speech) // 2] ** 2)
    assert 10 * np.log10(kept_late / kept_early) < 3.0  # the same speech survives in both
