"""How often a spoken answer to a warning sign is taken as a sure "no" when something else was said, and what
checking costs: right "no"s that are checked ("I heard no. Is that right?") instead of taken.

Usage: .venv/bin/python scripts/bench_sure_no.py [--snr 20 10 5] [--quick] [--out FILE.md]

The benchmark's yes/no and control answers (scripts/bench_voice.py: 8 voices x 3 rates, white noise) are heard
through the listener with a warning sign's grammar. The dialog takes a "no" without a check (only says it back)
when it is heard at or above SURE_NO and, since stop 45, no answer of another meaning fits its sounds as well
(a "rival", named by pocketsphinx in a noisy room). Each answer is counted three ways: unsure (checked anyway),
sure with a rival (checked since stop 45) and sure with none (taken). One run gives the figures with and without
the rival rule, on the same hearings.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_voice  # noqa: E402

from voice_triage.thresholds import SURE_NO  # noqa: E402

CLASSES = ("yesno", "controls")


def counts(rows: list[dict], exam) -> dict[str, int]:
    """Answers heard as a "no", by whether "no" was said and how the dialog would take them."""
    out = {"answers": len(rows)}
    for said in ("right", "wrong"):
        out |= {f"{said}_unsure": 0, f"{said}_rival": 0, f"{said}_taken": 0}
    for row in rows:
        if not row["got"] or row["rejected"] or not exam.same("yesno", row["got"], "no"):
            continue
        said = "right" if exam.same("yesno", row["text"], "no") else "wrong"
        how = "unsure" if row["conf"] < SURE_NO else "rival" if row["rivals"] else "taken"
        out[f"{said}_{how}"] += 1
    return out


def main() -> int:
    """Run the answers at each noise level and print (or write) one table."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--snr", nargs="+", default=["20", "10", "5"], help="noise levels in dB, or 'clean'")
    p.add_argument("--quick", action="store_true", help="two voices only")
    p.add_argument("--out", type=Path)
    args = p.parse_args()
    snrs = tuple(None if s == "clean" else float(s) for s in args.snr)
    started = time.perf_counter()
    recognizer, _ = bench_voice.load_recognizer("pocketsphinx")
    voices, exam = bench_voice.voices_and_exam("pocketsphinx", args.quick)
    exam.classes = {cls: answers for cls, answers in exam.classes.items() if cls in CLASSES}
    result = bench_voice.bench(recognizer, voices, exam, bench_voice.SYNTH_CACHE, snrs=snrs)
    lines = [f"Command: `.venv/bin/python scripts/bench_sure_no.py {' '.join(sys.argv[1:])}` "
             f"(took {time.perf_counter() - started:.0f} s; {len(voices)} voices x {len(bench_voice.RATES)} rates).", "",
             "Heard \"no\": a right one (\"no\" was said) or a wrong one (something else was: a control word, "
             "\"yes\", \"not sure\"); taken = sure with no rival, so not checked; with a rival = sure, but checked "
             "since stop 45; unsure = checked anyway.", "",
             "| noise | answers | right: taken / with a rival / unsure | wrong: **taken** / with a rival / unsure |",
             "|---|---|---|---|"]
    for snr in snrs:
        c = counts([row for row in result["rows"] if row["snr"] == snr], exam)
        lines.append(f"| {'clean' if snr is None else f'{snr:g} dB'} | {c['answers']} | {c['right_taken']} / "
                     f"{c['right_rival']} / {c['right_unsure']} | **{c['wrong_taken']}** / {c['wrong_rival']} / "
                     f"{c['wrong_unsure']} |")
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
