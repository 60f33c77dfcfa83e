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
from voice_triage import journal as journals
from voice_triage.events import Say
from voice_triage.session import Channels, run
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
    assert forget() == 1
    assert [path.name for path in sessions_dir().iterdir()] == ["subdir"]
