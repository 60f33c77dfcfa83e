"""KeyboardLines: answers typed while a spoken session listens, read on a thread from a real pipe."""
from __future__ import annotations

import io
import os
import time

from voice_triage.textio import KeyboardLines, LineListener


def wait_for(poll, timeout: float = 5.0):
    """Poll until something arrives (the reader is a thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := poll()) is not None:
            return value
        time.sleep(0.01)
    return None


def pipe_stream():
    read_fd, write_fd = os.pipe()
    return os.fdopen(read_fd, "r", encoding="utf-8"), write_fd


def test_poll_never_blocks_and_hands_over_each_typed_line_once() -> None:
    stream, write_fd = pipe_stream()
    keyboard = KeyboardLines(stream)
    assert keyboard.poll() is None  # nothing typed yet: returns at once
    os.write(write_fd, "  yes \n\n".encode())
    assert wait_for(keyboard.poll) == "yes"
    os.write(write_fd, "lower back\n".encode())
    assert wait_for(keyboard.poll) == "lower back"  # the empty line (just Enter) was not an answer
    os.close(write_fd)
    assert wait_for(keyboard.poll, 0.3) is None and keyboard.closed


def test_a_line_split_across_writes_and_bad_bytes_arrive_whole() -> None:
    stream, write_fd = pipe_stream()
    keyboard = KeyboardLines(stream)
    os.write(write_fd, b"about two")
    time.sleep(0.05)
    os.write(write_fd, b" weeks\xff\n")
    assert wait_for(keyboard.poll) == "about two weeks\ufffd"
    os.close(write_fd)


def test_line_listener_reads_through_it_after_the_microphone_fails() -> None:
    keyboard = KeyboardLines(io.StringIO("no\nleft\n"))  # no file descriptor: read line by line
    listener = LineListener(keyboard)
    assert [listener.listen(None).text, listener.listen(None).text] == ["no", "left"]
    assert listener.listen(None) is None and keyboard.readline() == ""
