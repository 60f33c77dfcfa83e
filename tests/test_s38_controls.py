"""Stop 38 controls: a stopped session can be resumed, "start over" is checked first, and setting changes are kept
only when a person answers. Real processes with a temporary VOICE_TRIAGE_DATA (tests/conftest.py), as test_cli.py."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from voice_triage import cli
from voice_triage import journal as journals
from voice_triage import settings as prefs
from voice_triage.content import typed_wording
from voice_triage.events import Ask, End, Heard, Say
from voice_triage.session import Channels, resume_events
from voice_triage.session import run as run_dialog
from voice_triage.storage import sessions_dir
from voice_triage.textio import SilentSpeaker
from voice_triage.thresholds import MAX_SPOKEN_UNDO

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
    from voice_triage.voice.testing import FLITE, synthesize, tool_missing, write_wav

    if missing := tool_missing(FLITE[0]):
        pytest.skip(f"{missing} is not installed (scripts/setup.sh test installs it)")
    silence = b"\x00\x00" * 16000 * 3
    pcm = b"".join(silence[:8000] + synthesize(answer, FLITE[0]) + silence for answer in answers)
    return write_wav(path, pcm)


def test_more_time_heard_in_an_audio_file_holds_for_that_session_only(tmp_path, private_home, content):
    # A recording's "give me more time" was saved in the user's settings (pause 3.5 and silence_timeout 26 seen).
    wav = spoken_wav(tmp_path / "answers.wav", ["give me more time", "give me more time"])
    result = run("--jsonl", "--no-speak", "--recognizer", "pocketsphinx", "--audio-in", str(wav))
    said = [event["text"] for event in jsonl_events(result)]
    assert said.count(content.phrases["more_time"]) == 2  # heard, and acted on in the session
    assert not settings_file(private_home).exists()


def test_more_time_from_a_program_on_jsonl_is_not_saved(private_home, content):
    said = [event["text"] for event in jsonl_events(run("--jsonl", stdin="give me more time\n"))]
    assert typed_wording(content.phrases)["more_time"] in said  # typed: no time limit to lengthen
    assert not settings_file(private_home).exists()


def test_more_time_typed_by_a_person_is_kept(private_home, content):
    result = run("--text", stdin="give me more time\n")
    assert result.returncode == 0 and "There is no time limit when you type" in result.stdout
    assert content.phrases["more_time"] not in result.stdout  # it was "I will wait longer": nothing times out typed
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


# 2. "Start over" clears every answer: it is checked first, by voice and typed, as "stop" is by voice.

def asks(events) -> list[Ask]:
    return [event for event in events if isinstance(event, Ask)]


def said(events) -> list[str]:
    return [event.text for event in events if isinstance(event, Say)]


@pytest.mark.parametrize("spoken", [False, True])
@pytest.mark.parametrize("reply", ["no", "banana", ""])
def test_start_over_not_confirmed_keeps_the_answers_and_asks_the_question_again(make_dialog, content, spoken, reply):
    dialog = make_dialog(spoken=spoken)
    dialog.start()
    dialog.hear(Heard("no", 0.95))
    check = asks(dialog.hear(Heard("start over", 0.95)))[-1]
    wording = content.phrases if spoken else typed_wording(content.phrases)
    assert (check.question, check.text, check.options) == ("confirm_restart", wording["confirm_restart"], ("yes", "no"))
    events = dialog.hear(Heard(reply, 0.95))
    assert dialog.answers == {"rf_bladder": "no"} and content.phrases["not_restarting"] in said(events)
    assert asks(events)[-1].question == "rf_bowel" and content.phrases["restart"] not in said(events)


@pytest.mark.parametrize("spoken, yes", [(False, "yes"), (False, "1"), (True, "yes")])
def test_start_over_confirmed_clears_the_answers(make_dialog, content, spoken, yes):
    dialog = make_dialog(spoken=spoken)
    dialog.start()
    dialog.hear(Heard("no", 0.95))
    dialog.hear(Heard("start over", 0.95))
    events = dialog.hear(Heard(yes, 0.95))
    assert dialog.answers == {} and dialog.transcript == [] and said(events) == [content.phrases["restart"]]
    assert asks(events)[-1].question == content.red_flags[0].id


def test_a_faint_spoken_yes_to_start_over_keeps_the_answers(make_dialog, content):
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("no", 0.95))
    dialog.hear(Heard("start over", 0.95))
    events = dialog.hear(Heard("yes", 0.3))
    assert dialog.answers == {"rf_bladder": "no"} and asks(events)[-1].question == "rf_bowel"


def test_start_over_with_no_answer_to_lose_is_not_checked(make_dialog, content):
    dialog = make_dialog()
    dialog.start()
    events = dialog.hear("start over")
    assert said(events) == [content.phrases["restart"]] and asks(events)[-1].question == content.red_flags[0].id


def test_help_at_a_typed_start_over_check_speaks_of_typing(make_dialog, content):
    dialog = make_dialog()
    dialog.start()
    dialog.hear("no")
    dialog.hear("start over")
    events = dialog.hear("help")
    assert said(events) == [content.phrases["help_check_typed"]] and asks(events)[-1].question == "confirm_restart"


@pytest.mark.parametrize("spoken", [False, True])
def test_stop_or_end_of_input_at_a_start_over_check_keeps_the_answers(make_dialog, spoken):
    dialog = make_dialog(spoken=spoken)
    dialog.start()
    dialog.hear(Heard("no", 0.95))
    dialog.hear(Heard("start over", 0.95))
    end = dialog.end_of_input()[-1]
    assert isinstance(end, End) and end.report["answers"] == {"rf_bladder": "no"}
    dialog = make_dialog(spoken=spoken)
    dialog.start()
    dialog.hear(Heard("no", 0.95))
    dialog.hear(Heard("start over", 0.95))
    events = dialog.hear(Heard("stop", 0.95))
    if spoken:  # a spoken stop is checked, as anywhere
        assert asks(events)[-1].question == "confirm_stop"
        events = dialog.hear(Heard("yes", 0.95))
    assert isinstance(events[-1], End) and events[-1].report["answers"] == {"rf_bladder": "no"}


def test_each_question_still_takes_its_own_few_controls_at_a_stop_check(make_dialog, content):
    # Stop checks were asked as confirm:<question>, so spoken controls there counted per question (MAX_SPOKEN_CONTROLS);
    # asked as confirm_stop now, they must not add up over the conversation.
    dialog = make_dialog(spoken=True)
    dialog.start()
    for flag in content.red_flags[:7]:
        assert asks(dialog.hear(Heard("stop", 0.95)))[-1].question == "confirm_stop"
        assert asks(dialog.hear(Heard("repeat", 0.95)))[-1].question == "confirm_stop"  # taken: the check again
        assert asks(dialog.hear(Heard("no", 0.95)))[-1].question == flag.id
        dialog.hear(Heard("no", 0.95))
        if dialog.state == "confirming":
            dialog.hear(Heard("yes", 0.95))


def test_the_start_over_check_is_its_own_ask_on_jsonl(content):
    events = jsonl_events(run("--jsonl", "--no-save", stdin="no\nstart over\nno\nno\n"))
    checks = [event for event in events if event["type"] == "ask" and event["question"] == "confirm_restart"]
    assert len(checks) == 1 and checks[0]["options"] == ["yes", "no"]
    assert events[-1]["report"]["answers"] == {"rf_bladder": "no", "rf_bowel": "no"}


def test_start_over_typed_at_the_command_line_asks_first(content):
    result = run("--text", "--no-save", stdin="no\nstart over\nyes\nyes\n")
    out = result.stdout
    assert result.returncode == 0 and typed_wording(content.phrases)["confirm_restart"] in out
    assert out.index(typed_wording(content.phrases)["confirm_restart"]) < out.index(content.phrases["restart"])


# 1. A session ended by "stop" can be resumed from the question it stopped at; a finished or emergency one cannot.

NO_UNFINISHED = "no unfinished session to resume"


def test_a_typed_stop_is_resumed_from_the_question_it_stopped_at(content):
    stopped = run("--text", stdin="no\nno\nstop\n")
    assert stopped.returncode == 0 and content.phrases["stopped_resume_command"] in stopped.stdout
    assert stopped.stdout.index(content.phrases["stopped_resume_command"]) > stopped.stdout.index(content.phrases["stopped"])
    resumed = run("--text", "--resume", stdin="no\n")
    assert NO_UNFINISHED not in resumed.stderr and "Welcome back." in resumed.stdout
    after_welcome = resumed.stdout.split("Welcome back.", 1)[1]
    assert after_welcome.index(content.red_flags[2].text) < after_welcome.index(content.red_flags[3].text)
    # Stopped again (end of input): the earlier answers, and the one given since, are all kept; the stop is not
    report = jsonl_events(run("--jsonl", "--resume", stdin="stop\n"))[-1]["report"]
    assert report["answers"] == {flag.id: "no" for flag in content.red_flags[:3]} and report["ended_by"] == "stopped"
    assert [entry["heard"] for entry in report["transcript"]] == ["no", "no", "no"]


def test_a_stopped_session_resumed_to_the_end_is_then_finished(content):
    answers = ["no"] * len(content.red_flags) + ["30", "lower back", "middle", "two days", "dull ache", "no",
                                                 "bending and lifting", "rest", "no", "after lifting weights"]
    run("--text", stdin="\n".join(answers[:5] + ["stop"]) + "\n")
    finished = run("--text", "--resume", stdin="\n".join(answers[5:]) + "\n")
    assert "Here is what I suggest." in finished.stdout and content.phrases["stopped_resume_command"] not in finished.stdout
    assert NO_UNFINISHED in run("--text", "--resume", stdin="").stderr


@pytest.mark.parametrize("ending", ["yes\nno\n", "yes\nstop\n"])  # an emergency, then "no more" or a stop
def test_a_session_ended_by_an_emergency_is_not_resumed(ending):
    report = jsonl_events(run("--jsonl", stdin=ending))[-1]["report"]
    assert report["ended_by"] == "emergency"
    assert NO_UNFINISHED in run("--jsonl", "--resume", stdin="").stderr


def test_a_stop_before_any_answer_keeps_nothing_and_resume_finds_the_older_session(content):
    run("--text", stdin="no\n")  # unfinished, one answer
    result = run("--text", stdin="stop\n")
    assert "stop this one before answering" in result.stderr  # how to carry on with the older one instead
    assert content.phrases["stopped_resume_command"] not in result.stdout  # nothing of this one is kept
    assert len(list(sessions_dir().glob("*.jsonl"))) == 1
    report = jsonl_events(run("--jsonl", "--resume", stdin=""))[-1]["report"]
    assert report["answers"] == {"rf_bladder": "no"}


def test_a_stopped_session_is_mentioned_at_the_next_start():
    run("--text", stdin="no\nstop\n")
    assert "you have an unfinished session" in run("--text", stdin="").stderr


def test_no_resume_is_promised_when_nothing_is_saved(content):
    result = run("--text", "--no-save", stdin="no\nstop\n")
    assert content.phrases["stopped"] in result.stdout and content.phrases["stopped_resume_command"] not in result.stdout


def spoken_session(make_dialog, answers: list[Heard]):
    """A spoken dialog given `answers`, each journaled first as session.run does; the journal closed as run does."""
    dialog = make_dialog(spoken=True)
    journal = journals.Journal.create(dialog)
    dialog.start()
    for heard in answers:
        journal.heard(heard, dialog.current_ask.question)
        dialog.hear(heard)
    journal.close(dialog.ended_by, dialog.stop_answers)
    return dialog


def before_stop(make_dialog, answers: list[Heard]):
    """The dialog as it was when the person asked to stop."""
    dialog = make_dialog(spoken=True)
    dialog.start()
    for heard in answers:
        dialog.hear(heard)
    return dialog


NOS = [Heard("no", 0.95), Heard("no", 0.95)]
AGE = [Heard("no", 0.95)] * 16 + [Heard("42", 0.95)]  # every warning sign, then an age to read back


@pytest.mark.parametrize("answers, stop", [
    (NOS, [Heard("stop", 0.95), Heard("yes", 0.95)]),  # a spoken stop, checked
    (NOS, [Heard("that's enough", 0.95), Heard("stop", 0.95)]),  # ... and "stop" again
    (NOS, [Heard("stop", 0.95), Heard("no", 0.95), Heard("stop", 0.95), Heard("yes", 0.95)]),  # not at first
    (NOS, [Heard("stop", typed=True)]),  # typed at the keyboard: it ends at once
    (AGE, [Heard("stop", 0.95), Heard("yes", 0.95)]),  # said to "I heard 42. Is that right?"
])
def test_a_spoken_stop_is_left_out_when_the_session_is_replayed(make_dialog, content, answers, stop):
    assert len(AGE) - 1 == len(content.red_flags)
    stopped = spoken_session(make_dialog, answers + stop)
    assert stopped.ended_by == "stopped"
    saved = journals.latest_unfinished()
    assert saved is not None and saved.ended and not saved.final
    kept = answers + (stop[:2] if len(stop) == 4 else [])  # a stop answered "no" stays: it ended nothing
    assert saved.heard == kept
    resumed, _ = journals.replay(content, saved)
    expected = before_stop(make_dialog, kept)
    assert not resumed.finished and resumed.state == expected.state and resumed.answers == expected.answers
    assert resume_events(resumed, "Welcome back.")[-1] == expected.current_ask


def run_session(dialog, journal, answers: list[Heard]) -> dict:
    """session.run with scripted answers, as the command line runs a resumed session."""
    class Listener:
        def listen(self, ask):
            return answers.pop(0) if answers else None

    return run_dialog(dialog, Channels(Listener(), SilentSpeaker()), journal, resume_events(dialog, "Welcome back."))


def test_a_session_stopped_twice_resumes_where_it_last_stopped(make_dialog, content):
    spoken_session(make_dialog, [Heard("no", 0.95), Heard("stop", 0.95), Heard("yes", 0.95)])
    saved = journals.latest_unfinished()
    dialog, _ = journals.replay(content, saved)
    journal = journals.Journal(saved.path)
    journal.resumed(True)
    report = run_session(dialog, journal, [Heard("no", 0.95), Heard("stop", 0.95), Heard("yes", 0.95)])
    assert report["ended_by"] == "stopped" and report["answers"] == {"rf_bladder": "no", "rf_bowel": "no"}
    again, _ = journals.replay(content, journals.latest_unfinished())
    assert again.answers == {"rf_bladder": "no", "rf_bowel": "no"} and again.current.id == content.red_flags[2].id


def test_a_damaged_stop_record_is_named_not_replayed(make_dialog, caplog):
    spoken_session(make_dialog, [Heard("no", 0.95), Heard("stop", 0.95), Heard("yes", 0.95)])
    path = next(sessions_dir().glob("*.jsonl"))
    path.write_text(path.read_text().replace('"stop_answers": 2', '"stop_answers": 9'))
    assert journals.latest_unfinished() is None and "damaged stop record" in caplog.text


def test_a_spoken_start_over_cancelled_with_a_clear_no_does_not_use_one_up(make_dialog, content):
    # Each spoken "start over" counts when heard, so after one the person cancelled, a real one was ignored
    dialog = make_dialog(spoken=True)
    dialog.start()
    for _ in range(MAX_SPOKEN_UNDO["restart"] + 2):
        dialog.hear(Heard("no", 0.95))
        assert asks(dialog.hear(Heard("start over", 0.95)))[-1].question == "confirm_restart"
        dialog.hear(Heard("no", 0.95))  # not restarting: the answers are kept
    dialog.hear(Heard("start over", 0.95))
    events = dialog.hear(Heard("yes", 0.95))
    assert dialog.answers == {} and said(events) == [content.phrases["restart"]]


def test_spoken_start_overs_carried_out_are_capped(make_dialog, content):
    # Noise heard as "start over" and then "yes" must not begin the conversation again and again (and noise that
    # says "start over" and then "previous" is bounded by test_dialog's noise tests)
    dialog = make_dialog(spoken=True)
    dialog.start()
    for _ in range(MAX_SPOKEN_UNDO["restart"]):
        dialog.hear(Heard("no", 0.95))
        dialog.hear(Heard("start over", 0.95))
        assert dialog.hear(Heard("yes", 0.95)) and dialog.answers == {}
    dialog.hear(Heard("no", 0.95))
    events = dialog.hear(Heard("start over", 0.95))  # one more: heard as a miss, not as a control
    assert dialog.answers == {"rf_bladder": "no"} and not any(e.question == "confirm_restart" for e in asks(events))
    assert said(events) and dialog.tries == 1


@pytest.mark.parametrize("decade, steps, band", [
    ("in my forties", [], "forty to fifty"),                          # settles every step: nothing is asked
    ("late teens", [], "sixteen to nineteen"),
    ("in my fifties", [("age:over_fifty", "yes")], "fifty-one to sixty-four"),  # 50 is not over fifty: asked
    # 50 itself, the one age of the fifties not over fifty: noted as 50 since stop 48 (the band "forty to fifty" before)
    ("in my fifties", [("age:over_fifty", "no")], "50"),
    ("in my sixties", [("age:sixty_five", "no")], "fifty-one to sixty-four"),   # over fifty: not asked
    ("in my teens", [("age:under_sixteen", "yes")], "under sixteen"),
])
def test_a_typed_decade_asks_only_the_age_steps_it_leaves_open(make_dialog, content, decade, steps, band):
    dialog = make_dialog()
    dialog.start()
    for _ in content.red_flags:
        dialog.hear("no")
    assert dialog.current.id == "age"
    events = dialog.hear(decade)
    for step, reply in steps:
        assert asks(events)[-1].question == step
        events = dialog.hear(reply)
    assert dialog.answers["age"]["text"] == band and dialog.answers["age"]["approximate"]
    assert asks(events)[-1].question == "location"


def test_a_typed_start_over_cancelled_by_voice_does_not_break_the_count(make_dialog, content):
    # In a spoken session a "start over" typed at the keyboard is not counted; a spoken "no" to its check then had no
    # count to give back (a KeyError ended the session)
    dialog = make_dialog(spoken=True)
    dialog.start()
    dialog.hear(Heard("no", 0.95))
    assert asks(dialog.hear(Heard("start over", typed=True)))[-1].question == "confirm_restart"
    events = dialog.hear(Heard("no", 0.95))
    assert dialog.answers == {"rf_bladder": "no"} and content.phrases["not_restarting"] in said(events)
    for _ in range(MAX_SPOKEN_UNDO["restart"]):  # the spoken ones still all count
        dialog.hear(Heard("start over", 0.95))
        dialog.hear(Heard("yes", 0.95))
        dialog.hear(Heard("no", 0.95))
    dialog.hear(Heard("start over", 0.95))
    assert dialog.answers == {"rf_bladder": "no"} and dialog.current_ask.question != "confirm_restart"
