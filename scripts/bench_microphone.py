#!/usr/bin/env python3
"""Does recording at a device's own rate cost accuracy? Answers heard directly at 16 kHz against the same answers
recorded at 48 or 44.1 kHz and converted as the microphone converts them; and the converter's speed.

Usage: .venv/bin/python scripts/bench_microphone.py [--quick]

Each clean answer of bench_voice.py (its voices, rates and per-class question grammars) is made into what a
48 kHz or 44.1 kHz microphone would deliver (16 kHz speech interpolated up, band-limited), then read in 10 ms
device blocks through the microphone's converter (voice_triage.voice.audio.StreamResampler) back to 16 kHz, and
heard by pocketsphinx exactly as in bench_voice. Each condition is a separate pass in the same order, so
pocketsphinx's carry-over from earlier answers is alike. First it prints the converter's error on pure tones.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_voice import ACCEPT, SYNTH_CACHE, load_recognizer, run_one, voices_and_exam  # noqa: E402
from voice_triage.voice.audio import StreamResampler  # noqa: E402
from voice_triage.voice.neural_denoise import _resample as fft_resample  # noqa: E402 - the band-limited one
from voice_triage.voice.testing import OFF_TOPIC, RATES, pad, synthesize  # noqa: E402

DEVICE_RATES = (None, 48000, 44100)  # None: the microphone records at 16 kHz itself


def band_limited(pcm: bytes, rate: int) -> bytes:
    """16 kHz speech as a `rate` device with a clean converter would have recorded it (ideal FFT interpolation)."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    x = np.pad(x, (0, -len(x) % 160))  # whole 10 ms frames: the output length is exact, so no clock drift
    y = fft_resample(x, len(x) * rate // 16000)
    return np.clip(y, -32768, 32767).round().astype("<i2").tobytes()


def as_recorded(pcm: bytes, rate: int | None, timings: list[float]) -> bytes:
    """16 kHz speech as a `rate` device would deliver it, converted back in 10 ms blocks (timing the way back)."""
    if rate is None:
        return pcm
    device = band_limited(pcm, rate)
    block = 2 * (rate // 100)
    start = time.perf_counter()
    back = StreamResampler(rate)
    out = b"".join(back.feed(device[i:i + block]) for i in range(0, len(device), block))
    timings.append((time.perf_counter() - start) / (len(pcm) / 32000))
    return out


def tone_snr_db(rate: int, hz: float) -> float:
    """A 2 s tone recorded at `rate`, converted: how far the converter's error lies below the tone, in dB."""
    t = np.arange(2 * rate) / rate
    pcm = (10000 * np.sin(2 * np.pi * hz * t)).round().astype("<i2").tobytes()
    back, block = StreamResampler(rate), 2 * (rate // 100)
    y = np.frombuffer(b"".join(back.feed(pcm[i:i + block]) for i in range(0, len(pcm), block)), dtype="<i2")
    ideal = 10000 * np.sin(2 * np.pi * hz * np.arange(len(y)) / 16000)  # time-aligned: no delay
    y, ideal = y[200:-200].astype(np.float64), ideal[200:-200]  # leave out the start-up and the end
    gain = (y @ ideal) / (ideal @ ideal)  # the low-pass may dim a high tone a little: not an error in shape
    return float(10 * np.log10((gain * ideal) @ (gain * ideal) / ((y - gain * ideal) @ (y - gain * ideal))))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="two voices only")
    args = p.parse_args()
    print("| device rate | tone 1 kHz | 3 kHz | 6 kHz | (converter error below the tone, dB) |")
    print("|---|---|---|---|---|")
    for rate in (48000, 44100, 22050):
        print(f"| {rate} Hz | " + " | ".join(f"{tone_snr_db(rate, hz):.1f}" for hz in (1000, 3000, 6000)) + " | |")
    print()
    recognizer, _ = load_recognizer("pocketsphinx")
    voices, exam = voices_and_exam("pocketsphinx", args.quick)
    print("| device records at | understood | wrong accepted | converter time per second of audio, median |")
    print("|---|---|---|---|")
    for rate in DEVICE_RATES:
        understood = wrong = total = 0
        timings: list[float] = []
        for voice in voices:
            for speed in RATES:
                for cls, answers in exam.classes.items():
                    if cls == OFF_TOPIC:
                        continue
                    ask = exam.ask(cls)
                    for text in answers:
                        pcm = as_recorded(pad(synthesize(text, voice, speed, SYNTH_CACHE), 0.5, 1.5), rate, timings)
                        got, conf, *_ = run_one(recognizer, ask, pcm)
                        right, accepted = exam.same(cls, got, text), bool(got) and conf >= ACCEPT
                        understood += right and accepted
                        wrong += accepted and not right
                        total += 1
        cost = f"{1000 * statistics.median(timings):.2f} ms" if timings else "none"
        label = "16 kHz (no conversion)" if rate is None else f"{rate} Hz, converted"
        print(f"| {label} | {understood}/{total} | {wrong}/{total} | {cost} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
