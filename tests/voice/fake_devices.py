"""Stand-ins for the sounddevice module: the physical microphone is the one thing that cannot exist here."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
import types


class FakeDevice(types.ModuleType):
    """Stands in for sounddevice: one input stream whose callback the test drives."""

    class PortAudioError(Exception):
        pass

    def __init__(self, has_input: bool = True, rates: tuple[int, ...] = (16000, 48000),
                 channels: tuple[int, ...] = (1, 2)) -> None:
        super().__init__("sounddevice")
        self.has_input, self.rates, self.channels = has_input, rates, channels
        self.stream = None
        self.opened = self.closed = 0

    def query_devices(self, device=None, kind=None):
        if not self.has_input:
            raise self.PortAudioError("Error querying device -1")
        return {"name": "fake", "max_input_channels": 1, "default_samplerate": float(self.rates[-1])}

    def check_input_settings(self, device=None, channels=None, dtype=None, samplerate=None, **kw):
        if samplerate not in self.rates:
            raise self.PortAudioError("Invalid sample rate [PaErrorCode -9997]")
        if channels not in self.channels:
            raise self.PortAudioError("Invalid number of channels [PaErrorCode -9998]")

    def RawInputStream(self, **kw):  # noqa: N802 - sounddevice's name
        outer = self

        class Stream:
            def __init__(self) -> None:
                self.kw, self.started = kw, False
                outer.stream = self
                outer.opened += 1

            def start(self) -> None:
                self.started = True

            def stop(self) -> None:
                self.started = False

            def close(self) -> None:
                self.started = False
                outer.closed += 1

        return Stream()


class LiveDevice(FakeDevice):
    """A fake device whose stream delivers a room in real time once started, like a real microphone: exact silence,
    or `room` (16 kHz PCM) over and over."""

    def __init__(self, room: bytes = b"\x00\x00" * 480) -> None:
        super().__init__()
        self.room = room

    def RawInputStream(self, **kw):  # noqa: N802 - sounddevice's name
        stream = super().RawInputStream(**kw)
        running = threading.Event()
        block = 2 * 480

        def feed() -> None:
            at = 0
            while running.is_set():
                kw["callback"](self.room[at:at + block], 480, None, None)
                at = at + block if at + 2 * block <= len(self.room) else 0
                time.sleep(0.03)

        def start() -> None:
            running.set()
            threading.Thread(target=feed, daemon=True).start()

        def close() -> None:
            running.clear()
            outer_close()

        outer_close = stream.close
        stream.start, stream.stop, stream.close = start, running.clear, close
        return stream


class TwoMicrophones(FakeDevice):
    """A laptop's microphone (the default), a USB headset and a speaker with no input."""

    devices = [{"index": 0, "name": "HDA Intel PCH: ALC257 Analog (hw:0,0)", "max_input_channels": 2,
                "default_samplerate": 44100.0},
               {"index": 1, "name": "HDA Intel PCH: HDMI 0 (hw:0,3)", "max_input_channels": 0,
                "default_samplerate": 44100.0},
               {"index": 2, "name": "Jabra EVOLVE 20: USB Audio (hw:2,0)", "max_input_channels": 1,
                "default_samplerate": 16000.0}]
    default = types.SimpleNamespace(device=[0, 1])

    def query_devices(self, device=None, kind=None):
        if device is None and kind is None:
            return list(self.devices)
        if device is None:
            return self.devices[0]
        found = [d for d in self.devices if (d["index"] == device if isinstance(device, int) else device in d["name"])
                 and d["max_input_channels"] > 0]
        if len(found) != 1:
            raise ValueError(f"No input device matching {device!r}")
        return found[0]


def typed_microphone_session(monkeypatch, device: FakeDevice, args: list[str]) -> int:
    """Run `voice-triage ARGS` on `device` with "yes" (to the first warning sign) and "no" (to hearing the advice
    again) typed at once; a session that ignored typing would listen for ever, so after 60 s the program's own
    SIGTERM handling ends it."""
    from voice_triage import cli

    monkeypatch.setitem(sys.modules, "sounddevice", device)
    read_fd, write_fd = os.pipe()
    monkeypatch.setattr(sys, "stdin", os.fdopen(read_fd, "r", encoding="utf-8"))
    os.write(write_fd, b"yes\nno\n")
    os.close(write_fd)
    handler = signal.getsignal(signal.SIGTERM)
    watchdog = threading.Timer(60, os.kill, (os.getpid(), signal.SIGTERM))
    watchdog.start()
    try:
        return cli.main(args)
    finally:
        watchdog.cancel()
        signal.signal(signal.SIGTERM, handler)
