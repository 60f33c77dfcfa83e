#!/usr/bin/env python3
"""How every benchmark voice hears some answers to one question, with the dialog's own grammar for it.

Usage: .venv/bin/python scripts/hear_phrases.py [--question duration] [--cache DIR] PHRASE [PHRASE ...]

Each phrase is spoken by the 4 flite and 4 espeak-ng voices at 3 rates (scripts/bench_voice.py's), heard by the
pocketsphinx recognizer as the question's Ask would have it (its phrases, controls, carrier words and synonyms), and read by
the dialog's interpreter. A reading that differs from what the phrase means typed (a duration by its days) is
printed with what was heard; then one line per phrase: wrong of 24. Clean speech only: a quick check of a grammar
change on the phrases it is about, before the whole benchmark.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voice_triage.content import load_content  # noqa: E402
from voice_triage.understand import Interpreter  # noqa: E402
from voice_triage.voice.audio import chunked  # noqa: E402
from voice_triage.voice.listener import VoiceListener  # noqa: E402
from voice_triage.voice.sphinx_recognizer import SphinxRecognizer  # noqa: E402
from voice_triage.voice.testing import ESPEAK, FLITE, RATES, dialog_ask, meaning_of, pad, synthesize  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--question", default="duration", help="a question id from questions.toml")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "voice-triage-hear-phrases")
    parser.add_argument("phrases", nargs="+")
    args = parser.parse_args()
    content = load_content()
    interpreter = Interpreter(content)
    question = content.questions_by_id[args.question]
    ask = dialog_ask(interpreter, question)
    recognizer = SphinxRecognizer()
    args.cache.mkdir(parents=True, exist_ok=True)
    for phrase in args.phrases:
        meant, wrong = meaning_of(interpreter, question, phrase), 0
        for voice in FLITE + ESPEAK:
            for rate in RATES:
                heard = VoiceListener(chunked(pad(synthesize(phrase, voice, rate, args.cache))), recognizer).listen(ask)
                got = meaning_of(interpreter, question, heard.text) if heard.text else None
                if got != meant or heard.confidence < 0.5:
                    wrong += 1
                    print(f"  {phrase!r} {voice.label} x{rate}: heard {heard.text!r} ({heard.confidence:.2f}) -> {got}")
        print(f"{phrase}: means {meant}; wrong {wrong} of {len(FLITE + ESPEAK) * len(RATES)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
