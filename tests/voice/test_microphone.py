"""The microphone source, with only the physical device replaced (there is no sound card here)."""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import types

import pytest

from voice_triage import cli
from voice_triage.voice.audio import Microphone
from voice_triage.voice.errors import VoiceUnavailable


class FakeDevice(types.ModuleType):
    """Stands in for sounddevice: one input stream whose callback the test drives."""

    class PortAudioError(Exception):
        pass

    def __init__(self, has_input: bool = True) -> None:
        super().__init__("sounddevice")
        self.has_input = has_input
        self.stream = None

    def query_devices(self, device=None, kind=None):
        if not self.has_input:
            raise self.PortAudioError("Error querying device -1")
        return {"name": "fake", "max_input_channels": 1}

    def RawInputStream(self, **kw):  # noqa: N802 - sounddevice's name
        outer = self

        class Stream:
            def __init__(self) -> None:
                self.kw, self.started = kw, False
                outer.stream = self

            def start(self) -> None:
                self.started = True

            def stop(self) -> None:
                self.started = False

            def close(self) -> None:
                pass

        return Stream()


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


class LiveDevice(FakeDevice):
    """A fake device whose stream delivers a quiet room in real time once started, like a real microphone."""

    def RawInputStream(self, **kw):  # noqa: N802 - sounddevice's name
        stream = super().RawInputStream(**kw)
        running = threading.Event()

        def feed() -> None:
            while running.is_set():
                kw["callback"](b"\x00\x00" * 480, 480, None, None)
                time.sleep(0.03)

        def start() -> None:
            running.set()
            threading.Thread(target=feed, daemon=True).start()

        stream.start, stream.stop = start, running.clear
        return stream


def test_a_spoken_session_can_be_answered_at_the_keyboard(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", LiveDevice())
    read_fd, write_fd = os.pipe()
    monkeypatch.setattr(sys, "stdin", os.fdopen(read_fd, "r", encoding="utf-8"))
    os.write(write_fd, b"yes\nno\n")  # typed: "yes" to the first warning sign, "no" to hearing the advice again
    os.close(write_fd)
    report_path = tmp_path / "report.json"
    handler = signal.getsignal(signal.SIGTERM)
    # If typing were ignored, the microphone would wait for ever: the program's own SIGTERM handling ends it.
    watchdog = threading.Timer(60, os.kill, (os.getpid(), signal.SIGTERM))
    watchdog.start()
    try:
        code = cli.main(["--no-save", "--no-speak", "--recognizer", "pocketsphinx", "--report", str(report_path)])
    finally:
        watchdog.cancel()
        signal.signal(signal.SIGTERM, handler)
    report = json.loads(report_path.read_text())
    assert code == 0 and report["disposition"] == "emergency"
    assert [(t["question"], t["heard"]) for t in report["transcript"]][:1] == [("rf_bladder", "yes")]
    captured = capsys.readouterr()
    assert "typed mode" not in captured.err  # voice mode ran: the microphone was listening all along
    assert "Is that right?" not in captured.out  # typed answers are not read back
