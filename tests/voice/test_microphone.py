"""The microphone source, with only the physical device replaced (there is no sound card here)."""
from __future__ import annotations

import io
import json
import os
import sys
import threading
import time

import pytest

from voice_triage import cli
from voice_triage.voice import microphone
from voice_triage.voice.errors import VoiceUnavailable
from voice_triage.voice.microphone import Microphone

from fake_devices import FakeDevice, LiveDevice, TwoMicrophones, typed_microphone_session


def test_callback_only_enqueues_and_muting_drops_our_own_voice(monkeypatch) -> None:
    fake = FakeDevice()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    mic = Microphone()
    assert fake.stream.kw["samplerate"] == 16000 and fake.stream.kw["dtype"] == "int16"
    callback = fake.stream.kw["callback"]
    callback(b"\x01\x00" * 480, 480, None, None)
    mic.muted = True
    callback(b"\x02\x00" * 480, 480, None, None)  # while the assistant speaks: dropped
    mic.muted = False
    chunks = mic.chunks()
    assert next(chunks) == b"\x01\x00" * 480 and fake.stream.started
    callback(b"\x03\x00" * 480, 480, None, None)
    mic.flush()
    callback(b"\x04\x00" * 480, 480, None, None)
    assert next(chunks) == b"\x04\x00" * 480


def test_the_end_of_a_prompt_still_playing_is_not_heard_as_the_answer(monkeypatch) -> None:
    fake = FakeDevice()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    monkeypatch.setattr(microphone, "ECHO_GUARD_S", 0.2)
    mic = Microphone()
    callback, chunks = fake.stream.kw["callback"], mic.chunks()
    mic.speaking(True)
    callback(b"\x01\x00" * 480, 480, None, None)  # the prompt: muted
    mic.speaking(False)
    callback(b"\x02\x00" * 480, 480, None, None)  # "...or not sure" still coming out of the speaker: dropped
    time.sleep(0.25)
    callback(b"\x03\x00" * 480, 480, None, None)  # the person's answer
    assert next(chunks) == b"\x03\x00" * 480


def test_no_input_device_is_a_clear_voice_unavailable(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", FakeDevice(has_input=False))
    with pytest.raises(VoiceUnavailable, match="no microphone found"):
        Microphone()


def test_missing_portaudio_is_a_clear_voice_unavailable(monkeypatch) -> None:
    class Loader:
        def find_spec(self, name, path=None, target=None):
            if name == "sounddevice":
                raise OSError("PortAudio library not found")
            return None

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Loader(), *sys.meta_path])
    with pytest.raises(VoiceUnavailable, match="libportaudio2"):
        Microphone()


def test_a_spoken_session_can_be_answered_at_the_keyboard(monkeypatch, capsys, tmp_path) -> None:
    report_path = tmp_path / "report.json"
    device = LiveDevice()
    code = typed_microphone_session(monkeypatch, device, ["--no-save", "--no-speak", "--recognizer",
                                                          "pocketsphinx", "--report", str(report_path)])
    report = json.loads(report_path.read_text())
    assert code == 0 and report["disposition"] == "emergency"
    assert device.closed == 1  # the microphone was let go when the session ended, not left hearing the room
    assert [(t["question"], t["heard"]) for t in report["transcript"]][:1] == [("rf_bladder", "yes")]
    captured = capsys.readouterr()
    assert "typed mode" not in captured.err  # voice mode ran: the microphone was listening all along
    assert "Is that right?" not in captured.out  # typed answers are not read back


class SpeakingDevice(FakeDevice):
    """A fake device that records only at 48 kHz and plays given 48 kHz audio into its callback in 10 ms blocks,
    then goes on with a quiet room."""

    def __init__(self, audio48: bytes, channels: int = 1) -> None:
        super().__init__(rates=(44100, 48000), channels=(channels,))
        self.audio48 = audio48 if channels == 1 else _interleave(audio48, channels)
        self.width = 2 * channels

    def RawInputStream(self, **kw):  # noqa: N802 - sounddevice's name
        stream = super().RawInputStream(**kw)

        def start() -> None:
            stream.started = True
            block = self.width * 480  # 10 ms at 48 kHz, unlike the 30 ms asked for: devices may differ
            data = self.audio48 + b"\x00" * self.width * 48000 * 3
            for i in range(0, len(data), block):
                kw["callback"](data[i:i + block], 480, None, None)

        stream.start = start
        return stream


def test_a_device_without_16_khz_is_recorded_at_its_own_rate_and_understood(monkeypatch, synth, sphinx) -> None:
    from voice_triage.events import Ask
    from voice_triage.voice.audio import StreamResampler
    from voice_triage.voice.listener import VoiceListener
    from voice_triage.voice.testing import FLITE, pad

    speech = pad(synth("yes", FLITE[0]), 0.5, 0.2)
    up = StreamResampler(16000, 48000).feed(speech)  # what a 48 kHz microphone would deliver
    fake = SpeakingDevice(up)
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    mic = Microphone()
    assert mic.rate == 48000 and fake.stream.kw["samplerate"] == 48000 and fake.stream.kw["blocksize"] == 1440
    heard = VoiceListener(mic.chunks(), sphinx).listen(Ask("Any numbness?", "rf_saddle", (), ("yes", "no")))
    assert heard is not None and heard.text == "yes" and heard.confidence >= 0.5


