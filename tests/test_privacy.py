"""Offline and private: no sockets at run time, owner-only files, --no-save, forget, settings."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from voice_triage import settings as prefs
from voice_triage.events import Adjust

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = "\n".join(["no"] * 16 + ["30", "lower back", "middle", "two days", "dull ache", "no", "bending", "rest",
                                   "no", "after lifting"]) + "\n"
NO_NETWORK = (
    "import sys\n"
    "def guard(event, args):\n"
    "    if event.startswith('socket.') or event in ('urllib.Request', 'http.client.connect'):\n"
    "        raise RuntimeError('network use blocked: ' + event)\n"
    "sys.addaudithook(guard)\n"
    "from voice_triage.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def run_offline(*args, stdin=ANSWERS):
    return subprocess.run([sys.executable, "-c", NO_NETWORK, *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_the_guard_really_blocks_sockets():
    code = NO_NETWORK.replace("from voice_triage.cli import main\nsys.exit(main(sys.argv[1:]))\n",
                              "import socket\nsocket.socket()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0 and "network use blocked" in result.stderr


def test_typed_session_runs_with_sockets_blocked(tmp_path):
    result = run_offline("--jsonl", "--report", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["report"]["disposition"] == "self_care"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_session_files_are_owner_only(private_home, tmp_path):
    os.umask(0o022)
    result = run_offline("--jsonl", "--report", str(tmp_path / "out" / "r.json"))
    assert result.returncode == 0
    sessions = private_home / "data" / "sessions"
    files = list(sessions.iterdir())
    assert any(f.suffix == ".jsonl" for f in files) and any(f.name.endswith(".report.json") for f in files)
    assert mode(sessions) == 0o700 and mode(sessions.parent) == 0o700
    assert all(mode(f) == 0o600 for f in files)
    assert all(mode(f) == 0o600 for f in (tmp_path / "out").iterdir())


def test_no_save_keeps_nothing(private_home):
    result = run_offline("--jsonl", "--no-save")
    assert result.returncode == 0
    assert not (private_home / "data").exists() and not (private_home / "config").exists()


def test_forget_deletes_sessions_and_says_how_many(private_home):
    run_offline("--jsonl")
    run_offline("--jsonl", stdin="no\n")
    result = subprocess.run([sys.executable, "-m", "voice_triage", "forget", "--yes"], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.startswith("Deleted 2 stored sessions")
    assert list((private_home / "data" / "sessions").iterdir()) == []


def test_spoken_setting_changes_are_kept(private_home):
    # Nothing is spoken in a typed session, so "slower" changes no rate (it says so); more time is kept. Typed by a
    # person (--text): a program's (--jsonl) is not kept (test_s38_controls.py).
    result = run_offline("--text", stdin="slower\nslower\ngive me more time\nstop\n")
    assert result.returncode == 0
    saved = prefs.load()
    assert saved.rate == prefs.Settings().rate
    assert saved.pause == prefs.Settings().pause + prefs.PAUSE_STEP
    assert mode(private_home / "config" / "settings.toml") == 0o600


def test_settings_command_sets_and_validates():
    base = [sys.executable, "-m", "voice_triage", "settings"]
    assert subprocess.run(base + ["set", "rate", "120"], capture_output=True, cwd=ROOT).returncode == 0
    assert prefs.load().rate == 120
    bad = subprocess.run(base + ["set", "rate", "fast"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "rate must be a number" in bad.stderr
    assert subprocess.run(base + ["set", "mode", "text"], capture_output=True, cwd=ROOT).returncode == 0
    assert prefs.load().mode == "text"


def test_settings_clamp_to_usable_ranges():
    settings = prefs.Settings(rate=prefs.RATE_RANGE[0])
    assert settings.adjust(Adjust("rate", -1)) is False and settings.rate == prefs.RATE_RANGE[0]


def test_settings_with_quotes_and_backslashes_are_kept(tmp_path):
    # Saved with repr() and its quotes swapped, a microphone named "Bob's USB mic" became `mic = "Bob"s USB mic"`,
    # which is not TOML: every setting was dropped at the next start.
    path = tmp_path / "settings.toml"
    prefs.save(prefs.Settings(mic="Bob's USB mic", voice='C:\\voices\\"en"'), path)
    assert prefs.load(path) == prefs.Settings(mic="Bob's USB mic", voice='C:\\voices\\"en"')


def test_settings_that_cannot_be_saved_cost_only_the_memory(private_home):
    # A settings path that cannot be written turned "slower" into "speaker failed": speech was switched off
    blocker = private_home / "config"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the folder should be")
    # (more time, since a typed "slower" changes nothing to save)
    result = run_offline("--text", stdin="give me more time\ngive me more time\nstop\n")  # a person's: kept
    assert result.returncode == 0 and "speaker failed" not in result.stderr
    assert result.stderr.count("cannot save settings") == 1 and "this session only" in result.stderr
    command = subprocess.run([sys.executable, "-m", "voice_triage", "settings", "set", "rate", "100"],
                             capture_output=True, text=True, cwd=ROOT)
    assert command.returncode == 2 and command.stderr.count("\n") == 1 and "cannot save settings" in command.stderr


def test_numbers_that_are_not_finite_are_refused():
    # "nan" was kept: an answer then never ended on a pause, and the wait for a first word never timed out
    for name in ("pause", "silence_timeout"):
        with pytest.raises(prefs.SettingsError, match=name):
            prefs.Settings().set(name, "nan")
    for flag, value in (("--pause", "nan"), ("--silence-timeout", "inf"), ("--max-utterance", "-1"), ("--rate", "0"),
                        ("--pause", "soon")):
        result = run_offline("--jsonl", "--no-save", flag, value, stdin="stop\n")
        assert result.returncode == 2 and "Traceback" not in result.stderr and flag in result.stderr


def test_broken_settings_file_is_one_line_and_defaults_are_used(private_home):
    path = private_home / "config" / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("rate = = 3\n")
    result = run_offline("--jsonl", "--no-save", stdin="stop\n")
    assert result.returncode == 0 and result.stderr.count("\n") == 1 and "ignoring settings" in result.stderr


def spoken_wav(path: Path, answers: list[str]) -> Path:
    """A WAV of flite-spoken answers separated by silence long enough to end each utterance."""
    from voice_triage.voice.testing import FLITE, synthesize, write_wav

    silence = b"\x00\x00" * 16000 * 2
    pcm = b"".join(silence[:8000] + synthesize(answer, FLITE[0]) + silence for answer in answers)
    return write_wav(path, pcm)


def test_voice_session_runs_with_sockets_blocked(tmp_path):
    wav = spoken_wav(tmp_path / "answers.wav", ["no", "yes", "yes", "no"])
    result = run_offline("--jsonl", "--no-speak", "--audio-in", str(wav), stdin="")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])["report"]
    assert report["disposition"] == "emergency" and report["red_flags"] == ["rf_bowel"]
    assert [t["understood"] for t in report["transcript"]][:2] == ["no", "yes"]


def test_typed_session_resumes_by_voice(tmp_path, private_home):
    first = run_offline("--jsonl", stdin="no\nno\n")
    assert json.loads(first.stdout.splitlines()[-1])["report"]["ended_by"] == "end_of_input"
    wav = spoken_wav(tmp_path / "rest.wav", ["yes", "yes", "no"])
    result = run_offline("--jsonl", "--no-speak", "--resume", "--audio-in", str(wav), stdin="")
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert {"type": "say", "text": "Welcome back. Let's carry on where we left off."} in events
    report = events[-1]["report"]
    assert report["answers"]["rf_bladder"] == "no" and report["answers"]["rf_bowel"] == "no"
    assert report["red_flags"] == ["rf_saddle"] and report["disposition"] == "emergency"
