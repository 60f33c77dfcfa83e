"""voice-triage: an offline voice guide for lower back and hip pain. Not a diagnosis.

Usage:
  voice-triage                 talk by voice (falls back to typing when voice cannot run)
  voice-triage --text          type your answers
  voice-triage --jsonl         JSON lines on stdout, one answer per line on stdin (for programs)
  voice-triage diagram         print the conversation flow as Mermaid text
  voice-triage models download download the better speech model (the only network use)
  voice-triage mics [--test]   list the microphones (choose one with --mic), or test one
  voice-triage voices [--all]  list the voices prompts can be spoken in (choose one with --voice)
  voice-triage --resume        carry on with the last unfinished session
  voice-triage settings [set NAME VALUE | reset]   show or change your settings
  voice-triage forget          delete every stored session
  voice-triage report FILE.json --html OUT.html   make a printable summary

Exit codes: 0 done; 1 unexpected error; 2 bad arguments; 3 content files invalid; 4 voice or model problem (or no
answer heard on --audio-in -); 5 report file problem; 130 interrupted. `models download` has its own: 0 done,
1 network or disk error, 2 bad arguments, 3 checksum mismatch, 4 unsafe or broken archive.
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Sequence

from .arguments import ArgumentParser, file_name
from .events import Speaker
from .exit_codes import (EXIT_CONTENT, EXIT_INTERRUPTED, EXIT_NOTHING_HEARD, EXIT_OK, EXIT_REPORT, EXIT_UNEXPECTED,
                         EXIT_USAGE, EXIT_VOICE)
from .settings import RATE_RANGE

log = logging.getLogger("voice_triage")


def _parser() -> argparse.ArgumentParser:
    """Flags for the conversation itself."""
    parser = ArgumentParser(prog="voice-triage", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.split("\n")[2:]))
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--text", action="store_true", help="typed mode")
    mode.add_argument("--jsonl", action="store_true", help="JSON lines mode (with --audio-in: spoken answers)")
    parser.add_argument("--report", type=file_name, metavar="PATH",
                        help="write the JSON report here, with summaries beside it")
    parser.add_argument("--resume", action="store_true", help="continue the last unfinished session")
    parser.add_argument("--no-save", action="store_true", help="keep nothing on disk (no session journal)")
    parser.add_argument("--content", type=Path, metavar="DIR", help="use content files from this folder")
    parser.add_argument("--debug", action="store_true", help="log details to stderr")
    voice = parser.add_argument_group("voice")
    voice.add_argument("--model", type=Path, metavar="PATH", help="Vosk model folder")
    voice.add_argument("--audio-in", metavar="PATH", help="WAV file, or - for raw 16 kHz s16le PCM on stdin")
    voice.add_argument("--mic", metavar="DEVICE", help="microphone: its number or part of its name (voice-triage mics)")
    voice.add_argument("--pause", type=_positive(float), metavar="SECONDS", help="silence that ends an answer")
    voice.add_argument("--silence-timeout", type=_positive(float), metavar="SECONDS",
                       help="wait this long for an answer to begin")
    voice.add_argument("--max-utterance", type=_positive(float), default=15.0, metavar="SECONDS", help="longest answer")
    voice.add_argument("--recognizer", choices=("auto", "vosk", "pocketsphinx"), default="auto",
                       help="speech recognizer (auto: Vosk if its model is installed)")
    voice.add_argument("--rate", type=_positive(int, RATE_RANGE), help="speaking rate (words per minute, 80 to 280)")
    voice.add_argument("--voice", help="speech voice id")
    voice.add_argument("--no-speak", action="store_true", help="captions only, no speech")
    return parser


# Options a typed session has no use for (--audio-in makes the session spoken; --no-speak is met: nothing is spoken).
VOICE_ONLY = ("model", "mic", "pause", "silence_timeout", "max_utterance", "recognizer", "rate", "voice")


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    """The conversation's flags; modes that contradict each other are refused in one line, as any wrong option."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.text and args.audio_in is not None:  # typed answers, or spoken ones from a file: not both
        parser.error("argument --audio-in: not allowed with argument --text")
    return args


