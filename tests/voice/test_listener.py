"""VoiceListener, VoiceSpeaker, Tts and build_voice_io with real recognizers and the pyttsx3 dummy driver."""
from __future__ import annotations

import io
import logging

import pytest

from voice_triage.events import Adjust, Ask, End, Heard, Say
from voice_triage.settings import PAUSE_STEP, Settings, SettingsKeeper
from voice_triage.voice.audio import chunked
from voice_triage.voice.endpoint import EndpointConfig
from voice_triage.voice.errors import AudioFormatError, VoiceUnavailable
from voice_triage.content import load_content
from voice_triage.voice.listener import VoiceListener
from voice_triage.voice.setup import VoiceOptions, build_voice_io
from voice_triage.voice.speaker import VoiceSpeaker
from voice_triage.voice.testing import FLITE, grammar_for, hiss, pad, silence, television
from voice_triage.voice.tts import SpeechFailed, Tts, stdout_to_stderr

SLT = FLITE[0]
YESNO = Ask("Any fever?", "rf_fever", ("yes", "no"), grammar_for("yesno"))
SIDES = Ask("Which side?", "side", ("left", "right"), grammar_for("sides"))


class Captions:
    """A caption speaker that records events."""

    def __init__(self) -> None:
        self.events: list = []

    def emit(self, event) -> None:
        self.events.append(event)


def listener_for(pcm: bytes, recognizer, **config) -> VoiceListener:
    return VoiceListener(chunked(pcm, 1000), recognizer, EndpointConfig(**config))


def test_hears_answers_in_turn_then_reports_the_end(sphinx, synth) -> None:
    stream = pad(synth("yes", SLT)) + pad(synth("left side", SLT))
    listener = listener_for(stream, sphinx)
    first, second = listener.listen(YESNO), listener.listen(SIDES)
    assert (first.text, second.text) == ("yes", "left side") and min(first.confidence, second.confidence) >= 0.5
    assert listener.listen(YESNO) is None and listener.listen(YESNO) is None


def test_empty_stream_returns_none(sphinx) -> None:
    assert listener_for(b"", sphinx).listen(YESNO) is None


def test_stream_ending_mid_answer_still_hears_it(sphinx, synth) -> None:
    listener = listener_for(silence(0.5) + synth("right side", SLT), sphinx)
    assert listener.listen(SIDES).text == "right side"
    assert listener.listen(YESNO) is None


def test_silence_times_out_then_waits_for_continue(sphinx, synth) -> None:
    waits = []
    stream = silence(2.5) + silence(2.5) + silence(6.0) + pad(synth("continue", SLT))
    listener = VoiceListener(chunked(stream), sphinx, EndpointConfig(initial_silence_s=2.0), on_wait=lambda: waits.append(1))
    assert listener.listen(YESNO) == Heard("", 0.0)  # first silence: the dialog re-asks
    heard = listener.listen(YESNO)  # second: we say we'll wait, then wait past the timeout
    assert waits == [1] and heard.text == "continue"


def test_a_microphone_sending_only_silence_is_said_once_per_silent_stretch(sphinx, synth) -> None:
    notices = []
    stream = silence(4.0) + hiss(2.0) + silence(3.0)  # each question waits 2 s
    listener = VoiceListener(chunked(stream), sphinx, EndpointConfig(initial_silence_s=2.0))
    listener.on_no_sound = lambda: notices.append(1)
    asks = [Ask("?", f"rf_{n}", ("yes", "no"), grammar_for("yesno")) for n in ("fever", "cancer", "weakness", "bowel")]
    assert listener.listen(asks[0]) == Heard("", 0.0) and notices == [1]  # muted: said at the first timeout
    assert listener.listen(asks[1]) == Heard("", 0.0) and notices == [1]  # not again while it stays silent
    assert listener.listen(asks[2]) == Heard("", 0.0) and notices == [1]  # a quiet room is not a muted microphone
    assert listener.listen(asks[3]) == Heard("", 0.0) and notices == [1, 1]  # silent again after sound: said again


def test_a_quiet_live_room_is_not_taken_for_a_muted_microphone(sphinx) -> None:
    notices = []
    listener = VoiceListener(chunked(hiss(5.0, dbfs=-80.0)), sphinx, EndpointConfig(initial_silence_s=2.0))
    listener.on_no_sound = lambda: notices.append(1)
    assert listener.listen(YESNO) == Heard("", 0.0) and notices == []


