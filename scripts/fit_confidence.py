#!/usr/bin/env python3
"""Fit the pocketsphinx confidence (recognizers.calibrated) and check it on voices it was not fitted on.

Usage: .venv/bin/python scripts/fit_confidence.py [--jobs 2]

Every answer of the voice benchmark's classes, plus off-topic phrases that must be rejected, is synthesized
(4 flite + 4 espeak-ng voices, 3 rates, clean / 20 / 10 dB white noise) and heard through the real listener
and recognizer. For each utterance the recognizer's Evidence (phone agreement, likelihood ratio per frame,
whether the two noise reductions disagreed) is kept with whether the phrase was right. A logistic regression
on (agreement, llr) is then fitted: once with each voice left out, to measure it on a voice it has not seen,
and once on all voices, for the constants in voice_triage/voice/recognizers.py.
"""
from __future__ import annotations

import argparse
import math
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voice_triage.events import Ask  # noqa: E402
from voice_triage.voice import recognizers  # noqa: E402
from voice_triage.voice.audio import chunked  # noqa: E402
from voice_triage.voice.listener import VoiceListener  # noqa: E402
from voice_triage.voice.testing import (CLASSES, ESPEAK, FLITE, OUT_OF_GRAMMAR, RATES, Voice, add_noise,  # noqa: E402
                                        grammar_for, pad, same_answer, synthesize)

SNRS = (None, 20.0, 10.0)
OFF_TOPIC = "off-topic"


class Recording:
    """A recognizer that keeps its sessions, so the evidence behind each answer can be read afterwards."""

    def __init__(self, inner: recognizers.SphinxRecognizer) -> None:
        self.inner, self.name, self.sessions = inner, inner.name, []

    def usable(self, phrases):  # noqa: ANN001, ANN201 - the Recognizer protocol
        return self.inner.usable(phrases)

    def start(self, phrases, spotting=False, wholes=()):  # noqa: ANN001, ANN201
        self.sessions.append(self.inner.start(phrases, spotting, wholes))
        return self.sessions[-1]


def collect(voice: Voice) -> list[dict]:
    """Evidence and correctness for every answer and off-topic phrase in one voice."""
    rec = Recording(recognizers.SphinxRecognizer())
    items = [(cls, text) for cls, texts in CLASSES.items() for text in texts] + [(OFF_TOPIC, t) for t in OUT_OF_GRAMMAR]
    rows = []
    for rate in RATES:
        for snr in SNRS:
            for seed, (cls, text) in enumerate(items):
                pcm = add_noise(pad(synthesize(text, voice, rate), 0.5, 1.5), snr, seed=seed)
                rec.sessions.clear()
                heard = VoiceListener(chunked(pcm), rec).listen(
                    Ask("?", "fit", (), grammar_for("yesno" if cls == OFF_TOPIC else cls)))
                evidence = rec.sessions[-1].evidence if rec.sessions else None
                right = cls != OFF_TOPIC and heard is not None and same_answer(heard.text, text)
                rows.append({"voice": voice.label, "snr": snr or 0.0, "off_topic": cls == OFF_TOPIC, "right": right,
                             "evidence": evidence})
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-4, steps: int = 20000, rate: float = 0.2) -> np.ndarray:
    """Logistic regression weights by gradient descent (small, dependency-free)."""
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -50, 50)))
        w -= rate * (x.T @ (p - y) / len(y) + l2 * w)
    return w


def confidences(w: np.ndarray, x: np.ndarray, disagree: np.ndarray, accept_at: float | None = None) -> np.ndarray:
    """The program's confidence from fitted weights: accept line moved to `accept_at`, disagreement ceiling."""
    accept_at = accept_at or recognizers.ACCEPT_AT
    logit = x @ w - math.log(accept_at / (1 - accept_at))
    conf = 1 / (1 + np.exp(-np.clip(logit, -50, 50)))
    return np.where(disagree, np.minimum(conf, recognizers.DISAGREE_CEILING), conf)


