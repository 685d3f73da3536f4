"""Listing the news queue (`broadcaster news list`): a read, so SQLAlchemy Core on the tables of
store/schema.py and no ORM, no text checks, no audit trail; the command starts in a fraction of
the time (issue 9: `news list` <= 400 ms). service/queue.py's NewsDesk.list_items is this."""

from __future__ import annotations

from broadcaster.errors import InputError
from broadcaster.i18n import _
from broadcaster.model import ItemStatus, NewsItem
from broadcaster.service.choices import check_priority, check_topic
from broadcaster.service.context import Station
from broadcaster.store import news_read


def list_items(
    station: Station, status: str = "all", topic: str | None = None, priority: str | None = None
) -> list[NewsItem]:
    """The items (of one status, topic, priority if given), oldest first."""
    station.ready()
    if topic:
        topic = check_topic(station.config, topic)
    wanted_priority = check_priority(priority) if priority else None
    today = station.today()
    with station.db.reading() as connection:
        items = news_read.all_items(connection, topic)
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
