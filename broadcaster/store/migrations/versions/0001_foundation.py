"""Foundation: news queue and station state.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from broadcaster.store.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "news_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False, index=True),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_until", sa.Date),
        sa.Column("airings_wanted", sa.Integer, nullable=False),
        sa.Column("airings_done", sa.Integer, nullable=False),
        sa.Column("approved_by", sa.String(200)),
        sa.Column("approved_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("cancelled_at", UTCDateTime),
    )
    op.create_table(
        "station_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("station_state")
    op.drop_table("news_items")
