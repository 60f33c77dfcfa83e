"""Answers heard over a television: the real RNNoise detector, the real pocketsphinx recognizer, a session under way."""
from __future__ import annotations

import pytest

from voice_triage.events import Ask, Heard
from voice_triage.voice.audio import chunked
from voice_triage.voice.listener import VoiceListener
from voice_triage.voice.testing import FLITE, add_noise, grammar_for, pad, same_answer

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
