"""Crash-safe session journal: every heard answer is flushed to disk before the dialog acts on it.

Replaying the journal's answers into a fresh dialog rebuilds exactly the same state, so a killed
session can be resumed in any mode and ends with the same report. A session ended by "stop" can be resumed too: its
`stopped` record says how many of the last answers asked to stop, and a replay leaves those out, so it carries on
from the question the person stopped at. Each answer names the question it answered: a newer version that reads an
earlier answer differently stops the replay there rather than give the answers after it to the wrong questions, and
a `set_aside` record leaves those out of later replays too.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .content import Content
from .dialog import Dialog
from .events import Heard
from .storage import open_private, sessions_dir

log = logging.getLogger(__name__)

FORMAT = "voice-triage-journal/1"
FINAL = ("finished", "emergency")  # ended for good: advice given, nothing to resume
STOPPED = "stopped"  # ended by "stop": the record names the answers that asked to stop, and it can be resumed
CUT_SHORT = "cut_short"  # the record after a line a crash cut short
SET_ASIDE = "set_aside"  # the last answers a resumed replay could not place: left out of later replays too


class JournalBusy(Exception):
    """The journal is held by another running voice-triage."""


class Journal:
    """Appends one JSON line per record and fsyncs it; `None` path means nothing is kept."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.failed = False  # a write failed: nothing more is kept, and the session cannot be resumed
        self.handle = open_private(path, "a") if path else None
        if self.handle:
            self._lock()
        kept = path.read_bytes() if path and path.exists() else b""
        cut_short = bool(kept) and not kept.endswith(b"\n")
        if cut_short and self.handle:
            # A line cut short by a crash is ended, so the next record is not glued onto it and lost as well, and
            # marked, so that reading tells it from a line damaged later (`read`)
            self.handle.write("\n" + json.dumps({"type": CUT_SHORT}) + "\n")

    def _lock(self) -> None:
        """Hold the journal for this process: two resumes of one session wrote their answers into one file, and a
        replay then gave them to the wrong questions."""
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            self.handle = None
            raise JournalBusy(f"the session in {self.path} is open in another voice-triage; finish or stop that one "
                              "first") from None

    @classmethod
    def create(cls, dialog: Dialog) -> "Journal":
        """A new journal in the sessions folder, opened with the dialog's start details."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        journal = cls(sessions_dir() / f"{stamp}-{secrets.token_hex(3)}.jsonl")
        journal.write({"type": "start", "format": FORMAT, "created": dialog.created,
                       "today": dialog.interpreter.today.isoformat(), "spoken": dialog.spoken})
        return journal

    def write(self, record: dict[str, Any]) -> None:
        """Append and force to disk before returning; if that fails (a full disk), say so once and keep no more.

        The conversation goes on in memory: a full disk ended it with a one-line error right after an emergency
        "yes", before the emergency advice was said (a reliability review, stop 35).
        """
        if not self.handle:
            return
        try:
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.handle.flush()
            os.fsync(self.handle.fileno())
        except OSError as error:
            log.warning("cannot save the answers to %s (%s); carrying on without saving, so this session cannot be "
                        "resumed", self.path, error.strerror or error)
            self.failed = True
            self._close_quietly()

    def _close_quietly(self) -> None:
        """Close the file; what could not be flushed is given up (it has been said)."""
        handle, self.handle = self.handle, None
        try:
            handle.close()
        except OSError:
            pass

    def heard(self, heard: Heard, asked: str | None = None) -> None:
        """Record one utterance exactly as the dialog will receive it, and the question it answers (`Ask.question`;
        journals before stop 47 have none)."""
        flags = {name: True for name in ("typed", "too_long") if getattr(heard, name)}
        rivals = {"rivals": list(heard.rivals)} if heard.rivals else {}  # a red-flag "no" with rivals was checked
        question = {"asked": asked} if asked else {}
        self.write({"type": "heard", "text": heard.text, "confidence": heard.confidence, **flags, **rivals,
                    **question})

    def set_aside(self, answers: int) -> None:
        """Record that the last `answers` answers could not be replayed, so later replays leave them out too."""
        self.write({"type": SET_ASIDE, "answers": answers})

    def resumed(self, spoken: bool) -> None:
        """Record that the session goes on, and whether by voice: replay reads later answers the same way."""
        self.write({"type": "resumed", "spoken": spoken})

    def release(self) -> None:
        """Close without recording anything (an offered session not taken up stays as it was, but for the end of a
        line a crash cut short, which opening it writes)."""
        if self.handle:
            self._close_quietly()

    def close(self, ended_by: str, stop_answers: int = 0) -> None:
        """Mark the session over when it really ended, or stopped with `stop_answers` answers asking to (not when input
        was cut or the process stopped)."""
        if ended_by in FINAL:
            self.write({"type": "end", "ended_by": ended_by})
        elif ended_by == STOPPED:
            self.write({"type": STOPPED, "stop_answers": stop_answers})
        self.release()

    @property
    def report_path(self) -> Path | None:
        """Where this session's report is kept."""
        return self.path.with_suffix(".report.json") if self.path else None


