"""A new session started by a person, when the last one was left unfinished, first offers to carry on with it: by
voice that is the only way to resume without typing a command. Real processes and journals in a temporary
VOICE_TRIAGE_DATA (tests/conftest.py); "a terminal" is stdin that says it is one."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from voice_triage import cli
from voice_triage import journal as journals
from voice_triage.content import typed_wording
from voice_triage.events import Adjust, Ask, Heard, Say
from voice_triage.resume_offer import NEW, QUIT, RESUME, ResumeOffer
from voice_triage.storage import sessions_dir

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice_triage", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


class Terminal(io.StringIO):
    """Typed answers from a person at a terminal."""

    def isatty(self) -> bool:
        return True


def at_terminal(monkeypatch, capsys, typed: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", Terminal(typed))
    code = cli.main(["--text", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def offer(content, *replies: Heard, spoken: bool = True) -> tuple[ResumeOffer, list]:
    made = ResumeOffer(content, "Monday 23 November 2026, 09:05", spoken)
    events = made.start()
    for heard in replies:
        events = made.hear(heard)
    return made, events


# The offer itself: yes, no, unclear, controls

@pytest.mark.parametrize("reply, decision", [
    ("yes", RESUME), ("yes please", RESUME), ("carry on", RESUME), ("continue", RESUME),
    ("no", NEW), ("start again", NEW), ("start over", NEW), ("stop", QUIT),
])
def test_a_clear_answer_decides_at_once(content, reply, decision):
    made, events = offer(content, Heard(reply, 0.95))
    assert made.decision == decision and not any(isinstance(e, Ask) for e in events)


def test_the_offer_says_when_that_session_started_and_how_to_answer(content):
    ask = offer(content)[1][-1]
    assert isinstance(ask, Ask) and ask.question == "resume_offer" and "Monday 23 November 2026" in ask.text
    assert "say yes or no" in ask.text and "yes" in ask.vocabulary and "no" in ask.vocabulary
    typed = offer(content, spoken=False)[1][-1]
    assert "Type yes or no" in typed.text


def test_a_faint_yes_is_asked_again_and_two_unclear_answers_start_afresh(content):
    # A new session asks every question again, warning signs first: nothing is assumed from a faint "yes"
    made, events = offer(content, Heard("yes", 0.2))
    assert made.decision is None and isinstance(events[-1], Ask)
    made, events = offer(content, Heard("yes", 0.2), Heard("banana", 0.9))
    assert made.decision == NEW and content.phrases["resume_unclear"] in [e.text for e in events if isinstance(e, Say)]


def test_controls_ask_again_without_using_a_try(content):
    made, events = offer(content, Heard("repeat", 0.9), Heard("help", 0.9), Heard("banana", 0.9))
    assert made.decision is None and events[-1].text == content.phrases["resume_offer_again"]
    made, events = offer(content, Heard("slower", 0.9))
    assert Adjust("rate", -1) in events and made.decision is None


# Whole sessions at a terminal

def stop_after_two_answers() -> None:
    assert run("--text", stdin="no\nno\nstop\n").returncode == 0
    assert journals.last_if_unfinished() is not None


def test_yes_carries_on_the_stopped_session_from_its_question(monkeypatch, capsys, content):
    stop_after_two_answers()
    before = sorted(sessions_dir().glob("*.jsonl"))
    code, out, err = at_terminal(monkeypatch, capsys, "yes\nstop\n")
    phrases = typed_wording(content.phrases)
    assert code == 0 and "Last time, you stopped before the end." in out and "Welcome back." in out
    assert out.split("Welcome back.", 1)[1].index(content.red_flags[2].text) >= 0
    assert "run: voice-triage --resume" not in err + out  # offered again next time, no command to remember
    assert phrases["stopped_resume"] in out
    assert sorted(sessions_dir().glob("*.jsonl")) == before  # the same session went on
    assert len(journals.read(before[0]).heard) == 2  # the stop was left out again: it resumes at the same question


def test_no_starts_a_new_session_and_keeps_the_unfinished_one(monkeypatch, capsys, content):
    stop_after_two_answers()
    old = journals.last_if_unfinished().path
    code, out, err = at_terminal(monkeypatch, capsys, "no\nno\n")
    assert code == 0 and content.phrases["resume_new"] in out
    assert out.index(content.phrases["resume_new"]) < out.index(content.red_flags[0].text)
    assert "stop this one before answering" not in err  # the offer said all there is to say
    assert old.exists() and len(list(sessions_dir().glob("*.jsonl"))) == 2


def test_stop_to_the_offer_starts_nothing(monkeypatch, capsys, content):
    stop_after_two_answers()
    code, out, _ = at_terminal(monkeypatch, capsys, "stop\n")
    assert code == 0 and content.phrases["resume_quit"] in out and content.red_flags[0].text not in out
    assert len(list(sessions_dir().glob("*.jsonl"))) == 1


def test_only_the_last_session_is_offered(monkeypatch, capsys, content):
    stop_after_two_answers()
    answers = ["no"] * len(content.red_flags) + ["30", "lower back", "middle", "two days", "dull ache", "no",
                                                 "bending and lifting", "rest", "no", "after lifting weights"]
    assert run("--text", stdin="\n".join(answers) + "\n").returncode == 0  # a newer session, finished
    assert journals.last_if_unfinished() is None and journals.latest_unfinished() is not None
    _, out, _ = at_terminal(monkeypatch, capsys, "no\n")
    assert "Last time" not in out


@pytest.mark.parametrize("args, stdin_is_terminal", [
    (["--text"], False), (["--jsonl"], True), (["--text", "--no-save"], True), (["--text", "--resume"], True),
])
def test_no_offer_to_a_program_a_pipe_or_when_nothing_is_kept(monkeypatch, capsys, content, args, stdin_is_terminal):
    stop_after_two_answers()
    monkeypatch.setattr(sys, "stdin", (Terminal if stdin_is_terminal else io.StringIO)("no\n"))
    cli.main(args)
    out = capsys.readouterr().out
    assert "Last time" not in out
    if "--text" in args and not stdin_is_terminal:
        assert typed_wording(content.phrases)["stopped_resume_command"] not in out  # not stopped: no hint either


def test_a_stop_from_a_pipe_names_the_command(content):
    result = run("--text", stdin="no\nno\nstop\n")
    assert content.phrases["stopped_resume_command"] in result.stdout
    assert content.phrases["stopped_resume"] not in result.stdout


def test_resume_at_a_terminal_asks_nothing_and_a_second_stop_promises_the_offer(monkeypatch, capsys, content):
    stop_after_two_answers()
    code, out, _ = at_terminal(monkeypatch, capsys, "stop\n", "--resume")
    assert code == 0 and "Last time" not in out and "Welcome back." in out
    assert typed_wording(content.phrases)["stopped_resume"] in out


def test_a_session_open_in_another_voice_triage_is_not_offered(monkeypatch, capsys, content):
    # Offering it ended in "cannot resume" (exit 5) after the person said yes (stop 40's open item 1)
    stop_after_two_answers()
    old = journals.last_if_unfinished().path
    before = old.read_bytes()
    holder = journals.Journal(old)  # another voice-triage, carrying on with it
    try:
        code, out, err = at_terminal(monkeypatch, capsys, "yes\nstop\n")
    finally:
        holder.release()
    assert code == 0 and "Last time" not in out and "open in another voice-triage" in err
    assert content.red_flags[0].text in out  # a new session, warning signs first
    assert old.read_bytes() == before  # the other voice-triage's, untouched


@pytest.mark.parametrize("reply", ["no\nstop\n", "stop\n"])
def test_an_offer_not_taken_up_leaves_the_session_as_it_was(monkeypatch, capsys, reply):
    stop_after_two_answers()
    old = journals.last_if_unfinished().path
    before = old.read_bytes()
    at_terminal(monkeypatch, capsys, reply)
    assert old.read_bytes() == before  # held while offered, but nothing written to it
    resumed = run("--text", "--resume", stdin="stop\n")
    assert resumed.returncode == 0 and "Welcome back." in resumed.stdout
