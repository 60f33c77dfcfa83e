"""What a reliability review found (stop 35): a full disk, report paths, planted links, forget."""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pytest

from test_privacy import ANSWERS, ROOT, run_offline
from test_session import Recorder, Scripted
from voice_triage import cli
from voice_triage import journal as journals
from voice_triage.events import Heard, Say
from voice_triage.session import Channels, Interrupted, resume_events, run
from voice_triage.storage import forget, sessions_dir, unwritable_reason, write_private


def test_a_full_disk_mid_session_still_gives_the_emergency_advice(make_dialog, monkeypatch, caplog):
    dialog = make_dialog()
    journal = journals.Journal.create(dialog)
    # The disk fills after the start record: the answer "yes" cannot be saved (the disk is the edge faked here).
    monkeypatch.setattr(journals.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    speaker = Recorder()
    report = run(dialog, Channels(Scripted(["yes"]), speaker), journal)
    assert report["ended_by"] == "emergency" and journal.failed
    said = [event.text for event in speaker.events if isinstance(event, Say)]
    assert dialog.phrases["emergency_intro"] in said
    warnings = [record.getMessage() for record in caplog.records if "cannot save the answers" in record.message]
    assert len(warnings) == 1 and "carrying on without saving" in warnings[0]


def test_a_link_planted_at_the_old_temporary_name_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".r.json.tmp").symlink_to(victim)
    write_private(tmp_path / "r.json", "the report")
    assert victim.read_text() == "precious" and (tmp_path / "r.json").read_text() == "the report"
    assert not (tmp_path / "r.json").is_symlink()


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    with pytest.raises(OSError):
        write_private(tmp_path / "r.json", "the report")
    assert list(tmp_path.iterdir()) == []


def test_a_report_under_a_file_cannot_be_written(tmp_path):
    (tmp_path / "afile").write_text("x")
    assert "is a file, not a folder" in unwritable_reason(tmp_path / "afile" / "deeper" / "r.json")


@pytest.mark.parametrize("make, report", [
    (lambda d: (d / "afile").write_text("x"), "afile/r.json"),
    (lambda d: (d / "r.md").symlink_to(d / "elsewhere.md"), "r.json"),  # a summary beside it is a link
])
def test_a_report_that_cannot_be_written_is_refused_before_the_interview(tmp_path, make, report):
    make(tmp_path)
    result = run_offline("--text", "--no-save", "--report", str(tmp_path / report))
    assert result.returncode == 2 and "cannot write the report" in result.stderr
    assert "Any new trouble" not in result.stdout  # no question asked


