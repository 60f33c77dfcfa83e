"""Noise reduction before the pocketsphinx decoder (its model is clean-trained): spectral subtraction and log-MMSE."""
from __future__ import annotations

import numpy as np

from voice_triage.voice.audio import as_pcm

FFT = 512
HOP = 256
OVERSUBTRACT = 4.0  # remove more than the average noise: residual "musical" noise hurts more than thin speech
FLOOR = 0.05  # keep at least this share of each bin's power so speech is never zeroed
QUIET = 32.0**2 * 192  # bin power of noise at -60 dBFS through a 512-point Hann window
SPEECH_IN_PREROLL = 4.0  # pre-roll this much louder than the quietest frames (6 dB) holds speech
PRIOR_MIN = 10 ** (-25 / 10)  # log-MMSE a-priori SNR floor (-25 dB): limits how far any bin is cut


def denoise(pcm: bytes, noise_s: float = 0.15, rate: int = 16000) -> bytes:
    """Subtract the noise spectrum measured on the first `noise_s` seconds (the pre-roll before speech)."""
    x, spectra, power, noise_power = _analyse(pcm, noise_s, rate)
    if noise_power is None:
        return pcm
    gain = np.sqrt(np.maximum(power - OVERSUBTRACT * noise_power, FLOOR * power) / np.maximum(power, 1e-12))
    return _synthesise(spectra * gain, len(x))


def log_mmse(pcm: bytes, noise_s: float = 0.15, rate: int = 16000, smoothing: float = 0.9) -> bytes:
    """Ephraim-Malah log-spectral amplitude estimator with a decision-directed a-priori SNR.

    Its errors differ from spectral subtraction's (smooth gains, no "musical" noise), so when both
    cleaned versions decode to the same phrase the answer is more likely right (see noisy_room.py).
    """
    x, spectra, power, noise_power = _analyse(pcm, noise_s, rate)
    if noise_power is None:
        return pcm
    gains = np.ones_like(power)
    previous = None  # clean-speech power estimate of the previous frame
    for k, frame_power in enumerate(power):
        posterior = np.minimum(frame_power / noise_power, 1000.0)
        instant = np.maximum(posterior - 1.0, 0.0)
        prior = instant if previous is None else smoothing * previous + (1 - smoothing) * instant
        prior = np.maximum(prior, PRIOR_MIN)
        v = prior / (1.0 + prior) * posterior
        gains[k] = prior / (1.0 + prior) * np.exp(0.5 * exp1(v))
        previous = gains[k] ** 2 * posterior
    return _synthesise(spectra * gains, len(x))


def exp1(x: np.ndarray) -> np.ndarray:
    """Exponential integral E1 (Abramowitz and Stegun 5.1.53 and 5.1.56; error below 5e-5; no scipy needed)."""
    x = np.maximum(x, 1e-10)
    small = -np.log(x) - 0.57721566 + x * (0.99999193 + x * (-0.24991055 + x * (0.05519968 + x * (-0.00976004 + x * 0.00107857))))
    y = np.maximum(x, 1.0)
    large = np.exp(-y) / y * (y * y + 2.334733 * y + 0.250621) / (y * y + 3.330657 * y + 1.681534)
    return np.where(x <= 1.0, small, large)


def _analyse(pcm: bytes, noise_s: float, rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Samples, their spectra and power, and the noise power per bin (None when too short or quiet to clean)."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    n_noise = int(noise_s * rate)
    if len(x) < n_noise + FFT:
        return x, np.empty((0, FFT // 2 + 1)), np.empty((0, FFT // 2 + 1)), None
    spectra = _stft(x, np.hanning(FFT))
    power = np.abs(spectra) ** 2
    noise_frames = max(1, (n_noise - FFT) // HOP + 1)
    noise_power = power[:noise_frames].mean(axis=0)
    # The pre-roll is usually background, but someone may already be talking: when it is far louder than
    # the quietest fifth of the frames, those frames are the better measure of the noise.
    energy = power.sum(axis=1)
    quietest = power[energy <= np.percentile(energy, 20)].mean(axis=0)
    if noise_power.sum() > SPEECH_IN_PREROLL * quietest.sum():
        noise_power = quietest
    if noise_power.mean() < QUIET:  # a quiet room: cleaning would only take speech away
        return x, spectra, power, None
    return x, spectra, power, np.maximum(noise_power, 1e-6)


def _synthesise(spectra: np.ndarray, length: int) -> bytes:
    """Spectra back to int16 PCM."""
    y = _istft(spectra, np.hanning(FFT), length)
    return as_pcm(y)


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
    return as_pcm(x)

