#!/usr/bin/env python3
"""The microphone test (`voice-triage mics --test`) in rooms of chosen kind and loudness: what it tells the carer.

Usage: .venv/bin/python scripts/bench_mic_check.py [--snr 30 20 10 5] [--seeds N] [--nobody]

Each trial is the test as a person takes it (voice_triage.voice.testing.mic_test_recording): the quiet moment,
then "yes my lower back hurts" in a flite voice, with room noise of each kind (scripts/bench_endpoint.py
describes them) over all of it at the given SNR, relative to the speech. Four voices times --seeds noise draws per
row. With --nobody the person stays silent: only the room is heard, at the level it has at that SNR. Prints a
Markdown table: how often the room was found to talk, how often the microphone was called ready, and each verdict's
count. A television should never be "ready"; a room that does not talk should never "talk".
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from voice_triage.voice.audio import chunked  # noqa: E402
from voice_triage.voice.mic_check import ROOM_S, check  # noqa: E402
from voice_triage.voice.testing import FLITE, NOISES, add_noise, mic_test_recording, synthesize  # noqa: E402

SENTENCE = "yes my lower back hurts"


def verdict_kind(verdict: str) -> str:
    """A verdict's gist: its first few words."""
    return " ".join(verdict.split()[:4]).rstrip(",:")


def heard(said: bytes, kind: str | None, snr: float | None, seed: int, nobody: bool) -> bytes:
    """The test's recording in that room; with `nobody`, the room alone at the level it has under the speech."""
    noisy = np.frombuffer(add_noise(said, snr, seed, kind) if kind else said, dtype="<i2").astype(np.int32)
    if nobody:  # the noise was added to the speech, not fitted around it: take the speech away, keep the live room
        noisy += np.frombuffer(mic_test_recording(b"", ROOM_S), dtype="<i2") - np.frombuffer(said, dtype="<i2")
    return noisy.clip(-32768, 32767).astype("<i2").tobytes()


def trials(kind: str | None, snr: float | None, seeds: int, nobody: bool) -> Counter:
    """Verdicts, "talks" and "ready" counted over every voice and noise draw."""
    counts: Counter = Counter()
    for voice in FLITE:
        said = mic_test_recording(synthesize(SENTENCE, voice), ROOM_S)
        for seed in range(seeds if kind else 1):
            result = check(chunked(heard(said, kind, snr, seed, nobody)))
            counts.update({"trials": 1, "talks": result.room_talks, "ready": result.ok,
                           verdict_kind(result.verdict()): 1})
    return counts


def main() -> int:
    """Run every room kind at every SNR and print the table."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--snr", nargs="+", type=float, default=[30, 20, 10, 5])
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--nobody", action="store_true", help="the person stays silent: only the room is heard")
    args = p.parse_args()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, `.venv/bin/python scripts/bench_mic_check.py "
          f"--snr {' '.join(f'{s:g}' for s in args.snr)} --seeds {args.seeds}{' --nobody' if args.nobody else ''}`\n")
    print("| room | SNR | room talks | ready | verdicts |\n|---|---|---|---|---|")
    rooms = [(None, None)] + [(kind, snr) for kind in sorted(NOISES) for snr in args.snr]
    for kind, snr in rooms:
        counts = trials(kind, snr, args.seeds, args.nobody)
        n = counts.pop("trials")
        talks, ready = counts.pop("talks", 0), counts.pop("ready", 0)
        verdicts = ", ".join(f"{name} {count}" for name, count in counts.most_common())
        print(f"| {kind or 'quiet'} | {'-' if snr is None else f'{snr:g} dB'} | {talks}/{n} | {ready}/{n} | "
              f"{verdicts} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
