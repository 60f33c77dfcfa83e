#!/usr/bin/env python3
"""Play every vignette through `voice-triage --jsonl` and print the scored table (Markdown).

Usage: .venv/bin/python scripts/vignettes.py [public|own|all]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from patient import OWN_VIGNETTES, PUBLIC_VIGNETTES, load_cases, play, table  # noqa: E402


def main(which: str = "public") -> int:
    """Print one table per vignette set."""
    sets = {"public": PUBLIC_VIGNETTES, "own": OWN_VIGNETTES}
    for name, path in sets.items():
        if which in (name, "all"):
            outcomes = [play(case)[0] for case in load_cases(path)]
            print(f"### {name} vignettes ({path.name})\n\n{table(outcomes)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
