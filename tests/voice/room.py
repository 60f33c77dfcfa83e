"""Talking to `voice-triage --audio-in -` over a pipe, as a person in a quiet room would."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voice_triage.content import load_content
from voice_triage.voice.testing import silence

ROOT = Path(__file__).resolve().parents[2]
WAIT_TEXT = load_content().phrases["silence_wait"]  # "say continue when you are ready"
COMMAND = [sys.executable, "-m", "voice_triage", "--jsonl", "--no-save", "--no-speak", "--audio-in", "-"]


class Stuck(Exception):
    """The assistant asked more than the allowed number of questions (re-asking without end)."""


class Room:
    """The patient's side of the pipe: answers when asked, and between answers the quiet of a room.

    Silence keeps flowing in real time, as from a microphone, so a longer pause ("give me more time")
    still ends each answer; without it the assistant would wait for audio that never comes.
    """

    def __init__(self, stdin: Any, background: Callable[[float], bytes] = silence) -> None:
        self.stdin, self.lock, self.done = stdin, threading.Lock(), threading.Event()
        self.background = background  # seconds -> the room's sound between answers (silence, or noise)
        self.last = time.monotonic()
        threading.Thread(target=self._quiet, daemon=True).start()

    def say(self, pcm: bytes) -> None:
        """An answer (the silence after it included)."""
        self._write(pcm)
        self.last = time.monotonic()

    def _write(self, pcm: bytes) -> None:
        with self.lock:
            self.stdin.write(pcm)
            self.stdin.flush()

    def _quiet(self) -> None:
        """More silence only when the assistant has not answered a second after our answer (a long pause
        setting); normally the padded answer alone ends the turn, which keeps runs repeatable."""
        while not self.done.wait(0.1):
            if time.monotonic() - self.last < 1.0:
                continue
            try:
                self._write(self.background(0.1))
            except (BrokenPipeError, ValueError, OSError):
                return

    def close(self) -> None:
        self.done.set()
        with self.lock:
            try:
                self.stdin.close()
            except (BrokenPipeError, OSError):  # the assistant already ended and closed its side
                pass


def converse(reply: Callable[[dict[str, Any]], bytes], max_asks: int = 150,
             background: Callable[[float], bytes] = silence,
             notice: Callable[[str], None] = lambda said: None) -> tuple[dict[str, Any], int]:
    """Run the CLI over a pipe; `reply(ask_event)` gives the audio to send, `notice(text)` hears what is said.
    Returns (report, asks seen)."""
    proc = subprocess.Popen(COMMAND, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    room = Room(proc.stdin, background)
    room.say(background(0.5))  # the room is heard before anyone speaks
    report, asks = {}, 0
    try:
        for line in proc.stdout:
            event = json.loads(line)
            if event["type"] == "ask":
                asks += 1
                if asks > max_asks:
                    raise Stuck(f"stuck at {event['question']} after {max_asks} questions")
                room.say(reply(event))
            elif event["type"] == "say" and event["text"] == WAIT_TEXT:
                # Nothing was heard twice, so the assistant waits for "continue" with no time limit: a person
                # says it (in a 10 dB room the patient otherwise waited in silence for ever).
                room.say(reply(event))
            elif event["type"] == "say":
                notice(event["text"])  # "Noted: no.": the patient undoes a wrong answer at the next question
            elif event["type"] == "end":
                report = event["report"]
                break
    finally:
        room.close()
        proc.wait(timeout=30)
    return report, asks
