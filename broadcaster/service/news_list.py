"""Listing the news queue (`broadcaster news list`): a read, so no ORM, no text checks, no audit trail;
the command starts in a fraction of the time (issue 9: `news list` <= 400 ms). On a SQLite station it
reads through the standard library's driver without importing SQLAlchemy at all (store/sqlite_direct.py),
elsewhere with SQLAlchemy Core on the tables of store/schema.py. service/queue.py's NewsDesk.list_items is this."""

from __future__ import annotations

from broadcaster.errors import InputError
from broadcaster.i18n import _
from broadcaster.model import ItemStatus, NewsItem
from broadcaster.service.choices import check_priority, check_topic
from broadcaster.service.context import Station
from broadcaster.store import news_read_sqlite, sqlite_direct


def list_items(
    station: Station, status: str = "all", topic: str | None = None, priority: str | None = None
) -> list[NewsItem]:
    """The items (of one status, topic, priority if given), oldest first."""
    items = _read_queue(station, topic)
    wanted_priority = check_priority(priority) if priority else None
    today = station.today()
    if wanted_priority is not None:
        items = [i for i in items if i.priority is wanted_priority]
    if status == "all":
        return items
    try:
        wanted = ItemStatus(status)
    except ValueError:
        raise InputError(
            _("'{status}' is not a status of news items.").format(status=status),
            _("Use one of: {statuses}.").format(statuses=", ".join([*(s.value for s in ItemStatus), "all"])),
        ) from None
    return [i for i in items if i.status(today) is wanted]


def _read_queue(station: Station, topic: str | None) -> list[NewsItem]:
    """Every item (of one topic if given), once the database is known to be at the current schema and the
    topic to be one of the station's."""
    path = sqlite_direct.plain_file(station.config)
    if path is not None:
        with sqlite_direct.reading(path) as connection:
            sqlite_direct.require_current(connection, path)
            return news_read_sqlite.all_items(connection, topic and check_topic(station.config, topic))
    station.ready()
    topic = topic and check_topic(station.config, topic)
    from broadcaster.store import news_read  # SQLAlchemy Core: PostgreSQL, or a SQLite URL with options

    with station.db.reading() as connection:
        return news_read.all_items(connection, topic)
