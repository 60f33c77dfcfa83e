"""Whole sessions on bad audio never crash and always end with a report: silence, noise, clipping."""
from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from room import converse

from voice_triage.voice.testing import FLITE, pad, synthesize

ROOT = Path(__file__).resolve().parents[2]


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(samples.astype(np.int16).tobytes())
    return path


def silence_only() -> np.ndarray:
    return np.zeros(16000 * 30, dtype=np.int16)


def noise_only() -> np.ndarray:
    return np.random.default_rng(7).normal(0, 3000, 16000 * 30).clip(-32768, 32767)


def clipped_answers(gain: float) -> np.ndarray:
    speech = [np.frombuffer(synthesize(a, FLITE[0]), dtype=np.int16) for a in ("no", "no", "stop")]
    gap = np.zeros(16000 * 2, dtype=np.int16)
    loud = np.concatenate([np.concatenate([s.astype(np.float64) * gain, gap]) for s in speech])
    return loud.clip(-32768, 32767)


def run_session(tmp_path, samples) -> tuple[list[dict], subprocess.CompletedProcess]:
    wav = write_wav(tmp_path / "in.wav", samples)
    result = subprocess.run([sys.executable, "-m", "voice_triage", "--jsonl", "--no-save", "--no-speak",
                             "--audio-in", str(wav)], capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert "Traceback" not in result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()], result


@pytest.mark.parametrize("samples", [silence_only(), noise_only()], ids=["silence", "noise"])
def test_a_recording_with_no_answer_heard_is_an_error_not_advice(tmp_path, samples):
    # 30 s of silence or of steady noise: nothing was said, so there is nothing to advise on
    events, result = run_session(tmp_path, samples)
    assert result.returncode == 6 and events[-1]["type"] == "error" and events[-1]["reason"] == "nothing_heard"
    assert "in.wav" in events[-1]["text"] and not any(e["type"] in ("heard", "end") for e in events)
    assert result.stderr == f"voice-triage: {events[-1]['text']}\n"


def test_hard_clipped_answers_end_with_a_report_never_below_gp(tmp_path):
    # An unfinished interview is at least gp; distorted speech heard as "yes" is confirmed and goes the safe way.
    events, result = run_session(tmp_path, clipped_answers(8.0))
    assert result.returncode == 0 and events[-1]["type"] == "end"
    assert events[-1]["report"]["disposition"] in ("emergency", "urgent", "gp")


def clip(pcm: bytes, gain: float) -> bytes:
    """Too loud for the sound card: amplified, then cut at full scale."""
    return (np.frombuffer(pcm, dtype=np.int16).astype(np.float64) * gain).clip(-32768, 32767).astype(np.int16).tobytes()


def test_moderately_clipped_answers_are_still_understood(synth):
    samples = clipped_answers(2.0)
    voiced = np.abs(samples) > 300
    assert np.mean(np.abs(samples[voiced]) >= 32767) > 0.005  # about 1% of the voiced samples are clipped
    answers = iter(["no", "no"])

    def reply(event):  # confirms what it is asked to confirm, says no twice, then stops
        text = "yes" if "is that right" in event["text"].lower() else next(answers, "stop")
        return clip(pad(synth(text, FLITE[0]), 0.3, 1.5), 2.0)

    report, _ = converse(reply, max_asks=12)
    assert report["answers"].get("rf_bladder") == "no" and report["answers"].get("rf_bowel") == "no"
    assert report["ended_by"] == "stopped"
