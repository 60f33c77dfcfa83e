"""`voice-triage voices`: the real speech engine's voices, and the listed ids work with --voice."""
from __future__ import annotations

import pytest

from voice_triage import cli
from voice_triage.voice.errors import VoiceUnavailable
from voice_triage.voice.tts import Tts, stdout_to_stderr, voice_lines


@pytest.fixture(scope="module")
def english() -> list[str]:
    try:
        return voice_lines("en", driver="espeak")
    except VoiceUnavailable as e:
        pytest.skip(f"espeak driver unavailable: {e}")


def test_voices_lists_english_voices_by_default_and_every_language_with_all(english, capsys) -> None:
    assert cli.main(["voices"]) == 0
    out = capsys.readouterr().out
    assert "English (America)" in out and "Afrikaans" not in out and "--voice" in out.splitlines()[-1]
    assert cli.main(["voices", "--all"]) == 0
    assert "Afrikaans" in capsys.readouterr().out


def spoken_with(voice: str, path) -> bytes:
    """The audio the engine makes for one sentence in `voice` (saved to a file: there is no sound card)."""
    tts = Tts(voice=voice, driver="espeak")
    with stdout_to_stderr():
        tts._engine.save_to_file("Where does it hurt?", str(path))
        tts._engine.runAndWait()
    return path.read_bytes()


def test_every_listed_english_voice_can_be_chosen_by_its_id_and_sounds_different(english, caplog, tmp_path) -> None:
    # pyttsx3's espeak driver reports the voice back wrongly (always "gmw/en"), so the audio is compared instead.
    audio = {line.split()[0]: spoken_with(line.split()[0], tmp_path / f"{i}.wav") for i, line in enumerate(english)}
    assert "not found" not in caplog.text and len(audio) >= 2
    assert len(set(audio.values())) == len(audio)  # each id gives its own voice
