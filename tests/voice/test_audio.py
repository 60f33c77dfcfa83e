"""Audio sources: WAV conversions, broken files, raw streams."""
from __future__ import annotations

import io
import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from voice_triage.voice.audio import chunked, frame_power, parse_wav, pcm_chunks, read_wav, resample, to_pcm16
from voice_triage.voice.errors import AudioFormatError


def tone(rate: int, seconds: float = 0.5, freq: float = 440.0) -> np.ndarray:
    """A sine tone in [-0.5, 0.5]."""
    t = np.arange(int(rate * seconds)) / rate
    return 0.5 * np.sin(2 * np.pi * freq * t)


def write_wav(path: Path, samples: np.ndarray, rate: int, width: int = 2) -> Path:
    """Write int PCM with the standard library (mono or frames x channels)."""
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    scale = {1: 127, 2: 32767, 4: 2**31 - 1}[width]
    data = (samples * scale).round().astype({1: np.int16, 2: "<i2", 4: "<i4"}[width])
    raw = (data + 128).astype(np.uint8).tobytes() if width == 1 else data.tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(raw)
    return path


def float_wav(samples: np.ndarray, rate: int) -> bytes:
    """A 32-bit float WAV (format tag 3), which the wave module cannot write."""
    data = samples.astype("<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def dominant_freq(pcm: bytes) -> float:
    """Frequency of the strongest FFT bin of 16 kHz PCM."""
    x = np.frombuffer(pcm, dtype="<i2").astype(float)
    return float(np.argmax(np.abs(np.fft.rfft(x))) * 16000 / len(x))


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 44100, 48000])
def test_wav_of_any_rate_becomes_16k_with_the_same_pitch_and_length(tmp_path: Path, rate: int) -> None:
    pcm = read_wav(write_wav(tmp_path / "t.wav", tone(rate), rate))
    assert abs(len(pcm) / 2 - 8000) <= 2
    assert abs(dominant_freq(pcm) - 440) < 5


def test_stereo_is_mixed_to_mono(tmp_path: Path) -> None:
    left, right = tone(16000), np.zeros(8000)
    pcm = read_wav(write_wav(tmp_path / "s.wav", np.stack([left, right], axis=1), 16000))
    peak = np.abs(np.frombuffer(pcm, dtype="<i2")).max()
    assert len(pcm) == 16000 and 0.2 * 32767 < peak < 0.3 * 32767  # the average of the two channels


def test_float_wav_is_converted() -> None:
    samples, rate = parse_wav(float_wav(tone(48000), 48000))
    assert rate == 48000 and samples.shape == (24000, 1) and abs(samples.max() - 0.5) < 1e-3
    assert abs(dominant_freq(to_pcm16(samples, rate)) - 440) < 5


@pytest.mark.parametrize("width", [1, 4])
def test_8_and_32_bit_pcm_are_converted(tmp_path: Path, width: int) -> None:
    pcm = read_wav(write_wav(tmp_path / "w.wav", tone(16000), 16000, width))
    assert abs(np.abs(np.frombuffer(pcm, dtype="<i2")).max() - 16384) < 400


def test_downsampling_removes_what_16k_cannot_hold() -> None:
    high = tone(48000, freq=12000)  # above 8 kHz: would alias to 4 kHz without the low-pass
    out = resample(high, 48000, 16000)
    assert np.sqrt(np.mean(out[200:-200] ** 2)) < 0.02


def test_truncated_data_chunk_is_read_up_to_the_end(tmp_path: Path) -> None:
    data = write_wav(tmp_path / "t.wav", tone(16000), 16000).read_bytes()
    pcm = read_wav_bytes(tmp_path, data[:-1001])  # cut mid-sample: the last half sample is dropped
    assert len(pcm) == 16000 - 1002


def test_lying_data_size_is_read_up_to_the_end(tmp_path: Path) -> None:
    data = bytearray(write_wav(tmp_path / "t.wav", tone(16000), 16000).read_bytes())
    data[40:44] = struct.pack("<I", 0xFFFFFFFF)  # a streaming writer that never fixed the size
    assert len(read_wav_bytes(tmp_path, bytes(data))) == 16000


def read_wav_bytes(tmp_path: Path, data: bytes) -> bytes:
    """read_wav on bytes via a file."""
    path = tmp_path / "x.wav"
    path.write_bytes(data)
    return read_wav(path)


