"""British pronunciations for pocketsphinx: its bundled dictionary (CMU) has US English pronunciations only.

Rules on dictionary phones, not word lists, so every word of the content files gets them. Two features of
southern British English that change how the dialog's own words sound:
- no "r" after a vowel at the end of a word: "faster", "slower", "lower", "outer", "over" end in a schwa;
- the broad "a" before f, s and th: "faster", "after", "last".
Dropping "r" before a consonant too ("start", "sort") was tried and not kept: "start" and "sort" then sound
like "stop", and "stop" was heard as "sort of" (scripts/bench_voice.py notes).
"""
from __future__ import annotations

from collections.abc import Sequence

BROAD_A_BEFORE = frozenset({"F", "S", "TH"})


def british(phones: Sequence[str]) -> tuple[str, ...]:
    """The southern British variant of one word's US dictionary phones (the same phones when nothing differs)."""
    out = []
    for i, phone in enumerate(phones):
        following = phones[i + 1] if i + 1 < len(phones) else None
        if phone == "ER" and following is None:
            phone = "AH"  # "faster" F AE S T ER -> F AA S T AH
        elif phone == "AE" and following in BROAD_A_BEFORE:
            phone = "AA"
        out.append(phone)
    return tuple(out)