def _voice_options_given(args: argparse.Namespace) -> list[str]:
    """The voice-only options given on the command line (those left at their defaults were not)."""
    parser = _parser()
    return [f"--{dest.replace('_', '-')}" for dest in VOICE_ONLY if getattr(args, dest) != parser.get_default(dest)]


def _warn_voice_options_ignored(args: argparse.Namespace) -> None:
    """A typed session says, in one line, which voice options it is not using and why."""
    given = _voice_options_given(args)
    if not given:
        return
    why = "--text" if args.text else "--jsonl without --audio-in" if args.jsonl else "the setting mode = text"
    sys.stderr.write(f"voice-triage: ignoring {', '.join(given)}: {'it is' if len(given) == 1 else 'they are'} "
                     f"for voice mode, and this session is typed ({why}).\n")


def _positive(kind: type, bounds: tuple[float, float] | None = None) -> Callable[[str], Any]:
    """An argparse type: a finite number above zero ("nan" once made an answer never end), within `bounds` if
    given (a rate the speech engine cannot use is refused, not quietly changed)."""
    def parse(raw: str) -> Any:
        try:
            value = kind(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{raw!r} is not a number") from None
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"must be a number above zero, not {raw!r}")
        if bounds and not bounds[0] <= value <= bounds[1]:
            raise argparse.ArgumentTypeError(f"must be from {bounds[0]:g} to {bounds[1]:g}, not {raw!r}")
        return value
    return parse


def _fail(message: str, code: int) -> int:
    """One line on stderr, no traceback."""
    sys.stderr.write(f"voice-triage: {message}\n")
    return code


def _typing(captions: Speaker) -> Any:
    """Where typed answers come from: a person at a terminal gets line editing (the arrow keys, TerminalLines), a
    pipe is read as it is (sys.stdin)."""
    from .textio import TerminalLines, TypedSpeaker

    if isinstance(captions, TypedSpeaker) and sys.stdin.isatty() and sys.stdout.isatty():
        captions.prompt = ""  # TerminalLines writes the prompt, so that editing can redraw it
        return TerminalLines()
    return sys.stdin


def _fail_session(captions: Speaker, message: str, code: int, reason: str) -> int:
    """A conversation that cannot run or carry on: one line on stderr and, for a program on --jsonl, an `error` event
    as the last line instead of `end` (README, "JSONL protocol")."""
    from .textio import JsonlSpeaker

    if isinstance(captions, JsonlSpeaker):
        captions.error(reason, message)
    return _fail(message, code)


def _install_signal_handlers() -> None:
    """SIGTERM ends the session like Ctrl-C: the report of what was gathered is still written."""
    from .session import Interrupted

    def _raise(signum: int, frame: Any) -> None:
        raise Interrupted()

    signal.signal(signal.SIGTERM, _raise)


def _text_streams() -> None:
    """Bad bytes on stdin must not crash typed mode, nor a closed stdin or stdout (`<&-`): nothing to read, or to
    show (the report is still written)."""
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the life of the process
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _voice_io(args: argparse.Namespace, prefs: Any, captions: Any, phrases: dict[str, Any],
              can_type: bool) -> tuple[Any, Any] | None:
    """Listener and speaker for voice mode, or None (with a one-line reason) when voice cannot run."""
    try:
        from .voice.errors import AudioFormatError
        from .voice.setup import VoiceOptions, VoiceUnavailable, build_voice_io
    except ImportError as error:
        log.debug("voice import failed", exc_info=True)
        _no_voice(args, f"voice mode is not available ({error})", "To enable it run ./scripts/run once.")
        return None
    options = VoiceOptions(model=args.model, audio_in=args.audio_in, mic=args.mic or prefs.mic or None,
                           pause=args.pause or prefs.pause,
                           rate=args.rate or prefs.rate, voice=args.voice or prefs.voice or None,
                           no_speak=args.no_speak, silence_timeout=args.silence_timeout or prefs.silence_timeout,
                           max_utterance=args.max_utterance, recognizer=args.recognizer,
                           can_type=can_type, phrases=phrases)
    try:
        return build_voice_io(options, captions)
    except AudioFormatError:
        raise  # a bad --audio-in file is the caller's mistake, not a reason to switch to typing
    except VoiceUnavailable as error:
        _no_voice(args, str(error))
        return None


class VoiceRequired(Exception):
    """Voice cannot run, and the answers are in --audio-in: typing instead would read the wrong input."""


