"""The microphone through sounddevice: any input device, at 16 kHz or converted from its own rate, watched for
going silent (unplugged) with one attempt to reopen it."""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from voice_triage.voice.audio import CHUNK_BYTES, SAMPLE_RATE, SAMPLE_WIDTH, StreamResampler
from voice_triage.voice.errors import VoiceUnavailable

log = logging.getLogger(__name__)

CHUNK_S = CHUNK_BYTES / SAMPLE_WIDTH / SAMPLE_RATE  # 30 ms blocks at whatever rate the device runs
# A live input stream calls back about 33 times a second even in a silent room, and while the assistant speaks.
# USB and Bluetooth microphones that are unplugged usually raise no error: the callbacks just stop.
STALL_S = 3.0
RELEASE_WAIT_S = 1.0  # closing a vanished device can block in some audio back ends: do not wait longer
# The speech engine returns when it has handed over its last sound, but the sound system may still be playing
# it (tens to a few hundred ms): without this, the end of a prompt ("...or not sure", "Is that right?") could be
# heard as the answer. People seldom answer a spoken question sooner, and the endpointer keeps 0.5 s before
# speech starts anyway. Not measured here (no sound card): a value to check on real devices.
ECHO_GUARD_S = 0.3


class MicrophoneLost(VoiceUnavailable):
    """The microphone stopped sending sound and could not be reopened."""


class Microphone:
    """One input device; the callback only enqueues, conversion and the stall check happen on the reading side."""

    def __init__(self, device: int | str | None = None, stall_s: float | None = None) -> None:
        self._sd = import_sounddevice()
        self.device, self.stall_s = device, STALL_S if stall_s is None else stall_s
        info = self._input_info(device)
        self.name = str(info.get("name", "microphone"))
        self.rate, self.channels = self._choose_format(device, int(info.get("default_samplerate", SAMPLE_RATE)))
        self._queue: queue.Queue[bytes] = queue.Queue()
        self.muted = False  # set while the assistant speaks: half duplex, never hear ourselves
        self._deaf_until = 0.0  # and a moment after, while the sound system plays the end of the prompt
        self._resampler = self._new_resampler()
        self._called_at = time.monotonic()
        self._stream = self._open()
        self._started = False

    def _input_info(self, device: int | str | None) -> dict:
        """The device's description; a clear VoiceUnavailable when there is no such input device."""
        try:
            info = self._sd.query_devices(device, kind="input")
        except (self._sd.PortAudioError, ValueError) as e:
            if device is None:
                raise VoiceUnavailable(f"no microphone found ({e}); plug one in, or use --audio-in FILE") from e
            raise VoiceUnavailable(f"no microphone matches {device!r} ({e}); list them with: voice-triage mics") from e
        return dict(info)

    def _choose_format(self, device: int | str | None, default: int) -> tuple[int, int]:
        """(rate, channels): 16 kHz mono when the device offers it, else its own rate, else stereo (some raw
        hardware devices record only two channels); converted as it is read."""
        tried = []
        for rate, channels in ((SAMPLE_RATE, 1), (default, 1), (SAMPLE_RATE, 2), (default, 2)):
            try:
                self._sd.check_input_settings(device, channels=channels, dtype="int16", samplerate=rate)
            except (self._sd.PortAudioError, ValueError) as e:
                tried.append(f"{rate} Hz x{channels}: {e}")
                continue
            if tried:
                log.info("%s: recording at %d Hz, %d channel(s), converted (%s)", self.name, rate, channels,
                         "; ".join(tried))
            return rate, channels
        return SAMPLE_RATE, 1  # nothing checked out: opening the stream will say why in one line

    def _new_resampler(self) -> StreamResampler | None:
        """A converter to 16 kHz, or None when the device already records at 16 kHz."""
        return None if self.rate == SAMPLE_RATE else StreamResampler(self.rate, SAMPLE_RATE)

    def _open(self) -> Any:
        """Open the input stream; a busy or refusing device is a one-line VoiceUnavailable."""
        try:
            return self._sd.RawInputStream(samplerate=self.rate, channels=self.channels, dtype="int16",
                                           device=self.device, blocksize=round(self.rate * CHUNK_S),
                                           callback=self._callback)
        except (self._sd.PortAudioError, ValueError) as e:
            raise VoiceUnavailable(f"the microphone {self.name!r} could not be opened ({e}); close other programs "
                                   "using it, or choose another with --mic (list them: voice-triage mics)") from e

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio thread: note that the device is alive, copy the bytes unless muted; nothing slow here."""
        self._called_at = now = time.monotonic()
        if not self.muted and now >= self._deaf_until:
            self._queue.put(bytes(indata))

    def speaking(self, speaking: bool) -> None:
        """Mute while the assistant speaks; after, stay deaf for ECHO_GUARD_S and drop what was captured."""
        self.muted = speaking
        if not speaking:
            self._deaf_until = time.monotonic() + ECHO_GUARD_S
            self.flush()

    def flush(self) -> None:
        """Drop audio captured so far (e.g. our own prompt leaking back)."""
        while not self._queue.empty():
            self._queue.get_nowait()
        self._resampler = self._new_resampler()

    def chunks(self) -> Iterator[bytes]:
        """Yield captured 16 kHz chunks for as long as the device sends sound; MicrophoneLost when it stops."""
        self.start()
        try:
            while True:
                try:
                    raw = self._queue.get(timeout=min(0.5, self.stall_s))
                except queue.Empty:
                    if self._stalled():
                        self._reopen()
                    continue
                mono = raw if self.channels == 1 else to_mono(raw, self.channels)
                converted = self._resampler.feed(mono) if self._resampler else mono
                if converted:
                    yield converted
        finally:
            self._release(self._stream.stop)

    def start(self) -> None:
        """Start the stream and the stall clock, if not yet started: what it captures waits to be read."""
        if not self._started:
            self._started = True
            self._called_at = time.monotonic()
            try:
                self._stream.start()
            except self._sd.PortAudioError as e:
                raise VoiceUnavailable(f"the microphone {self.name!r} could not be started ({e}); close other "
                                       "programs using it, or choose another with --mic (list them: voice-triage "
                                       "mics)") from e

    def _stalled(self) -> bool:
        """No callback for `stall_s` seconds, or the stream ended by itself."""
        return time.monotonic() - self._called_at > self.stall_s or not getattr(self._stream, "active", True)

    def _reopen(self) -> None:
        """Close the silent stream and open the device again (a loose plug, a restarted sound server); if the
        new stream sends nothing within `stall_s` either, the microphone is lost."""
        log.warning("the microphone %r sent no sound for %g s; reopening it", self.name, self.stall_s)
        self._release(getattr(self._stream, "abort", self._stream.stop))
        self._release(self._stream.close)
        try:
            self._stream = self._open()
            opened_at = time.monotonic()
            self._stream.start()
        except Exception as e:  # noqa: BLE001 - any failure here means the device is gone
            raise MicrophoneLost(f"the microphone {self.name!r} stopped sending sound ({e})") from e
        while time.monotonic() - opened_at < self.stall_s:
            if self._called_at >= opened_at:
                log.info("the microphone %r is back", self.name)
                return
            time.sleep(0.05)
        raise MicrophoneLost(f"the microphone {self.name!r} stopped sending sound (unplugged?)")

    def _release(self, action: Any) -> None:
        """Stop or close on a helper thread, waiting at most RELEASE_WAIT_S (a vanished device can hang)."""
        worker = threading.Thread(target=_quietly, args=(action,), daemon=True)
        worker.start()
        worker.join(RELEASE_WAIT_S)

    def close(self) -> None:
        """Release the device."""
        self._release(self._stream.close)


def to_mono(pcm: bytes, channels: int) -> bytes:
    """Interleaved int16 frames to mono: the channels' average."""
    x = np.frombuffer(pcm[: len(pcm) - len(pcm) % (2 * channels)], dtype="<i2").reshape(-1, channels)
    return x.mean(axis=1).round().astype("<i2").tobytes()


