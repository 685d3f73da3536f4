"""The airtime summary becomes sealed rows per day and per run of days (reports/daybook.py), replacing 0003's.

Revision ID: 0004
Revises: 0003

0003's per-dimension rows could be edited without any check noticing (`UPDATE airtime_daily
SET ms = ms * 50` made reports say 50 times the airtime). They are dropped: the summary is
derived data, summed again from the airing log, which is kept untouched. The back-fill is
0010's: the summing code reads the log's language column, which 0009 adds.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("airtime_item_lasts", "airtime_item_days", "airtime_daily"):
        op.drop_table(table)
    op.execute(sa.text("DELETE FROM station_state WHERE key = 'airtime_summary_tz'"))
    op.create_table(
        "airtime_sums",
        sa.Column("span", sa.String(3), primary_key=True),
        sa.Column("start", sa.Date, primary_key=True),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("seal", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM station_state WHERE key = 'airtime_sums_tz'"))
    op.drop_table("airtime_sums")
    # 0003's tables come back empty; 0003's code rebuilds them from the log on first use.
    op.create_table(
        "airtime_daily",
        sa.Column("dimension", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("ms", sa.BigInteger, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("airings", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
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