def _no_voice(args: argparse.Namespace, why: str, fix: str = "") -> None:
    """Say that voice cannot run and carry on typed; with --audio-in the answers are audio, so end instead."""
    if args.audio_in is not None:
        raise VoiceRequired(f"{why}; the answers in --audio-in cannot be heard. {fix}".strip())
    sys.stderr.write(f"voice-triage: {why}; continuing in typed mode. {fix}".rstrip() + "\n")


def _write_report(report: dict[str, Any], path: Path, content: Any) -> None:
    """The JSON report with its Markdown and HTML summaries."""
    from .report_files import write_report_files

    for written in write_report_files(report, path, content.summary):
        log.info("wrote %s", written)


def _load_settings() -> Any:
    """Personal settings; a broken settings file is reported and the defaults are used."""
    from .settings import Settings, SettingsError, load

    try:
        return load()
    except SettingsError as error:
        sys.stderr.write(f"voice-triage: ignoring settings ({error}); fix or delete that file.\n")
        return Settings()


def _dialog_and_journal(args: argparse.Namespace, content: Any, voice: bool, accepted: Any = None,
                        offered: bool = False) -> tuple[Any, Any, Any]:
    """A new dialog, or the replayed unfinished one (with --resume, or `accepted` when offered: the session and its
    journal, already held); and its journal."""
    from . import journal as journals
    from .dialog import Dialog
    from .session import resume_events

    saved, held = accepted or (journals.latest_unfinished() if args.resume else None, None)
    if args.resume and saved is None:
        sys.stderr.write("voice-triage: no unfinished session to resume; starting a new one.\n")
    if saved is not None:
        started = dt.datetime.fromisoformat(saved.start["created"])
        if started.date() != dt.date.today() and not accepted:  # say which, so an old one is not taken for another
            sys.stderr.write(f"voice-triage: resuming the session started {content.summary.date.write(started)}.\n")
        dialog, set_aside = journals.replay(content, saved)
        dialog.spoken = voice
        journal = held or journals.Journal(None if args.no_save else saved.path)
        if set_aside:
            sys.stderr.write(f"voice-triage: this version reads one of your earlier answers differently, so it asks "
                             f"again from there ({set_aside} later answers are kept in the session file, unused).\n")
            journal.set_aside(set_aside)
        journal.resumed(voice)
        return dialog, journal, resume_events(dialog, content.phrases["welcome_back"])
    dialog = Dialog(content, spoken=voice)
    if not (args.no_save or args.jsonl or offered):  # a program driving --jsonl chooses --resume itself
        _mention_unfinished(journals.latest_unfinished(), content)  # before this session becomes the latest
    journal = journals.Journal(None) if args.no_save else journals.Journal.create(dialog)
    return dialog, journal, None


def _person_starts(args: argparse.Namespace, at_microphone: bool) -> bool:
    """Whether a person starts this session, who is offered to carry on an unfinished one (unless --resume already
    chose it): at a microphone, or typing at a terminal; not a program (--jsonl), a recording (--audio-in), or with
    nothing kept."""
    if args.no_save or args.jsonl or args.audio_in is not None:
        return False
    return at_microphone or sys.stdin.isatty()


def _offer_resume(content: Any, channels: Any, spoken: bool) -> tuple[str, Any]:
    """When the last session was left unfinished, ask whether to carry on with it: (decision, and when that is to
    resume, the session and its journal, held while it was offered)."""
    from . import journal as journals
    from .resume_offer import NEW, QUIT, RESUME

    try:
        held = journals.hold_last_unfinished()
    except journals.JournalBusy:
        sys.stderr.write("voice-triage: your last session is open in another voice-triage, so it is not offered "
                         "here; starting a new one.\n")
        return NEW, None
    if held is None:
        return NEW, None
    decision = QUIT
    try:
        decision = _ask_to_resume(content, channels, spoken, held[0])
    finally:
        if decision != RESUME:
            held[1].release()  # not taken up (or the offer failed): the session stays as it was, free to resume
    return decision, held if decision == RESUME else None