def table(rows: list[dict], scores: dict[str, np.ndarray]) -> list[str]:
    """Understood / wrong accepted / wrong and sure / off-topic rejected, per noise level and rule."""
    snr = np.array([r["snr"] for r in rows])
    right = np.array([r["right"] for r in rows])
    off = np.array([r["off_topic"] for r in rows])
    out = ["| rule | noise | understood | wrong accepted | wrong and sure | off-topic rejected |", "|---|---|---|---|---|---|"]
    for name, conf in scores.items():
        for level in (0.0, 20.0, 10.0):
            answers, topic = (snr == level) & ~off, (snr == level) & off
            cells = [((conf >= 0.5) & right & answers).sum() / answers.sum(),
                     ((conf >= 0.5) & ~right & answers).sum() / answers.sum(),
                     ((conf >= 0.8) & ~right & answers).sum() / answers.sum(),
                     ((conf < 0.5) & topic).sum() / topic.sum()]
            out.append(f"| {name} | {'clean' if level == 0 else f'{level:g} dB'} | "
                       + " | ".join(f"{100 * c:.1f}%" for c in cells) + " |")
    return out


def choose_accept_at(rows: list[dict], probability: np.ndarray, before: np.ndarray, has: np.ndarray) -> str:
    """Held-out voices at each candidate accept line; the lowest one that accepts no more wrong answers than
    the phone check alone did, at every noise level, is the one to ship (ACCEPT_AT)."""
    snr = np.array([r["snr"] for r in rows])
    right = np.array([r["right"] for r in rows])
    answers = ~np.array([r["off_topic"] for r in rows])
    out = ["| accept at | " + " | ".join(f"{lv:g} dB understood / wrong" if lv else "clean understood / wrong"
                                       for lv in (0.0, 20.0, 10.0)) + " |", "|---|---|---|---|"]
    chosen = None
    for accept_at in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
        ok = True
        cells = []
        for level in (0.0, 20.0, 10.0):
            sel = (snr == level) & answers
            taken = (probability >= accept_at) & has
            wrong, wrong_before = (taken & ~right & sel).sum(), ((before >= 0.5) & ~right & sel).sum()
            ok &= wrong <= wrong_before
            cells.append(f"{100 * (taken & right & sel).sum() / sel.sum():.1f}% / {100 * wrong / sel.sum():.1f}%")
        chosen = chosen or (accept_at if ok else None)
        out.append(f"| {accept_at:g} | " + " | ".join(cells) + " |")
    return "\n".join(out + ["", f"lowest accept line with no more wrong answers than before: {chosen}", ""])


def main() -> int:
    """Collect in parallel, fit with each voice held out and on all voices, print tables and constants."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    with Pool(args.jobs) as pool:
        rows = [row for chunk in pool.map(collect, [*FLITE, *ESPEAK]) for row in chunk]
    has = np.array([r["evidence"] is not None for r in rows])  # no phrase at all: rejected whatever the weights
    ev = [r["evidence"] or recognizers.Evidence(0.0, 0.0, False) for r in rows]
    x = np.array([[1.0, e.agreement, e.llr] for e in ev])
    y = np.array([r["right"] for r in rows], dtype=float)
    disagree = np.array([e.disagree for e in ev])
    voices = np.array([r["voice"] for r in rows])
    held_out, held_out_p = np.zeros(len(rows)), np.zeros(len(rows))
    for voice in sorted(set(voices)):
        w = fit(x[voices != voice], y[voices != voice])
        held_out[voices == voice] = confidences(w, x[voices == voice], disagree[voices == voice])
        held_out_p[voices == voice] = confidences(w, x[voices == voice], disagree[voices == voice], 0.5)
    print(choose_accept_at(rows, held_out_p, np.array([e.agreement for e in ev]) * has, has))
    w = fit(x, y)
    lines = table(rows, {"phone check alone (before)": np.array([e.agreement for e in ev]) * has,
                         "fitted, voice held out": held_out * has,
                         "fitted on all voices": confidences(w, x, disagree) * has,
                         "as shipped (Evidence.confidence)": np.array([e.confidence() for e in ev]) * has})
    print("\n".join(lines))
    print(f"\n{len(rows)} utterances. Constants for voice_triage/voice/recognizers.py:")
    print(f"FITTED_BIAS = {w[0]:.3f}\nAGREEMENT_WEIGHT = {w[1]:.3f}\nLLR_WEIGHT = {w[2]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
