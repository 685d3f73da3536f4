"""Does a message a Vietnamese user reads still contain an English sentence? A heuristic for the tests.

What the user typed or must type stays as it is, so it is left out before looking: anything in
quotes or backticks (their data, a command to run), file paths and names, options (--title),
config keys (slots[3].max_minutes), lists of column names and placeholders (ITEM_ID). What
remains is English when it has a run of three or more common English words ("is not set up",
"There is no airing") or one of the
English labels a message starts with ("Error:", "fix:", "Usage:", "row 2", "Did you mean").
Common English words that are also Vietnamese syllables ("do", "an", "in", "to") are not counted.
"""

from __future__ import annotations

import re

COMMON = frozenset(
    """
    a about after all already also am and any are as be been before being between both but by can cannot
    could did does doesn't don't each either else empty ever every exist exists first for found from
    get give given got has have help here how if into is isn't it it's its just last least less like
    long made make many may more most must name need needs never new next no none nor not nothing now
    of off once one only open or other out over please put read ready run same see set should so
    some such than that the their them then there these they this those through too try type under
    unexpected until up use used using was way were what when where which while who will with without
    would yet you your error fix did mean usage missing argument option options invalid value extra
    command commands such file folder line row column check found problem problems free disk space
    on at to by again them item items news text title topic date day days time airing airings log slot
    slots report station database config voice sound device audio output installed configured hand
    switched control created folders schema upgraded nothing done known unknown whole number write
        """.split()
)
LABELS = re.compile(
    r"(?:^|\s)(?:Error|Warning|Note|Usage|Options|Commands|PROBLEM|fix|Aborted)\s*[:!]"
    r"|\brow \d|\bDid you mean\b|\bTry '|\bGot unexpected\b|\bNo such\b|\bInvalid value\b"
    r"|\bMissing (?:argument|option)\b"
)
# What the user typed or must type: quoted text, commands, paths, file names, options, config keys.
_VERBATIM = re.compile(
    r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`|‘[^’\n]*’|“[^”\n]*”"  # quoted data and commands
    r"|\S*[/\\]\S*"  # paths
    r"|\S+\.(?:txt|csv|docx?|xlsx?|pdf|png|jpe?g|zip|rtf|wav|mp3|toml|db|bak|html|json)\b"  # file names
    r"|(?<!\w)--?[a-z][\w-]*"  # options
    r"|\b[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)+\b"  # config keys: speech.espeak.speed, slots[3].days
    r"|\b[a-z]+_[a-z_]+\b"  # config keys: max_minutes
    r"|\{[a-z_]+\}"
    r"|\b[a-z_]+(?:, ?[a-z_]+){2,}\b"  # a list of names to type: the columns title,topic,text
    r"|\b[A-Z][A-Z_]+\b"  # placeholders of the usage line: OPTIONS, COMMAND, ITEM_ID
)
_WORD = re.compile(r"[^\W\d_]+(?:'[a-z]+)?")


def english_run(message: str, run: int = 3, words: frozenset[str] = COMMON) -> str | None:
    """The first English label or run of `run` of `words` (common English words) in `message`, else None."""
    label = LABELS.search(message)
    if label:
        return label.group(0).strip()
    for part in _VERBATIM.split(message):
        streak: list[str] = []
        for word in _WORD.findall(part):
            if word.lower() in words:
                streak.append(word)
                if len(streak) >= run:
                    return " ".join(streak)
            else:
                streak = []
    return None
