"""The airtime summary (per station-local day) that reports read instead of the whole log.

Revision ID: 0003
Revises: 0002

Revision 0004 replaces these tables with sealed daily rows and back-fills those instead:
store/summary.py no longer writes these tables, so this revision no longer back-fills them
(an upgrade always continues to 0004, and the summary is derived from the log, so nothing
is lost). Before 0004 the back-fill called store/summary.py here.
"""

import sqlalchemy as sa
from alembic import op

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


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM station_state WHERE key = 'airtime_summary_tz'"))
    for table in ("airtime_item_lasts", "airtime_item_days", "airtime_daily"):
        op.drop_table(table)
    op.drop_index("ix_airings_status_scheduled", "airings")
