#!/usr/bin/env python3
"""Read every answer of the typed-answer corpora and print how many were read right, asked again or misread.

Usage: .venv/bin/python scripts/typed_answers.py [--list] [CORPUS.toml ...]
  --list   also list every answer not read right (misread first), to review or to add words for
Default: every tests/corpus/*.toml (format at the top of typed_answers.toml).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's code, also in a worktree beside the installed one
sys.path.insert(0, str(ROOT / "tests"))
from typed_corpus import CORPORA, Reading, read_all, table  # noqa: E402

from voice_triage.content import load_content  # noqa: E402


def shown(value: object) -> str:
    """A reading in a few characters: a duration by its days."""
    return f"{value['days']} days" if isinstance(value, dict) else repr(value)


def listing(readings: list[Reading]) -> list[str]:
    """One line per answer not read right, misread first; an answer met under several red flags once."""
    lines, seen = [], set()
    for reading in sorted(readings, key=lambda r: (r.verdict != "misread", r.case.question)):
        case = reading.case
        key = repr((case.typed, case.meant, reading.read) if case.question.startswith("rf_") else case)
        if reading.verdict == "right" or key in seen:
            continue
        seen.add(key)
        unsafe = f"  LESS URGENT: {', '.join(reading.less_urgent_on)}" if reading.less_urgent_on else ""
        lines.append(f"- {reading.verdict}: {case.question} {case.typed!r} means {case.meant!r}, "
                     f"read {shown(reading.read)}{unsafe}")
    return lines


def main(args: list[str]) -> int:
    """Print a table per corpus file, and with --list the answers not read right."""
    content = load_content()
    paths = [Path(arg) for arg in args if not arg.startswith("--")] or CORPORA
    for path in paths:
        readings = read_all(content, path)
        print(f"### {path.name}\n\n{table(content, readings)}\n")
        if "--list" in args:
            print("\n".join(listing(readings)) + "\n")
    return 0


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
