"""An answer is decoded while its pause runs, so nobody waits for the recognizer after it; a voice that comes back in
the pause is heard whole. Real pocketsphinx on real flite speech."""
from __future__ import annotations

import time

from voice_triage.content import load_content
from voice_triage.events import Ask
from voice_triage.voice.audio import chunked
from voice_triage.voice.endpoint import EndpointConfig
from voice_triage.voice.listener import EARLY_DECODING_SHARE, EarlyDecision, VoiceListener
from voice_triage.voice.recognizers import Recognition
from voice_triage.voice.testing import CONTROLS, FLITE, ReadCount, Watched, add_noise, grammar_for, pad, silence

SIDES = Ask("Which side?", "side", ("left", "right"), grammar_for("sides"))
PLACES = ("lower back", "buttock", "groin", "front of thigh", "outer hip", "back of thigh", "knee")
CARRIERS = tuple(load_content().vocabulary["carriers"]["words"])
WHERE = Ask("Where?", "location", (), PLACES + CONTROLS, "multi", CONTROLS, CARRIERS)
BYTES_PER_S = 32000


def reading(pcm: bytes) -> ReadCount:
    """The audio in 30 ms chunks, counting the bytes read so far."""
    return ReadCount(chunked(pcm, 960))


def test_an_answer_is_decoded_during_its_pause_not_after_it(sphinx, synth) -> None:
    speech = synth("left side", FLITE[0])
    stream = reading(pad(speech, 0.5, 3.0))
    watched = Watched(sphinx, stream)
    heard = VoiceListener(stream, watched, EndpointConfig(pause_s=1.5)).listen(SIDES)
    assert heard.text == "left side" and heard.confidence >= 0.5
    end_of_speech = int((0.5 + 0.3) * BYTES_PER_S) + len(speech)  # lead-in, then the tail the decoder is given
    assert len(watched.decoded_at) == 1
    # Decoded with the pause still running: well before its 1.5 s had been read (before, at the pause's end).
    assert watched.decoded_at[0] < end_of_speech + 0.5 * BYTES_PER_S


def test_a_voice_that_comes_back_in_the_pause_is_heard_whole(sphinx, synth) -> None:
    first, second = synth("my lower back", FLITE[1]), synth("and my buttock", FLITE[1])
    stream = reading(pad(first + silence(0.9) + second, 0.5, 2.0))
    watched = Watched(sphinx, stream)
    heard = VoiceListener(stream, watched, EndpointConfig(pause_s=1.5)).listen(WHERE)
    assert {"lower back", "buttock"} <= set(heard.alternatives) and heard.confidence >= 0.5
    assert len(watched.decoded_at) == 2  # the first part alone was decided early, then dropped


def slow_speaker(synth) -> tuple[ReadCount, int]:
    """"my lower back ... my buttock ... my groin ... my outer hip", 0.8 s between the parts, and where the last ends."""
    parts = [synth(p, FLITE[1]) for p in ("my lower back", "my buttock", "my groin", "my outer hip")]
    speech = silence(0.8).join(parts)
    return reading(pad(speech, 0.5, 2.0)), int(0.5 * BYTES_PER_S) + len(speech)


def test_a_slow_speaker_who_stops_between_words_is_decided_in_the_last_pause(sphinx, synth) -> None:
    stream, said_until = slow_speaker(synth)
    watched = Watched(sphinx, stream)
    listener = VoiceListener(stream, watched, EndpointConfig(pause_s=1.5))
    # Room to spare, so that a slow or busy machine cannot change the count: whether the default share is enough
    # here is measured by scripts/bench_slow_speakers.py, not timed in a test.
    listener.early_share = 1.0
    heard = listener.listen(WHERE)
    assert {"lower back", "buttock", "groin", "outer hip"} <= set(heard.alternatives)
    # Each early decision was dropped when the voice came back; the last stood, made within half a second of the
    # last pause (with at most two per answer, as at stop 43, the answer was decoded after its pause).
    assert len(watched.decoded_at) == 4
    assert watched.decoded_at[-1] < said_until + int(0.8 * BYTES_PER_S)


def test_decodings_dropped_past_their_share_of_the_answer_end_early_decisions(sphinx, synth) -> None:
    stream, _ = slow_speaker(synth)
    watched = Watched(sphinx, stream)
    listener = VoiceListener(stream, watched, EndpointConfig(pause_s=1.5))
    listener.early_share = 0.0  # no time at all for decodings that are dropped: the first one is all
    heard = listener.listen(WHERE)
    assert {"lower back", "buttock", "groin", "outer hip"} <= set(heard.alternatives)
    assert len(watched.decoded_at) == 2 and listener.last_latency_s == listener.last_decode_s > 0.0


def test_in_a_room_that_talks_the_answer_is_decoded_when_it_ends(sphinx, synth) -> None:
    # The television's first 15 s run on as an "answer", and teach the listener that the room talks. Until then its
    # pauses look like an answer's: each decoding is dropped when the television goes on, and those dropped may take
    # no more than their share of the stretch heard.
    stream = reading(add_noise(pad(synth("yes", FLITE[0]), 16.5, 1.5), 20.0, seed=2, kind="talk"))
    watched = Watched(sphinx, stream)
    listener = VoiceListener(stream, watched)
    yesno = Ask("Any fever?", "rf_fever", ("yes", "no"), grammar_for("yesno"))
    assert listener.listen(yesno).text == ""
    assert watched.decoded_at, "the television's pauses were not decided early: this test no longer tests the share"
    for i, read in enumerate(watched.decoded_at):
        assert sum(watched.took[:i]) <= EARLY_DECODING_SHARE * read / BYTES_PER_S
    before = len(watched.decoded_at)
    # Now the room talks: its loud moments would drop decision after decision, so the answer is decoded once, at its end.
    assert listener.listen(yesno).text == "yes"
    assert len(watched.decoded_at) == before + 1 and listener.last_latency_s == listener.last_decode_s


def test_the_next_answer_is_not_taken_for_the_rest_of_this_one(sphinx, synth) -> None:
    stream = reading(pad(synth("left side", FLITE[0]), 0.4, 2.0) + pad(synth("right side", FLITE[0]), 0.4, 2.0))
    listener = VoiceListener(stream, Watched(sphinx, stream), EndpointConfig(pause_s=1.5))
    assert [listener.listen(SIDES).text, listener.listen(SIDES).text] == ["left side", "right side"]


def test_a_decision_slower_than_the_rest_of_the_pause_counts_as_waiting() -> None:
    said = Recognition("left side", 0.9)
    two_seconds_ago = time.perf_counter() - 2.0
    slow = EarlyDecision(said, fed=30, frames_then=40, started=two_seconds_ago)
    # 40 frames (1.2 s) of pause came after the decoding began: the person waited about 0.8 s after it.
    assert 0.75 < slow.wait_after(frames_now=80) < 1.5
    assert slow.wait_after(frames_now=40 + 100) == 0.0  # 3 s of pause: decided long before it ended
