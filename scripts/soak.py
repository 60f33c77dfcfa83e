#!/usr/bin/env python3
"""Soak test: many sessions in one process; prints sessions per second, RSS and open descriptors.

Usage: .venv/bin/python scripts/soak.py [TYPED_SESSIONS] [SPOKEN_SESSIONS]
Typed sessions run the whole dialog with a journal on disk (a temporary data folder); spoken sessions send
synthesized answers (flite) through the real pocketsphinx recognizer and endpointing as a PCM stream.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VOICE_TRIAGE_DATA", tempfile.mkdtemp(prefix="soak-data-"))

from voice_triage.content import load_content  # noqa: E402
from voice_triage.dialog import Dialog  # noqa: E402
from voice_triage.journal import Journal  # noqa: E402
from voice_triage.session import Channels, run  # noqa: E402
from voice_triage.textio import ScriptedListener, SilentSpeaker  # noqa: E402

RED_FLAGS = len(load_content().red_flags)  # each answered "no" first
FULL = ["no"] * RED_FLAGS + ["64", "groin and front of thigh", "left", "eight months", "dull ache", "no",
                             "stairs and socks", "rest", "yes", "slowly"]
SCRIPTS = [FULL, ["yes", "no"], ["no", "repeat", "go back", "no", "stop"], ["no", "not sure"] + FULL[2:],
           ["banana", "banana", "banana"] + FULL[1:]]


def rss_kb() -> int:
    """Resident set size now, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def open_fds() -> int:
    """Open file descriptors now."""
    return len(os.listdir("/proc/self/fd"))


def typed(content, count: int) -> None:
    """`count` typed sessions, each journaled to disk."""
    rng = random.Random(1)
    for index in range(count):
        dialog = Dialog(content)
        run(dialog, Channels(ScriptedListener(rng.choice(SCRIPTS)), SilentSpeaker()), Journal.create(dialog))


_RECOGNIZER = []


def recognizer():
    """One recognizer for the whole process, as in the program (the model loads once)."""
    if not _RECOGNIZER:
        from voice_triage.voice.sphinx_recognizer import SphinxRecognizer
        _RECOGNIZER.append(SphinxRecognizer())
    return _RECOGNIZER[0]


def spoken(content, count: int) -> None:
    """`count` spoken sessions through pocketsphinx on one PCM stream each."""
    from voice_triage.voice.audio import chunked
    from voice_triage.voice.listener import VoiceListener
    from voice_triage.voice.testing import FLITE, synthesize

    silence = b"\x00\x00" * 16000 * 2
    scripts = [["yes", "yes", "no"], ["no", "no", "no", "stop"], ["no", "repeat", "no", "go back", "stop"]]
    for index in range(count):
        answers = scripts[index % len(scripts)]
        pcm = b"".join(silence[:8000] + synthesize(a, FLITE[index % 2]) + silence for a in answers)
        listener = VoiceListener(chunked(pcm), recognizer())
        run(Dialog(content, spoken=True), Channels(listener, SilentSpeaker()))


def measure(name: str, work, count: int) -> str:
    """Run `work` and return a Markdown table row."""
    rss0, fds0, start = rss_kb(), open_fds(), time.perf_counter()
    work(count)
    elapsed = time.perf_counter() - start
    rss1, fds1 = rss_kb(), open_fds()
    return (f"| {name} | {count} | {count / elapsed:.1f} | {rss0 / 1024:.1f} | {rss1 / 1024:.1f} | "
            f"{(rss1 - rss0) / 1024:+.1f} | {fds0} | {fds1} |")


def main(typed_count: int = 1000, spoken_count: int = 100) -> int:
    content = load_content()
    print("| sessions | count | per second | RSS start MB | RSS end MB | RSS growth MB | fds start | fds end |")
    print("|---|---|---|---|---|---|---|---|")
    typed(content, 20)  # warm-up: imports and caches are not growth
    print(measure("typed (journaled)", lambda n: typed(content, n), typed_count), flush=True)
    if spoken_count:
        spoken(content, 6)  # warm-up: every script and voice once (grammar and model caches fill here)
        print(measure("spoken (pocketsphinx, PCM stream)", lambda n: spoken(content, n), spoken_count))
    return 0


if __name__ == "__main__":
    if not all(arg.isdigit() for arg in sys.argv[1:3]) or len(sys.argv) > 3:
        sys.exit(__doc__.split("\n\n")[1].splitlines()[0])  # the usage line, not a traceback, for --help
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
