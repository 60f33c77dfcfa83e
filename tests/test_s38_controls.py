"""Stop 38 controls: a stopped session can be resumed, "start over" is checked first, and setting changes are kept
only when a person answers. Real processes with a temporary VOICE_TRIAGE_DATA (tests/conftest.py), as test_cli.py."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from voice_triage import cli
from voice_triage import settings as prefs
from voice_triage.content import typed_wording
from voice_triage.events import Ask, End, Heard, Say

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
    from voice_triage.voice.testing import FLITE, synthesize, tool_missing

    if missing := tool_missing(FLITE[0]):
        pytest.skip(f"{missing} is not installed (scripts/setup.sh test installs it)")
    silence = b"\x00\x00" * 16000 * 3
    pcm = b"".join(silence[:8000] + synthesize(answer, FLITE[0]) + silence for answer in answers)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm)
    return path


def test_more_time_heard_in_an_audio_file_holds_for_that_session_only(tmp_path, private_home, content):
    # A recording's "give me more time" was saved in the user's settings (pause 3.5 and silence_timeout 26 seen).
    wav = spoken_wav(tmp_path / "answers.wav", ["give me more time", "give me more time"])
    result = run("--jsonl", "--no-speak", "--recognizer", "pocketsphinx", "--audio-in", str(wav))
    said = [event["text"] for event in jsonl_events(result)]
    assert said.count(content.phrases["more_time"]) == 2  # heard, and acted on in the session
    assert not settings_file(private_home).exists()


def test_more_time_from_a_program_on_jsonl_is_not_saved(private_home, content):
    said = [event["text"] for event in jsonl_events(run("--jsonl", stdin="give me more time\n"))]
    assert content.phrases["more_time"] in said
    assert not settings_file(private_home).exists()


def test_more_time_typed_by_a_person_is_kept(private_home, content):
    result = run("--text", stdin="give me more time\n")
    assert result.returncode == 0 and content.phrases["more_time"] in result.stdout
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
