#!/usr/bin/env python3
"""Answers heard in rooms of chosen loudness: understood, wrong answers taken, off-topic talk taken.

Usage: .venv/bin/python scripts/bench_rooms.py [--recognizer pocketsphinx|vosk-ko] [--snr 40 30 20] [--draws N]
                                               [--as-heard] [--noise white|pink|fluctuating|talk]
                                               [--lead-in S | --room-first S] [--rows FILE]

The answers, voices, grammars and scoring of scripts/bench_voice.py (its `bench`), at the SNRs given, each with
`--draws` different noise draws. With --as-heard the room cleaning is off: every answer is decoded as it came,
to show what the cleaning and its checks cost and save. --noise picks the kind of room noise (white unless told;
see scripts/bench_endpoint.py for the kinds). --lead-in S puts S seconds of the room before each answer, heard
by the same listener first, as in a session under way: a talking room is only known as one once it has been
heard, and 16 s let a television's first 15-s "answer" pass, as in bench_endpoint's session table. --room-first S
makes each the first answer of a microphone session: S seconds of the room heard before anything is said
(voice-triage hears 1.5 s; 0: none, as before it did), then 6 s not heard while the assistant speaks, then the
answer and 16 s more of the room (bench_voice.in_the_room). Prints one Markdown table row per SNR, with the decision
latency after the end of the pause. --rows FILE also writes every answer's row as a JSON line, to compare two commits
answer by answer.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_voice import SYNTH_CACHE, bench, load_recognizer, percentile, voices_and_exam  # noqa: E402
from voice_triage.voice.testing import NOISES  # noqa: E402


def run(kind: str, snrs: list[float], draws: int, as_heard: bool, noise: str = "white",
        lead_in_s: float = 0.0, room_first_s: float | None = None) -> list[dict]:
    """All rows of `draws` benchmark passes at these SNRs, each pass with its own noise."""
    rec, _ = load_recognizer(kind)
    voices, exam = voices_and_exam(kind)
    rec.room.cleaning = not as_heard
    rows = []
    for draw in range(draws):
        result = bench(rec, voices, exam, SYNTH_CACHE, tuple(snrs), draw, noise, lead_in_s, room_first_s)
        rows += [{**row, "latency_ms": latency} for row, latency in zip(result["rows"], result["latency_ms"])]
    return rows


def table(rows: list[dict], snrs: list[float]) -> list[str]:
    """One Markdown row per SNR."""
    lines = ["| SNR | understood | wrong accepted | wrong and sure | off-topic taken | latency median / p95 ms |",
             "|---|---|---|---|---|---|"]
    for snr in snrs:
        answers = [r for r in rows if r["snr"] == snr and r["cls"] != "off-topic"]
        off = [r for r in rows if r["snr"] == snr and r["cls"] == "off-topic"]
        count = lambda key: sum(r[key] for r in answers)  # noqa: E731
        latency = [r["latency_ms"] for r in answers + off]
        lines.append(f"| {snr:g} dB | {count('ok')}/{len(answers)} | {count('wrong_accepted')} | "
                     f"{count('wrong_sure')} | {sum(not r['rejected'] for r in off)}/{len(off)} | "
                     f"{statistics.median(latency):.0f} / {percentile(latency, 95):.0f} |")
    return lines


def main() -> int:
    """Run, then print the table with the command that made it."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recognizer", choices=["pocketsphinx", "vosk-ko"], default="pocketsphinx")
    p.add_argument("--snr", type=float, nargs="+", default=[40.0, 30.0, 20.0])
    p.add_argument("--draws", type=int, default=1, help="noise draws per answer")
    p.add_argument("--as-heard", action="store_true", help="no room cleaning: every answer decoded as it came")
    p.add_argument("--noise", choices=sorted(NOISES), default="white", help="the kind of room noise")
    before = p.add_mutually_exclusive_group()
    before.add_argument("--lead-in", type=float, default=0.0, metavar="S",
                        help="seconds of the room before each answer")
    before.add_argument("--room-first", type=float, metavar="S",
                        help="the first answer of a microphone session, S seconds of the room heard before it starts")
    p.add_argument("--rows", type=Path, metavar="FILE", help="also write every row as a JSON line")
    args = p.parse_args()
    started = time.perf_counter()
    rows = run(args.recognizer, args.snr, args.draws, args.as_heard, args.noise, args.lead_in, args.room_first)
    print(f"`.venv/bin/python scripts/bench_rooms.py {' '.join(sys.argv[1:])}` "
          f"(took {time.perf_counter() - started:.0f} s)\n")
    print("\n".join(table(rows, args.snr)))
    if args.rows:
        args.rows.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