def test_a_summary_cannot_replace_the_report_it_is_made_from(tmp_path):
    report = tmp_path / "r.json"
    run_offline("--text", "--no-save", "--report", str(report))
    before = report.read_text()
    result = subprocess.run([sys.executable, "-m", "voice_triage", "report", str(report), "--html", str(report)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and report.read_text() == before and json.loads(before)["format"]


def test_forget_deletes_every_session_file_beside_a_folder_it_did_not_make(private_home):
    run_offline("--text", stdin=ANSWERS)
    (sessions_dir() / "subdir").mkdir()
    assert forget() == (1, 0)
    assert [path.name for path in sessions_dir().iterdir()] == ["subdir"]


def _journal_with(make_dialog, lines):
    journal = journals.Journal.create(make_dialog())
    journal.handle.close()
    start = journal.path.read_text().splitlines()[0]
    journal.path.write_text("\n".join([start, *lines]) + "\n")
    return journal.path


def test_a_line_damaged_inside_a_journal_is_not_replayed_around(make_dialog, caplog):
    path = _journal_with(make_dialog, ['{"type": "heard", "text": "no"}', '{"type": "heard", "te#', '{"type": "heard",'
                                       ' "text": "yes"}'])
    with pytest.raises(ValueError, match="damaged line"):
        journals.read(path)
    assert journals.latest_unfinished() is None and path.name in caplog.text


def test_a_line_cut_short_by_a_crash_and_then_resumed_is_passed_over(make_dialog):
    journal = journals.Journal.create(make_dialog())
    journal.heard(Heard("no"))
    journal.handle.write('{"type": "heard", "te')  # the crash
    journal.handle.close()
    again = journals.Journal(journal.path)
    again.resumed(False)
    again.heard(Heard("yes"))
    again.handle.close()
    assert [heard.text for heard in journals.read(journal.path).heard] == ["no", "yes"]


def test_a_damaged_newer_session_is_named_when_an_older_one_is_resumed(make_dialog, caplog):
    older = _journal_with(make_dialog, ['{"type": "heard", "text": "no"}'])
    newer = older.with_name("99999999-000000-ffffff.jsonl")
    newer.write_text('{"type": "start", "format": "voice-triage-jo\n')
    assert journals.latest_unfinished().path == older
    assert newer.name in caplog.text and "cannot resume" in caplog.text


def test_resuming_a_session_from_another_day_says_which(private_home, tmp_path):
    run_offline("--jsonl", stdin="no\nno\n")  # stopped by the end of input: unfinished
    path = next(sessions_dir().glob("*.jsonl"))
    lines = path.read_text().splitlines()
    start = json.loads(lines[0])
    start["created"] = "2026-10-01T10:00:00+00:00"
    path.write_text("\n".join([json.dumps(start), *lines[1:]]) + "\n")
    result = run_offline("--jsonl", "--resume", stdin="stop\n")
    assert "resuming the session started Thursday 1 October 2026, 10:00" in result.stderr


@pytest.mark.parametrize("name, data, why", [
    ("empty.raw", b"", "it is empty"), ("a.flac", b"fLaC\x00\x00\x00\x22" + bytes(64), "FLAC"),
    ("a.ogg", b"OggS" + bytes(64), "Ogg"), ("notes.wav", b"hello, this is text\n", "not a WAV file"),
])
def test_an_audio_file_that_is_not_pcm_is_refused_in_one_line(tmp_path, name, data, why):
    (tmp_path / name).write_bytes(data)
    result = run_offline("--no-save", "--no-speak", "--recognizer", "pocketsphinx", "--audio-in",
                         str(tmp_path / name), stdin="")
    assert result.returncode == 2 and why in result.stderr and result.stderr.count("\n") == 1


def test_answers_in_an_audio_file_with_no_model_to_hear_them_end_with_a_voice_error(tmp_path):
    (tmp_path / "a.raw").write_bytes(bytes(3200))
    result = run_offline("--no-save", "--no-speak", "--recognizer", "vosk", "--model", str(tmp_path / "none"),
                         "--audio-in", str(tmp_path / "a.raw"), stdin="no\n")
    assert result.returncode == 4 and "continuing in typed mode" not in result.stderr
    assert "cannot be heard" in result.stderr and result.stdout == ""


def test_content_that_is_a_file_is_a_content_problem(tmp_path):
    (tmp_path / "afile").write_text("x")
    result = run_offline("--text", "--no-save", "--content", str(tmp_path / "afile"), stdin="")
    assert result.returncode == 3 and "cannot read it" in result.stderr and "unexpected" not in result.stderr


def test_settings_reset_mends_a_broken_settings_file(private_home):
    path = private_home / "config" / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("rate = [1\n")
    result = subprocess.run([sys.executable, "-m", "voice_triage", "settings", "reset"], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0 and "rate = " in result.stdout and "[1" not in path.read_text()


@pytest.mark.parametrize("closed", [0, 1])
def test_a_closed_stdin_or_stdout_ends_like_no_input_not_an_unexpected_error(tmp_path, closed):
    report = tmp_path / "r.json"
    result = subprocess.run([sys.executable, "-m", "voice_triage", "--text", "--no-save", "--report", str(report)],
                            capture_output=True, text=True, cwd=ROOT, preexec_fn=lambda: os.close(closed), timeout=60)
    assert result.returncode == 0 and "unexpected" not in result.stderr
    assert json.loads(report.read_text())["ended_by"] == "end_of_input"


def test_sigterm_before_the_session_starts_is_an_interruption(monkeypatch, capsys):
    # SIGTERM raises Interrupted (cli._install_signal_handlers); arriving while the content loads, before the session's
    # own handling, it was an "unexpected error: ." with exit 1.
    def loading(args):
        raise Interrupted()
    monkeypatch.setattr(cli, "converse", loading)
    assert cli.main(["--text", "--no-save"]) == 130
    assert capsys.readouterr().err == "voice-triage: interrupted.\n"


def test_a_session_open_in_one_process_cannot_be_resumed_in_another(make_dialog):
    journal = journals.Journal.create(make_dialog())
    with pytest.raises(journals.JournalBusy, match="open in another voice-triage"):
        journals.Journal(journal.path)
    journal.close("stopped")
    journals.Journal(journal.path).close("stopped")  # free again once the first has finished


def test_resuming_a_session_that_is_still_running_says_so(private_home, make_dialog):
    run_offline("--jsonl", stdin="no\n")  # unfinished
    path = next(sessions_dir().glob("*.jsonl"))
    holder = journals.Journal(path)  # another voice-triage, still running
    try:
        result = run_offline("--jsonl", "--resume", stdin="no\n")
    finally:
        holder.close("end_of_input")
    assert result.returncode == 5 and "open in another voice-triage" in result.stderr


def test_a_session_cut_off_says_how_to_carry_on(private_home):
    result = run_offline("--text", stdin="no\n")
    assert "to carry on later run: voice-triage --resume" in result.stderr
    assert "--resume" not in run_offline("--text", "--no-save", stdin="no\n").stderr  # nothing kept to resume


def test_a_report_path_naming_a_folder_is_refused(tmp_path):
    result = run_offline("--text", "--no-save", "--report", f"{tmp_path}/visit/", stdin="")
    assert result.returncode == 2 and "names a folder" in result.stderr and not (tmp_path / "visit").exists()


def test_resuming_at_a_check_says_the_question_it_checks(make_dialog, content):
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("yes", 0.9))  # "I heard yes. Is that right?"
    events = resume_events(dialog, "Welcome back.")
    assert [event.text for event in events] == ["Welcome back.", content.red_flags[0].text, "I heard yes. Is that right?"]


def test_a_wav_of_the_wrong_kind_on_the_audio_stream_is_a_usage_error(tmp_path):
    from voice_triage.voice.testing import write_wav

    path = tmp_path / "stereo.wav"
    write_wav(path, bytes(44100 * 4), channels=2, rate=44100)
    result = subprocess.run([sys.executable, "-m", "voice_triage", "--jsonl", "--no-save", "--no-speak", "--recognizer",
                             "pocketsphinx", "--audio-in", "-"], input=path.read_bytes(), capture_output=True, cwd=ROOT,
                            timeout=60)
    assert result.returncode == 2 and b"16 kHz mono" in result.stderr
    # Refused before any question, in one error event: nothing was heard, so there is no advice to give
    assert [json.loads(line)["type"] for line in result.stdout.splitlines()] == ["error"]


def test_a_device_given_as_the_report_to_read_is_refused_not_read_for_ever(tmp_path):
    result = subprocess.run([sys.executable, "-m", "voice_triage", "report", "/dev/zero", "--html",
                             str(tmp_path / "x.html")], capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert result.returncode == 5 and "not a regular file" in result.stderr
