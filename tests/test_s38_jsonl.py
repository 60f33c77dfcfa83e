"""What a program driving `voice-triage --jsonl --audio-in -` gets when its audio cannot be heard, and the wait."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voice_triage.content import load_content
from voice_triage.voice.testing import write_wav

ROOT = Path(__file__).resolve().parents[1]
PIPE = [sys.executable, "-m", "voice_triage", "--jsonl", "--no-speak", "--audio-in", "-"]


def run_pipe(stdin: bytes, *args: str) -> tuple[list[dict], subprocess.CompletedProcess]:
    """The CLI with `stdin` as its audio, all written before it starts (as `cat file |` does)."""
    args = args if "--recognizer" in args else ("--recognizer", "pocketsphinx", *args)
    result = subprocess.run([*PIPE, *args], input=stdin, capture_output=True, cwd=ROOT, timeout=60)
    return [json.loads(line) for line in result.stdout.splitlines()], result


def one_error_line(result: subprocess.CompletedProcess, event: dict) -> None:
    """The error is one line on stderr, the same as the event's text, and no traceback."""
    assert result.stderr.decode() == f"voice-triage: {event['text']}\n"


def test_empty_audio_is_an_error_not_advice_built_from_nothing():
    events, result = run_pipe(b"", "--no-save")
    assert result.returncode == 6
    assert [e["type"] for e in events if e["type"] != "say"] == ["ask", "error"]
    assert events[-1]["reason"] == "nothing_heard" and "ended before any answer was heard" in events[-1]["text"]
    assert not any("appointment" in e.get("text", "") for e in events)
    one_error_line(result, events[-1])


def test_silence_says_it_waits_then_ends_with_an_error_and_keeps_no_session(private_home):
    # Nothing heard twice: "Say continue when you are ready", and then only audio goes on (no question is asked)
    events, result = run_pipe(bytes(16000 * 2 * 4), "--silence-timeout", "1")
    wait = load_content().phrases["silence_wait"]
    assert {"type": "say", "text": wait, "waits": True} in events
    assert all("waits" not in e for e in events if e.get("text") != wait)
    assert result.returncode == 6 and events[-1]["type"] == "error" and events[-1]["reason"] == "nothing_heard"
    assert not any(e["type"] in ("heard", "end") for e in events)
    assert not list((private_home / "data").rglob("*.jsonl"))  # nothing to resume


@pytest.mark.parametrize("stdin, what", [(b"no\nno\nyes\n", "it is text, not audio"),
                                         (b"fLaC\x00\x00\x00\x22" + bytes(64), "it is FLAC audio")],
                         ids=["typed-answers", "flac"])
def test_audio_that_is_not_raw_pcm_is_refused_before_any_question(stdin, what):
    events, result = run_pipe(stdin, "--no-save")
    assert result.returncode == 2 and [e["type"] for e in events] == ["error"]
    assert events[0]["reason"] == "audio_format" and what in events[0]["text"]
    one_error_line(result, events[0])


def test_a_wav_header_that_comes_after_the_first_question_is_one_error_too(tmp_path):
    # A program that waits to be asked: the header is checked when it comes, and still ends in one error event
    path = tmp_path / "stereo.wav"
    write_wav(path, bytes(44100 * 4), channels=2, rate=44100)
    proc = subprocess.Popen([*PIPE, "--no-save", "--recognizer", "pocketsphinx"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    events = []
    for line in proc.stdout:
        events.append(json.loads(line))
        if events[-1]["type"] == "ask":
            proc.stdin.write(path.read_bytes()[:4096])  # within a pipe's buffer: it is refused at the header
            proc.stdin.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 2
    assert [e["type"] for e in events if e["type"] != "say"] == ["ask", "error"]
    assert events[-1]["reason"] == "audio_format" and "16 kHz mono" in events[-1]["text"]
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


def test_a_resumed_session_with_no_audio_still_reports_its_answers(private_home):
    typed = subprocess.run([sys.executable, "-m", "voice_triage", "--jsonl"], input=b"no\nno\n", capture_output=True,
                           cwd=ROOT, timeout=60)
    assert typed.returncode == 0
    events, result = run_pipe(b"", "--resume")
    assert result.returncode == 0 and events[-1]["type"] == "end"
    assert events[-1]["report"]["answers"]["rf_bladder"] == "no"
    assert len(list((private_home / "data").rglob("*.jsonl"))) == 1  # still there to resume


def test_a_recognizer_that_cannot_run_is_one_error_event(tmp_path):
    events, result = run_pipe(bytes(3200), "--no-save", "--recognizer", "vosk", "--model", str(tmp_path / "none"))
    assert result.returncode == 4 and [e["type"] for e in events] == ["error"]
    assert events[0]["reason"] == "voice_unavailable" and "cannot be heard" in events[0]["text"]
    one_error_line(result, events[0])