def test_a_talking_room_is_said_once_while_it_talks_and_again_after_a_quiet_spell(sphinx) -> None:
    notices = []
    stream = television(12.0, seed=1) + hiss(4.0) + television(9.0, seed=2)
    listener = VoiceListener(chunked(stream), sphinx, EndpointConfig(initial_silence_s=3.0, max_utterance_s=5.0))
    listener.on_talking_room = lambda: notices.append(1)
    asks = [Ask("?", f"rf_{n}", ("yes", "no"), grammar_for("yesno")) for n in range(8)]
    heard = [listener.listen(asks[0])]
    # The television ran on as an "answer" to the maximum length: said at once, and not decoded as an answer
    assert notices == [1] and heard == [Heard("", 0.0)]
    heard += [listener.listen(asks[1]), listener.listen(asks[2])]
    assert notices == [1]  # not again while it keeps talking
    heard += [listener.listen(ask) for ask in asks[3:]]
    assert heard[-1] is None and notices == [1, 1]  # the quiet spell ended it; the television came back: said again


def test_a_room_with_steady_noise_is_not_taken_for_a_talking_one(sphinx) -> None:
    notices = []
    listener = VoiceListener(chunked(hiss(8.0, dbfs=-40.0)), sphinx, EndpointConfig(initial_silence_s=3.0))
    listener.on_talking_room = lambda: notices.append(1)
    assert listener.listen(YESNO) == Heard("", 0.0) and listener.listen(SIDES) == Heard("", 0.0) and notices == []


def test_timeouts_are_counted_per_question(sphinx) -> None:
    listener = VoiceListener(chunked(silence(5.0)), sphinx, EndpointConfig(initial_silence_s=2.0))
    assert listener.listen(YESNO) == Heard("", 0.0)
    assert listener.listen(SIDES) == Heard("", 0.0)


def test_give_me_more_time_lengthens_the_pause(sphinx, synth) -> None:
    gap = silence(0.9)  # with flite's own edges ~1.4 s: longer than a 1.2 s pause, shorter than 1.7 s
    stream = pad(synth("lower", SLT), 0.4, 0.0) + gap + pad(synth("back", SLT), 0.0, 2.5)
    short = listener_for(stream, sphinx, pause_s=1.2)
    assert short.listen(Ask("?", "where", (), ("lower back", "lower", "back"))).text == "lower"
    patient = listener_for(stream, sphinx, pause_s=1.2)
    patient.adjust(Adjust("pause", +1))
    assert patient.config.pause_s > 1.4
    assert patient.listen(Ask("?", "where", (), ("lower back", "lower", "back"))).text == "lower back"


def test_out_of_vocabulary_words_give_zero_confidence(sphinx, synth) -> None:
    listener = listener_for(pad(synth("yes", SLT)), sphinx)
    heard = listener.listen(Ask("?", "q", (), ("zzqx", "qqzz blorp")))
    assert heard == Heard("", 0.0)


def typed_after(frames: int, line: str):
    """A keyboard on which `line` is typed once `frames` audio frames have gone by."""
    polls = []

    def poll() -> str | None:
        polls.append(1)
        return line if len(polls) == frames else None
    return poll


def test_a_line_typed_while_listening_is_the_answer_and_ends_a_long_wait(sphinx) -> None:
    def room():  # a microphone in a quiet room: audio never ends
        while True:
            yield silence(0.03)

    listener = VoiceListener(room(), sphinx, EndpointConfig(initial_silence_s=None))
    listener.keyboard = typed_after(400, "no")  # 12 s in, longer than any silence timeout
    assert listener.listen(YESNO) == Heard("no", 1.0, typed=True)
    assert not listener.ended


def test_typing_wins_over_speech_being_heard(sphinx, synth) -> None:
    listener = listener_for(pad(synth("left side", SLT)) + pad(synth("yes", SLT)), sphinx)
    listener.keyboard = typed_after(25, "right")  # typed while "left side" is still being said
    assert listener.listen(SIDES) == Heard("right", 1.0, typed=True)
    assert listener.listen(YESNO).text == "yes" and not listener.ended  # later answers are heard as usual