@dataclass
class Saved:
    """A journal read back from disk."""

    path: Path
    start: dict[str, Any]
    heard: list[Heard] = field(default_factory=list)  # the answers to replay: not those that asked to stop
    ended: bool = False  # its last run ended with a report (finished, an emergency, or "stop")
    spoken: list[bool] = field(default_factory=list)  # per answer: whether the session was spoken then
    asked: list[str | None] = field(default_factory=list)  # per answer: the question it answered (None: not kept)
    final: bool = False  # ended for good (finished or an emergency): it cannot be resumed


def read(path: Path) -> Saved:
    """Read a journal; a line cut short by a crash (the last line, or the one before a resume) is ignored, and any
    other line that cannot be read makes the journal damaged (ValueError): replaying around it gave every later
    answer to the question before its own."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    records: list[Any] = []
    for number, line in enumerate(lines, 1):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            if number < len(lines) and not _marks_a_crash(lines[number]):
                raise ValueError(f"{path.name} has a damaged line ({number})") from None
    records = [r for r in records if isinstance(r, dict)]
    if not records or not _is_start(records[0]):
        raise ValueError(f"{path.name} is not a voice-triage session")
    saved = Saved(path, records[0])
    now_spoken = bool(records[0].get("spoken"))
    for record in records:
        kind = record.get("type")
        if kind == "resumed":
            now_spoken, saved.ended = bool(record.get("spoken")), False
        elif kind == "heard":
            saved.heard.append(_heard(record))
            saved.spoken.append(now_spoken)
            saved.asked.append(record["asked"] if isinstance(record.get("asked"), str) else None)
        elif kind == STOPPED:  # the answers that asked to stop: replayed, they stopped the resumed session at once
            _leave_out_last(saved, record.get("stop_answers"), f"{path.name} has a damaged stop record")
            saved.ended = True
        elif kind == SET_ASIDE:
            _leave_out_last(saved, record.get("answers"), f"{path.name} has a damaged set-aside record")
        elif kind == "end":  # also an older journal's "stop": its stop answers are not marked, so it cannot be replayed
            saved.ended = saved.final = True
    if None in saved.heard:
        # Replaying around a damaged answer would give later answers to the wrong questions
        raise ValueError(f"{path.name} has a damaged answer")
    return saved


def _leave_out_last(saved: Saved, count: Any, damaged: str) -> None:
    """Drop the last `count` answers (a stop record's, or a set_aside record's); `damaged` says when it can't."""
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= len(saved.heard):
        raise ValueError(damaged)
    keep = len(saved.heard) - count
    del saved.heard[keep:], saved.spoken[keep:], saved.asked[keep:]


