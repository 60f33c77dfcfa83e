#!/usr/bin/env python3
"""Whole spoken conversations in a noisy room: do the public vignettes still reach the typed outcome?

Usage: .venv/bin/python scripts/bench_spoken.py [--snr clean 20 10] [--out FILE.md] [--cases ID...]
                                               [--chatty P] [--noise white|pink|fluctuating|talk]

The table goes to --out (default: bench_spoken.md in the temporary folder), never straight into
docs/benchmarks-spoken.md: that file keeps the history of every run, so a new section is added there by hand.

The standardized patient (tests/patient.py) answers every question in a flite voice; its answers and the
pauses between them carry noise (white unless --noise says) at the given SNR (relative to the speech's active
power), and are streamed into `voice-triage --jsonl --audio-in -`. Per case and noise level it records the disposition,
whether it is exact or under-triaged against the gold standard, and how many questions were asked (each
re-ask and confirmation counts), to show what noise costs in safety and in patience. With --chatty, the
patient first answers that share of warning-sign questions with an off-topic remark ("my dog is barking").
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import threading
import time
import zlib
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "voice"))

from patient import PUBLIC_VIGNETTES, Outcome, Patient, load_cases, play  # noqa: E402
from room import Stuck, converse  # noqa: E402

from voice_triage.voice.testing import (FLITE, NOISES, at_level, pad, silence, snr_label, speech_power,  # noqa: E402
                                        synthesize)

# A conversation still going after this many questions is counted as stuck (no report). In a 10 dB room the
# read-backs and one-option-at-a-time lists make honest conversations pass 150 (p-e2), so the bar is higher.
MAX_ASKS = 250


class RoomNoise:
    """One unbroken stream of room noise of a kind (testing.NOISES) at a fixed level, for a whole conversation.

    Answers and the pauses between them take their noise from it in turn. Made afresh for each piece, a television
    started a new sentence at every answer, and in 0.1 s pieces it was the first tenth of a sentence, each scaled
    up to full level; a swinging background restarted its swing every tenth of a second."""

    BLOCK_S = 60

    def __init__(self, kind: str, sigma: float, rng: np.random.Generator) -> None:
        self.kind, self.sigma, self.rng = kind, sigma, rng
        self._left = np.zeros(0)
        self._lock = threading.Lock()  # the answers and the room's pauses are written from two threads

    def take(self, n: int) -> np.ndarray:
        """The next `n` samples."""
        with self._lock:
            while len(self._left) < n:
                block = NOISES[self.kind](16000 * self.BLOCK_S, self.rng) * self.sigma
                self._left = np.concatenate([self._left, block])
            out, self._left = self._left[:n], self._left[n:]
            return out


def noisy(pcm: bytes, noise: RoomNoise | None) -> bytes:
    """The audio with the room's noise over it (as it is, in a clean room)."""
    if noise is None:
        return pcm
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64) + noise.take(len(pcm) // 2)
    return np.clip(x, -32768, 32767).round().astype("<i2").tobytes()


def speaking_power() -> float:
    """How loud the patient speaks: the active power of a typical answer in the first voice."""
    return speech_power(np.frombuffer(synthesize("both sides of my lower back", FLITE[0]), dtype="<i2").astype(np.float64))


def room_sigma(snr: float | None) -> float | None:
    """Noise level for an SNR, measured against how loud the patient speaks."""
    if snr is None:
        return None
    return math.sqrt(speaking_power() / 10 ** (snr / 10))


def speak(case: dict, snr: float | None, chatty: float = 0.0, kind: str = "white") -> tuple[dict, int, str]:
    """One spoken conversation: (report, questions asked, "answers said back / those the patient undid with
    'go back'"); an empty report if it got stuck."""
    # Each case its own noise and wording: with one shared seed the red-flag section (all "no" in most
    # cases) was the same trial repeated, and one unlucky hearing showed up as seven over-triaged cases.
    seed = zlib.crc32(case["id"].encode())
    patient, sigma = Patient(case["facts"], seed, chatty), room_sigma(snr)
    noise = RoomNoise(kind, sigma, np.random.default_rng(seed)) if sigma is not None else None
    power = speaking_power()
    tries: dict[str, int] = {}

    def reply(event: dict) -> bytes:
        answer = patient.answer(event["text"])
        question = event.get("question", "wait")  # "say 'continue' when you are ready" has no question id
        n = tries[question] = tries.get(question, -1) + 1
        voice = FLITE[n % len(FLITE)]  # asked again, the patient says it again (another voice)
        # ... at the same loudness: flite's kal16 is 12 dB quieter than slt, which made "10 dB" re-asks -2 dB.
        return noisy(pad(at_level(synthesize(answer, voice), power), 0.3, 1.5), noise)

    def background(seconds: float) -> bytes:
        return noisy(silence(seconds), noise)

    try:
        report, asks = converse(reply, MAX_ASKS, background, notice=patient.notice)
    except Stuck:
        report, asks = {}, MAX_ASKS
    return report, asks, f"{patient.said_back} / {patient.undone}"


def document(rows: list[tuple], args: argparse.Namespace, took_s: float, planned: int) -> str:
    """The Markdown report of the conversations run so far."""
    done = "" if len(rows) == planned else f" Partial: {len(rows)} of {planned} conversations so far."
    lines = ["# Spoken conversations in noise", "",
             f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Command: "
             f"`.venv/bin/python scripts/bench_spoken.py --snr {' '.join(args.snr)}"
             f"{f' --chatty {args.chatty:g}' if args.chatty else ''}"
             f"{f' --noise {args.noise}' if args.noise != 'white' else ''}"
             f"{' --cases ' + ' '.join(args.cases) if args.cases else ''}` "
             f"(took {took_s:.0f} s). Recognizer: pocketsphinx (no Vosk model installed).{done}", "",
             "Each public vignette is spoken by the standardized patient (flite voices) into `--audio-in -`, "
             f"with {args.noise} noise at the given SNR over the answers and the pauses; each case has its own "
             "noise and wording (seeded by its id), so cases are separate trials. "
             "Under-triaged = less urgent than the gold standard allows (the dangerous error).", "",
             "| noise | exact | under-triaged | likely source acceptable | no report | questions asked, median (typed) |",
             "|---|---|---|---|---|---|"]
    for snr in dict.fromkeys(r[0] for r in rows):
        sel = [r for r in rows if r[0] == snr]
        exact = sum(o.exact for _, o, *_ in sel)
        under = [o.case_id for _, o, _, ok, *_ in sel if ok and o.under_triaged]
        missing = sum(not ok for _, _, _, ok, *_ in sel)
        source = sum(o.source_ok for _, o, *_ in sel)
        lines.append(f"| {snr_label(snr)} | {exact}/{len(sel)} | {len(under)}/{len(sel)}"
                     f"{' (' + ', '.join(under) + ')' if under else ''} | {source}/{len(sel)} | {missing} | "
                     f"{statistics.median(o.questions for _, o, *_ in sel):.0f} "
                     f"({statistics.median(t for _, _, t, *_ in sel):.0f}) |")
    lines += ["", "Per case (why: the findings that set the outcome; not understood: answers given up on or \"not "
              "sure\"; said back / undone: answers said back (\"Noted: no.\"), and those wrong ones the patient undid "
              "with \"go back\"):", "",
              "| noise | case | gold | got | likely source (acceptable) | questions (typed) | said back / undone | "
              "why | not understood |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {snr_label(snr)} | {o.case_id} | {o.gold} | {o.got} | {o.source_got} ({', '.join(o.source_gold)}) | "
              f"{o.questions} ({t}) | {said_back} | {why} |" for snr, o, t, _, why, said_back in rows]
    return "\n".join(lines) + "\n"


def why(report: dict) -> str:
    """The findings behind an outcome (id and level) and the answers not understood, for the per-case table."""
    findings = ", ".join(f"{f['id']} {f['level']}" for f in report.get("findings", [])) or "none"
    unclear = [question for question, answer in report.get("answers", {}).items() if answer in ("unknown", "unsure")]
    return f"{findings} | {', '.join(unclear) or 'none'}"


def main() -> int:
    """Run every public case at every noise level and write a Markdown table."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--snr", nargs="+", default=["clean", "20", "10"])
    # Not docs/benchmarks-spoken.md: rewritten after every case, it would replace that file's history (it did once).
    p.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "bench_spoken.md")
    p.add_argument("--cases", nargs="+", help="only these case ids (e.g. to split a slow run over two processes)")
    p.add_argument("--noise", choices=sorted(NOISES), default="white",
                   help="the kind of room noise (scripts/bench_endpoint.py describes them)")
    p.add_argument("--chatty", type=float, default=0.0, metavar="P",
                   help="share of warning-sign questions the patient first answers with an off-topic remark")
    args = p.parse_args()
    snrs = [None if s == "clean" else float(s) for s in args.snr]
    cases, started = load_cases(PUBLIC_VIGNETTES), time.perf_counter()
    cases = [case for case in cases if not args.cases or case["id"] in args.cases]
    typed_asks = {case["id"]: play(case)[0].questions for case in cases}
    rows: list[tuple] = []
    for snr in snrs:
        for case in cases:
            report, asks, said_back = speak(case, snr, args.chatty, args.noise)
            outcome = Outcome(case["id"], case["disposition"], report.get("disposition", "none"),
                              list(case.get("acceptable", [case["disposition"]])), list(case.get("source", ["any"])),
                              report.get("likely_source", "none"), asks)
            rows.append((snr, outcome, typed_asks[case["id"]], bool(report), why(report), said_back))
            print(f"{snr_label(snr)} {case['id']}: {outcome.got} (gold {outcome.gold}), source {outcome.source_got}, "
                  f"{asks} asks, said back / undone {said_back}", file=sys.stderr)
            # Rewritten after every case: a run stopped early (noisy cases are slow) still leaves its table.
            args.out.write_text(document(rows, args, time.perf_counter() - started, len(snrs) * len(cases)))
    print(f"wrote {args.out}; add it as a new section of docs/benchmarks-spoken.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
