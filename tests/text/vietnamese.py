"""Real Unicode Vietnamese for the tests: the seed plan, the public cases, and every oa/oe/uy syllable."""

from __future__ import annotations

import json
from pathlib import Path

from broadcaster.text.syllables import ONSETS, RHYMES, spell

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED_FILES = sorted((SHARED / "seed").glob("000_*.txt"))
PUBLIC_CASES = SHARED / "testdata" / "vi_normalization_public.jsonl"


def seed_lines() -> list[str]:
    return [line for path in SEED_FILES for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def public_inputs() -> list[str]:
    if not PUBLIC_CASES.exists():
        return []
    lines = PUBLIC_CASES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["in"] for line in lines if line.strip()]


def fits(onset: str, rhyme: str) -> bool:
    # qu already holds the u; k/gh/ngh only before i, e, ê, y; c/g/ng never before them.
    front = rhyme[0] in "ieêy"
    if onset == "qu":
        return not rhyme.startswith("u")
    if onset in ("k", "gh", "ngh"):
        return front
    if onset in ("c", "g", "ng"):
        return not front
    return True


def every_syllable(rhyme_starts: tuple[str, ...] = ("",)) -> list[str]:
    """Every onset + rhyme + tone, in both tone placements, lower case, Title case and CAPITALS."""
    words = set()
    for onset in ONSETS:
        for rhyme in RHYMES:
            if not rhyme.startswith(rhyme_starts) or not fits(onset, rhyme):
                continue
            stop = rhyme.endswith(("p", "t", "c", "ch"))
            for tone in (2, 5) if stop else range(6):
                for old_style in (False, True):
                    word = spell(onset, rhyme, tone, old_style)
                    words.update({word, word.capitalize(), word.upper()})
    return sorted(words)


def oa_oe_uy_syllables() -> list[str]:
    """Hoà/Hòa, khoẻ/khỏe, thuý/thúy, hoặc, quyết...: where the two tone placements differ or could."""
    return every_syllable(("oa", "oă", "oe", "uy"))
