"""RNNoise, a small recurrent network trained to remove noise from speech, run from the library in the pyrnnoise wheel.

Only its shared library is used (through ctypes): the wheel's Python wrapper needs audio packages this project
does not, so ./scripts/setup.sh installs it without them. Without the library the recognizer keeps to the
classical noise reductions in denoise.py.
"""
from __future__ import annotations

import ctypes
import importlib.util
import logging
import weakref
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

from voice_triage.voice.audio import _lowpass, as_floats, as_pcm

log = logging.getLogger(__name__)

NETWORK_RATE = 48000  # RNNoise works on 48 kHz audio in 10 ms frames
DELAY_FRAMES = 2  # its output lags its input by two frames (20 ms); measured by cross-correlation


@cache
def _library() -> ctypes.CDLL | None:
    """The RNNoise library from the installed pyrnnoise package, or None (logged once) when it is missing."""
    spec = importlib.util.find_spec("pyrnnoise")  # finds the package without importing its wrapper
    folders = list(spec.submodule_search_locations or []) if spec else []
    found = next((Path(f) / "librnnoise.so" for f in folders if (Path(f) / "librnnoise.so").is_file()), None)
    if found is None:
        log.info("RNNoise not installed (pip install --no-deps pyrnnoise); using classical noise reduction only")
        return None
    try:
        lib = ctypes.CDLL(str(found))
    except OSError as error:
        log.warning("RNNoise could not be loaded (%s); using classical noise reduction only", error)
        return None
    lib.rnnoise_create.argtypes = [ctypes.c_void_p]
    lib.rnnoise_create.restype = ctypes.c_void_p
    lib.rnnoise_destroy.argtypes = [ctypes.c_void_p]
    lib.rnnoise_get_frame_size.restype = ctypes.c_int
    lib.rnnoise_process_frame.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float),
                                          ctypes.POINTER(ctypes.c_float)]
    lib.rnnoise_process_frame.restype = ctypes.c_float
    return lib


def available() -> bool:
    """Whether RNNoise can run here."""
    return _library() is not None


class _Network:
    """One RNNoise state fed 16 kHz audio: upsampled to 48 kHz by zero-stuffing and a low-pass filter that keeps
    its history across chunks, then passed through the network one whole 10 ms frame at a time."""

    def __init__(self, rate: int = 16000) -> None:
        lib = _library()
        if lib is None:
            raise RuntimeError("RNNoise is not installed")
        self._lib, self._up = lib, NETWORK_RATE // rate
        self._frame = lib.rnnoise_get_frame_size()
        self._kernel = _interpolation_filter(self._up)
        self._history = np.zeros(len(self._kernel) - 1)
        self._pending = np.zeros(0, dtype=np.float32)
        self._state = lib.rnnoise_create(None)
        self._release = weakref.finalize(self, lib.rnnoise_destroy, self._state)  # freed even if never finished

    def _run(self, x: np.ndarray) -> tuple[np.ndarray, list[float]]:
        """Upsample, pass whole frames through the network and keep the rest for the next chunk: the cleaned
        48 kHz audio and the network's speech probability for each frame."""
        stuffed = np.zeros(len(x) * self._up)
        stuffed[:: self._up] = x
        signal = np.concatenate([self._history, stuffed])
        self._history = signal[len(signal) - len(self._history):]
        upsampled = np.convolve(signal, self._kernel, mode="valid").astype(np.float32)
        buffer = np.concatenate([self._pending, upsampled])
        whole = len(buffer) - len(buffer) % self._frame
        out = np.empty(whole, dtype=np.float32)
        pointer = ctypes.POINTER(ctypes.c_float)
        speech = []
        for start in range(0, whole, self._frame):
            chunk = np.ascontiguousarray(buffer[start:start + self._frame])
            speech.append(self._lib.rnnoise_process_frame(self._state, out[start:].ctypes.data_as(pointer),
                                                          chunk.ctypes.data_as(pointer)))
        self._pending = buffer[whole:]
        return out, speech


class RNNoiseStream(_Network):
    """RNNoise run on the audio as it arrives, so little is left to clean when the utterance ends; the cleaned
    audio is brought back to 16 kHz once, at the end."""

    def __init__(self, rate: int = 16000) -> None:
        super().__init__(rate)
        self._cleaned: list[np.ndarray] = []
        self._samples_in = 0

    def feed(self, pcm: bytes) -> None:
        """Clean every whole 10 ms network frame that this chunk completes."""
        x = as_floats(pcm)
        self._samples_in += len(x)
        self._cleaned.append(self._run(x)[0])

    def finish(self) -> bytes:
        """The cleaned utterance at the input rate, time-aligned with and as long as what was fed."""
        n = self._samples_in
        delay = (len(self._kernel) - 1) // 2 + DELAY_FRAMES * self._frame  # at 48 kHz: filter, then network
        flush = np.zeros(-(-delay // self._up) + self._frame)  # pushes the last speech through both
        self._cleaned.append(self._run(flush)[0])
        self._release()
        if n == 0:
            return b""
        out = np.concatenate(self._cleaned).astype(np.float64)[delay:delay + n * self._up]
        out = np.pad(out, (0, n * self._up - len(out)))
        z = _resample(out, n)
        return as_pcm(z)


class SpeechDetector(_Network):
    """RNNoise's own estimate of whether someone is speaking, frame by frame, for the endpointer.

    One detector hears every frame the listener reads, answers and the room between them alike: the network's
    memory of the room is what tells a voice from a background that merely swings in level
    (scripts/bench_endpoint.py).
    """

    def __init__(self, rate: int = 16000) -> None:
        super().__init__(rate)
        self._last = 0.0

    def probability(self, pcm: bytes) -> float:
        """How likely this chunk holds speech, 0 to 1: the highest of the network frames it completes."""
        speech = self._run(as_floats(pcm))[1]
        if speech:
            self._last = max(speech)
        return self._last


def speech_probability() -> Callable[[bytes], float] | None:
    """A fresh speech detector's probability for each chunk fed to it; None without RNNoise (loudness alone then
    decides)."""
    return SpeechDetector().probability if available() else None


def rnnoise(pcm: bytes, rate: int = 16000) -> bytes:
    """16-bit PCM with the noise removed by RNNoise, the same length and time-aligned with the input."""
    stream = RNNoiseStream(rate)
    stream.feed(pcm)
    return stream.finish()


def _interpolation_filter(up: int, per_phase: int = 20) -> np.ndarray:
    """The audio module's windowed-sinc low-pass, cut just below the old Nyquist, with gain `up` for upsampling."""
    return _lowpass(0.5 / up, taps=2 * per_phase * up + 1) * up


def _resample(x: np.ndarray, n_out: int) -> np.ndarray:
    """Band-limited resampling by the FFT (exact for whole-utterance buffers; no images, no aliasing)."""
    spectrum = np.fft.rfft(x)
    resized = np.zeros(n_out // 2 + 1, dtype=complex)
    keep = min(len(spectrum), len(resized))
    resized[:keep] = spectrum[:keep]
    return np.fft.irfft(resized, n_out) * (n_out / len(x))
