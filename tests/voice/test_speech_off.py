"""A spoken session with speech out off (--no-speak): "slower" is heard, and the answer says so truthfully."""
from __future__ import annotations

from voice_triage import cli
from voice_triage.content import load_content
from voice_triage.voice.testing import FLITE, pad


def test_slower_spoken_into_a_no_speak_session_says_nothing_is_spoken_aloud(synth, capsys, tmp_path) -> None:
    audio = tmp_path / "slower.raw"
    audio.write_bytes(pad(synth("slower", FLITE[0]), 0.5, 2.0))  # then the file ends, which stops the session
    assert cli.main(["--no-save", "--no-speak", "--recognizer", "pocketsphinx", "--audio-in", str(audio)]) == 0
    out = capsys.readouterr().out
    phrases = load_content().phrases
    assert phrases["speech_only"] in out and phrases["slower"] not in out