def _ask_to_resume(content: Any, channels: Any, spoken: bool, last: Any) -> str:
    """Offer to carry on with the `last` session until the person decides."""
    from .resume_offer import QUIT, ResumeOffer
    from .session import last_ask

    offer = ResumeOffer(content, content.summary.date.write(dt.datetime.fromisoformat(last.start["created"])), spoken)
    channels.phrases = channels.phrases or offer.phrases  # what to say should the microphone or speech fail
    events = offer.start()
    while True:
        for event in events:
            channels.emit(event)
        if offer.decision is not None:
            return offer.decision
        heard = channels.listen(last_ask(events))
        if heard is None:  # input ended before an answer: nothing to start
            return QUIT
        events = offer.hear(heard)


def _mention_unfinished(saved: Any, content: Any) -> None:
    """Starting afresh while an unfinished session is kept: one line on how to carry on with that one instead."""
    if saved is None:
        return
    started = content.summary.date.write(dt.datetime.fromisoformat(saved.start["created"]))
    # Before answering: a session stopped with answers can be resumed too, and would then be the one --resume finds.
    sys.stderr.write(f"voice-triage: you have an unfinished session, started {started}; to carry on with it "
                     "instead, stop this one before answering and run: voice-triage --resume\n")


def _data_folder_problem(error: OSError) -> str:
    """The data folder cannot be used: what happened, and a fix that fits how the folder was chosen."""
    from .storage import data_dir, data_dir_from_environment

    what = f"{error.strerror}: {error.filename}" if error.strerror and error.filename else str(error)
    fix = ("point VOICE_TRIAGE_DATA at a folder you can write to" if data_dir_from_environment()
           else "set VOICE_TRIAGE_DATA to a folder you can write to")
    return f"cannot use the data folder {data_dir()} ({what}). Fix that folder or its permissions, {fix}, or use " \
           "--no-save."


def converse(args: argparse.Namespace) -> int:
    """Run one conversation in the chosen mode; whatever stops it is one line (and, on --jsonl, an `error` event)."""
    from .report_files import report_problem
    from .textio import JsonlSpeaker, NothingHeard, TypedSpeaker
    from .voice.errors import AudioFormatError  # light: no audio libraries are imported

    _text_streams()
    captions = JsonlSpeaker(sys.stdout) if args.jsonl else TypedSpeaker(sys.stdout)
    if args.report is not None and (problem := report_problem(args.report)):
        return _fail_session(captions, f"cannot write the report to {problem[0]}: {problem[1]}. Give a file name "
                             "such as visit/report.json.", EXIT_USAGE, "report_path")
    try:
        return _converse(args, captions)
    except AudioFormatError as error:
        return _fail_session(captions, f"{error}. Give a 16-bit PCM WAV, or raw 16 kHz mono s16le with --audio-in -.",
                             EXIT_USAGE, "audio_format")
    except VoiceRequired as error:
        return _fail_session(captions, str(error), EXIT_VOICE, "voice_unavailable")
    except NothingHeard as error:
        return _fail_session(captions, str(error), EXIT_NOTHING_HEARD, "nothing_heard")
    except BrokenPipeError:
        raise  # the program reading stdout has gone: nothing more can be told to it
    except Exception as error:  # users never see a traceback; a program is told on --jsonl
        log.debug("unexpected error", exc_info=True)
        return _fail_session(captions, f"unexpected error: {error}. Run again with --debug for details.",
                             EXIT_UNEXPECTED, "unexpected")


