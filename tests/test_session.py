"""A device failing mid-session: the conversation carries on typed, with every answer kept."""
from __future__ import annotations

from voice_triage.events import Ask, End, Heard, Say
from voice_triage.session import Channels, run


class Scripted:
    def __init__(self, answers, fail_after=None):
        self.answers, self.fail_after, self.heard = list(answers), fail_after, 0

    def listen(self, ask: Ask):
        if self.fail_after is not None and self.heard >= self.fail_after:
            raise OSError("microphone unplugged")
        self.heard += 1
        return Heard(self.answers.pop(0)) if self.answers else None


class Recorder:
    def __init__(self, fail_on=None):
        self.events, self.fail_on = [], fail_on

    def emit(self, event):
        if self.fail_on and len(self.events) >= self.fail_on:
            raise RuntimeError("speech engine died")
        self.events.append(event)


def test_microphone_failure_switches_to_typed_and_keeps_answers(make_dialog):
    voice = Scripted(["no", "no", "no"], fail_after=3)
    typed = Scripted(["yes", "no"])
    spoken = Recorder()
    report = run(make_dialog(), Channels(voice, spoken, typed, Recorder()))
    assert report["answers"]["rf_bladder"] == "no" and report["answers"]["rf_sexual"] == "yes"
    assert report["disposition"] == "emergency"
    # Said by the voice speaker, which goes on speaking the questions (a speech failure would switch to captions).
    lost = spoken.events.index(Say(make_dialog().phrases["voice_lost"]))
    assert any(isinstance(e, Ask) for e in spoken.events[lost:]) and isinstance(spoken.events[-1], End)


def test_answers_typed_after_a_spoken_session_loses_its_microphone_are_not_read_back(make_dialog):
    spoken = Recorder()
    report = run(make_dialog(spoken=True), Channels(Scripted([], fail_after=0), spoken, Scripted(["yes"]),
                                                    Recorder()))
    assert report["answers"]["rf_bladder"] == "yes" and report["disposition"] == "emergency"
    shown = " ".join(e.text for e in spoken.events if isinstance(e, (Say, Ask)))
    assert "Is that right?" not in shown and Say(make_dialog().phrases["voice_lost"]) in spoken.events


def test_speech_failure_carries_on_with_captions(make_dialog):
    captions = Recorder()
    report = run(make_dialog(), Channels(Scripted(["no", "yes", "no"]), Recorder(fail_on=5), None, captions))
    assert Say(make_dialog().phrases["speech_lost"]) in captions.events
    assert report["disposition"] == "emergency" and report["answers"]["rf_bowel"] == "yes"


def test_input_failure_without_a_fallback_ends_with_the_answers_so_far(make_dialog):
    report = run(make_dialog(), Channels(Scripted(["no"], fail_after=1), Recorder()))
    assert report["answers"] == {"rf_bladder": "no"} and report["ended_by"] == "end_of_input"