def test_live_source_is_flushed_before_each_question(sphinx) -> None:
    flushed = []
    listener = VoiceListener(chunked(b""), sphinx, flush=lambda: flushed.append(1))
    listener.listen(YESNO)
    assert flushed == [1]


# --- speech out -------------------------------------------------------------------------------------


def test_speaker_captions_every_event_and_speaks_text() -> None:
    captions = Captions()
    tts = Tts(driver="dummy")
    speaking = []
    speaker = VoiceSpeaker(captions, tts, on_speaking=speaking.append)
    events = [Say("Hello."), YESNO, Adjust("rate", -1), End("Bye.", {})]
    for e in events:
        speaker.emit(e)
    assert captions.events == events
    assert speaking == [True, False] * 3  # the microphone is muted around each of the three spoken texts
    assert tts.rate == 160 - 20


def test_rate_changes_are_clamped() -> None:
    tts = Tts(rate=270, driver="dummy")
    assert tts.faster() == 280 and tts.faster() == 280
    assert Tts(rate=90, driver="dummy").slower() == 80


def test_pause_adjust_reaches_the_listener(sphinx) -> None:
    listener = VoiceListener(chunked(b""), sphinx)
    speaker = VoiceSpeaker(Captions(), None, on_adjust=listener.adjust)
    speaker.emit(Adjust("pause", +1))
    assert listener.config.pause_s == pytest.approx(EndpointConfig().pause_s + PAUSE_STEP)


def test_spoken_setting_changes_are_the_same_now_and_next_time(sphinx) -> None:
    # The session's speech and listening and the settings kept for next time once had their own steps and limits:
    # "faster" spoke at 185 words a minute and saved 180, and "give me more time" waited 4 s longer now, 1 s next time.
    kept = Settings()
    tts = Tts(rate=kept.rate, driver="dummy")
    listener = VoiceListener(chunked(b""), sphinx, EndpointConfig(kept.pause, kept.silence_timeout))
    speaker = SettingsKeeper(VoiceSpeaker(Captions(), tts, on_adjust=listener.adjust), kept, persist=False)
    for event in [Adjust("rate", +1)] * 9 + [Adjust("rate", -1), Adjust("pause", +1), Adjust("pause", +1)]:
        speaker.emit(event)
        assert (tts.rate, listener.config.pause_s, listener.config.initial_silence_s) == \
            (kept.rate, kept.pause, kept.silence_timeout)
    assert (kept.rate, kept.pause, kept.silence_timeout) == (260, 2.5, 18.0)


def test_speech_failure_mid_session_continues_with_captions(caplog) -> None:
    class Broken(Tts):
        def __init__(self) -> None:
            super().__init__(driver="dummy")
            self.calls = 0

        def speak(self, text: str) -> None:
            self.calls += 1
            raise SpeechFailed("speech engine failed: device lost")

    captions, tts = Captions(), Broken()
    speaker = VoiceSpeaker(captions, tts)
    with caplog.at_level(logging.WARNING):
        for text in ("one", "two", "three"):
            speaker.emit(Say(text))
    assert [e.text for e in captions.events] == ["one", "two", "three"]
    assert tts.calls == 1 and speaker.tts is None
    assert caplog.text.count("captions only") == 1


def test_stdout_is_kept_clean_while_speaking(capfd) -> None:
    with stdout_to_stderr():
        print("Audio saved to /tmp/x.wav")
    out, err = capfd.readouterr()
    assert out == "" and "Audio saved" in err


def test_real_espeak_driver_speaks_without_touching_stdout(capfd) -> None:
    try:
        tts = Tts(driver="espeak")
    except VoiceUnavailable as e:
        pytest.skip(f"espeak driver unavailable: {e}")
    tts.speak("Hello.")  # no sound card here: aplay fails quietly, but nothing may reach stdout
    assert capfd.readouterr().out == ""


# --- build_voice_io ------------------------------------------------------------------------------------