def _converse(args: argparse.Namespace, captions: Speaker) -> int:
    """Run one conversation in the chosen mode."""
    from .content import ContentError, load_content
    from .journal import JournalBusy
    from .session import Channels, run
    from .voice.errors import AudioFormatError  # light: no audio libraries are imported
    from .settings import SettingsKeeper
    from .storage import forget_session
    from .textio import JsonlSpeaker, KeyboardLines, LineListener, NothingHeard, SpokenAnswers

    try:
        content = load_content(args.content)
    except ContentError as error:
        return _fail_session(captions, f"content problem: {error}. Fix that file or reinstall.", EXIT_CONTENT,
                             "content")
    prefs = _load_settings()
    voice_wanted = args.audio_in is not None or not (args.text or args.jsonl or prefs.mode == "text")
    if not voice_wanted:
        _warn_voice_options_ignored(args)
    # Speaking, answers may also be typed at any time (read on a thread); with --audio-in - stdin is the audio. Only a
    # person at a terminal is told to type.
    can_type = args.audio_in != "-" and sys.stdin.isatty()
    voice_io = _voice_io(args, prefs, captions, content.phrases, can_type) if voice_wanted else None
    keyboard = KeyboardLines(sys.stdin) if voice_io is not None and args.audio_in != "-" else None
    # A person at a keyboard who presses Enter on an empty line sees the prompt again; a program's every line counts
    typed_listener = LineListener(keyboard or _typing(captions), None if args.jsonl else captions.prompt_again)
    if voice_io is not None and keyboard is not None:
        voice_io[0].keyboard = keyboard.poll
    listener, speaker = voice_io or (typed_listener, captions)
    # A failed microphone falls back to typed answers on stdin.
    fallback = None if args.audio_in == "-" else typed_listener
    channels = Channels(listener, SettingsKeeper(speaker, prefs, persist=_keeps_setting_changes(args)), fallback,
                        captions)
    person_starts = _person_starts(args, voice_io is not None)
    try:
        offering = person_starts and not args.resume
        decision, accepted = _offer_resume(content, channels, voice_io is not None) if offering else ("new", None)
        if decision == "quit":  # "stop" to the offer: nothing started, nothing kept
            if voice_io is not None:
                voice_io[0].close()
            return EXIT_OK
        dialog, journal, first = _dialog_and_journal(args, content, voice_io is not None,
                                                     accepted, offering)
    except JournalBusy as error:
        return _fail_session(captions, f"cannot resume: {error}.", EXIT_REPORT, "session_busy")
    except OSError as error:
        return _fail_session(captions, _data_folder_problem(error), EXIT_REPORT, "data_folder")
    dialog.can_type = can_type and voice_io is not None
    dialog.offers_resume = person_starts  # the next start offers to carry on: "stop" need not name a command
    dialog.keeps_answers = lambda: journal.path is not None and not journal.failed
    if voice_io is not None:
        dialog.speaks_aloud = voice_io[1].speaks_aloud
    if voice_io is not None and (args.jsonl or args.audio_in is not None):
        # A program listens: tell it what is heard. Recorded answers of which none was heard: a new session has
        # nothing to advise on (a resumed one has its answers so far).
        channels.listener = SpokenAnswers(listener, captions if isinstance(captions, JsonlSpeaker) else None,
                                          need_answer_from=args.audio_in if first is None else None)
    try:
        report = run(dialog, channels, journal, first)
    except NothingHeard as nothing:
        if journal.path is not None:
            forget_session(journal.path)  # nothing was heard: nothing to resume
        if isinstance(nothing.__cause__, AudioFormatError):
            raise nothing.__cause__ from None  # a WAV header of the wrong kind, come only after the first question
        raise
    finally:
        if voice_io is not None:
            voice_io[0].close()  # the microphone stops before the report is written, not at exit
    discarded = _discard_if_empty(journal)
    targets = [args.report] if args.report else []
    if journal.report_path and not discarded:
        targets.append(journal.report_path)
    failed = False
    for target in targets:  # each is tried: one that fails must not cost the other its copy
        try:
            _write_report(report, target, content)
        except OSError as error:
            failed = True
            _fail(f"could not write the report to {error.filename or target}: {error.strerror or error}", EXIT_REPORT)
    # To a person (a program driving --jsonl knows its own sessions, and its stderr stays clean)
    if report.get("ended_by") in ("interrupted", "end_of_input") and journal.path and not journal.failed \
            and not discarded and not args.jsonl:
        sys.stderr.write("voice-triage: your answers are saved; to carry on later run: voice-triage --resume\n")
    if failed:
        return EXIT_REPORT
    if channels.input_error is not None:  # e.g. a WAV of the wrong kind on --audio-in -: the answers were not heard
        return EXIT_USAGE if isinstance(channels.input_error, AudioFormatError) else EXIT_VOICE
    return EXIT_INTERRUPTED if report.get("ended_by") == "interrupted" else EXIT_OK


def _keeps_setting_changes(args: argparse.Namespace) -> bool:
    """Whether "slower", "faster" or "give me more time" are saved for next time: only when a person answers, at a
    microphone or typing (--text).

    Answers from --audio-in (a recording or a pipe) or from a program (--jsonl) are no person's wishes: a recording's
    "give me more time" heard four times saved pause 3.5 and silence_timeout 26 in the user's settings. There the
    change holds for the session only.
    """
    return not (args.no_save or args.jsonl or args.audio_in is not None)


