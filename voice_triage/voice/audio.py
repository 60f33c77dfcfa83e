"""Audio sources as generators of 16 kHz mono 16-bit little-endian PCM chunks, and one converter."""
from __future__ import annotations

import io
import logging
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from voice_triage.voice.errors import AudioFormatError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
SAMPLE_WIDTH = 2
CHUNK_BYTES = 960  # 30 ms: small enough for prompt endpointing, large enough to keep overhead low
FRAME_SAMPLES = SAMPLE_RATE // 100  # 10 ms, pocketsphinx's frame
# Frames of a WAV file read and converted at a time (1.4 s at 48 kHz): memory stays a few MB whatever the file's
# length. Read whole, a 20-minute stereo 48 kHz file (231 MB) took 3.27 GB, and failed under a memory limit.
BLOCK_FRAMES = 1 << 16
_FMT_READ = 64  # bytes of a format chunk worth reading: its fields end at 26; a lying size must not make us read on
_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


def as_floats(pcm: bytes) -> np.ndarray:
    """16-bit PCM as floats (a stray last byte is dropped)."""
    return np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2").astype(np.float64)


def as_pcm(x: np.ndarray) -> bytes:
    """Floats on the 16-bit scale as 16-bit PCM: clipped to its range, then rounded."""
    return np.clip(x, -32768, 32767).round().astype("<i2").tobytes()


def frame_power(pcm: bytes) -> np.ndarray:
    """Mean power of each 10 ms frame, plus 1 so silence has a logarithm (a short tail is left out; at least one
    frame, padded with zeros)."""
    x = as_floats(pcm)
    n = max(1, len(x) // FRAME_SAMPLES)
    x = np.pad(x, (0, max(0, n * FRAME_SAMPLES - len(x))))[: n * FRAME_SAMPLES]
    return (x.reshape(n, FRAME_SAMPLES) ** 2).mean(axis=1) + 1.0


def to_pcm16(samples: np.ndarray, rate: int) -> bytes:
    """Convert float or int samples (frames x channels, or mono) at `rate` to 16 kHz mono int16 bytes."""
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)  # stereo and more: average the channels
    return _int16(resample(x, rate, SAMPLE_RATE))


