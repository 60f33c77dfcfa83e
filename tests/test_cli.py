"""The command line, run as a real process with piped stdin: typed, JSONL, EOF, garbage, diagram."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, stdin: bytes | str = b"", timeout: float = 30) -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "voice_triage", *args], input=data, capture_output=True,
                          cwd=ROOT, timeout=timeout)


def jsonl_events(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode().splitlines()]


def test_jsonl_prints_json_only_and_ends_with_a_report_on_eof():
    result = run_cli("--jsonl", stdin="no\nno\n")
    assert result.returncode == 0, result.stderr
    events = jsonl_events(result.stdout)
    assert [e["type"] for e in events[:3]] == ["say", "say", "say"]
    asks = [e for e in events if e["type"] == "ask"]
    assert asks[0]["question"] == "rf_bladder" and asks[0]["options"] == ["yes", "no", "not sure"]
    end = events[-1]
    assert end["type"] == "end" and end["report"]["ended_by"] == "end_of_input"
    assert end["report"]["answers"] == {"rf_bladder": "no", "rf_bowel": "no"}
    assert result.stderr == b""


def test_jsonl_emergency_full_flow():
    events = jsonl_events(run_cli("--jsonl", stdin="yes\nno\n").stdout)
    assert events[-1]["report"]["disposition"] == "emergency"
    assert events[-1]["report"]["ended_by"] == "emergency"


@pytest.mark.parametrize("garbage", [
    b"\n\n\n", b"\x00\x01\x02\n", b"\xff\xfe\xfa invalid utf8\n", "\U0001F600\U0001F4A5\n".encode(),
    b"x" * 1_000_000 + b"\n", "tak, nie wiem\n".encode(), b"\x1b[31mred\x1b[0m\n",
])
def test_garbage_lines_never_crash(garbage):
    result = run_cli("--jsonl", stdin=garbage * 2 + b"no\n")
    assert result.returncode == 0, result.stderr
    events = jsonl_events(result.stdout)
    assert events[-1]["type"] == "end"
    assert b"Traceback" not in result.stderr


def test_text_mode_with_numbered_options_and_eof():
    result = run_cli("--text", stdin="2\n2\nno\nbanana\n\n")
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "1) yes   2) no   3) not sure" in out
    assert "Sorry, I didn't" in out  # "banana"
    assert "> > " in out  # an empty line is not an answer: the prompt is shown again
    assert "Stopping now. From your answers so far:" in out
    assert out.rstrip().endswith("Goodbye, and take care.")


def test_text_mode_whole_conversation(content):
    answers = ["no"] * len(content.red_flags) + ["30", "lower back", "middle", "two days", "dull ache", "no", "bending and lifting",
                             "rest", "no", "after lifting weights at the gym"]
    out = run_cli("--text", stdin="\n".join(answers) + "\n").stdout.decode()
    assert "Here is what I suggest." in out
    assert "You can look after this at home for now." in out
    assert "not a diagnosis" in out


def test_diagram_prints_mermaid():
    result = run_cli("diagram")
    text = result.stdout.decode()
    assert result.returncode == 0 and "stateDiagram-v2" in text
    assert "red_flags --> symptoms" in text


def test_committed_diagram_is_current():
    committed = (ROOT / "docs" / "state-machine.mmd").read_text()
    assert committed.strip() == run_cli("diagram").stdout.decode().strip()


def test_bad_content_folder_is_one_line_with_exit_3(tmp_path):
    result = run_cli("--text", "--content", str(tmp_path))
    assert result.returncode == 3
    assert result.stderr.decode().count("\n") == 1 and "sources.toml: file is missing" in result.stderr.decode()


def test_unknown_flag_is_usage_error():
    assert run_cli("--bogus").returncode == 2


def test_unreadable_audio_file_is_a_one_line_usage_error(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk")
    result = run_cli("--no-save", "--no-speak", "--audio-in", str(bad))
    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1 and "bad.wav" in result.stderr.decode()