def _discard_if_empty(journal: Any) -> bool:
    """Delete a session that ended unfinished before any answer (a "stop" is none): resuming it would only start
    afresh, and as the latest it would stand in front of an older unfinished one that --resume should find."""
    from . import journal as journals
    from .storage import forget_session

    if journal.path is None or journal.failed:  # a failed journal says nothing of the answers given
        return False
    try:
        saved = journals.read(journal.path)
    except (OSError, ValueError):
        return False
    return not (saved.heard or saved.final) and forget_session(journal.path)


def settings_command(argv: Sequence[str]) -> int:
    """`settings` shows them; `settings set NAME VALUE` and `settings reset` change them."""
    from .settings import Settings, SettingsError, load, save
    from .storage import config_file

    parser = ArgumentParser(prog="voice-triage settings", description="show or change your personal settings")
    parser.add_argument("action", nargs="?", choices=("set", "reset"), help="set NAME VALUE, or reset all")
    parser.add_argument("name", nargs="?", help="rate, voice, pause, silence_timeout, mode or mic")
    parser.add_argument("value", nargs="?")
    args = parser.parse_args(argv)
    if (args.action == "set") != (args.value is not None) or (args.action != "set" and args.name):
        parser.error("give set NAME VALUE, or reset, or nothing to show them")
    try:
        # "reset" must work on a broken settings file: it is how such a file is mended
        prefs = Settings() if args.action == "reset" else load()
        if args.action == "set":
            prefs.set(args.name, args.value)
        if args.action:
            save(prefs)
    except SettingsError as error:
        return _fail(str(error), EXIT_USAGE)
    sys.stdout.write(f"# {config_file()}\n" + "".join(f"{k} = {v}\n" for k, v in vars(prefs).items()))
    return EXIT_OK


def forget_command(argv: Sequence[str]) -> int:
    """Delete every stored session, after asking (or with --yes), and say how many."""
    from .storage import forget, sessions_dir, stored_sessions

    parser = ArgumentParser(prog="voice-triage forget", description="delete every stored session and its report")
    parser.add_argument("--yes", action="store_true", help="do not ask first")
    args = parser.parse_args(argv)
    count = len(stored_sessions())
    if count and not args.yes and not _confirmed(f"Delete {count} stored session{'s' if count != 1 else ''} from "
                                                  f"{sessions_dir()}? This cannot be undone. Type yes to delete: "):
        return EXIT_USAGE
    count, running = forget()
    sys.stdout.write(f"Deleted {count} stored session{'s' if count != 1 else ''} from {sessions_dir()}.\n")
    if running:
        sys.stdout.write(f"Kept {running} that {'is' if running == 1 else 'are'} still running in another "
                         "voice-triage; end it, then run voice-triage forget again.\n")
    return EXIT_OK


def _confirmed(question: str) -> bool:
    """A typed "yes" at a terminal; with no terminal to ask at, the caller must say --yes (and is told so)."""
    if not sys.stdin.isatty():
        _fail("nothing deleted: add --yes to delete the stored sessions without being asked", EXIT_USAGE)
        return False
    sys.stdout.write(question)
    sys.stdout.flush()
    if sys.stdin.readline().strip().lower() in ("yes", "y"):
        return True
    sys.stdout.write("Nothing deleted.\n")
    return False


def diagram(argv: Sequence[str]) -> int:
    """Print the conversation flow as Mermaid text."""
    from .dialog import mermaid

    parser = ArgumentParser(prog="voice-triage diagram", description="print the conversation flow as Mermaid text")
    parser.parse_args(argv)
    sys.stdout.write(mermaid() + "\n")
    return EXIT_OK


def models(argv: Sequence[str]) -> int:
    """`models download`: the only command that uses the network."""
    if list(argv[:1]) != ["download"]:
        return _fail("usage: voice-triage models download [--help]", EXIT_USAGE)
    from .voice.download import main as download_main

    return download_main(list(argv[1:]))


