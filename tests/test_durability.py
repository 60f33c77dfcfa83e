"""Saved answers and reports survive a power cut: the file's lines and the folder entry naming it are both forced to
disk. A real power cut cannot be made here, so os.fsync is watched (the one edge mocked)."""
from __future__ import annotations

import os
import stat

from voice_triage import storage
from voice_triage.journal import Journal


def synced_folders(monkeypatch) -> list[bool]:
    """Record, for every fsync, whether it was a folder's."""
    real, seen = os.fsync, []

    def watch(fd: int) -> None:
        seen.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)
    monkeypatch.setattr(os, "fsync", watch)
    return seen


def test_a_new_journal_forces_its_folder_entry_to_disk(monkeypatch, tmp_path):
    seen = synced_folders(monkeypatch)
    journal = Journal(tmp_path / "sessions" / "s.jsonl")
    journal.write({"type": "heard", "text": "no"})
    journal.close("end_of_input")
    assert seen == [True, False]  # the folder when the file was made, then the line
    seen.clear()
    Journal(tmp_path / "sessions" / "s.jsonl").release()  # opened again (a resume): nothing new in the folder
    assert seen == []


def test_a_written_report_forces_the_rename_to_disk_and_makes_no_trial_file(monkeypatch, tmp_path):
    seen = synced_folders(monkeypatch)

    def no_trial(folder):
        raise AssertionError("a trial file before every write")
    monkeypatch.setattr(storage, "_can_create_in", no_trial)
    storage.write_private(tmp_path / "report.json", "{}")
    assert seen == [False, True]  # the file, then the folder holding its new name
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_folder_that_cannot_be_synced_is_let_be(monkeypatch, tmp_path):
    def refuse(fd: int) -> None:
        raise OSError(22, "Invalid argument")
    monkeypatch.setattr(os, "fsync", refuse)
    storage.sync_folder(tmp_path)
    storage.sync_folder(tmp_path / "gone")
