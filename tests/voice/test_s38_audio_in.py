"""--audio-in FILE is read and converted block by block: the same samples as converting it whole, in bounded memory."""
from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from voice_triage.voice.audio import _lowpass, wav_chunks
from voice_triage.voice.errors import AudioFormatError
from voice_triage.voice.setup import _file_chunks
from voice_triage.voice.testing import FLITE, pad

ROOT = Path(__file__).resolve().parents[2]


def whole_file_conversion(frames: np.ndarray, rate: int) -> bytes:
    """The conversion as it was before blocks: channels averaged, the whole signal low-passed and interpolated."""
    x = frames.mean(axis=1)
    if rate > 16000:
        x = np.convolve(x, _lowpass(0.5 * 16000 / rate), mode="same")
    if rate != 16000:
        x = np.interp(np.arange(int(round(len(x) * 16000 / rate))) * (rate / 16000), np.arange(len(x)), x)
    return (np.clip(x, -1.0, 1.0) * 32767.0).round().astype("<i2").tobytes()


def write_wav(path: Path, frames: np.ndarray, rate: int) -> Path:
    """16-bit PCM, frames x channels in [-1, 1]."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(frames.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((frames * 32767).round().astype("<i2").tobytes())
    return path


def speechlike(rate: int, seconds: float, channels: int, seed: int = 3) -> np.ndarray:
    """A tone with noise and a loud step: block edges that fall on a jump are where a click would show."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * seconds)) / rate
    x = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.1 * rng.normal(size=len(t))
    x[len(x) // 3:len(x) // 2] += 0.4
    return np.stack([x * (1 - 0.3 * c) for c in range(channels)], axis=1).clip(-1, 1)


@pytest.mark.parametrize("rate, channels", [(48000, 2), (44100, 2), (22050, 1), (8000, 1), (16000, 2), (96000, 1)])
@pytest.mark.parametrize("block_frames", [7, 63, 1000, 4099])
def test_blocks_give_the_same_samples_as_the_whole_file(tmp_path: Path, rate: int, channels: int,
                                                        block_frames: int) -> None:
    wav = write_wav(tmp_path / "in.wav", speechlike(rate, 1.3, channels), rate)
    with wave.open(str(wav)) as w:  # the samples as stored (16 bit), for the reference conversion
        stored = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, channels) / 32768.0
    chunks = list(wav_chunks(wav, block_frames))
    assert b"".join(chunks) == whole_file_conversion(stored, rate)
    assert len(chunks) > 1 and all(len(c) % 2 == 0 for c in chunks)


def test_a_raw_file_is_streamed_and_its_stray_last_byte_dropped(tmp_path: Path) -> None:
    raw = tmp_path / "answers.raw"
    pcm = np.random.default_rng(1).integers(-3000, 3000, 40000).astype("<i2").tobytes()
    raw.write_bytes(pcm + b"\x07")
    chunks = list(_file_chunks(raw))
    assert b"".join(chunks) == pcm and len(chunks) > 1


MEASURE = """
import resource, sys
from pathlib import Path
from voice_triage.voice.setup import _file_chunks
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
total = sum(len(chunk) for chunk in _file_chunks(Path(sys.argv[1])))
print(total, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_a_long_stereo_48k_file_is_converted_in_bounded_memory(tmp_path: Path) -> None:
    # Read whole, a 20-minute stereo 48 kHz file took 3.27 GB (this 3-minute one: about 500 MB more than the start)
    path, minutes, rate = tmp_path / "long.wav", 3, 48000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        for second in range(minutes * 60):
            out.writeframes(np.random.default_rng(second).normal(0, 300, (rate, 2)).astype("<i2").tobytes())
    result = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    total, grown_mb = map(int, result.stdout.split())
    assert total == minutes * 60 * 16000 * 2
    assert grown_mb < 20, f"peak memory grew by {grown_mb} MB for a {path.stat().st_size >> 20} MB file"


def test_a_text_file_given_as_audio_is_refused_before_the_dialog(tmp_path: Path) -> None:
    (tmp_path / "answers.txt").write_text("no\nno\nyes\n")  # read as raw PCM it was loud noise, heard as answers
    with pytest.raises(AudioFormatError, match="answers.txt: it is text, not audio"):
        _file_chunks(tmp_path / "answers.txt")


def test_a_program_on_the_pipe_is_told_what_was_heard_and_gets_the_report_when_audio_ends(synth) -> None:
    audio = pad(synth("no", FLITE[0]), 0.5, 2.0) + pad(synth("yes", FLITE[0]), 0.5, 2.0)
    result = subprocess.run([sys.executable, "-m", "voice_triage", "--jsonl", "--no-save", "--no-speak", "--recognizer",
                             "pocketsphinx", "--audio-in", "-"], input=audio, capture_output=True, cwd=ROOT,
                            timeout=120)
    events = [json.loads(line) for line in result.stdout.splitlines()]
    heard = [e for e in events if e["type"] == "heard"]
    assert [(e["text"], e["question"]) for e in heard] == [("no", "rf_bladder"), ("yes", "confirm:rf_bladder")]
    assert all(0 < e["confidence"] <= 1 for e in heard)
    asks = [e["question"] for e in events if e["type"] in ("ask", "heard")]
    assert asks[:4] == ["rf_bladder", "rf_bladder", "confirm:rf_bladder", "confirm:rf_bladder"]  # heard, then asked on
    # Audio that ends after answers ends the session as before: a report of what was gathered, exit 0
    assert result.returncode == 0 and events[-1]["type"] == "end"
    assert events[-1]["report"]["answers"]["rf_bladder"] == "no" and events[-1]["report"]["ended_by"] == "end_of_input"
