"""Two parts of the log summed apart and joined give the daybook of one pass (what `log verify` compares)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from broadcaster.reports.daybook import Daybook, ItemMs
from broadcaster.reports.daybook_join import join

Airing = tuple[int, str, date, str, str, int, list[ItemMs]]


def random_log(seed: int, airings: int = 60) -> list[Airing]:
    """Items that come back on later days, change topic, air twice in one airing, and airings logged
    out of day order (closed after a crash), in a handful of days so that items cross any split."""
    rng = random.Random(seed)
    start = date(2021, 3, 1)
    log: list[Airing] = []
    day = 0
    for seq in range(1, airings + 1):
        day = max(0, day + rng.choice([0, 0, 1, 1, 2, -3]))  # now and then an earlier day
        items = [
            ItemMs(
                n,
                rng.randint(1, 8),
                rng.choice(["a", "b", "c"]),
                rng.choice(["normal", "emergency"]),
                rng.randint(0, 3000),
                rng.randint(0, 2000),
                rng.random() < 0.6,
                rng.choice(["vie", "tyz"]),
            )
            for n in range(rng.randint(0, 4))
        ]
        status = rng.choice(["completed", "completed", "interrupted", "failed"])
        log.append((seq, f"h{seq}", start + timedelta(days=day), rng.choice(["x", "y"]), status, 2500, items))
    return log


def summed(log: list[Airing], book: Daybook) -> Daybook:
    for airing in log:
        book.add(*airing)
    return book


@pytest.mark.parametrize("seed", range(25))
def test_two_parts_joined_are_one_pass(seed: int) -> None:
    log = random_log(seed)
    whole = summed(log, Daybook())
    rows = whole.all_rows()
    # and it goes on as one pass would (the daemon may log more while `log verify` runs)
    extra = (61, "h61", date(2021, 3, 2), "x", "completed", 900, [ItemMs(0, 3, "b", "normal", 0, 500, True, "vie")])
    touched = whole.add(*extra)
    for split in range(len(log) + 1):
        joined = join(summed(log[:split], Daybook()), summed(log[split:], Daybook(later=True)))
        assert joined.all_rows() == rows, split
        assert joined.add(*extra) == touched, split
        assert joined.all_rows() == whole.all_rows(), split
        assert (joined.items, joined.latest, joined.count) == (whole.items, whole.latest, whole.count), split


def test_a_later_part_must_be_summed_as_one() -> None:
    with pytest.raises(ValueError, match="later=True"):
        join(Daybook(), Daybook())


def test_a_days_text_is_the_reference_json() -> None:
    """Day.text() is written by orjson (canonical_json.dump_canonical): the bytes json.dumps writes, as sealed."""
    import json

    from broadcaster.reports.daybook import Day

    day = Day(
        all=[1, 2, 3],
        slot={"Bản tin sáng": [5, 1, 1], 'a"\\\n\x01\x7f': [2**40, 0, 1]},
        topic={"y-nghia": [1, 1, 1]},
        language={"vie": [1, 1, 1]},
        status={"completed": 3},
        lasts={("y-nghia", ""): 2, ("cải-cách", "2021-03-02"): 1},
    )
    doc = {
        "all": day.all,
        "language": day.language,
        "lasts": sorted([t, n, c] for (t, n), c in day.lasts.items()),
        "priority": day.priority,
        "slot": day.slot,
        "status": day.status,
        "topic": day.topic,
    }
    assert day.text() == json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
