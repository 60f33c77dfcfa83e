"""Stop 38 controls: a stopped session can be resumed, "start over" is checked first, and setting changes are kept
only when a person answers. Real processes with a temporary VOICE_TRIAGE_DATA (tests/conftest.py), as test_cli.py."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from voice_triage import cli
from voice_triage import settings as prefs
from voice_triage.events import Heard

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice_triage", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def jsonl_events(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


# 3. "Slower", "faster" and "give me more time" are kept for next time only when a person answers.

def settings_file(private_home: Path) -> Path:
    return private_home / "config" / "settings.toml"


def spoken_wav(path: Path, answers: list[str]) -> Path:
    """A WAV of flite-spoken answers, each followed by silence long enough to end it (as test_privacy.py)."""
    from voice_triage.voice.testing import FLITE, synthesize, tool_missing

    if missing := tool_missing(FLITE[0]):
        pytest.skip(f"{missing} is not installed (scripts/setup.sh test installs it)")
    silence = b"\x00\x00" * 16000 * 3
    pcm = b"".join(silence[:8000] + synthesize(answer, FLITE[0]) + silence for answer in answers)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm)
    return path


def test_more_time_heard_in_an_audio_file_holds_for_that_session_only(tmp_path, private_home, content):
    # A recording's "give me more time" was saved in the user's settings (pause 3.5 and silence_timeout 26 seen).
    wav = spoken_wav(tmp_path / "answers.wav", ["give me more time", "give me more time"])
    result = run("--jsonl", "--no-speak", "--recognizer", "pocketsphinx", "--audio-in", str(wav))
    said = [event["text"] for event in jsonl_events(result)]
    assert said.count(content.phrases["more_time"]) == 2  # heard, and acted on in the session
    assert not settings_file(private_home).exists()


def test_more_time_from_a_program_on_jsonl_is_not_saved(private_home, content):
    said = [event["text"] for event in jsonl_events(run("--jsonl", stdin="give me more time\n"))]
    assert content.phrases["more_time"] in said
    assert not settings_file(private_home).exists()


def test_more_time_typed_by_a_person_is_kept(private_home, content):
    result = run("--text", stdin="give me more time\n")
    assert result.returncode == 0 and content.phrases["more_time"] in result.stdout
    assert prefs.load().pause == prefs.Settings().pause + prefs.PAUSE_STEP


class Microphone:
    """Stands in for a live microphone session's listener: the answers heard, then the end of input."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = [Heard(answer, 0.95) for answer in answers]
        self.keyboard = None
        self.closed = False

    def listen(self, ask):
        return self.answers.pop(0) if self.answers else None

    def close(self) -> None:
        self.closed = True


class Loudspeaker:
    """Stands in for the spoken prompts: captions only."""

    def __init__(self, captions) -> None:
        self.captions = captions

    def emit(self, event) -> None:
        self.captions.emit(event)

    def speaks_aloud(self) -> bool:
        return True


def test_setting_changes_said_at_a_live_microphone_are_kept(monkeypatch, capsys, private_home):
    microphone = Microphone(["slower", "give me more time"])
    monkeypatch.setattr(cli, "_voice_io", lambda args, prefs, captions, *rest: (microphone, Loudspeaker(captions)))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["--no-speak"]) == 0
    assert microphone.closed and "I will speak more slowly." in capsys.readouterr().out
    saved, default = prefs.load(), prefs.Settings()
    assert (saved.rate, saved.pause) == (default.rate - prefs.RATE_STEP, default.pause + prefs.PAUSE_STEP)
