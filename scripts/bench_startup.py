#!/usr/bin/env python3
"""Time from process start to the first question in typed and JSONL modes, and in voice mode on a microphone
(median and p95 over runs).

Usage: .venv/bin/python scripts/bench_startup.py [RUNS]

The microphone is tests/voice/fake_devices.LiveDevice standing in for sounddevice (there is no sound card here),
delivering a quiet room's hiss in real time; prompts are captions only (--no-speak), the recognizer pocketsphinx.
Voice mode hears the room for 1.5 s before its first prompt (listener.ROOM_BEFORE_S).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# voice-triage with a stand-in microphone: a quiet room's hiss, in real time.
ON_A_MICROPHONE = ("import sys; sys.path.insert(0, 'tests/voice'); from fake_devices import LiveDevice; "
                   "from voice_triage.voice.testing import hiss; sys.modules['sounddevice'] = LiveDevice(hiss(3.0)); "
                   "from voice_triage.cli import main; sys.exit(main(sys.argv[1:]))")
COMMANDS = {"--text": ["-m", "voice_triage", "--text"], "--jsonl": ["-m", "voice_triage", "--jsonl"],
            "voice, microphone": ["-c", ON_A_MICROPHONE, "--no-save", "--no-speak", "--recognizer", "pocketsphinx"]}


def first_question_seconds(mode: str) -> float:
    """Start the assistant and wait until its first question is printed."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, *COMMANDS[mode]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    marker = '"type": "ask"' if mode == "--jsonl" else "1) yes"
    for line in process.stdout:
        if marker in line:
            break
    elapsed = time.perf_counter() - start
    process.kill()  # a microphone session would go on listening
    process.wait()
    return elapsed


def main(runs: int = 30) -> int:
    """Print a Markdown table row per mode."""
    print("| mode | runs | median ms | p95 ms |\n|---|---|---|---|")
    for mode in COMMANDS:
        times = sorted(first_question_seconds(mode) * 1000 for _ in range(runs))
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(f"| `{mode}` | {runs} | {statistics.median(times):.0f} | {p95:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:2])))