def _interleave(pcm: bytes, channels: int) -> bytes:
    """The same speech on the first channel, half as loud on the others."""
    import numpy as np
    x = np.frombuffer(pcm, dtype="<i2")
    return np.stack([x] + [x // 2] * (channels - 1), axis=1).astype("<i2").tobytes()


def test_a_stereo_only_device_is_mixed_down_and_understood(monkeypatch, synth, sphinx) -> None:
    from voice_triage.events import Ask
    from voice_triage.voice.audio import StreamResampler
    from voice_triage.voice.listener import VoiceListener
    from voice_triage.voice.testing import FLITE, pad

    up = StreamResampler(16000, 48000).feed(pad(synth("no", FLITE[0]), 0.5, 0.2))
    fake = SpeakingDevice(up, channels=2)
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    mic = Microphone()
    assert (mic.rate, mic.channels) == (48000, 2) and fake.stream.kw["channels"] == 2
    heard = VoiceListener(mic.chunks(), sphinx).listen(Ask("Any numbness?", "rf_saddle", (), ("yes", "no")))
    assert heard is not None and heard.text == "no" and heard.confidence >= 0.5


def test_a_device_that_offers_16_khz_is_not_converted(monkeypatch) -> None:
    fake = FakeDevice(rates=(16000, 44100))
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    assert Microphone().rate == 16000 and fake.stream.kw["blocksize"] == 480


class UnpluggedDevice(FakeDevice):
    """Sends `blocks` callbacks, then nothing, like a USB microphone pulled out; reopened streams send
    `after_reopen` blocks (0: the device is really gone)."""

    def __init__(self, blocks: int, after_reopen: int) -> None:
        super().__init__()
        self.plan = [blocks, after_reopen]

    def RawInputStream(self, **kw):  # noqa: N802 - sounddevice's name
        stream = super().RawInputStream(**kw)
        count = self.plan[min(self.opened - 1, 1)]

        def start() -> None:
            stream.started = True

            def feed() -> None:
                for _ in range(count):
                    kw["callback"](b"\x05\x00" * 480, 480, None, None)
                    time.sleep(0.01)
            threading.Thread(target=feed, daemon=True).start()

        stream.start = start
        return stream


def test_an_unplugged_microphone_is_reopened_once_and_then_reported_lost(monkeypatch) -> None:
    fake = UnpluggedDevice(blocks=5, after_reopen=0)
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    mic = Microphone(stall_s=0.3)
    chunks = mic.chunks()
    got = [next(chunks) for _ in range(5)]
    start = time.monotonic()
    with pytest.raises(microphone.MicrophoneLost, match="stopped sending sound"):
        next(chunks)
    assert got == [b"\x05\x00" * 480] * 5 and fake.opened == 2  # reopened once, no more
    assert time.monotonic() - start < 3.0  # about two stall periods, never a hang


def test_a_microphone_that_comes_back_after_reopening_keeps_the_session(monkeypatch) -> None:
    fake = UnpluggedDevice(blocks=3, after_reopen=50)
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    mic = Microphone(stall_s=0.3)
    chunks = mic.chunks()
    assert len([next(chunks) for _ in range(3 + 20)]) == 23 and fake.opened == 2


def test_a_busy_microphone_is_a_clear_voice_unavailable(monkeypatch) -> None:
    class Busy(FakeDevice):
        def RawInputStream(self, **kw):  # noqa: N802 - sounddevice's name
            raise self.PortAudioError("Device unavailable [PaErrorCode -9985]")

    monkeypatch.setitem(sys.modules, "sounddevice", Busy())
    with pytest.raises(VoiceUnavailable, match="could not be opened .*--mic"):
        Microphone()


def test_mics_lists_input_devices_and_marks_the_default(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", TwoMicrophones())
    assert cli.main(["mics"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("*  0  HDA Intel PCH: ALC257") and out[1].startswith("   2  Jabra EVOLVE 20")
    assert "HDMI" not in "".join(out) and "--mic" in out[-1]


def test_mics_without_any_microphone_says_so_in_one_line(monkeypatch, capsys) -> None:
    class Nothing(TwoMicrophones):
        devices = [TwoMicrophones.devices[1]]

    monkeypatch.setitem(sys.modules, "sounddevice", Nothing())
    assert cli.main(["mics"]) == cli.EXIT_VOICE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no microphone found" in err


def test_mic_chooses_a_device_by_part_of_its_name_or_its_number(monkeypatch) -> None:
    fake = TwoMicrophones()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    from voice_triage.voice.microphone import device_spec
    assert Microphone(device_spec("Jabra")).name.startswith("Jabra") and fake.stream.kw["device"] == "Jabra"
    assert Microphone(device_spec(" 2 ")).name.startswith("Jabra") and fake.stream.kw["device"] == 2
    with pytest.raises(VoiceUnavailable, match="no microphone matches 'headset'.*voice-triage mics"):
        Microphone(device_spec("headset"))


def test_a_microphone_lost_mid_session_carries_on_by_typing_with_the_answers_kept(monkeypatch, capsys, caplog,
                                                                                    tmp_path) -> None:
    from voice_triage.voice.listener import ROOM_BEFORE_S
    # The room heard before the first question comes through; then the microphone sends nothing, and is lost.
    monkeypatch.setitem(sys.modules, "sounddevice", UnpluggedDevice(blocks=round(ROOM_BEFORE_S / microphone.CHUNK_S),
                                                                   after_reopen=0))
    monkeypatch.setattr(microphone, "STALL_S", 0.3)
    read_fd, write_fd = os.pipe()
    monkeypatch.setattr(sys, "stdin", os.fdopen(read_fd, "r", encoding="utf-8"))
    os.write(write_fd, b"yes\nno\n")  # typed once voice input is gone
    os.close(write_fd)
    report_path = tmp_path / "report.json"
    code = cli.main(["--no-save", "--no-speak", "--recognizer", "pocketsphinx", "--report", str(report_path)])
    report = json.loads(report_path.read_text())
    captured = capsys.readouterr()
    assert code == 0 and report["disposition"] == "emergency"
    assert [(t["question"], t["heard"]) for t in report["transcript"]][:1] == [("rf_bladder", "yes")]
    assert "Voice input stopped working" in captured.out and "Traceback" not in captured.err
    assert "Is that right?" not in captured.out  # typed now: not read back
    assert "stopped sending sound" in caplog.text  # the reason, one warning line on stderr


def test_the_mic_setting_is_used_and_a_missing_one_starts_typed_in_one_line(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", TwoMicrophones())
    monkeypatch.setenv("VOICE_TRIAGE_CONFIG", str(tmp_path / "settings.toml"))
    assert cli.main(["settings", "set", "mic", "headset"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\nno\n"))
    assert cli.main(["--no-save", "--no-speak", "--recognizer", "pocketsphinx"]) == 0
    err = capsys.readouterr().err
    assert "no microphone matches 'headset'" in err and "continuing in typed mode" in err
    assert err.count("\n") == 1


def test_a_muted_microphone_is_said_once_and_typing_still_works(monkeypatch, capsys, tmp_path) -> None:
    from voice_triage.content import load_content
    from voice_triage.voice.listener import ROOM_BEFORE_S
    notice, welcome = load_content().phrases["mic_silent"], load_content().phrases["welcome"][0]
    monkeypatch.setitem(sys.modules, "sounddevice", LiveDevice())  # exact zeros, in real time
    read_fd, write_fd = os.pipe()
    monkeypatch.setattr(sys, "stdin", os.fdopen(read_fd, "r", encoding="utf-8"))
    # Typed after the room was heard and the first question timed out twice.
    threading.Timer(3.0 + ROOM_BEFORE_S, lambda: (os.write(write_fd, b"yes\nno\n"), os.close(write_fd))).start()
    report_path = tmp_path / "report.json"
    code = cli.main(["--no-save", "--no-speak", "--recognizer", "pocketsphinx", "--silence-timeout", "1",
                     "--report", str(report_path)])
    out = capsys.readouterr().out
    assert code == 0 and json.loads(report_path.read_text())["disposition"] == "emergency"
    # Said once, at once: before the welcome, from the room heard before it (before, only after two silent waits).
    assert out.count(notice) == 1
    assert out.index(notice) < out.index(welcome) < out.index("Say continue when you are ready")


def test_silence_in_an_audio_file_is_not_taken_for_a_muted_microphone(capsys, tmp_path) -> None:
    from voice_triage.content import load_content
    from voice_triage.voice.testing import silence
    raw = tmp_path / "silence.raw"
    raw.write_bytes(silence(4.0))
    # Nothing was said: no advice, and the file is named (exit 6; it ended with advice until stop 39)
    assert cli.main(["--no-save", "--no-speak", "--recognizer", "pocketsphinx", "--silence-timeout", "1",
                     "--audio-in", str(raw)]) == cli.EXIT_NOTHING_HEARD
    out = capsys.readouterr().out
    assert "Say continue when you are ready" in out and load_content().phrases["mic_silent"] not in out


def test_a_microphone_that_cannot_start_is_one_line_and_the_session_is_typed(monkeypatch, capsys) -> None:
    class Busy(FakeDevice):
        def RawInputStream(self, **kw):  # noqa: N802 - sounddevice's name
            stream = super().RawInputStream(**kw)

            def start() -> None:
                raise self.PortAudioError("Device unavailable [PaErrorCode -9985]")

            stream.start = start
            return stream

    # The microphone starts as the assistant starts (to hear the room meanwhile), not at the first question.
    monkeypatch.setitem(sys.modules, "sounddevice", Busy())
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\nno\n"))
    assert cli.main(["--no-save", "--no-speak", "--recognizer", "pocketsphinx"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not be started" in err and "continuing in typed mode" in err
