"""Stop 49: typed at a terminal, a left arrow became part of the answer ("o^[[Dn" was "Sorry, I didn't catch that").
A person at a terminal now gets line editing; the session runs in a real pseudo-terminal here."""
from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEFT, UP, END_OF_INPUT = "\x1b[D", "\x1b[A", "\x04"


def _read_until(fd: int, question: str, seen: str, timeout: float = 20) -> str:
    """What the terminal showed, read until `question` and the answer prompt after it appear after `seen` (or the
    time is up)."""
    deadline, shown = time.monotonic() + timeout, seen
    asked = re.compile(re.escape(question) + r"[\s\S]*\n> ")
    while not asked.search(shown, len(seen)) and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                shown += os.read(fd, 4096).decode("utf-8", errors="replace")
            except OSError:  # the program ended and closed the terminal
                break
    return shown


def test_arrow_keys_edit_a_typed_answer_and_recall_the_last_one(tmp_path, content):
    main, child = pty.openpty()
    report = tmp_path / "r.json"
    env = dict(os.environ, VOICE_TRIAGE_DATA=str(tmp_path / "data"), TERM="xterm")
    process = subprocess.Popen([sys.executable, "-m", "voice_triage", "--text", "--report", str(report)], cwd=ROOT,
                               stdin=child, stdout=child, stderr=child, env=env, start_new_session=True)
    os.close(child)
    questions = [content.questions_by_id[qid].text for qid in ("rf_bladder", "rf_bowel", "rf_saddle")]
    try:
        shown = _read_until(main, questions[0], "")
        os.write(main, f"o{LEFT}n\r".encode())  # "o", back one, "n": the answer is "no"
        shown = _read_until(main, questions[1], shown)
        os.write(main, f"{UP}\r".encode())  # the last answer again
        shown = _read_until(main, questions[2], shown)
        os.write(main, END_OF_INPUT.encode())
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        os.close(main)
    answers = json.loads(report.read_text(encoding="utf-8"))["answers"]
    assert answers == {"rf_bladder": "no", "rf_bowel": "no"}, shown[-2000:]
    assert shown.count("\n> ") >= 3 and "> > " not in shown  # the prompt is shown once per question
