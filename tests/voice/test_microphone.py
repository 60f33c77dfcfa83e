"""The microphone source, with only the physical device replaced (there is no sound card here)."""
from __future__ import annotations

import sys
import types

import pytest

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
