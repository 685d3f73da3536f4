"""The shape of a Vietnamese syllable: onset, rhyme and tone.

Used to tell real Unicode Vietnamese from text pasted in a legacy font
(a word such as "Toà" or "Khoá" is a valid syllable; VNI's "nhaân" and
TCVN3's "nh©n" are not), and to read unaccented web addresses
("dichvucong", "sonkim") as syllables rather than letter by letter.
Both tone placements on oa/oe/uy ("hoà" and "hòa") are correct Vietnamese.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ONSETS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
    "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)  # fmt: skip

# Every rhyme (vần) without its tone; after "qu" and "gi" the u/i belongs to the onset.
RHYMES = frozenset(
    """
    a ai ao au ay am an ang anh ap at ac ach
    ăm ăn ăng ăp ăt ăc
    âu ây âm ân âng âp ât âc
    e eo em en eng ep et ec
    ê êu êm ên êng ênh êp êt êch
    i ia iu im in inh ip it ich iêu iêm iên iêng iêp iêt iêc
    y yêu yêm yên yêt
    o oi om on ong op ot oc oong ooc
    oa oai oao oay oam oan oang oanh oap oat oac oach oăm oăn oăng oăt oăc
    oe oeo oen oet
    ô ôi ôm ôn ông ôp ôt ôc
    ơ ơi ơm ơn ơp ơt
    u ua ui um un ung up ut uc
    uê uêch uênh uơ uy uya uyu uych uyn uynh uyt uyên uyêt uân uâng uât uây
    uôi uôm uôn uông uôt uôc
    ư ưa ưi ưu ưm ưn ưng ưt ưc ươi ươu ươm ươn ương ươp ươt ươc
    """.split()
)

# Tone marks as combining characters: huyền, sắc, hỏi, ngã, nặng.
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_TONE_SET = frozenset(TONES[1:])
_STOP_TONES = frozenset({"\u0301", "\u0323"})  # a syllable ending in p, t, c, ch takes only sắc or nặng
_STOPS = ("p", "t", "c", "ch")
_ASCII_FOLD = str.maketrans("ăâêôơưđ", "aaeooud")
_MAX_ASCII = 8  # "nghieng" is the longest unaccented syllable (7 letters); one spare


def split_tone(word: str) -> tuple[str, str]:
    """(word without its tone mark, the mark or "") in NFC; more than one mark returns "??" as the mark."""
    parts = unicodedata.normalize("NFD", word)
    marks = [c for c in parts if c in _TONE_SET]
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_SET))
    if len(marks) > 1:
        return bare, "??"
    return bare, marks[0] if marks else ""


def _rhyme_fits(rhyme: str, tone: str) -> bool:
    if rhyme not in RHYMES:
        return False
    return not rhyme.endswith(_STOPS) or tone in ("", *_STOP_TONES)


@lru_cache(maxsize=4096)
def is_syllable(word: str) -> bool:
    """True for one well-formed Vietnamese syllable in either tone placement ("Hoà", "hòa", "NGHIÊNG")."""
    bare, tone = split_tone(word.lower())
    if tone == "??" or not bare.isalpha():
        return False
    for onset in ONSETS:
        if bare.startswith(onset) and _rhyme_fits(bare[len(onset) :], tone):
            return True
    # "gì", "gìn": the i of the rhyme is written once after g.
    return bare.startswith("gi") and _rhyme_fits(bare[1:], tone)


def _ascii_syllables() -> frozenset[str]:
    rhymes = {r.translate(_ASCII_FOLD) for r in RHYMES}
    onsets = {o.translate(_ASCII_FOLD) for o in ONSETS}
    return frozenset(o + r for o in onsets for r in rhymes)


ASCII_SYLLABLES = _ascii_syllables()


def is_ascii_syllable(text: str) -> bool:
    """A Vietnamese syllable written without accents, as in web addresses: "son", "kim", "nghieng"."""
    return len(text) <= _MAX_ASCII and text in ASCII_SYLLABLES


_TONE_VOWELS = "aăâeêioôơuưy"
_HAT_VOWELS = "ăâêôơư"


def _tone_index(rhyme: str, old_style: bool, has_final: bool) -> int:
    """Which letter of the rhyme carries the tone (index into the rhyme)."""
    vowels = [i for i, c in enumerate(rhyme) if c in _TONE_VOWELS]
    hats = [i for i in vowels if rhyme[i] in _HAT_VOWELS]
    if hats:
        return hats[-1] if rhyme.startswith(("ươ", "uô", "iê", "yê", "uyê")) else hats[0]
    if len(vowels) == 1 or has_final:
        return vowels[-1]
    if len(vowels) == 3:
        return vowels[1]
    if rhyme in ("oa", "oe", "uy"):
        return vowels[1] if old_style else vowels[0]
    return vowels[0]


def spell(onset: str, rhyme: str, tone: int, old_style: bool = False) -> str:
    """A syllable from its parts: spell("h", "oa", 1) is "hòa"; with old_style=True it is "hoà"."""
    if onset == "gi" and rhyme.startswith("i"):
        onset = "g"
    index = _tone_index(rhyme, old_style, has_final=rhyme[-1] not in _TONE_VOWELS)
    marked = rhyme[: index + 1] + TONES[tone] + rhyme[index + 1 :]
    return unicodedata.normalize("NFC", onset + marked)