def _int16(x: np.ndarray) -> bytes:
    """Floats in [-1, 1] as int16 bytes (clipped, then rounded)."""
    return (np.clip(x, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()


def resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Resample a whole float signal (files); low-pass first when downsampling so speech does not alias.

    Not the StreamResampler below, on purpose: run over espeak-ng's 22.05 kHz answers, that one cost
    pocketsphinx answers (clean, 480 espeak-ng answers: 431 -> 423 understood, wrong 29 -> 36, a throwaway
    run), and every test and benchmark of synthesized speech goes through this function.
    """
    return BlockResampler(src, dst).feed(np.asarray(x, dtype=np.float64), last=True)


class BlockResampler:
    """Resample a file block by block to the very samples of resampling it whole (`resample`), in bounded memory.

    The low-pass (when downsampling) runs on across block edges, with zeros before the start and after the end as
    np.convolve(mode="same") has, and output k is read at k * src / dst by linear interpolation, as np.interp does
    on the whole signal: the int16 result is identical (tests/voice/test_s38_audio_in.py), so no block edge clicks.
    """

    def __init__(self, src: int, dst: int = SAMPLE_RATE) -> None:
        self.src, self.dst, self.step = src, dst, src / dst
        self._taps = _lowpass(0.5 * dst / src) if src > dst else np.ones(1)
        self._half = (len(self._taps) - 1) // 2
        self._raw = np.zeros(self._half)  # input not yet filtered, from `half` before the next sample to filter
        self._filtered = np.zeros(0)  # filtered input still needed by the outputs to come
        self._first = 0  # input index of self._filtered[0]
        self._next = 0  # index of the next output sample
        self._seen = 0  # input samples fed so far

    def feed(self, x: np.ndarray, last: bool = False) -> np.ndarray:
        """Float input at the source rate in, float output at the target rate out; `last` for the final block."""
        self._seen += len(x)
        if self.src == self.dst:
            return x
        raw = np.concatenate([self._raw, x, np.zeros(self._half if last else 0)])
        # np.convolve swaps its arguments when the signal is the shorter: only filter once it has a full window
        new = np.convolve(raw, self._taps, mode="valid") if len(raw) >= len(self._taps) else raw[:0]
        self._raw = raw[len(new):]
        self._filtered = np.concatenate([self._filtered, new])
        return self._interpolate(last)

    def _interpolate(self, last: bool) -> np.ndarray:
        """The outputs that the filtered input now covers (all that remain, at the end)."""
        newest = self._first + len(self._filtered) - 1  # input index of the newest filtered sample
        end = int(round(self._seen * self.dst / self.src)) if last else int(np.ceil(newest / self.step))
        at = (self._next + np.arange(max(0, end - self._next))) * self.step
        if not last:
            at = at[at < newest]  # each needs the filtered sample after it (float rounding aside)
        if len(at) == 0 or len(self._filtered) == 0:
            return np.zeros(0)
        out = np.interp(at, np.arange(self._first, self._first + len(self._filtered)), self._filtered)
        self._next += len(at)
        keep_from = min(int(self._next * self.step) - self._first, len(self._filtered))
        self._filtered, self._first = self._filtered[max(0, keep_from):], self._first + max(0, keep_from)
        return out


class StreamResampler:
    """Resample a live stream chunk by chunk to the same result as resampling it whole, time-aligned with it.

    Low-pass first when downsampling, then 4-point Lagrange interpolation between the filtered samples: from
    44.1 kHz, linear interpolation left errors 43 dB below a 3 kHz tone and 30.5 dB below a 6 kHz one, this
    leaves 72.5 and 48.5 dB (scripts/bench_microphone.py).
    """

    def __init__(self, src: int, dst: int = SAMPLE_RATE) -> None:
        self.step = src / dst  # input samples per output sample
        self._taps = _lowpass(0.5 * dst / src) if src > dst else np.ones(1)
        self._delay = (len(self._taps) - 1) / 2  # the filter's delay: output k is read at k * step + delay
        self._history = np.zeros(len(self._taps) - 1)  # input carried over so the filter runs across chunks
        self._filtered = np.zeros(1)  # filtered input still needed, from one silent sample before the stream
        self._first = -1  # stream index of self._filtered[0]
        self._next = 0  # index of the next output sample

    def feed(self, pcm: bytes) -> bytes:
        """Int16 PCM at the source rate in, int16 PCM at the target rate out (possibly empty)."""
        x = np.concatenate([self._history, np.frombuffer(pcm, dtype="<i2").astype(np.float64)])
        self._history = x[len(x) - len(self._taps) + 1:] if len(self._taps) > 1 else x[:0]
        self._filtered = np.concatenate([self._filtered, np.convolve(x, self._taps, mode="valid")])
        last = self._first + len(self._filtered) - 1  # stream index of the newest filtered sample
        # Each output needs two filtered samples after its position.
        count = max(0, int(np.floor((last - 2 - self._delay) / self.step)) - self._next + 1)
        out = _lagrange4(self._filtered, (self._next + np.arange(count)) * self.step + self._delay - self._first)
        self._next += count
        keep_from = min(int(np.floor(self._next * self.step + self._delay)) - 1 - self._first, len(self._filtered))
        self._filtered, self._first = self._filtered[keep_from:], self._first + keep_from
        return as_pcm(out)


def _lagrange4(y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Values of `y` at fractional positions (each with one sample before it and two after) by cubic Lagrange."""
    i = np.floor(at).astype(int)
    t = at - i
    weights = (-t * (t - 1) * (t - 2) / 6, (t + 1) * (t - 1) * (t - 2) / 2, -(t + 1) * t * (t - 2) / 2,
               (t + 1) * t * (t - 1) / 6)
    return sum(w * y[i + k - 1] for k, w in enumerate(weights)) if len(at) else np.zeros(0)


def _lowpass(cutoff: float, taps: int = 63) -> np.ndarray:
    """Windowed-sinc low-pass FIR; `cutoff` is a fraction of the source sample rate."""
    n = np.arange(taps) - (taps - 1) / 2
    h = 2 * cutoff * 0.9 * np.sinc(2 * cutoff * 0.9 * n) * np.hamming(taps)
    return h / h.sum()


def parse_wav(data: bytes, name: str = "WAV") -> tuple[np.ndarray, int]:
    """Parse a RIFF/WAVE file into float samples (frames x channels) in [-1, 1] and its sample rate."""
    fmt, start, length = _wav_layout(io.BytesIO(data), len(data), name)
    tag, channels, rate, bits = fmt
    usable = length - length % (channels * bits // 8)  # a truncated last frame is dropped, not fatal
    return _decode(data[start:start + usable], tag, channels, bits, name), rate


def _wav_layout(file: BinaryIO, size: int, name: str) -> tuple[tuple[int, int, int, int], int, int]:
    """Walk the RIFF chunks of a seekable file of `size` bytes: (format tag, channels, rate, bits), and where the
    sample bytes start and how many there are."""
    head = file.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise AudioFormatError(f"{name}: not a WAV file (no RIFF/WAVE header); give a .wav or raw 16 kHz s16le PCM")
    pos, fmt = 12, None
    while pos + 8 <= size:
        file.seek(pos)
        header = file.read(8)
        cid, length = header[:4], struct.unpack("<I", header[4:8])[0]
        if cid == b"fmt ":
            fmt = _parse_fmt(file.read(min(length, _FMT_READ)), name)
        elif cid == b"data":
            if fmt is None:
                raise AudioFormatError(f"{name}: WAV data chunk comes before its format chunk")
            return fmt, pos + 8, min(length, size - pos - 8)  # a lying size just means "up to the end of the file"
        pos += 8 + length + (length & 1)
    raise AudioFormatError(f"{name}: WAV file has no {'format' if fmt is None else 'data'} chunk (truncated?)")


def _parse_fmt(body: bytes, name: str) -> tuple[int, int, int, int]:
    """Read the fields of a WAV format chunk that matter and check they make sense."""
    if len(body) < 16:
        raise AudioFormatError(f"{name}: WAV format chunk is truncated")
    tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
    if tag == _EXTENSIBLE and len(body) >= 26:
        tag = struct.unpack("<H", body[24:26])[0]  # the sub-format GUID starts with the real tag
    ok = (tag == _PCM and bits in (8, 16, 24, 32)) or (tag == _FLOAT and bits in (32, 64))
    if not ok or channels < 1 or not 8000 <= rate <= 192000:
        raise AudioFormatError(
            f"{name}: unsupported WAV format (tag {tag}, {bits} bit, {channels} channels, {rate} Hz); "
            "convert it with: sox in.wav -r 16000 -c 1 -b 16 out.wav")
    return tag, channels, rate, bits


def _decode(payload: bytes, tag: int, channels: int, bits: int, name: str) -> np.ndarray:
    """Turn raw sample bytes into float frames x channels."""
    if tag == _FLOAT:
        x = np.frombuffer(payload, dtype="<f4" if bits == 32 else "<f8").astype(np.float64)
        x = np.nan_to_num(x)
    elif bits == 8:
        x = (np.frombuffer(payload, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    elif bits == 24:
        b = np.frombuffer(payload, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = np.where(v >= 1 << 23, v - (1 << 24), v) / float(1 << 23)
    else:
        x = np.frombuffer(payload, dtype=f"<i{bits // 8}").astype(np.float64) / float(1 << (bits - 1))
    return x.reshape(-1, channels)


def read_wav(path: str | Path) -> bytes:
    """Read a WAV file of any common format as 16 kHz mono int16 bytes."""
    return b"".join(wav_chunks(path))


def wav_chunks(path: str | Path, block_frames: int = BLOCK_FRAMES) -> Iterator[bytes]:
    """A WAV file of any common format as chunks of 16 kHz mono int16, read and converted a block at a time; the
    file is opened and its header checked now, so a bad file fails before anything is asked."""
    try:
        file = Path(path).open("rb")  # noqa: SIM115 - closed by the generator, or below
    except OSError as e:
        raise AudioFormatError(f"cannot read audio file {path}: {e.strerror}") from e
    try:
        fmt, start, length = _wav_layout(file, os.fstat(file.fileno()).st_size, str(path))
    except BaseException:
        file.close()
        raise
    return _converted(file, fmt, start, length, str(path), block_frames)


def _converted(file: BinaryIO, fmt: tuple[int, int, int, int], start: int, length: int, name: str,
               block_frames: int) -> Iterator[bytes]:
    """The samples of an opened WAV file, block by block: decoded, channels averaged, resampled, as int16 chunks."""
    tag, channels, rate, bits = fmt
    frame = channels * bits // 8
    left = length - length % frame  # a truncated last frame is dropped, not fatal
    resampler = BlockResampler(rate)
    with file:
        file.seek(start)
        while True:
            data = file.read(min(left, block_frames * frame))
            data = data[: len(data) - len(data) % frame]
            left = left - len(data) if data else 0  # a file cut short while being read ends here
            x = _decode(data, tag, channels, bits, name).mean(axis=1)  # mono: averaging one channel keeps it as is
            yield from chunked(_int16(resampler.feed(x, last=left == 0)))
            if left == 0:
                return


def chunked(pcm: bytes, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Split PCM bytes into chunks of `chunk_bytes`."""
    for i in range(0, len(pcm), chunk_bytes):
        yield pcm[i:i + chunk_bytes]


def pcm_chunks(stream: BinaryIO, chunk_bytes: int = CHUNK_BYTES, head: bytes | None = None) -> Iterator[bytes]:
    """Chunks of a raw 16 kHz mono s16le stream (e.g. stdin); a leading 16 kHz mono WAV header is skipped. `head`:
    what stream_head already read, when the stream was checked before it is heard."""
    read = getattr(stream, "read1", stream.read)  # read1: hand over what a pipe has now, don't wait to fill
    carry = stream_head(stream) if head is None else head
    while True:
        data = read(chunk_bytes)
        if not data:
            break
        carry += data
        even = len(carry) - len(carry) % SAMPLE_WIDTH  # never split a sample between chunks
        if even:
            yield carry[:even]
        carry = carry[even:]
    if len(carry) >= SAMPLE_WIDTH:
        yield carry[: len(carry) - len(carry) % SAMPLE_WIDTH]


def stream_head(stream: BinaryIO) -> bytes:
    """The first bytes of a raw PCM stream, past a WAV header (checked: only 16 kHz mono 16-bit can be streamed);
    AudioFormatError when the stream holds text or another audio format."""
    head = getattr(stream, "read1", stream.read)(12)
    if len(head) < 12 and b"\n" not in head:  # a line of text comes alone: its writer may wait for a reply
        head += _read_exact(stream, 12 - len(head))
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return _skip_stream_wav_header(stream)
    if problem := not_raw_pcm(head):
        raise AudioFormatError(f"audio stream: {problem}")
    return head


# Files that are certainly not raw PCM (read as such, they were heard as noise without a word of warning).
OTHER_FORMATS = {b"fLaC": "FLAC", b"OggS": "Ogg", b"FORM": "AIFF", b"ID3": "MP3", b"RIFX": "big-endian WAV"}
_TEXT_BYTES = frozenset(b"\t\n\r" + bytes(range(0x20, 0x7F)))


def not_raw_pcm(head: bytes) -> str | None:
    """Why audio that starts with `head` (up to 12 bytes) is not raw 16 kHz s16le PCM, or None when it may be."""
    return other_format(head) or text_instead(head)


def other_format(head: bytes) -> str | None:
    """Which other audio format `head` starts, said as the problem; None for none."""
    kind = next((name for magic, name in OTHER_FORMATS.items() if head.startswith(magic)), None)
    return f"it is {kind} audio, not WAV" if kind else None


def text_instead(head: bytes) -> str | None:
    """That `head` is text, not audio, said as the problem; None when it is not text.

    Text is told by its bytes: every one printable. Raw PCM starts with the quiet of a room (bytes near 0 and 255),
    and even loud speech gives six such samples in a row only on a loud positive swing, with every low byte printable
    too. Read as PCM, typed answers sent to --audio-in - were heard as loud noise, and the session ended with advice.
    """
    if head and all(byte in _TEXT_BYTES for byte in head):
        return "it is text, not audio (typed answers go to voice-triage --jsonl, without --audio-in)"
    return None


def _read_exact(stream: BinaryIO, n: int) -> bytes:
    """Read up to n bytes, stopping early only at end of stream."""
    out = b""
    while len(out) < n:
        data = stream.read(n - len(out))
        if not data:
            break
        out += data
    return out


def _skip_stream_wav_header(stream: BinaryIO) -> bytes:
    """Consume a WAV header on a stream up to its data chunk; only 16 kHz mono 16-bit can be streamed."""
    while True:
        header = _read_exact(stream, 8)
        if len(header) < 8:
            raise AudioFormatError("audio stream: WAV header without a data chunk")
        cid, size = header[:4], struct.unpack("<I", header[4:])[0]
        if cid == b"data":
            return b""
        body = _read_exact(stream, size + (size & 1))
        if cid == b"fmt ":
            tag, channels, rate, bits = _parse_fmt(body, "audio stream")
            if (tag, channels, rate, bits) != (_PCM, 1, SAMPLE_RATE, 16):
                raise AudioFormatError(
                    f"audio stream: WAV on a stream must be 16 kHz mono 16-bit (got {rate} Hz, "
                    f"{channels} channels, {bits} bit); pipe it through: sox - -r 16000 -c 1 -b 16 -t raw -")

