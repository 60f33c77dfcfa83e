#!/usr/bin/env python3
"""Time from process start to the first question in typed and JSONL modes (median and p95 over runs).

Usage: .venv/bin/python scripts/bench_startup.py [RUNS]
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def first_question_seconds(mode: str) -> float:
    """Start the assistant and wait until its first question is printed."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "voice_triage", mode], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)
    marker = '"type": "ask"' if mode == "--jsonl" else "1) yes"
    for line in process.stdout:
        if marker in line:
            break
    elapsed = time.perf_counter() - start
    process.stdin.close()
    process.wait()
    return elapsed


def main(runs: int = 30) -> int:
    """Print a Markdown table row per mode."""
    print("| mode | runs | median ms | p95 ms |\n|---|---|---|---|")
    for mode in ("--text", "--jsonl"):
        times = sorted(first_question_seconds(mode) * 1000 for _ in range(runs))
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(f"| `{mode}` | {runs} | {statistics.median(times):.0f} | {p95:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:2])))
