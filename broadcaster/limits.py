"""How big an input may be: one place, the same on SQLite and PostgreSQL.

SQLite does not enforce VARCHAR lengths and PostgreSQL does, so every limit a
column has is checked here, before the database sees the value; the database
would otherwise keep a 10,000-character title on one and refuse it with a raw
error on the other. The other limits keep one news item a news item: a text
that makes hours of speech can never fit a slot and takes minutes to render.

Pure: no imports beyond the standard library, so the CLI and the web console
can state the limits in their help without loading anything.
"""

from __future__ import annotations

from collections.abc import Iterable

# Columns of news_items (store/tables.py); the migration that made them is the other copy.
TITLE_MAX_CHARS = 500
TOPIC_CODE_MAX_CHARS = 64
APPROVER_MAX_CHARS = 200
SOURCE_NOTE_MAX_CHARS = 500
# airings.slot: a slot's name is written into every airing record.
SLOT_NAME_MAX_CHARS = 200

# About 36 minutes of speech: longer than any bulletin a commune airs; split it into items.
TEXT_MAX_CHARS = 30_000
AIRINGS_MAX = 1000
# One import is one sitting of the culture official, not an archive.
IMPORT_MAX_ITEMS = 1000
# A .txt or .csv this big is not a news file (the longest text is ~90 KB of UTF-8).
TEXT_FILE_MAX_BYTES = 5_000_000
# A .docx holds pictures too; python-docx reads it whole into memory.
DOCX_FILE_MAX_BYTES = 50_000_000

# news_items.id is a 32-bit INTEGER on PostgreSQL; airings.seq is a BIGINT.
ITEM_ID_MAX = 2**31 - 1
RECORD_ID_MAX = 2**63 - 1

# Dates of a validity window: a year outside these is a typing mistake, not a plan.
YEAR_MIN = 2000
YEAR_MAX = 2099

# Characters of news text spoken per second at speed 1.0, measured on the seed plan and
# plain prose: espeak-ng says ~13.9 chars/s at 150 words per minute with tempo 0.92, i.e.
# 0.1 char/s per word-per-minute; gTTS speaks at a fixed ~15 chars/s.
ESPEAK_CHARS_PER_S_PER_WPM = 0.101
GTTS_CHARS_PER_S = 17.0
# Spoken length is estimated on the fast side so that only a text that surely
# cannot fit is refused (numbers and abbreviations read out make speech longer).
ESTIMATE_MARGIN = 1.15


def chars_per_second(engines: Iterable[str], espeak_speed: int, tempo: float) -> float:
    """The fastest speaking rate among `engines` (any of them may end up speaking)."""
    rates = [0.0]
    for engine in engines:
        if engine == "espeak":
            rates.append(ESPEAK_CHARS_PER_S_PER_WPM * espeak_speed)
        else:  # gtts and engines to come: a natural human reading pace
            rates.append(GTTS_CHARS_PER_S)
    return max(rates) * tempo * ESTIMATE_MARGIN


def spoken_seconds(chars: int, rate_chars_per_s: float) -> float:
    """A low estimate of how long `chars` characters take to speak."""
    return chars / rate_chars_per_s if rate_chars_per_s > 0 else 0.0