@pytest.mark.parametrize("data, message", [
    (b"", "not a WAV"),
    (b"RIFF\x10\x00\x00\x00WAVEfmt ", "no format chunk"),
    (b"hello world, not audio at all", "not a WAV"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + struct.pack("<HHIIHH", 85, 1, 16000, 2000, 1, 0), "unsupported"),
])
def test_broken_or_unsupported_wav_gives_a_clear_error(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(AudioFormatError, match=message):
        read_wav_bytes(tmp_path, data)


def test_missing_file_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AudioFormatError, match="cannot read"):
        read_wav(tmp_path / "nope.wav")


def test_raw_stream_is_chunked_without_splitting_samples() -> None:
    class Trickle(io.RawIOBase):
        """A pipe that hands over 3 bytes at a time."""
        def __init__(self, data: bytes) -> None:
            self.data = data
        def readable(self) -> bool:
            return True
        def read(self, n: int = -1) -> bytes:
            out, self.data = self.data[:3], self.data[3:]
            return out
    pcm = bytes(range(256)) * 10 + b"\x01"  # odd length: the dangling byte is dropped
    chunks = list(pcm_chunks(Trickle(pcm)))
    assert all(len(c) % 2 == 0 for c in chunks) and b"".join(chunks) == pcm[:-1]


def test_stream_with_a_16k_wav_header_skips_the_header(tmp_path: Path) -> None:
    data = write_wav(tmp_path / "t.wav", tone(16000), 16000).read_bytes()
    assert b"".join(pcm_chunks(io.BytesIO(data))) == data[44:]


def test_stream_with_another_wav_format_is_refused(tmp_path: Path) -> None:
    data = write_wav(tmp_path / "t.wav", tone(8000), 8000).read_bytes()
    with pytest.raises(AudioFormatError, match="16 kHz mono"):
        list(pcm_chunks(io.BytesIO(data)))


def test_empty_stream_yields_nothing() -> None:
    assert list(pcm_chunks(io.BytesIO(b""))) == [] and list(chunked(b"")) == []


def test_frame_power_is_per_10_ms_frame_and_leaves_out_a_short_tail():
    loud, quiet = np.full(160, 100, "<i2").tobytes(), np.zeros(160, "<i2").tobytes()
    assert frame_power(loud + quiet + loud[:100]).tolist() == [10001.0, 1.0]
    assert frame_power(loud[:160]).tolist() == [5001.0]  # half a frame: one frame, padded with zeros


def test_stream_resampler_gives_the_same_audio_whatever_the_chunk_sizes() -> None:
    import numpy as np

    from voice_triage.voice.audio import StreamResampler

    rng = np.random.default_rng(7)
    for rate in (48000, 44100, 22050, 8000):
        t = np.arange(2 * rate) / rate
        pcm = (8000 * np.sin(2 * np.pi * 440 * t) + 300 * rng.normal(size=len(t))).astype("<i2").tobytes()
        whole = StreamResampler(rate).feed(pcm)
        stream, parts, at = StreamResampler(rate), [], 0
        while at < len(pcm):
            step = 2 * int(rng.integers(1, 1500))  # odd device block sizes, even a single sample
            parts.append(stream.feed(pcm[at:at + step]))
            at += step
        out = np.frombuffer(b"".join(parts), dtype="<i2").astype(np.float64)
        held_back = 32000 - len(out)  # 2 s at 16 kHz, but for what waits on the filter's delay (31 samples)
        assert b"".join(parts) == whole and 0 <= held_back <= 31 * 16000 / rate + 4
        spectrum = np.abs(np.fft.rfft(out * np.hanning(len(out))))
        assert abs(np.argmax(spectrum) * 16000 / len(out) - 440) < 2  # the tone keeps its pitch
        if rate > 16000:  # a tone above 8 kHz must not fold back into the speech band
            high = (8000 * np.sin(2 * np.pi * 12000 * t)).astype("<i2").tobytes()
            folded = np.frombuffer(StreamResampler(rate).feed(high), dtype="<i2").astype(np.float64)
            assert np.sqrt((folded[100:] ** 2).mean()) < 0.02 * 8000 / np.sqrt(2)
