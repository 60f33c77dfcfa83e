#!/usr/bin/env python3
"""Answers spoken past the maximum length: is the next reply heard as the answer to the question asked again?

Usage: .venv/bin/python scripts/bench_long_answers.py [--snr clean 20 10] [--noise white|pink|fluctuating|talk]

Each case is one stream into one VoiceListener, as over `--audio-in -`: half a second of the room, a ramble of
about 20 to 40 s (one long sentence said again and again, flite and espeak-ng voices at three rates), two seconds
of the room, then a short reply ("yes" or "no") and two seconds more. Counted per SNR:
- too long: the first answer was heard as spoken past the maximum (the assistant says "too long" and asks again);
- in step: the second answer is the reply, heard right; it is what the program driving a pipe meant for the
  question asked again;
- shifted: the second answer was something else (the rest of the ramble, or nothing) while the reply was heard
  later: one reply now answers the question after the one it was meant for. This must be 0.
- television: the room was said to talk;
- alone: the same reply heard right in a stream of its own, without the ramble (what the recognizer gets right
  anyway, for comparison).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voice_triage.events import Ask  # noqa: E402
from voice_triage.voice.audio import chunked  # noqa: E402
from voice_triage.voice.listener import VoiceListener  # noqa: E402
from voice_triage.voice.sphinx_recognizer import SphinxRecognizer  # noqa: E402
from voice_triage.voice.testing import (ESPEAK, FLITE, NOISES, add_noise, grammar_for, pad, snr_label,  # noqa: E402
                                        synthesize)

CACHE = Path("/tmp/voice-triage-synth")
RAMBLE = ("well it is hard to say really, my back has been bothering me for a while and I went to the shop "
          "yesterday and my neighbour said I should call someone but I am not sure what to make of it all, "
          "and my daughter thinks it is nothing, anyway ")
ASK = Ask("Any fever?", "rf_fever", ("yes", "no"), grammar_for("yesno"))
RATES = (0.8, 1.0, 1.25)
LENGTHS_S = (20.0, 40.0)


def stream(voice, rate: float, seconds: float, reply: str) -> bytes:
    """The room, a ramble of at least `seconds`, the room, the reply, the room."""
    ramble = b""
    while len(ramble) < seconds * 32000:
        ramble += synthesize(RAMBLE, voice, rate, CACHE)
    return pad(ramble, 0.5, 2.0) + pad(synthesize(reply, voice, rate, CACHE), 0.3, 2.0)


def one(recognizer, pcm: bytes, reply: str) -> dict[str, bool]:
    """Listen to a whole stream the way the dialog would: until the reply is heard or the stream ends."""
    told: list[int] = []
    listener = VoiceListener(chunked(pcm), recognizer)
    listener.on_talking_room = lambda: told.append(1)
    first = listener.listen(ASK)
    second = listener.listen(ASK)
    later = []
    while (heard := listener.listen(ASK)) is not None:
        later.append(heard.text)
    in_step = second is not None and second.text == reply
    return {"too_long": bool(getattr(first, "too_long", False)), "in_step": in_step,  # getattr: older code too
            "shifted": not in_step and reply in later, "television": bool(told)}


def alone(recognizer, pcm: bytes, reply: str) -> bool:
    """Whether the reply is heard right in a stream of its own."""
    heard = VoiceListener(chunked(pcm), recognizer).listen(ASK)
    return heard is not None and heard.text == reply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snr", nargs="+", default=["clean", "20", "10"])
    parser.add_argument("--noise", choices=sorted(NOISES), default="white")
    args = parser.parse_args()
    recognizer = SphinxRecognizer()
    print("| SNR | cases | too long | in step | shifted | television said | reply alone heard |")
    print("|---|---|---|---|---|---|---|")
    for snr_text in args.snr:
        snr = None if snr_text == "clean" else float(snr_text)
        counts = {"too_long": 0, "in_step": 0, "shifted": 0, "television": 0, "alone": 0}
        cases = 0
        for i, voice in enumerate(FLITE + ESPEAK):
            for rate in RATES:
                for seconds in LENGTHS_S:
                    reply = ("yes", "no")[cases % 2]
                    pcm = add_noise(stream(voice, rate, seconds, reply), snr, seed=cases, kind=args.noise)
                    for key, value in one(recognizer, pcm, reply).items():
                        counts[key] += value
                    reply_pcm = pad(synthesize(reply, voice, rate, CACHE), 0.5, 2.0)
                    counts["alone"] += alone(recognizer, add_noise(reply_pcm, snr, seed=cases, kind=args.noise), reply)
                    cases += 1
        print(f"| {snr_label(snr)} | {cases} | {counts['too_long']} | {counts['in_step']} | {counts['shifted']} "
              f"| {counts['television']} | {counts['alone']} |", flush=True)


if __name__ == "__main__":
    main()
