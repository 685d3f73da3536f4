"""The airtime summary (per station-local day) that reports read instead of the whole log.

Revision ID: 0003
Revises: 0002

The summary is back-filled from the airings already logged when the station's time zone
is known (`Database.upgrade(tz=...)`, as `broadcaster init` does); otherwise the first
report or airing builds it (store/summary.py). The back-fill calls store/summary.py: if a
later revision changes these tables, freeze a copy of that code here first.
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_index("ix_airings_status_scheduled", "airings", ["status", "scheduled_at"])
    op.create_table(
        "airtime_daily",
        sa.Column("dimension", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("ms", sa.BigInteger, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("airings", sa.Integer, nullable=False),
        sqlite_with_rowid=False,  # SQLite keeps the rows in key order: a period is one range
    )
    op.create_table(
        "airtime_item_days",
        sa.Column("item_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_pos", sa.Integer, nullable=False),
        sa.Column("next_day", sa.Date),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "airtime_item_lasts",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("topic", sa.String(64), primary_key=True),
        sa.Column("next_day", sa.Date, primary_key=True),
        sa.Column("items", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    tz = context.config.attributes.get("timezone")
    if tz is not None:
        from broadcaster.store import summary

        summary.rebuild(op.get_bind(), tz)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM station_state WHERE key = 'airtime_summary_tz'"))
    for table in ("airtime_item_lasts", "airtime_item_days", "airtime_daily"):
        op.drop_table(table)
    op.drop_index("ix_airings_status_scheduled", "airings")