def _quietly(action: Any) -> None:
    """Run a release action; a device that is already gone may complain, which no longer matters."""
    try:
        action()
    except Exception:  # noqa: BLE001 - releasing a dead device
        log.debug("releasing the microphone failed", exc_info=True)


def microphones() -> list[str]:
    """One line per input device: index, name, default rate; the default device marked with '*'."""
    sd = import_sounddevice()
    try:
        devices = sd.query_devices()
        default_in = sd.default.device[0] if isinstance(sd.default.device, (list, tuple)) else sd.default.device
    except sd.PortAudioError as e:
        raise VoiceUnavailable(f"cannot list sound devices ({e})") from e
    return [f"{'*' if d['index'] == default_in else ' '} {d['index']:>2}  {d['name']}  "
            f"({int(d['default_samplerate'])} Hz)" for d in _indexed(devices) if d.get("max_input_channels", 0) > 0]


def _indexed(devices: Any) -> list[dict]:
    """sounddevice's DeviceList as dicts that carry their index (older sounddevice leaves it out)."""
    return [{"index": i, **d} for i, d in enumerate(devices)]


def device_spec(text: str | None) -> int | str | None:
    """--mic or the `mic` setting: an index ("2"), part of a device name ("USB"), or nothing for the default."""
    text = (text or "").strip()
    return int(text) if text.isdigit() else (text or None)


def import_sounddevice() -> Any:
    """Import sounddevice lazily; PortAudio missing raises OSError at import."""
    try:
        import sounddevice
    except OSError as e:
        raise VoiceUnavailable(
            "PortAudio is missing, so the microphone cannot be used; install it: sudo apt-get install libportaudio2") from e
    except ImportError as e:
        raise VoiceUnavailable("the sounddevice package is missing; install: pip install 'voice-triage[voice]'") from e
    return sounddevice

