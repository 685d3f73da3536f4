"""The link with the district hub: bulletins received and refused, receipts, the cursor;
news items remember the district bulletin they came from.

Revision ID: 0008
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from broadcaster.store.tables import UTCDateTime

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("news_items") as batch:
        batch.add_column(sa.Column("source_id", sa.String(64)))
        batch.create_index("ix_news_items_source_id", ["source_id"], unique=True)
    op.create_table(
        "hub_link",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cursor", _BIG, nullable=False),
        sa.Column("acked_count", _BIG, nullable=False),
        sa.Column("acked_hash", sa.String(64), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime),
        sa.Column("last_success_at", UTCDateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("hub_problem", sa.Text),
    )
    op.create_table(
        "hub_inbox",
        sa.Column("source_id", sa.String(64), primary_key=True),
        sa.Column("cursor", _BIG, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("news_item_id", sa.Integer, sa.ForeignKey("news_items.id", ondelete="SET NULL")),
        sa.Column("audio_path", sa.String(500)),
        sa.Column("signed", sa.Text, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "hub_refusals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("envelope_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("source_id", sa.String(64)),
        sa.Column("title", sa.String(500)),
        sa.Column("priority", sa.String(16)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("first_seen", UTCDateTime, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.Column("times", sa.Integer, nullable=False),
    )
    op.create_table(
        "hub_receipts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("count", _BIG, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("received", sa.Integer, nullable=False),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
        sa.Column("hub_key", sa.String(100), nullable=False),
        sa.Column("stored_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("hub_receipts", "hub_refusals", "hub_inbox", "hub_link"):
        op.drop_table(table)
    with op.batch_alter_table("news_items") as batch:
        batch.drop_index("ix_news_items_source_id")
        batch.drop_column("source_id")
