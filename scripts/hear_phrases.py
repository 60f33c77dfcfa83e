#!/usr/bin/env python3
"""How every benchmark voice hears some answers to one question, with the dialog's own grammar for it.

Usage: .venv/bin/python scripts/hear_phrases.py [--question duration] [--cache DIR] PHRASE [PHRASE ...]

Each phrase is spoken by the 4 flite and 4 espeak-ng voices at 3 rates (scripts/bench_voice.py's), heard by the
pocketsphinx recognizer as the question's Ask would have it (its phrases, controls and carrier words), and read by
the dialog's interpreter. A reading that differs from what the phrase means typed (a duration by its days) is
printed with what was heard; then one line per phrase: wrong of 24. Clean speech only: a quick check of a grammar
change on the phrases it is about, before the whole benchmark.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voice_triage.content import load_content  # noqa: E402
from voice_triage.events import Ask  # noqa: E402
from voice_triage.understand import Interpreter, vocabulary  # noqa: E402
from voice_triage.voice.audio import chunked  # noqa: E402
from voice_triage.voice.listener import VoiceListener  # noqa: E402
from voice_triage.voice.sphinx_recognizer import SphinxRecognizer  # noqa: E402
from voice_triage.voice.testing import ESPEAK, FLITE, RATES, pad, synthesize  # noqa: E402


def meaning(interpreter: Interpreter, question: Any, text: str) -> Any:
    """What the dialog takes `text` to mean: a duration by its days, else the value (None: not understood)."""
    if not text:
        return None
    value = interpreter.understand(question, text).value
    return value.get("days") if isinstance(value, dict) else value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--question", default="duration", help="a question id from questions.toml")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "voice-triage-hear-phrases")
    parser.add_argument("phrases", nargs="+")
    args = parser.parse_args()
    content = load_content()
    interpreter = Interpreter(content)
    question = content.questions_by_id[args.question]
    ask = Ask("?", question.id, (), vocabulary(interpreter, question), question.kind,
              tuple(interpreter.spoken_controls), interpreter.carriers)
    recognizer = SphinxRecognizer()
    args.cache.mkdir(parents=True, exist_ok=True)
    for phrase in args.phrases:
        meant, wrong = meaning(interpreter, question, phrase), 0
        for voice in FLITE + ESPEAK:
            for rate in RATES:
                heard = VoiceListener(chunked(pad(synthesize(phrase, voice, rate, args.cache))), recognizer).listen(ask)
                got = meaning(interpreter, question, heard.text)
                if got != meant or heard.confidence < 0.5:
                    wrong += 1
                    print(f"  {phrase!r} {voice.label} x{rate}: heard {heard.text!r} ({heard.confidence:.2f}) -> {got}")
        print(f"{phrase}: means {meant}; wrong {wrong} of {len(FLITE + ESPEAK) * len(RATES)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
