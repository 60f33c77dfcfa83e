"""The whole spoken conversation: the standardized patient speaks (flite) into `voice-triage --audio-in -`.

Every public vignette must reach the same disposition by voice as by typing.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ holds the patient driver

from patient import Patient, load_cases, play  # noqa: E402

from voice_triage.voice.testing import FLITE, pad  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = Path(__file__).parents[2].parent / "shared/vignettes/public.toml"
MAX_ASKS = 150  # a conversation stuck re-asking fails instead of hanging
CASES = load_cases(PUBLIC) if PUBLIC.exists() else []


def speak_case(case: dict[str, Any], synth, seed: int = 0) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Run the CLI over a pipe; answer each ask with synthesized speech and 1.5 s of silence."""
    patient = Patient(case["facts"], seed)
    cmd = [sys.executable, "-m", "voice_triage", "--jsonl", "--no-save", "--no-speak", "--audio-in", "-"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    report, said = {}, []
    try:
        for line in proc.stdout:
            event = json.loads(line)
            if event["type"] == "ask":
                answer = patient.answer(event["text"])
                tries = sum(1 for q, _ in said[-len(FLITE):] if q == event["question"])
                said.append((event["question"], answer))
                assert len(said) <= MAX_ASKS, f"stuck: {said[-5:]}"
                # Asked again, a person says it more clearly: here another voice (flite slt says "walking"
                # so that it sounds like "again", a synthesis artefact, not a recognizer fault).
                proc.stdin.write(pad(synth(answer, FLITE[tries % len(FLITE)]), 0.3, 1.5))
                proc.stdin.flush()
            elif event["type"] == "end":
                report = event["report"]
                break
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    return report, said


@pytest.mark.slow
@pytest.mark.skipif(not CASES, reason=f"public vignettes not found at {PUBLIC}")
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_spoken_vignette_reaches_the_typed_result(case: dict[str, Any], synth) -> None:
    typed, _ = play(case)
    report, said = speak_case(case, synth)
    assert report, f"no report; last answers: {said[-5:]}"
    assert report.get("disposition") == typed.got, said
    assert report.get("likely_source") == typed.source_got, said
