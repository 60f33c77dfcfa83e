"""A first-time typed-mode user's review: typed wording, mode flags that conflict or do nothing, the data-folder
hint, an unfinished session mentioned at the start, and Enter on an empty line. Real processes, piped stdin."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from voice_triage.content import load_content
from voice_triage.dialog import Dialog
from voice_triage.storage import sessions_dir
from voice_triage.content import typed_wording
from voice_triage.textio import MAX_BLANK_LINES, LineListener

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice_triage", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env=env)


def report_of(result: subprocess.CompletedProcess, path: Path) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(path.read_text())


# 1. Typed prompts say "type", not "say"; voice keeps its words.

def test_typed_mode_tells_you_to_type_not_say(content):
    # "xx" is not an answer: the question is asked again with how to answer it
    out = run("--text", "--no-save", stdin="xx\n" + "no\n" * len(content.red_flags) + "lots\n").stdout
    assert "You can type repeat, go back, help, or stop at any time." in out
    assert "You can type yes, no, or not sure." in out
    assert "Please type a number." in out  # the age, answered "lots"
    assert "You can say" not in out and "Please say" not in out


def test_a_list_question_typed_offers_its_choices_and_their_numbers(content):
    answers = ["no"] * len(content.red_flags) + ["30", "lower back", "somewhere"]  # the side, not understood
    out = run("--text", "--no-save", stdin="\n".join(answers) + "\n").stdout
    assert "You can type: " in out and ", or their numbers." in out


def test_jsonl_typed_answers_get_the_typed_wording_too():
    events = [json.loads(line) for line in run("--jsonl", "--no-save", stdin="xx\n").stdout.splitlines()]
    texts = [event["text"] for event in events]
    assert "You can type repeat, go back, help, or stop at any time." in texts
    assert any(text.endswith("You can type yes, no, or not sure.") for text in texts)


def test_a_resumed_typed_session_asks_in_typed_words():
    run("--text", stdin="no\nxx\n")  # unfinished, at a re-ask with its options
    out = run("--text", "--resume", stdin="").stdout
    assert "Welcome back." in out and "You can type yes, no, or not sure." in out and "You can say" not in out


def test_voice_keeps_its_spoken_words(content):
    dialog = Dialog(content, spoken=True)
    said = " ".join(event.text for event in dialog.start() + dialog.hear("xx"))
    assert "You can say repeat, go back, help, or stop at any time." in said
    assert "You can say yes, no, or not sure." in said


def test_every_typed_twin_keeps_the_placeholders_of_its_spoken_phrase():
    phrases = load_content().phrases
    typed = typed_wording(phrases)
    twins = [key[:-len("_typed")] for key in phrases if key.endswith("_typed")]
    assert {"welcome", "options_yesno", "options_list", "options_number"} <= set(twins)
    for key in twins:
        assert str(typed[key]).count("{options}") == str(phrases[key]).count("{options}"), key
        assert typed[key] == phrases[f"{key}_typed"]


# 2. Modes that contradict each other are refused in one line.

def test_text_and_jsonl_together_are_refused_in_one_line():
    result = run("--text", "--jsonl", "--no-save", stdin="no\n")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--jsonl: not allowed with argument --text" in result.stderr


def test_text_with_spoken_answers_from_a_file_is_refused_in_one_line(tmp_path):
    (tmp_path / "a.raw").write_bytes(bytes(3200))
    result = run("--text", "--no-save", "--no-speak", "--audio-in", str(tmp_path / "a.raw"), stdin="no\n")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--audio-in: not allowed with argument --text" in result.stderr


# 3. Voice options a typed session cannot use are named, in one line.

def test_voice_options_with_text_are_named_as_ignored():
    result = run("--text", "--no-save", "--mic", "3", "--voice", "en", "--pause", "2", stdin="no\n")
    assert result.returncode == 0
    warning = [line for line in result.stderr.splitlines() if "ignoring" in line]
    assert warning == ["voice-triage: ignoring --mic, --pause, --voice: they are for voice mode, and this session is "
                       "typed (--text)."]


def test_voice_options_with_jsonl_and_no_audio_are_named_as_ignored():
    result = run("--jsonl", "--no-save", "--rate", "150", stdin="no\n")
    assert "ignoring --rate: it is for voice mode" in result.stderr and "(--jsonl without --audio-in)" in result.stderr


def test_no_warning_without_voice_options_nor_for_no_speak():
    result = run("--text", "--no-save", "--no-speak", stdin="no\n")
    assert result.returncode == 0 and "ignoring" not in result.stderr


# 4. The data-folder hint fits how the folder was chosen.

def test_a_data_folder_chosen_with_the_variable_is_named_and_the_hint_fits(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run("--text", stdin="no\n", env={**os.environ, "VOICE_TRIAGE_DATA": str(blocker)})
    assert result.returncode == 5 and result.stderr.count("\n") == 1
    assert f"cannot use the data folder {blocker} " in result.stderr
    assert "point VOICE_TRIAGE_DATA at a folder you can write to" in result.stderr and "--no-save" in result.stderr
    assert "Set VOICE_TRIAGE_DATA" not in result.stderr  # it is set: setting it is not the fix


def test_the_default_data_folder_hint_says_to_set_the_variable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {key: value for key, value in os.environ.items() if key != "VOICE_TRIAGE_DATA"}
    result = run("--text", stdin="no\n", env={**env, "XDG_DATA_HOME": str(blocker)})
    assert result.returncode == 5 and result.stderr.count("\n") == 1
    assert f"cannot use the data folder {blocker / 'voice-triage'} " in result.stderr
    assert "set VOICE_TRIAGE_DATA to a folder you can write to" in result.stderr


# 5. A new session says when an unfinished one could be carried on instead.

def test_a_new_session_mentions_the_unfinished_one_and_resume_finds_it():
    run("--text", stdin="no\n")  # unfinished: one answer
    result = run("--text", stdin="")  # a new one, left before any answer
    hints = [line for line in result.stderr.splitlines() if "unfinished session" in line]
    assert len(hints) == 1 and hints[0].startswith("voice-triage: you have an unfinished session, started ")
    assert hints[0].endswith("to carry on with it instead, stop this one before answering and run: "
                             "voice-triage --resume")
    assert "your answers are saved" not in result.stderr  # that new session had none
    assert len(list(sessions_dir().glob("*.jsonl"))) == 1  # it is not kept: it would shadow the one to resume
    resumed = run("--jsonl", "--resume", stdin="")
    assert json.loads(resumed.stdout.splitlines()[-1])["report"]["answers"] == {"rf_bladder": "no"}


def test_no_mention_without_an_unfinished_session_nor_for_programs_nor_with_no_save():
    assert "unfinished" not in run("--text", stdin="").stderr  # nothing kept before
    run("--text", stdin="no\n")
    assert run("--jsonl", stdin="").stderr == ""
    assert "unfinished" not in run("--text", "--no-save", stdin="").stderr


def test_a_session_with_answers_is_still_kept_and_resumable():
    result = run("--text", stdin="no\n")
    assert "to carry on later run: voice-triage --resume" in result.stderr
    assert len(list(sessions_dir().glob("*.jsonl"))) == 1


# 6. Enter on an empty line is not a try.

def test_empty_lines_do_not_use_up_the_tries(tmp_path):
    result = run("--text", "--no-save", "--report", str(tmp_path / "r.json"), stdin="\n\n  \nno\n")
    assert report_of(result, tmp_path / "r.json")["answers"] == {"rf_bladder": "no"}
    assert "Sorry, I didn't hear an answer." not in result.stdout
    first = result.stdout.index("1) yes   2) no   3) not sure\n> ")
    assert result.stdout[first:].startswith("1) yes   2) no   3) not sure\n> > > > ")  # the prompt again each time


def test_endless_empty_lines_still_end_the_session():
    result = run("--text", "--no-save", stdin="\n" * (MAX_BLANK_LINES + 1) * 200)
    assert result.returncode == 0 and result.stdout.rstrip().endswith("Take care.")  # every question asked, once


def test_jsonl_still_answers_every_line(tmp_path):
    events = [json.loads(line) for line in run("--jsonl", "--no-save", stdin="\n").stdout.splitlines()]
    assert {"type": "say", "text": "Sorry, I didn't hear an answer."} in events  # a program gets a reply


def test_the_typed_listener_shows_the_prompt_again_for_each_empty_line():
    blanks: list[None] = []
    listener = LineListener(io.StringIO("\n \t\nleft\n"), on_blank=lambda: blanks.append(None))
    assert listener.listen(None).text == "left" and len(blanks) == 2
    assert listener.listen(None) is None
