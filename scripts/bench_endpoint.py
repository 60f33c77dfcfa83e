#!/usr/bin/env python3
"""When does the endpointer hear that someone is answering? Detection and false starts by noise kind and SNR.

Usage: .venv/bin/python scripts/bench_endpoint.py

Each answer (8 voices: flite and espeak-ng; 7 answers from "yes" to "about two weeks") is framed by a second
of room sound before it and two after, with noise at the given SNR relative to the answer's active power. It
counts as heard when the first segment the endpointer returns ends on a pause (not a timeout, and not cut
off at the end of the stream) and holds the answer's loudest moment (not only a scrap of the room before it).
False starts: segments found in 60 s of the room alone, at the noise level of a typical answer
at 10 dB. Noise kinds: white; pink (1/f above 60 Hz, like fans and traffic); "fluctuating": pink noise whose
level swings by about +/-6 dB a few times a second, like a washing machine or traffic passing; and "talk":
two other voices talking on and on, like a television's dialogue. Energy endpointing cannot tell swinging
noise from speech; RNNoise's speech detector can, but background talk is speech to it too.

A second table measures the same with the detector in a session under way: the endpointer has heard 16 s of the
room before the answer (the background level carries over from question to question, as in the listener), and
any segment counts as heard if it ends on a pause, holds the answer's loudest moment and starts no earlier than
the pre-roll before the answer. False starts there: segments in the 60 s of room after its first 16 s.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voice_triage.voice.audio import as_floats  # noqa: E402
from voice_triage.voice.endpoint import FRAME_MS, EndpointConfig, Segment, frame_db, frames, segments  # noqa: E402
from voice_triage.voice.neural_denoise import SpeechDetector  # noqa: E402
from voice_triage.voice.testing import ESPEAK, FLITE, NOISES, pad, silence, speech_power, synthesize  # noqa: E402

ANSWERS = ("yes", "no", "nope", "left side", "lower back", "about two weeks", "forty two")
SNRS = (20, 10, 5, 0)
SESSION_S = 16.0  # room heard before the answer: more than the longest answer (15 s), so a room taken for one has ended


def with_noise(pcm: bytes, kind: str, snr: float, power: float, rng: np.random.Generator) -> bytes:
    """The audio plus noise of a kind at `snr` dB below `power`."""
    x = as_floats(pcm)
    noisy = x + NOISES[kind](len(x), rng) * np.sqrt(power / 10 ** (snr / 10))
    return np.clip(noisy, -32768, 32767).round().astype("<i2").tobytes()


def loudest_s(pcm: bytes) -> float:
    """When the clean answer is loudest, in seconds from its start (the middle of its loudest frame)."""
    levels = [frame_db(f) for f in frames([pcm])]
    return (int(np.argmax(levels)) + 0.5) * FRAME_MS / 1000


def detector(use: bool) -> Callable[[bytes], float] | None:
    """A fresh speech detector's probability function for one stream, or None for energy alone."""
    return SpeechDetector().probability if use else None


def heard_rate(kind: str, snr: float, config: EndpointConfig, rng: np.random.Generator, use: bool) -> float:
    """Share of answers whose first segment ends on a pause and holds the answer's loudest moment."""
    heard = total = 0
    for voice in FLITE + ESPEAK:
        for answer in ANSWERS:
            pcm = synthesize(answer, voice)
            stream = with_noise(silence(1.0) + pad(pcm, 0.3, 2.0), kind, snr, speech_power(as_floats(pcm)), rng)
            found = list(segments([stream], config, detector(use)))
            total += 1
            heard += bool(found) and holds(found[0], stream, 1.3 + loudest_s(pcm))
    return heard / total


def heard_in_session_rate(kind: str, snr: float, config: EndpointConfig, rng: np.random.Generator) -> float:
    """Share of answers heard, with the detector, after SESSION_S of the room: some segment ends on a pause, holds
    the answer's loudest moment, and starts no earlier than the pre-roll before the answer."""
    heard = total = 0
    for voice in FLITE + ESPEAK:
        for answer in ANSWERS:
            pcm = synthesize(answer, voice)
            stream = with_noise(silence(SESSION_S) + pad(pcm, 0.3, 2.0), kind, snr, speech_power(as_floats(pcm)), rng)
            answer_s = SESSION_S + 0.3
            total += 1
            earliest = answer_s - config.preroll_s - FRAME_MS / 1000
            heard += any(holds(seg, stream, answer_s + loudest_s(pcm)) and start_s(seg, stream) >= earliest
                         for seg in segments([stream], config, detector(True)))
    return heard / total


def holds(seg: Segment, stream: bytes, moment_s: float) -> bool:
    """Whether a segment ended on a pause and holds this moment of the stream."""
    start = start_s(seg, stream)
    return seg.reason == "pause" and start <= moment_s <= start + len(seg.audio) / 32000


def start_s(seg: Segment, stream: bytes) -> float:
    """Where a segment starts in the stream, in seconds (a segment is a stretch of the stream, byte for byte)."""
    return stream.find(seg.audio) / 32000


def false_starts(kind: str, config: EndpointConfig, rng: np.random.Generator, use: bool, after_s: float = 0.0) -> int:
    """Segments found in 60 s of noise alone (at the level of a typical answer at 10 dB), after `after_s` of it."""
    power = speech_power(as_floats(synthesize("lower back", FLITE[0])))
    room = with_noise(silence(after_s + 60.0), kind, 10, power, rng)
    found = segments([room], replace(config, initial_silence_s=None), detector(use))
    return sum(s.reason != "timeout" and room.find(s.audio) >= after_s * 32000 for s in found)


def main() -> int:
    """Print the Markdown table: fixed margins (as before 2026-11-24), margins that follow the swing (energy
    alone, as without RNNoise), and those with RNNoise's speech detector (the default when it is installed)."""
    print("| endpointer | noise | " + " | ".join(f"heard at {s} dB" for s in SNRS) + " | false starts in 60 s |")
    print("|---|---|" + "---|" * (len(SNRS) + 1))
    endpointers = (("fixed margins", EndpointConfig(swing_factor=0.0), False),
                   ("margins follow the swing (without RNNoise)", EndpointConfig(), False),
                   ("RNNoise hears a voice (now)", EndpointConfig(), True))
    for name, config, use in endpointers:
        for kind in NOISES:
            rng = np.random.default_rng(0)  # the same noise for every endpointer
            rates = [heard_rate(kind, snr, config, rng, use) for snr in SNRS]
            print(f"| {name} | {kind} | " + " | ".join(f"{100 * r:.0f} %" for r in rates)
                  + f" | {false_starts(kind, config, rng, use)} |")
    print(f"\nIn a session under way (RNNoise's detector, after {SESSION_S:.0f} s of the room):\n")
    print("| noise | " + " | ".join(f"heard at {s} dB" for s in SNRS) + " | false starts in 60 s |")
    print("|---|" + "---|" * (len(SNRS) + 1))
    for kind in NOISES:
        rng = np.random.default_rng(0)
        rates = [heard_in_session_rate(kind, snr, EndpointConfig(), rng) for snr in SNRS]
        print(f"| {kind} | " + " | ".join(f"{100 * r:.0f} %" for r in rates)
              + f" | {false_starts(kind, EndpointConfig(), rng, True, SESSION_S)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
