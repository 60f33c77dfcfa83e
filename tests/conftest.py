"""Shared fixtures: the real content, a fixed date, and a dialog factory."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from voice_triage.content import Content, load_content  # noqa: E402
from voice_triage.dialog import Dialog  # noqa: E402

from clock import NOW, TODAY  # noqa: E402


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch):
    """Every test (and every process it starts) keeps its sessions and settings in a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("VOICE_TRIAGE_DATA", str(home / "data"))
    monkeypatch.setenv("VOICE_TRIAGE_CONFIG", str(home / "config" / "settings.toml"))
    return home


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def make_dialog(content):
    def factory(**kwargs) -> Dialog:
        kwargs.setdefault("now", NOW)
        return Dialog(content, today=TODAY, **kwargs)
    return factory
