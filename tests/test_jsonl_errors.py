"""A program on --jsonl is told why a session cannot run: one `error` event as the last line, the same text on stderr."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from voice_triage import cli, journal as journals, session
from voice_triage.events import End, Say
from voice_triage.storage import sessions_dir
from voice_triage.textio import JsonlSpeaker

ROOT = Path(__file__).resolve().parents[1]


def run_jsonl(*args: str, stdin: str = "no\n", env: dict | None = None) -> tuple[list[dict], subprocess.CompletedProcess]:
    """`voice-triage --jsonl ARGS` with typed answers on stdin."""
    result = subprocess.run([sys.executable, "-m", "voice_triage", "--jsonl", *args], input=stdin, text=True,
                            capture_output=True, cwd=ROOT, timeout=60, env=env)
    return [json.loads(line) for line in result.stdout.splitlines()], result


def only_an_error(events: list[dict], result: subprocess.CompletedProcess, reason: str, code: int) -> dict:
    """The session never started: one error event, its text the one stderr line, and the exit code."""
    assert [e["type"] for e in events] == ["error"] and events[0]["reason"] == reason
    assert result.returncode == code and result.stderr == f"voice-triage: {events[0]['text']}\n"
    return events[0]


def test_broken_content_is_a_content_error_event(tmp_path):
    (tmp_path / "afile").write_text("x")
    events, result = run_jsonl("--no-save", "--content", str(tmp_path / "afile"))
    assert "content problem" in only_an_error(events, result, "content", 3)["text"]


def test_a_report_path_that_cannot_be_written_is_a_report_path_error_event(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    events, result = run_jsonl("--no-save", "--report", str(blocker / "report.json"))
    assert "cannot write the report" in only_an_error(events, result, "report_path", 2)["text"]


def test_a_data_folder_that_cannot_be_used_is_a_data_folder_error_event(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    events, result = run_jsonl(env={**os.environ, "VOICE_TRIAGE_DATA": str(blocker)})
    assert f"cannot use the data folder {blocker}" in only_an_error(events, result, "data_folder", 5)["text"]


def test_a_session_open_in_another_process_is_a_session_busy_error_event():
    run_jsonl(stdin="no\n")  # unfinished
    holder = journals.Journal(next(sessions_dir().glob("*.jsonl")))  # another voice-triage, still running
    try:
        events, result = run_jsonl("--resume")
    finally:
        holder.close("end_of_input")
    assert "open in another voice-triage" in only_an_error(events, result, "session_busy", 5)["text"]


def test_an_unexpected_failure_mid_session_is_the_last_line_and_exit_1(monkeypatch, capsys):
    def failing_run(dialog, channels, journal, first):
        channels.emit(Say("Hello."))
        raise RuntimeError("the disk vanished")
    monkeypatch.setattr(session, "run", failing_run)
    monkeypatch.setattr(sys, "stdin", io.StringIO("no\n"))
    assert cli.main(["--jsonl", "--no-save"]) == 1
    out, err = capsys.readouterr()
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["type"] for e in events] == ["say", "error"] and events[-1]["reason"] == "unexpected"
    assert "the disk vanished" in events[-1]["text"] and "--debug" in events[-1]["text"]
    assert err == f"voice-triage: {events[-1]['text']}\n" and "Traceback" not in err


def test_typed_mode_gets_the_one_line_and_no_json(tmp_path):
    (tmp_path / "afile").write_text("x")
    result = subprocess.run([sys.executable, "-m", "voice_triage", "--text", "--no-save", "--content",
                             str(tmp_path / "afile")], input="", text=True, capture_output=True, cwd=ROOT, timeout=60)
    assert result.returncode == 3 and result.stdout == "" and result.stderr.count("\n") == 1


@pytest.mark.parametrize("ended", [False, True])
def test_nothing_follows_the_last_line(ended):
    # A report that cannot be saved after `end`: the program already has the report, and `end` stays the last line
    stream = io.StringIO()
    captions = JsonlSpeaker(stream)
    if ended:
        captions.emit(End("Goodbye.", {"disposition": "gp"}))
    captions.error("report", "could not write the report")
    captions.error("unexpected", "a second failure")
    kinds = [json.loads(line)["type"] for line in stream.getvalue().splitlines()]
    assert kinds == (["end"] if ended else ["error"])
