"""Build the voice listener and speaker from command-line options; VoiceUnavailable says why it cannot run."""
from __future__ import annotations

import logging
import select
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from voice_triage.content import load_content
from voice_triage.events import Say, Speaker
from voice_triage.settings import Settings
from voice_triage.voice.audio import other_format, pcm_chunks, stream_head, text_instead, wav_chunks
from voice_triage.voice.endpoint import EndpointConfig
from voice_triage.voice.errors import AudioFormatError, VoiceUnavailable
from voice_triage.voice.listener import VoiceListener
from voice_triage.voice.microphone import Microphone, device_spec
from voice_triage.voice.recognizers import GrammarRecognizer
from voice_triage.voice.sphinx_recognizer import SphinxRecognizer
from voice_triage.voice.vosk_recognizer import VoskRecognizer, find_model
from voice_triage.voice.speaker import VoiceSpeaker
from voice_triage.voice.tts import Tts, playback_missing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceOptions:
    """Voice settings, one per command-line flag."""

    model: Path | None = None  # --model; else $VOICE_TRIAGE_MODEL; else models/vosk-model-small-en-us-0.15
    audio_in: str | None = None  # --audio-in: a WAV or raw PCM file, "-" for stdin, None for the microphone
    mic: str | None = None  # --mic: an input device's index or part of its name; None for the default
    pause: float = Settings.pause  # --pause: seconds of silence that end an answer
    rate: int | None = None  # --rate: words per minute
    voice: str | None = None  # --voice: speech-engine voice id or name
    no_speak: bool = False  # --no-speak: captions only
    silence_timeout: float = Settings.silence_timeout  # --silence-timeout: seconds to wait for the first word
    max_utterance: float = 15.0  # longest answer, seconds
    recognizer: str = "auto"  # --recognizer: auto, vosk or pocketsphinx
    tts_driver: str | None = None  # pyttsx3 driver; "dummy" in tests
    can_type: bool = False  # a person at a terminal may type answers too: notices say so
    # dialog.toml's phrases (read from the content when None): silence_wait, mic_silent, room_talking(_typing),
    # recognizer_fallback and speech_off are said here
    phrases: Mapping[str, str] | None = None


def build_voice_io(options: VoiceOptions, caption_speaker: Speaker,
                   stdin: BinaryIO | None = None) -> tuple[VoiceListener, VoiceSpeaker]:
    """Listener and speaker for a voice session; notices are spoken and captioned as Say events."""
    chunks, mic = open_audio(options, stdin)
    if mic is not None:
        mic.start()  # the room before anything is said (listener.hear_room) is heard while the rest starts up
    try:
        recognizer, fallback = choose_recognizer(options)
        tts, tts_problem = start_tts(options, live=mic is not None)
    except VoiceUnavailable:
        if mic is not None:
            mic.close()
        raise
    config = EndpointConfig(pause_s=options.pause, initial_silence_s=options.silence_timeout,
                            max_utterance_s=options.max_utterance)
    listener = VoiceListener(chunks, recognizer, config, flush=mic.flush if mic else None)
    speaker = VoiceSpeaker(caption_speaker, tts, on_speaking=mic.speaking if mic else None, on_adjust=listener.adjust)
    phrases = options.phrases if options.phrases is not None else load_content().phrases
    # Wired after both exist: the listener's notices are spoken and captioned like any prompt.
    listener.on_wait = lambda: speaker.emit(Say(phrases["silence_wait"], waits=True))
    room_talking = phrases["room_talking_typing" if options.can_type else "room_talking"]
    listener.on_talking_room = lambda: speaker.emit(Say(room_talking))
    if mic is not None:  # files and pipes may well hold exact silence; only a live microphone is checked
        listener.release = mic.close
        listener.on_no_sound = lambda: speaker.emit(Say(phrases["mic_silent"]))
        # Before anything is spoken (the microphone is muted while the assistant speaks): a file or a pipe has no
        # room before its first answer, and a program may send nothing until it is asked.
        listener.hear_room()
    if fallback:
        speaker.emit(Say(phrases["recognizer_fallback"]))
    if tts_problem:
        speaker.emit(Say(phrases["speech_off"].format(problem=tts_problem)))
    return listener, speaker


def choose_recognizer(options: VoiceOptions) -> tuple[GrammarRecognizer, bool]:
    """Vosk when a model is found (or asked for), else pocketsphinx; True when that is the fallback, to be said."""
    if options.recognizer == "pocketsphinx":
        return SphinxRecognizer(), False
    path = find_model(options.model)
    if path is not None:
        log.info("using Vosk model %s", path)
        return VoskRecognizer(path), False
    if options.recognizer == "vosk":
        raise VoiceUnavailable("no Vosk model found; run: voice-triage models download (or pass --model PATH)")
    log.info("no Vosk model found; using pocketsphinx")
    return SphinxRecognizer(), True


def open_audio(options: VoiceOptions, stdin: BinaryIO | None) -> tuple[Iterable[bytes], Microphone | None]:
    """Audio chunks from stdin, a file, or the microphone (the microphone object is returned for muting)."""
    if options.audio_in == "-":
        stream = stdin or sys.stdin.buffer
        # Checked now when it has come, so audio that cannot be used is refused before any question; a program may
        # also send nothing until it is asked, so this never waits: then it is checked when first heard.
        return pcm_chunks(stream, head=stream_head(stream) if _has_come(stream) else None), None
    if options.audio_in:
        return _file_chunks(Path(options.audio_in)), None
    mic = Microphone(device_spec(options.mic))
    return mic.chunks(), mic


def _has_come(stream: BinaryIO) -> bool:
    """Whether a stream has something to read now (or has ended): reading it would not wait."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # in memory: never waits
        return True
    return bool(select.select([fd], [], [], 0)[0])


def _file_chunks(path: Path) -> Iterable[bytes]:
    """A WAV file (converted) or a raw 16 kHz s16le file, read as it is heard (a long recording must not fill the
    memory); opened and checked now, so a bad file fails before the dialog."""
    try:
        with path.open("rb") as file:
            head = file.read(12)
    except OSError as e:
        raise AudioFormatError(f"cannot read audio file {path}: {e.strerror}") from e
    if head[:4] == b"RIFF":
        return wav_chunks(path)
    if problem := _not_raw_pcm(path, head):
        raise AudioFormatError(f"cannot use audio file {path}: {problem}")
    return _raw_chunks(path.open("rb"))


def _raw_chunks(file: BinaryIO) -> Iterator[bytes]:
    """The chunks of an opened raw PCM file (a stray last byte, half a sample, is dropped); closed at the end."""
    with file:
        yield from pcm_chunks(file)


def _not_raw_pcm(path: Path, head: bytes) -> str | None:
    """Why a file that is not a RIFF WAV cannot be raw 16 kHz s16le audio, or None when it may be."""
    if not head:
        return "it is empty"
    if problem := other_format(head):
        return problem
    if path.suffix.lower() in (".wav", ".wave"):
        return "it is named .wav but is not a WAV file"
    return text_instead(head)


def start_tts(options: VoiceOptions, live: bool) -> tuple[Tts | None, str | None]:
    """The speech engine, or None with what is missing; with a microphone, no speech at all means no voice mode."""
    if options.no_speak:
        return None, None
    problem = None if options.tts_driver == "dummy" else playback_missing()
    if problem is None:
        try:
            return Tts(options.rate, options.voice, options.tts_driver), None
        except VoiceUnavailable as e:
            problem = str(e)
    if live:
        raise VoiceUnavailable(problem)
    log.warning("%s", problem)
    return None, problem

