"""What the stop-35 reliability review left open: endless input lines, silent clamps, odd report paths, forget."""
from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import threading

from test_privacy import ANSWERS, ROOT, run_offline
from voice_triage import textio
from voice_triage.events import Ask
from voice_triage.textio import KeyboardLines, LineListener

ASK = Ask("Where does it hurt?", "location")


def test_an_endless_line_ends_typing_with_one_warning_instead_of_filling_memory(monkeypatch, caplog):
    monkeypatch.setattr(textio, "MAX_LINE_CHARS", 1000)
    listener = LineListener(io.StringIO("\0" * 5000))
    with caplog.at_level(logging.WARNING):
        assert listener.listen(ASK) is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "no line break" in caplog.records[0].getMessage()


def test_a_long_answer_with_its_line_break_is_still_an_answer(monkeypatch):
    monkeypatch.setattr(textio, "MAX_LINE_CHARS", 1000)
    listener = LineListener(io.StringIO("groin " * 150 + "\nleft\n"))  # 900 characters and a line break
    assert listener.listen(ASK).text.startswith("groin groin")
    assert listener.listen(ASK).text == "left"


def test_keyboard_lines_beside_a_spoken_session_stop_reading_an_endless_line(monkeypatch):
    monkeypatch.setattr(textio, "MAX_LINE_CHARS", 10_000)
    read_end, write_end = os.pipe()

    def endless() -> None:  # far more than the limit, never a line break, until the reader goes away
        try:
            while True:
                os.write(write_end, b"\0" * 4096)
        except OSError:
            pass

    writer = threading.Thread(target=endless, daemon=True)
    writer.start()
    with os.fdopen(read_end, "r") as stream:
        keyboard = KeyboardLines(stream)
        assert keyboard.readline() == ""  # typing ended, as at the end of input
        assert keyboard.poll() is None
    os.close(write_end)


def test_dev_zero_as_input_ends_the_session_with_the_report_and_one_warning(tmp_path):
    report = tmp_path / "r.json"
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run([sys.executable, "-m", "voice_triage", "--text", "--no-save", "--report", str(report)],
                                stdin=zero, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("\n") == 1 and "no line break" in result.stderr
    assert report.exists()


def test_forget_keeps_a_session_still_running_and_says_so(private_home, make_dialog, capsys):
    from voice_triage import cli
    from voice_triage.journal import Journal
    from voice_triage.storage import forget, sessions_dir
    run_offline("--text", stdin=ANSWERS)  # one finished session, with its report and summaries
    running = Journal.create(make_dialog())  # holds its lock, as a voice-triage in another window does
    try:
        assert cli.main(["forget", "--yes"]) == 0
        said = capsys.readouterr().out
        assert "Deleted 1 stored session" in said and "Kept 1 that is still running" in said
        assert sorted(p.name for p in sessions_dir().iterdir()) == [running.path.name]
        running.write({"type": "heard", "text": "no", "confidence": 1.0})  # it carries on, journal intact
    finally:
        running.close("finished")
    assert forget() == (1, 0)
    assert list(sessions_dir().iterdir()) == []


def test_settings_out_of_range_are_refused_with_the_range_not_changed_in_silence(private_home, capsys):
    from voice_triage import cli
    from voice_triage.settings import load
    assert cli.main(["settings", "set", "rate", "999"]) == 2
    assert "rate must be from 80 to 280 words per minute, not 999" in capsys.readouterr().err
    assert cli.main(["settings", "set", "silence_timeout", "0.5"]) == 2
    assert load().rate == 160 and load().silence_timeout == 10.0
    assert cli.main(["settings", "set", "rate", "280"]) == 0 and load().rate == 280


def test_a_wrong_option_is_one_line_naming_it_and_where_help_is():
    for args in (["--rate", "999"], ["--bogus"], ["report"], ["--report", ""], ["report", "x.json", "--html", ""]):
        result = subprocess.run([sys.executable, "-m", "voice_triage", *args], capture_output=True, text=True,
                                timeout=60, cwd=ROOT, stdin=subprocess.DEVNULL)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, (args, result.stderr)
        assert "--help" in result.stderr and "Traceback" not in result.stderr
    empty = subprocess.run([sys.executable, "-m", "voice_triage", "--report", ""], capture_output=True, text=True,
                           timeout=60, cwd=ROOT, stdin=subprocess.DEVNULL).stderr
    assert "empty file name" in empty and " . " not in empty


def _forget_at_a_terminal(typed: str) -> subprocess.CompletedProcess:
    """`voice-triage forget` with a terminal on stdin, answering its question with `typed`."""
    import pty
    main_end, terminal = pty.openpty()
    os.write(main_end, typed.encode() + b"\n")
    try:
        return subprocess.run([sys.executable, "-m", "voice_triage", "forget"], stdin=terminal, capture_output=True,
                              text=True, timeout=60, cwd=ROOT, env=os.environ.copy())
    finally:
        os.close(terminal)
        os.close(main_end)


def test_forget_asks_first_and_help_deletes_nothing(private_home):
    from voice_triage.storage import stored_sessions
    run_offline("--text", stdin=ANSWERS)
    for args in (["--help"], ["-h"], ["--dry-run"], []):  # --help printed "Deleted 1 stored session"
        result = subprocess.run([sys.executable, "-m", "voice_triage", "forget", *args], capture_output=True,
                                text=True, timeout=60, cwd=ROOT, stdin=subprocess.DEVNULL)
        assert "Deleted" not in result.stdout and len(stored_sessions()) == 1, args
    assert "add --yes" in result.stderr and result.returncode == 2  # no terminal to ask at
    refused = _forget_at_a_terminal("no")
    assert "Type yes to delete" in refused.stdout and "Nothing deleted" in refused.stdout
    assert len(stored_sessions()) == 1
    agreed = _forget_at_a_terminal("yes")
    assert "Deleted 1 stored session" in agreed.stdout and not stored_sessions()


def test_settings_reset_help_resets_nothing(private_home):
    from voice_triage.settings import load
    assert subprocess.run([sys.executable, "-m", "voice_triage", "settings", "set", "rate", "200"], cwd=ROOT,
                          capture_output=True, timeout=60).returncode == 0
    for args in (["reset", "--help"], ["set", "rate"], ["reset", "now"], ["show"]):
        subprocess.run([sys.executable, "-m", "voice_triage", "settings", *args], cwd=ROOT, capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
        assert load().rate == 200, args
    diagram = subprocess.run([sys.executable, "-m", "voice_triage", "diagram", "--help"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert "usage" in diagram.stdout and "stateDiagram" not in diagram.stdout


def test_a_report_in_a_folder_that_cannot_hold_files_is_refused_before_the_interview():
    # /proc passes the access check even as root: all the questions were asked, then the write failed, naming
    # the temporary file (".r.json.vep2c7qn.tmp")
    result = subprocess.run([sys.executable, "-m", "voice_triage", "--text", "--no-save", "--report", "/proc/r.json"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT, input="no\n" * 40)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "/proc/r.json" in result.stderr and ".tmp" not in result.stderr and result.stdout == ""


def test_a_failed_report_write_names_the_report_not_its_temporary_file(tmp_path, monkeypatch):
    import errno

    import pytest

    from voice_triage import storage
    monkeypatch.setattr(storage.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    with pytest.raises(OSError) as caught:
        storage.write_private(tmp_path / "r.json", "text")
    assert caught.value.filename == str(tmp_path / "r.json") and list(tmp_path.iterdir()) == []
