"""Typed and JSONL listeners and speakers: the same dialog, read from and written to text streams."""
from __future__ import annotations

import json
import logging
import os
import queue
import re
import threading
from collections.abc import Callable
from typing import IO

from .events import Adjust, Ask, End, Event, Heard, Listener, Say

log = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 2000
# No one types a million characters without a line break: such input (/dev/zero, a binary file) is not answers, and
# reading on for its end would take all the memory there is. Typing ends there, as at the end of input.
MAX_LINE_CHARS = 1 << 20
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Enter on an empty line is not an answer (it used up one of a question's three tries), but endless empty lines
# (`yes '' |`) are not typing either: after this many in a row one is handed on, so such input still ends.
MAX_BLANK_LINES = 20
ANSWER_PROMPT = "> "


def clean_line(line: str) -> str:
    """One answer line: control characters removed, very long input cut to a sane length."""
    return _CONTROL_CHARS.sub(" ", line[:MAX_ANSWER_CHARS]).strip()


class LineListener:
    """Reads one answer per line (from a text stream or KeyboardLines); end of input returns None.

    With `on_blank` (a person typing), an empty line is not an answer: `on_blank` shows the prompt again and the
    next line is read. Without it (JSONL: a program waits for a reply to every line), each line is an answer.
    """

    def __init__(self, stream: IO[str] | KeyboardLines, on_blank: Callable[[], None] | None = None) -> None:
        self.stream = stream
        self.on_blank = on_blank

    def listen(self, ask: Ask) -> Heard | None:
        """The next line as the answer (the next non-empty one, with `on_blank`)."""
        blanks = 0
        while (line := self._line()) is not None:
            if line or self.on_blank is None or blanks == MAX_BLANK_LINES:
                return Heard(line)
            blanks += 1
            self.on_blank()
        return None

    def _line(self) -> str | None:
        """The next line, cleaned; None at the end of input (or on a line with no end)."""
        line = self.stream.readline(MAX_LINE_CHARS)
        return None if not line or _runs_on(line) else clean_line(line)


def _runs_on(line: str | bytes) -> bool:
    """Whether a line read with the MAX_LINE_CHARS limit stopped at the limit, not at a line break (and says so)."""
    if len(line) < MAX_LINE_CHARS or line.endswith("\n" if isinstance(line, str) else b"\n"):
        return False
    log.warning("the input has a line of over %d characters with no line break, so it is not typed answers; "
                "reading stops here (type one answer per line)", MAX_LINE_CHARS)
    return True


class KeyboardLines:
    """Lines typed while a spoken session listens, read on a thread so listening never waits on the keyboard.

    `poll` hands over a typed answer without blocking (the voice listener asks between audio frames);
    `readline` blocks, so a LineListener can read from it after the microphone fails.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.closed = False
        threading.Thread(target=self._read, args=(stream,), daemon=True, name="keyboard").start()

    def _read(self, stream: IO[str]) -> None:
        """Queue each line; None at end of input."""
        try:
            for line in _lines_of(stream):
                self._lines.put(line)
        except (OSError, ValueError):  # a closed or broken stdin ends typing, not the session
            pass
        self._lines.put(None)

    def poll(self) -> str | None:
        """The next non-empty typed line, or None when nothing has been typed."""
        while not self.closed:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                return None
            if line is None:
                self.closed = True
            elif cleaned := clean_line(line):
                return cleaned
        return None

    def readline(self, limit: int = -1) -> str:
        """The next typed line, waiting for it; "" at end of input (like a file). Lines are already no longer
        than the limit."""
        if self.closed:
            return ""
        line = self._lines.get()
        if line is None:
            self.closed = True
            return ""
        return line


def _lines_of(stream: IO[str]):  # noqa: ANN202 - a generator of str
    """Lines of a text stream; a real file descriptor is read unbuffered, so a reader thread blocked on it
    never holds the buffer lock that interpreter shutdown needs ("could not acquire lock for <stdin>")."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        yield from iter(stream.readline, "")
        return
    pending = b""
    while chunk := os.read(fd, 4096):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line.decode("utf-8", errors="replace") + "\n"
        if _runs_on(pending[:MAX_LINE_CHARS]):
            return
    if pending:
        yield pending.decode("utf-8", errors="replace")


class ScriptedListener:
    """Answers from a list, then end of input: for replays, scripts and tests."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)

    def listen(self, ask: Ask) -> Heard | None:
        """The next scripted answer."""
        return Heard(self.answers.pop(0)) if self.answers else None


class SilentSpeaker:
    """Discards every event (benchmarks and tests that only want the report)."""

    def emit(self, event: Event) -> None:
        """Nothing to show."""


class TerminalLines:
    """Lines typed at a terminal, with line editing: the arrow keys move in the line and recall this session's
    answers, where without it a left arrow became part of the answer ("^[[D", then "Sorry, I didn't catch that").

    The prompt is written here, not by TypedSpeaker, so that editing redraws it. Nothing typed is saved to disk.
    """

    def __init__(self, prompt: str = ANSWER_PROMPT) -> None:
        self.prompt = prompt
        try:
            import readline  # noqa: F401 - importing it gives input() line editing
        except ImportError:  # a Python built without it: typing still works, without editing
            log.debug("no readline module: typed answers have no line editing")

    def readline(self, limit: int = -1) -> str:
        """The next typed line, with its line break; "" at the end of input (Ctrl-D), as a file gives it."""
        try:
            line = input(self.prompt)
        except EOFError:
            return ""
        return (line[:limit] if limit > 0 else line) + "\n"


class TypedSpeaker:
    """Prints prompts for a person at a keyboard, with numbered options."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.prompt = ANSWER_PROMPT  # "" when the reader writes it (TerminalLines)

    def emit(self, event: Event) -> None:
        """Print one event as plain text."""
        if isinstance(event, Adjust):
            return
        if isinstance(event, Ask):
            options = "   ".join(f"{n}) {label}" for n, label in enumerate(event.options, 1))
            self.stream.write(f"\n{event.text}\n" + (f"   {options}\n" if options else "") + self.prompt)
        else:
            self.stream.write(f"{event.text}\n")
        self.stream.flush()

    def prompt_again(self) -> None:
        """The answer prompt once more, after Enter on an empty line."""
        self.stream.write(self.prompt)
        self.stream.flush()


def event_json(event: Event) -> dict | None:
    """The JSONL form of an event (Adjust has none; `heard` and `error` lines are not the dialog's events)."""
    if isinstance(event, Say):
        return {"type": "say", "text": event.text, **({"waits": True} if event.waits else {})}
    if isinstance(event, Ask):
        return {"type": "ask", "text": event.text, "question": event.question, "options": list(event.options)}
    if isinstance(event, End):
        return {"type": "end", "text": event.text, "report": event.report}
    return None


class JsonlSpeaker:
    """Writes one JSON object per line for programs and tests."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.ended = False  # `end` (or `error`) was written: it is the last line

    def emit(self, event: Event) -> None:
        """Print one event as a JSON line."""
        data = event_json(event)
        if data is not None:
            self.send(data)
        self.ended = self.ended or isinstance(event, End)

    def error(self, reason: str, text: str) -> None:
        """The `error` event, the last line instead of `end` when the session cannot run or carry on; none after
        `end` (a report that cannot be saved after it: the program has the report in `end`)."""
        if not self.ended:
            self.send({"type": "error", "reason": reason, "text": text})
            self.ended = True

    def send(self, data: dict) -> None:
        """One JSON line, at once (the program on the other end may be waiting for it)."""
        self.stream.write(json.dumps(data, ensure_ascii=False) + "\n")
        self.stream.flush()


class NothingHeard(BaseException):
    """Spoken answers on a pipe ended, or failed, before anything was heard: an error, not advice built from nothing.

    A BaseException, as KeyboardInterrupt is: the session ends with the answers so far on any listener failure
    (an Exception), and this must reach the command line instead, before any advice is given.
    """


def no_answer(source: str) -> str:
    """Why a new session on spoken answers ends with no advice, and what to do."""
    if source == "-":
        return "the audio on stdin ended before any answer was heard (was it empty, or silent?); send the answers " \
               "as raw 16 kHz mono s16le speech"
    return f"no answer was heard in {source} (is it silent, or only noise?); record the answers closer to the " \
           "microphone, or answer by typing with --text"


class SpokenAnswers:
    """A voice listener as a program sees it: each utterance heard is a JSONL `heard` line (with `jsonl`); with
    `need_answer_from` (the --audio-in of a new session), input that ends or fails before anything was heard raises
    NothingHeard."""

    def __init__(self, listener: Listener, jsonl: JsonlSpeaker | None, need_answer_from: str | None) -> None:
        self.listener, self.jsonl, self.need_answer_from = listener, jsonl, need_answer_from
        self.heard_any = False  # words, a voice too long to take, or a typed line: someone answered

    def listen(self, ask: Ask) -> Heard | None:
        """The listener's answer, told to the program before the dialog takes it."""
        source = self.need_answer_from if not self.heard_any else None
        try:
            heard = self.listener.listen(ask)
        except Exception as error:
            if source is not None:
                where = "on stdin" if source == "-" else f"in {source}"
                raise NothingHeard(f"the audio {where} could not be heard ({error})") from error
            raise
        if heard is None and source is not None:
            raise NothingHeard(no_answer(source))
        if heard is not None:
            self.heard_any = self.heard_any or bool(heard.text) or heard.too_long or heard.typed
            if heard.text and self.jsonl is not None:
                self.jsonl.send(heard_json(heard, ask))
        return heard


def heard_json(heard: Heard, ask: Ask) -> dict:
    """The JSONL `heard` event: what the recognizer made of an answer to `ask` (confidence 0: not understood)."""
    return {"type": "heard", "text": heard.text, "confidence": round(heard.confidence, 3), "question": ask.question}
