"""Nothing lost: answers are journaled before the next question, and a killed session resumes identically."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from voice_triage import journal as journals
from voice_triage.events import Heard
from voice_triage.session import Channels, resume_events, run
from voice_triage.textio import ScriptedListener, SilentSpeaker

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = (["no"] * 16 + ["garbage", "go back", "no", "64", "groin and front of thigh", "left", "eight months",
                          "repeat", "dull ache", "no", "stairs and socks", "rest", "yes", "slowly"])
VOLATILE = {"finished"}


def stable(report, volatile=VOLATILE):
    return {k: v for k, v in report.items() if k not in volatile}


def full_run(make_dialog):
    dialog = make_dialog()
    return run(dialog, Channels(ScriptedListener(SCRIPT), SilentSpeaker()))


@pytest.mark.parametrize("cut", [0, 1, 5, 16, 17, 18, 19, 23, 27, len(SCRIPT) - 1])
def test_resume_after_a_crash_gives_the_same_report(make_dialog, content, cut):
    expected = full_run(make_dialog)
    dialog = make_dialog()
    journal = journals.Journal.create(dialog)
    dialog.start()
    for answer in SCRIPT[:cut]:
        journal.heard(Heard(answer), dialog.current_ask.question)
        dialog.hear(answer)
    journal.handle.close()  # the process dies here: no end record, no report
    saved = journals.latest_unfinished()
    assert saved is not None and len(saved.heard) == cut
    resumed, _ = journals.replay(content, saved)
    report = run(resumed, Channels(ScriptedListener(SCRIPT[cut:]), SilentSpeaker()), journals.Journal(saved.path),
                 resume_events(resumed, "welcome back"))
    assert stable(report) == stable(expected)
    assert journals.latest_unfinished() is None


def test_a_typed_answer_in_a_spoken_session_replays_as_typed(make_dialog, content):
    dialog = make_dialog(spoken=True)
    journal = journals.Journal.create(dialog)
    dialog.start()
    for heard in (Heard("no", 0.9), Heard("yes", typed=True)):  # typed: no read-back, straight to emergency
        journal.heard(heard)
        dialog.hear(heard)
    journal.handle.close()
    resumed, _ = journals.replay(content, journals.latest_unfinished())
    assert resumed.state == dialog.state == "emergency" and resumed.answers == dialog.answers


def test_a_red_flag_no_with_rivals_replays_into_its_check(make_dialog, content):
    """A sure spoken "no" that another answer fits as well was checked: replayed without its rivals, the "yes" to
    the check would land on the next question."""
    dialog = make_dialog(spoken=True)
    journal = journals.Journal.create(dialog)
    dialog.start()
    for heard in (Heard("no", 1.0, rivals=("yeah",)), Heard("yes", 0.9)):
        journal.heard(heard)
        dialog.hear(heard)
    journal.handle.close()
    resumed, _ = journals.replay(content, journals.latest_unfinished())
    assert resumed.answers == dialog.answers == {"rf_bladder": "no"}
    assert resumed.current_ask == dialog.current_ask and dialog.current_ask.question == "rf_bowel"


def test_a_session_resumed_in_the_other_mode_replays_each_answer_in_its_own_mode(make_dialog, content):
    # Spoken first, then resumed typed: replaying the typed answers as spoken read "42" back ("I heard 42. Is that
    # right?") and took the next answer as the check, so a second resume lost the age and everything after it.
    spoken = make_dialog(spoken=True)
    journal = journals.Journal.create(spoken)
    spoken.start()
    for _ in content.red_flags:
        journal.heard(Heard("no", 0.95))
        spoken.hear(Heard("no", 0.95))
    journal.handle.close()
    typed, _ = journals.replay(content, journals.latest_unfinished())
    typed.spoken = False
    journal = journals.Journal(journal.path)
    journal.resumed(False)
    for answer in ("42", "lower back", "middle", "2 weeks"):
        journal.heard(Heard(answer))
        typed.hear(Heard(answer))
    journal.handle.close()
    again, _ = journals.replay(content, journals.latest_unfinished())
    assert again.answers == typed.answers and again.state == typed.state
    assert again.answers["age"] == 42 and again.answers["side"] == "middle"


def test_an_answer_after_a_line_cut_short_is_kept(make_dialog, content):
    journal = journals.Journal.create(make_dialog())
    journal.heard(Heard("no"))
    journal.handle.write('{"type": "heard", "te')  # the crash
    journal.handle.close()
    resumed = journals.Journal(journal.path)
    resumed.heard(Heard("yes"))
    resumed.handle.close()
    assert [h.text for h in journals.latest_unfinished().heard] == ["no", "yes"]


def test_a_half_written_last_line_is_ignored(make_dialog, content):
    dialog = make_dialog()
    journal = journals.Journal.create(dialog)
    journal.heard(Heard("no"))
    journal.handle.write('{"type": "heard", "te')
    journal.handle.close()
    saved = journals.latest_unfinished()
    assert [h.text for h in saved.heard] == ["no"]


@pytest.mark.parametrize("damage", [{"start": {"type": "start", "created": "2026-11-25T10:00:00"}},
                                    {"start": {"type": "start", "today": "not a date", "created": "x"}},
                                    {"heard": {"type": "heard", "confidence": 0.9}},
                                    {"heard": {"type": "heard", "text": "no", "confidence": "high"}}])
def test_a_damaged_journal_is_passed_over_not_replayed(make_dialog, damage):
    journal = journals.Journal.create(make_dialog())
    journal.handle.close()
    start = json.loads(journal.path.read_text().splitlines()[0])
    records = [damage.get("start", start), {"type": "heard", "text": "no"}, damage.get("heard", {"type": "note"})]
    journal.path.write_text("".join(json.dumps(r) + "\n" for r in records))
    with pytest.raises(ValueError):
        journals.read(journal.path)
    assert journals.latest_unfinished() is None


def _default_sigint() -> None:
    """A job started in the background by a non-interactive shell inherits SIGINT ignored, and Python then
    never raises KeyboardInterrupt: give the child the default, as a terminal would."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def cli(*args):
    return subprocess.Popen([sys.executable, "-m", "voice_triage", "--jsonl", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            preexec_fn=_default_sigint)


def converse(process, answers, stop_after=None):
    """Answer asks from the list; returns the final report, or None when stopped early."""
    answers = list(answers)
    asked = 0
    for line in process.stdout:
        event = json.loads(line)
        if event["type"] == "ask":
            if stop_after is not None and asked == stop_after:
                return None
            asked += 1
            process.stdin.write((answers.pop(0) if answers else "no") + "\n")
            process.stdin.flush()
        elif event["type"] == "end":
            return event["report"]
    return None


@pytest.mark.parametrize("cut", [3, 17, 22])
def test_killed_process_resumes_from_last_answer(cut):
    expected = converse(cli(), SCRIPT)
    victim = cli()
    converse(victim, SCRIPT, stop_after=cut)
    victim.kill()
    victim.wait()
    resumed = cli("--resume")
    first = json.loads(resumed.stdout.readline())
    assert first == {"type": "say", "text": "Welcome back. Let's carry on where we left off."}
    report = converse(resumed, SCRIPT[cut:])
    resumed.wait(timeout=20)
    # Two separate processes: only the start time may differ (the in-process test checks it is restored).
    assert stable(report, VOLATILE | {"created"}) == stable(expected, VOLATILE | {"created"})


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_mid_session_still_writes_the_report(tmp_path, signum):
    target = tmp_path / "report.json"
    process = cli("--report", str(target))
    converse(process, ["no", "no"], stop_after=2)
    process.send_signal(signum)
    assert process.wait(timeout=20) == 130
    report = json.loads(target.read_text())
    assert report["answers"] == {"rf_bladder": "no", "rf_bowel": "no"}
    assert report["ended_by"] == "interrupted" and report["disposition"] == "gp"
    assert "Traceback" not in process.stderr.read()


def test_eof_at_every_point_ends_cleanly_with_a_report():
    for cut in range(0, len(SCRIPT), 4):
        result = subprocess.run([sys.executable, "-m", "voice_triage", "--jsonl", "--no-save"],
                                input="\n".join(SCRIPT[:cut]) + ("\n" if cut else ""), capture_output=True,
                                text=True, cwd=ROOT, timeout=20)
        assert result.returncode == 0 and result.stderr == ""
        assert json.loads(result.stdout.splitlines()[-1])["type"] == "end"


def older_journal(make_dialog, content, *answers: tuple[str, str]) -> Path:
    """A journal as an older version left it: ten warning signs answered "no", then `answers` with the question
    each answered then."""
    journal = journals.Journal.create(make_dialog())
    for flag in content.red_flags[:10]:
        journal.heard(Heard("no"), flag.id)
    for text, asked in answers:
        journal.heard(Heard(text), asked)
    journal.handle.close()
    return journal.path


# An older version read this question back as a yes to "Have you ever had cancer?" and asked the next sign; this one
# explains and asks it again, so the "no" given to the next sign would land on the cancer question.
READ_DIFFERENTLY = (("does skin cancer count?", "rf_cancer"), ("no", "rf_bone_fragility"), ("no", "rf_infection_risk"))


def test_answers_after_one_read_differently_are_set_aside_not_given_to_other_questions(make_dialog, content):
    assert content.red_flags[10].id == "rf_cancer"
    dialog, set_aside = journals.replay(content, journals.read(older_journal(make_dialog, content, *READ_DIFFERENTLY)))
    assert set_aside == 2
    assert dialog.current_ask.question == "rf_cancer" and "rf_cancer" not in dialog.answers
    assert dialog.answers == {flag.id: "no" for flag in content.red_flags[:10]}


def test_answers_replay_when_each_lands_on_its_own_question(make_dialog, content):
    answers = (("yes, years ago", "rf_cancer"), ("no", "rf_bone_fragility"))
    dialog, set_aside = journals.replay(content, journals.read(older_journal(make_dialog, content, *answers)))
    assert set_aside == 0 and dialog.answers["rf_cancer"] == "yes" and dialog.answers["rf_bone_fragility"] == "no"


def test_a_resume_that_sets_answers_aside_says_so_and_later_resumes_leave_them_out(make_dialog, content):
    path = older_journal(make_dialog, content, *READ_DIFFERENTLY)
    resumed = cli("--resume")
    assert json.loads(resumed.stdout.readline())["type"] == "say"  # welcome back
    assert json.loads(resumed.stdout.readline())["question"] == "rf_cancer"
    resumed.stdin.write("yes\n")
    resumed.stdin.flush()
    assert json.loads(resumed.stdout.readline())["question"] == "rf_bone_fragility"
    resumed.kill()
    resumed.wait(timeout=20)
    assert "reads one of your earlier answers differently" in resumed.stderr.read()
    saved = journals.read(path)
    assert [heard.text for heard in saved.heard] == ["no"] * 10 + ["does skin cancer count?", "yes"]
    again, set_aside = journals.replay(content, saved)
    assert set_aside == 0 and again.answers["rf_cancer"] == "yes" and again.current_ask.question == "rf_bone_fragility"


def test_a_damaged_set_aside_record_is_named(make_dialog, content):
    path = older_journal(make_dialog, content)
    with path.open("a") as handle:
        handle.write(json.dumps({"type": "set_aside", "answers": 11}) + "\n")
    with pytest.raises(ValueError, match="damaged set-aside record"):
        journals.read(path)