def _marks_a_crash(line: str) -> bool:
    """Whether a line is the record written after a line a crash cut short (or, in older journals, a resume)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return False
    return isinstance(record, dict) and record.get("type") in (CUT_SHORT, "resumed")


def _is_start(record: dict[str, Any]) -> bool:
    """A start record that `replay` can rebuild a dialog from."""
    try:
        dt.date.fromisoformat(record["today"])
        dt.datetime.fromisoformat(record["created"])
    except (KeyError, TypeError, ValueError):
        return False
    return record.get("type") == "start"


def _heard(record: dict[str, Any]) -> Heard | None:
    """One answer record, or None when it is damaged."""
    try:
        return Heard(str(record["text"]), float(record.get("confidence", 1.0)), typed=bool(record.get("typed")),
                     too_long=bool(record.get("too_long")), rivals=tuple(str(r) for r in record.get("rivals", ())))
    except (KeyError, TypeError, ValueError):
        return None


def latest_unfinished() -> Saved | None:
    """The most recent session that did not reach its end."""
    # A damaged journal is said, not passed over in silence: an older session would otherwise be resumed as if it
    # were this one.
    return next((saved for saved in _readable_newest_first(warn=True) if not saved.final), None)


def last_if_unfinished() -> Saved | None:
    """The most recent readable session, when it did not reach its end: the one a new session offers to carry on (an
    older one left unfinished before a newer session is not offered; --resume still finds it)."""
    last = next(_readable_newest_first(warn=False), None)  # a damaged one is said when --resume looks for it
    return None if last is None or last.final else last


def hold_last_unfinished() -> tuple[Saved, Journal] | None:
    """The session a new one offers to carry on, read again and held by this process while it is offered, or None.

    JournalBusy when it is open in another voice-triage: offering it ended in "cannot resume" after a "yes".
    """
    last = last_if_unfinished()
    if last is None:
        return None
    journal = Journal(last.path)
    try:
        held = read(last.path)  # read again under the lock: the other voice-triage may have ended it meanwhile
    except (OSError, ValueError):
        held = None
    if held is None or held.final:
        journal.release()
        return None
    return held, journal


def _readable_newest_first(warn: bool) -> Iterator[Saved]:
    """The kept journals that can be read, newest first; `warn`: log each that cannot."""
    for path in _newest_first():
        try:
            yield read(path)
        except (OSError, ValueError) as error:
            if warn:
                log.warning("cannot resume the session in %s: %s", path, getattr(error, "strerror", None) or error)


def _newest_first() -> list[Path]:
    """The kept journals, newest first: by the second each was created (its name), then by when it was last written
    (two sessions started within one second were otherwise ordered by their names' random part)."""
    folder = sessions_dir()
    paths = list(folder.glob("*.jsonl")) if folder.exists() else []

    def started_then_written(path: Path) -> tuple[str, int]:
        try:
            return path.name[:15], path.stat().st_mtime_ns
        except OSError:  # gone since it was listed: read() says so
            return path.name[:15], 0

    return sorted(paths, key=started_then_written, reverse=True)


def replay(content: Content, saved: Saved) -> tuple[Dialog, int]:
    """A dialog brought to the saved state by feeding it the saved answers, silently; and how many of the last
    answers it set aside because the dialog was no longer at the question they answered (a newer version read an
    earlier answer differently: "what do you mean by leak" was a yes, it is now asked again)."""
    start = saved.start
    dialog = Dialog(content, spoken=bool(start.get("spoken")),
                    today=dt.date.fromisoformat(start["today"]), now=dt.datetime.fromisoformat(start["created"]))
    dialog.start()
    for index, (heard, spoken, asked) in enumerate(zip(saved.heard, saved.spoken, saved.asked)):
        if dialog.finished:
            break
        if asked is not None and dialog.current_ask is not None and dialog.current_ask.question != asked:
            log.info("replay: answer %d was given to %s, but the dialog asks %s; setting aside the last %d answers",
                     index + 1, asked, dialog.current_ask.question, len(saved.heard) - index)
            return dialog, len(saved.heard) - index
        dialog.spoken = spoken  # a session resumed in the other mode checked its answers that way
        dialog.hear(heard)
    return dialog, 0