def test_build_with_audio_stream_uses_the_builtin_recognizer_and_says_so(synth, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("VOICE_TRIAGE_MODEL", "")
    monkeypatch.chdir(tmp_path)
    captions = Captions()
    stdin = io.BytesIO(pad(synth("right side", SLT)))
    options = VoiceOptions(audio_in="-", no_speak=True, recognizer="auto")
    listener, speaker = build_voice_io(options, captions, stdin=stdin)
    if listener.recognizer.name == "vosk":
        pytest.skip("an English Vosk model is installed in models/; the fallback is not used")
    assert captions.events == [Say("Using the built-in speech recognizer. For better recognition run: voice-triage "
                                   "models download")]
    assert listener.listen(SIDES).text == "right side" and listener.listen(SIDES) is None


def test_build_with_a_wav_file_and_dummy_speech(synth, tmp_path) -> None:
    import wave
    path = tmp_path / "a.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(pad(synth("right side", SLT)))
    captions = Captions()
    listener, speaker = build_voice_io(VoiceOptions(audio_in=str(path), recognizer="pocketsphinx", tts_driver="dummy",
                                                    rate=150), captions)
    assert speaker.tts is not None and speaker.tts.rate == 150
    assert listener.listen(SIDES).text == "right side"


def test_no_sound_card_turns_speech_off_with_a_notice(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("voice_triage.voice.setup.playback_missing", lambda: "no sound card found")
    (tmp_path / "a.raw").write_bytes(bytes(3200))  # a tenth of a second of silence
    captions = Captions()
    _, speaker = build_voice_io(VoiceOptions(audio_in=str(tmp_path / "a.raw"), recognizer="pocketsphinx"), captions)
    assert speaker.tts is None and captions.events == [Say("Spoken prompts are off: no sound card found.")]


def test_bad_audio_file_is_a_clear_error(tmp_path) -> None:
    (tmp_path / "bad.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    with pytest.raises(AudioFormatError, match="bad.wav"):
        build_voice_io(VoiceOptions(audio_in=str(tmp_path / "bad.wav"), recognizer="pocketsphinx"), Captions())


def test_missing_explicit_model_is_voice_unavailable(tmp_path) -> None:
    with pytest.raises(VoiceUnavailable, match="models download"):
        build_voice_io(VoiceOptions(model=tmp_path / "none", audio_in="-", no_speak=True), Captions(),
                       stdin=io.BytesIO(b""))


def test_microphone_missing_is_voice_unavailable_with_what_to_do() -> None:
    """This machine has no input device (or no PortAudio): voice mode must say so in one line."""
    with pytest.raises(VoiceUnavailable) as info:
        build_voice_io(VoiceOptions(recognizer="pocketsphinx", no_speak=True), Captions())
    message = str(info.value)
    assert "\n" not in message and ("microphone" in message or "PortAudio" in message)


def test_a_raw_file_with_a_stray_last_byte_is_heard_to_its_end(sphinx, synth, tmp_path) -> None:
    # Half a sample at the end made the listener fail ("buffer size must be a multiple of element size")
    (tmp_path / "odd.raw").write_bytes(pad(synth("yes", SLT), 0.5, 0.3) + b"\x01")
    listener, _ = build_voice_io(VoiceOptions(audio_in=str(tmp_path / "odd.raw"), recognizer="pocketsphinx",
                                              no_speak=True), Captions())
    assert listener.listen(YESNO).text == "yes"
    assert listener.listen(YESNO) is None

    (tmp_path / "quiet.raw").write_bytes(silence(5.0))
    captions = Captions()
    listener, _ = build_voice_io(VoiceOptions(audio_in=str(tmp_path / "quiet.raw"), recognizer="pocketsphinx",
                                              no_speak=True, silence_timeout=2.0), captions)
    assert listener.listen(YESNO) == Heard("", 0.0)
    assert listener.listen(YESNO) is None  # waited, then the audio ended
    assert Say(load_content().phrases["silence_wait"]) in captions.events


@pytest.mark.parametrize(("can_type", "phrase"), [(False, "room_talking"), (True, "room_talking_typing")])
def test_a_talking_room_is_said_through_the_speaker(sphinx, tmp_path, can_type, phrase) -> None:
    (tmp_path / "tv.raw").write_bytes(television(8.0, seed=3))
    captions = Captions()
    listener, _ = build_voice_io(VoiceOptions(audio_in=str(tmp_path / "tv.raw"), recognizer="pocketsphinx",
                                              no_speak=True, max_utterance=5.0, can_type=can_type), captions)
    listener.listen(YESNO)
    assert [event for event in captions.events if isinstance(event, Say)] == [Say(load_content().phrases[phrase])]
