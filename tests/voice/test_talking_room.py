"""Answers heard over a television: the real RNNoise detector, the real pocketsphinx recognizer, a session under way."""
from __future__ import annotations

import os
import sys

import pytest

from voice_triage import cli
from voice_triage.content import load_content
from voice_triage.events import Ask, Heard
from voice_triage.voice.audio import as_floats, chunked
from voice_triage.voice.endpoint import EndpointConfig, segments
from voice_triage.voice.listener import ROOM_BEFORE_S, VoiceListener
from voice_triage.voice.neural_denoise import SpeechDetector
from voice_triage.voice.testing import (FLITE, add_noise, at_level, grammar_for, pad, same_answer, speech_power,
                                        television)

from fake_devices import LiveDevice, typed_microphone_session

YESNO = Ask("Any fever?", "rf_fever", ("yes", "no"), grammar_for("yesno"))
SIDES = Ask("Which side?", "side", ("left", "right"), grammar_for("sides"))


@pytest.mark.parametrize("text", ["yes", "no", "left side", "right", "both sides"])
def test_an_answer_over_a_television_is_heard_once_the_room_is_known_to_talk(sphinx, synth, text) -> None:
    # 16 s of television, the answer 20 dB above it, then the television again. Its first 15 s run on as an
    # "answer" and teach the listener that the room talks; the next stretch is the person's answer, with only a
    # little of the television around it. With the half second before and the 0.3 s after that a quiet room keeps,
    # all five were heard as other answers ("repeat", "right side", "i don't know").
    ask = YESNO if text in ("yes", "no") else SIDES
    pcm = add_noise(pad(synth(text, FLITE[0]), 16.5, 1.5), 20.0, seed=2, kind="talk")
    listener = VoiceListener(chunked(pcm), sphinx)
    assert listener.listen(ask) == Heard("", 0.0)  # the television's first 15 s: the room, not an answer
    heard = listener.listen(ask)
    assert heard is not None and same_answer(heard.text, text)


@pytest.mark.parametrize(("text", "voice"), [("front of thigh", 1), ("back of thigh", 1), ("left side", 1),
                                           ("left side", 2), ("about two weeks", 0)])
def test_an_answer_over_a_television_ends_when_the_answer_ends(synth, text, voice) -> None:
    # This draw of the television talks loudly just after the answer. With the lower margin that keeps a quiet room's
    # answer going, its loud moments carried all five answers on to the end of the recording, 2.6 to 2.8 s too long.
    # Its gaps after the answer are 1.2 to 1.5 s long: at the 1.5 s default pause the answer rightly runs on.
    said = synth(text, FLITE[voice])
    pcm = add_noise(pad(said, 16.5, 3.0), 20.0, seed=1, kind="talk")
    config = EndpointConfig(pause_s=1.2)
    found = [seg for seg in segments([pcm], config, SpeechDetector().probability) if seg.reason != "timeout"]
    assert [seg.reason for seg in found[:2]] == ["max", "pause"]  # the television's first 15 s, then the answer
    assert found[1].speech_s < len(said) / 32000 + 0.5


def test_a_person_at_a_terminal_is_told_they_may_type_over_the_television(monkeypatch, capsys, tmp_path) -> None:
    tv = tmp_path / "tv.raw"
    tv.write_bytes(television(17.0, seed=3))
    read_fd, write_fd = os.pipe()
    keys = os.fdopen(read_fd, "r", encoding="utf-8")
    keys.isatty = lambda: True  # a person at a terminal (a program's pipe is not told to type: test_listener.py)
    monkeypatch.setattr(sys, "stdin", keys)
    # The television's first 15 s run on as an "answer", which is when the room is said to talk; then the file ends,
    # which stops the session with no answer heard (exit 6, no advice). Nothing is typed: the keyboard only has to be
    # there, at a terminal.
    try:
        assert cli.main(["--no-save", "--no-speak", "--recognizer", "pocketsphinx", "--audio-in", str(tv)]) \
            == cli.EXIT_NOTHING_HEARD
    finally:
        os.close(write_fd)
    out = capsys.readouterr().out
    assert out.count(load_content().phrases["room_talking_typing"]) == 1 and out.count("I can hear talking") == 1


@pytest.mark.parametrize("text", ["yes", "no", "left side"])
def test_a_microphone_that_hears_the_room_first_hears_the_first_answer_over_a_television(sphinx, synth, text) -> None:
    # A live microphone hears the room before the assistant first speaks, then is muted while the notices, the
    # welcome and the first question are spoken (6 s here). Without that, the television's voice and the first answer
    # ran on together as one 15-s "answer", taken for the room and not decoded: the first answer was lost.
    ask = YESNO if text in ("yes", "no") else SIDES
    spoken_s = 6.0
    pcm = add_noise(pad(synth(text, FLITE[0]), ROOM_BEFORE_S + spoken_s + 0.5, 1.5), 20.0, seed=2, kind="talk")
    muted = slice(int(16000 * ROOM_BEFORE_S) * 2, int(16000 * (ROOM_BEFORE_S + spoken_s)) * 2)
    told: list[str] = []
    listener = VoiceListener(chunked(pcm[:muted.start] + pcm[muted.stop:]), sphinx)
    listener.on_talking_room = lambda: told.append("talking")
    listener.hear_room()
    assert told == ["talking"]  # said before the first question, and not again
    heard = listener.listen(ask)
    assert heard is not None and same_answer(heard.text, text) and told == ["talking"]


def test_a_session_on_a_microphone_says_the_room_talks_before_it_starts(monkeypatch, capsys, tmp_path) -> None:
    tv = LiveDevice(room=television(10.0, seed=3))
    assert typed_microphone_session(monkeypatch, tv, ["--no-save", "--no-speak", "--recognizer", "pocketsphinx"]) == 0
    out, phrases = capsys.readouterr().out, load_content().phrases
    assert out.count(phrases["room_talking"]) == 1
    assert out.index(phrases["room_talking"]) < out.index(phrases["welcome"][0])


@pytest.mark.parametrize("text", ["yes", "left side", "right"])
def test_someone_who_spoke_while_the_assistant_started_does_not_make_the_room_talk(sphinx, synth, text) -> None:
    # A carer says something in the 1.5 s the microphone hears before the assistant first speaks, then stops. The
    # room is said to talk (it did), but the quiet after the welcome forgets it: the first answer, given 0.3 s into
    # listening, is heard. Had the remark gone on counting, only a voice louder than the carer's would have been.
    said = synth(text, FLITE[0])
    remark = at_level(synth("okay, it is starting now, you can talk to it", FLITE[1]), speech_power(as_floats(said)))
    room = add_noise(remark[:int(16000 * ROOM_BEFORE_S) * 2], 40.0, seed=1)  # as loud as the person, then quiet
    told: list[str] = []
    listener = VoiceListener(chunked(room + add_noise(pad(said, 0.3, 3.0), 40.0, seed=2)), sphinx)
    listener.on_talking_room = lambda: told.append("talking")
    listener.hear_room()
    heard = listener.listen(YESNO if text in ("yes", "no") else SIDES)
    assert told == ["talking"] and heard is not None and same_answer(heard.text, text)
