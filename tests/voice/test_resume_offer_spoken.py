"""The offer to carry on an unfinished session, answered by voice: real synthesized speech through pocketsphinx."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from voice_triage import cli
from voice_triage.resume_offer import NEW, RESUME
from voice_triage.session import Channels
from voice_triage.textio import SilentSpeaker
from voice_triage.voice.audio import chunked
from voice_triage.voice.endpoint import EndpointConfig
from voice_triage.voice.listener import VoiceListener
from voice_triage.voice.testing import ESPEAK, FLITE, pad

ROOT = Path(__file__).resolve().parents[2]


def stopped_session() -> None:
    """An unfinished session in the temporary data folder: two answers, then "stop"."""
    done = subprocess.run([sys.executable, "-m", "voice_triage", "--text"], input="no\nno\nstop\n", text=True,
                          capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("voice", [FLITE[0], ESPEAK[0]], ids=lambda v: v.label)
@pytest.mark.parametrize("said, decision", [("yes", RESUME), ("no", NEW), ("carry on", RESUME)])
def test_a_spoken_answer_to_the_offer_decides(content, sphinx, synth, voice, said, decision) -> None:
    stopped_session()
    speech = pad(synth(said, voice), 0.5, 2.0)
    listener = VoiceListener(chunked(speech, 1000), sphinx, EndpointConfig(initial_silence_s=1.0))
    made, last = cli._offer_resume(content, Channels(listener, SilentSpeaker()), spoken=True)
    assert made == decision and (last is not None) == (decision == RESUME)  # only a session taken up stays held
