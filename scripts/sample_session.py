#!/usr/bin/env python3
"""Print a typed-mode transcript (prompts and answers) of one scripted conversation, for the README.

Usage: .venv/bin/python scripts/sample_session.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voice_triage.content import load_content  # noqa: E402
from voice_triage.dialog import Dialog  # noqa: E402
from voice_triage.events import Heard  # noqa: E402
from voice_triage.session import Channels, run  # noqa: E402
from voice_triage.textio import TypedSpeaker  # noqa: E402

RED_FLAGS = len(load_content().red_flags)  # each answered "no" first
ANSWERS = ["no"] * RED_FLAGS + ["64", "mostly in my groin and the front of my thigh", "left", "eight months",
                                "a dull ache and stiffness", "not really",
                                "stairs, putting on my socks and getting out of the car", "rest", "yes",
                                "it crept up on me slowly"]


class EchoingListener:
    """Types the scripted answers, showing them after the prompt."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)

    def listen(self, ask) -> Heard | None:
        if not self.answers:
            return None
        answer = self.answers.pop(0)
        sys.stdout.write(answer + "\n")
        return Heard(answer)


def main() -> int:
    content = load_content()
    run(Dialog(content), Channels(EchoingListener(ANSWERS), TypedSpeaker(sys.stdout)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