def mics_command(argv: Sequence[str]) -> int:
    """List the input devices (the default marked '*'); with --test, listen to one and say how speech comes through."""
    from .voice.errors import VoiceUnavailable
    from .voice.microphone import microphones

    parser = ArgumentParser(prog="voice-triage mics", description="list the microphones, or test one")
    parser.add_argument("--test", action="store_true", help="listen for a few seconds and say how speech comes through")
    parser.add_argument("--mic", metavar="DEVICE", help="the microphone to test: its number or part of its name")
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="how long to listen for speech, after a quiet moment to hear the room (default 5)")
    args = parser.parse_args(list(argv))
    try:
        if args.test:
            return _test_microphone(args.mic or _load_settings().mic or None, args.seconds)
        lines = microphones()
    except VoiceUnavailable as error:
        return _fail(str(error), EXIT_VOICE)
    return _device_list(lines, "no microphone found; plug one in, or answer by typing (voice-triage --text)",
                        "Choose one with --mic NUMBER, or for good: voice-triage settings set mic NUMBER. "
                        "Test it: voice-triage mics --test --mic NUMBER")


def voices_command(argv: Sequence[str]) -> int:
    """List the speech engine's English voices (all with --all) for --voice or the `voice` setting."""
    from .voice.errors import VoiceUnavailable
    from .voice.tts import voice_lines

    parser = ArgumentParser(prog="voice-triage voices", description="list the voices prompts can be spoken in")
    parser.add_argument("--all", action="store_true", help="every language, not only English")
    args = parser.parse_args(list(argv))
    try:
        lines = voice_lines("" if args.all else "en")
    except VoiceUnavailable as error:
        return _fail(str(error), EXIT_VOICE)
    return _device_list(lines, "the speech engine lists no voices; reinstall it (sudo apt-get install espeak-ng)",
                        "Choose one with --voice ID (or part of its name), or for good: "
                        "voice-triage settings set voice ID")


def _device_list(lines: list[str], none_found: str, how_to_choose: str) -> int:
    """Print a list of devices or voices and how to choose one; a one-line failure when there is none."""
    if not lines:
        return _fail(none_found, EXIT_VOICE)
    sys.stdout.write("".join(line + "\n" for line in lines) + how_to_choose + "\n")
    return EXIT_OK


def _test_microphone(device: str | None, seconds: float) -> int:
    """Listen to one microphone and print what came through; exit 0 only when speech came through clearly."""
    from .voice.mic_check import ROOM_S, check
    from .voice.microphone import Microphone, device_spec

    mic = Microphone(device_spec(device))
    rate = "" if mic.rate == 16000 else f", recorded at {mic.rate} Hz and converted"
    _say_now(f"Listening to {mic.name}{rate}. First, please stay quiet for {ROOM_S:g} seconds, so I can hear the "
             "room.")
    speak_now = (f"Now please say something, for example: yes, my lower back hurts. "
                 f"(Listening for {seconds:g} seconds.)")
    try:
        result = check(mic.chunks(), seconds, speak_now=lambda: _say_now(speak_now))
    finally:
        mic.close()
    sys.stdout.write(result.verdict() + "\n")
    return EXIT_OK if result.ok else EXIT_VOICE


def _say_now(line: str) -> None:
    """Print one line at once (the microphone test prompts while it listens)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def report_command(argv: Sequence[str]) -> int:
    """`report FILE.json --html OUT.html`: a printable summary of a saved report."""
    from .report_files import report_command as run_report

    return run_report(list(argv))


COMMANDS = {"diagram": diagram, "mics": mics_command, "voices": voices_command, "models": models,
            "report": report_command, "settings": settings_command, "forget": forget_command}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: subcommands first, else a conversation."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        command = [a for a in argv if a != "--debug"]  # "--debug report FILE" as well as "report FILE --debug"
        if command and command[0] in COMMANDS:
            return COMMANDS[command[0]](command[1:])
        args = _parse(argv)
        _install_signal_handlers()
        return converse(args)
    except KeyboardInterrupt:
        return _fail("interrupted.", EXIT_INTERRUPTED)
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the last line of defence: users never see a traceback
        log.debug("unexpected error", exc_info=True)
        return _fail(f"unexpected error: {error}. Run again with --debug for details.", EXIT_UNEXPECTED)


if __name__ == "__main__":
    sys.exit(main())
