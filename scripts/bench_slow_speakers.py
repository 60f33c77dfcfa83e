#!/usr/bin/env python3
"""A slow speaker who stops between the parts of an answer: is it heard whole, how often is it decoded, how long
is the wait after it? By the share of an answer's length its dropped early decisions may take
(listener.EARLY_DECODING_SHARE).

Usage: .venv/bin/python scripts/bench_slow_speakers.py [--snr clean 20] [--shares 0 0.1 0.25] [--quick]

Each answer lists two to four places ("my lower back", "and my buttock", "and my groin", "and my outer hip"), heard
with the dialog's real location question. It is said either in one go ("fluent") or in parts with a hesitation of
0.5, 0.9 or 1.3 s between them (the synthesizer's own quiet around each part cut off), all shorter than the
1.5 s pause that ends an answer. Each answer is one stream into a fresh listener (half a second of the room, the
answer, two seconds of the room). flite and espeak-ng voices at their normal rate and slower (x0.85). Counted per share, number of parts and hesitation:
- whole: the places heard are the places said, whatever the confidence;
- understood: whole, and sure enough to take (confidence >= 0.5);
- cut: the answer ended at a hesitation (the listener stopped reading before the last part was said);
- decodings: how often the answer was decoded (each early decision dropped when the voice came back is one more);
  share 0 allows one early decision only, as the first has nothing dropped before it;
- wait: how long a live microphone's user waits after the pause for the decision (listener.EarlyDecision.wait_after;
  the decoding at the end when no early decision stood), median and p95;
- decoding time: the recognizer's time on the answer in all, dropped decisions included, median.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_voice import ACCEPT, SYNTH_CACHE, percentile  # noqa: E402
from voice_triage.voice.audio import FRAME_SAMPLES, chunked, frame_power  # noqa: E402
from voice_triage.voice.endpoint import EndpointConfig  # noqa: E402
from voice_triage.voice.listener import EARLY_DECODING_SHARE, VoiceListener  # noqa: E402
from voice_triage.voice.sphinx_recognizer import SphinxRecognizer  # noqa: E402
from voice_triage.voice.testing import (ESPEAK, FLITE, DialogExam, ReadCount, Watched, add_noise, pad, silence,  # noqa: E402
                                        snr_label, synthesize)

PARTS = ("my lower back", "and my buttock", "and my groin", "and my outer hip")
HESITATIONS_S = (None, 0.5, 0.9, 1.3)  # None: said in one go
RATES = (1.0, 0.85)
LEAD_S, TAIL_S = 0.5, 2.0
VOICED_DB = 40.0
BYTES_PER_S = 32000


def voiced(pcm: bytes) -> bytes:
    """The speech without the synthesizer's own quiet before and after it (up to a third of a second), so that a
    hesitation is as long as it says: from its 10 ms frames within VOICED_DB of the loudest, first to last."""
    db = 10 * np.log10(frame_power(pcm))
    on = np.flatnonzero(db > db.max() - VOICED_DB)
    return pcm[2 * FRAME_SAMPLES * on[0]: 2 * FRAME_SAMPLES * (on[-1] + 1)]


def spoken(voice, rate: float, parts: int, hesitation: float | None) -> tuple[bytes, int]:
    """The answer in its room, and the byte at which its last part has been said."""
    said = PARTS[:parts]
    if hesitation is None:
        speech = voiced(synthesize(" ".join(said), voice, rate, SYNTH_CACHE))
    else:
        speech = silence(hesitation).join(voiced(synthesize(part, voice, rate, SYNTH_CACHE)) for part in said)
    return pad(speech, LEAD_S, TAIL_S), int(LEAD_S * BYTES_PER_S) + len(speech)


def hear(recognizer, exam: DialogExam, pcm: bytes, said_until: int, said: str, share: float) -> dict:
    """One answer through a fresh listener whose dropped early decisions may take `share` of its length."""
    stream = ReadCount(chunked(pcm, 960))
    watched = Watched(recognizer, stream)
    listener = VoiceListener(stream, watched, EndpointConfig())
    listener.early_share = share
    heard = listener.listen(exam.ask("places"))
    whole = heard is not None and exam.same("places", heard.text, said)
    return {"whole": whole, "understood": whole and heard.confidence >= ACCEPT, "cut": stream.read < said_until,
            "decodings": len(watched.decoded_at), "wait_ms": 1000 * listener.last_latency_s,
            "decoding_ms": 1000 * sum(watched.took)}


def row(share: float, parts: int, hesitation: float | None, results: list[dict]) -> str:
    """A table row for one condition."""
    n = len(results)
    count = {key: sum(r[key] for r in results) for key in ("whole", "understood", "cut")}
    waits = [r["wait_ms"] for r in results]
    decodings = [r["decodings"] for r in results]
    gap = "fluent" if hesitation is None else f"{hesitation:.1f} s"
    return (f"| {share:g} | {parts} | {gap} | {n} | {count['whole']} | {count['understood']} | {count['cut']} | "
            f"{statistics.mean(decodings):.2f} ({max(decodings)}) | {statistics.median(waits):.0f} / "
            f"{percentile(waits, 95):.0f} ms | {statistics.median(r['decoding_ms'] for r in results):.0f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snr", nargs="+", default=["clean"])
    parser.add_argument("--shares", nargs="+", type=float, default=[0.0, 0.1, EARLY_DECODING_SHARE])
    parser.add_argument("--quick", action="store_true", help="one flite and one espeak-ng voice")
    args = parser.parse_args()
    recognizer, exam = SphinxRecognizer(), DialogExam()
    voices = [FLITE[0], ESPEAK[0]] if args.quick else [*FLITE, *ESPEAK]
    started = time.perf_counter()
    for snr_text in args.snr:
        snr = None if snr_text == "clean" else float(snr_text)
        print(f"\n{snr_label(snr)}, {len(voices)} voices x {len(RATES)} rates\n")
        print("| share for dropped decodings | parts | hesitation | answers | whole | understood | cut | "
              "decodings, mean (max) | wait after the pause, median / p95 | decoding time, median |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for share in args.shares:
            for parts in range(2, len(PARTS) + 1):
                for hesitation in HESITATIONS_S:
                    results = []
                    for i, (voice, rate) in enumerate((v, r) for v in voices for r in RATES):
                        pcm, said_until = spoken(voice, rate, parts, hesitation)
                        said = " ".join(PARTS[:parts])
                        results.append(hear(recognizer, exam, add_noise(pcm, snr, i), said_until, said, share))
                    print(row(share, parts, hesitation, results), flush=True)
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
