#!/usr/bin/env python3
"""Download the Vosk English model into models/ (same as: voice-triage models download). --help for options."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voice_triage.voice.download import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
