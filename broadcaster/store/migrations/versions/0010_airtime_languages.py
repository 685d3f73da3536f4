"""The airtime figures gain a language dimension (reports/daybook.py, seal version 2): summed again.

Revision ID: 0010
Revises: 0009

The summary is derived data: the figures are dropped and summed again from the airing log, which
is kept untouched (records written before 0009 count as Vietnamese, as their items were). As in
0004, the back-fill runs when the station's time zone is known (`Database.upgrade(tz=...)`, as
`broadcaster init` does); otherwise the first report or airing builds it. It calls
store/summary.py: if a later revision changes airtime_sums, freeze a copy of that code here first.
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM station_state WHERE key = 'airtime_sums_tz'"))
    op.execute(sa.text("DELETE FROM airtime_sums"))
    tz = context.config.attributes.get("timezone")
    if tz is not None:
        from broadcaster.store import summary

        summary.rebuild(op.get_bind(), tz)


def downgrade() -> None:
    # 0009's code sums them again, without languages, on first use
    op.execute(sa.text("DELETE FROM station_state WHERE key = 'airtime_sums_tz'"))
    op.execute(sa.text("DELETE FROM airtime_sums"))
