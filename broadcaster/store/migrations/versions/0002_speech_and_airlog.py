"""Speech renderings, the hash-chained airing log, on-air journal, emergency requests.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from broadcaster.store.tables import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("news_items") as batch:
        batch.add_column(sa.Column("source_note", sa.String(500)))
    op.create_table(
        "renderings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "item_id", sa.Integer, sa.ForeignKey("news_items.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("part", sa.String(16), nullable=False),
        sa.Column("cache_key", sa.String(64), nullable=False),
        sa.Column("engine", sa.String(32), nullable=False),
        sa.Column("voice", sa.String(64), nullable=False),
        sa.Column("duration_seconds", sa.Float, nullable=False),
        sa.Column("audio_sha256", sa.String(64), nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("item_id", "part", name="uq_rendering_item_part"),
    )
    op.create_table(
        "airings",
        sa.Column("seq", _BIG, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("slot", sa.String(200), nullable=False),
        sa.Column("scheduled_at", UTCDateTime, nullable=False),
        sa.Column("started_at", UTCDateTime),
        sa.Column("ended_at", UTCDateTime),
        sa.Column("duration_ms", _BIG, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("output", sa.String(300), nullable=False),
        sa.Column("device", sa.String(300), nullable=False),
        sa.Column("amplifier", sa.String(64), nullable=False),
        sa.Column("audio_sha256", sa.String(64)),
        sa.Column("exemption", sa.Text),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_index("ix_airings_scheduled_at", "airings", ["scheduled_at"])
    op.create_index("ix_airings_slot_scheduled", "airings", ["slot", "scheduled_at"])
    op.create_table(
        "aired_items",
        sa.Column("id", _BIG, primary_key=True),
        sa.Column("airing_seq", _BIG, sa.ForeignKey("airings.seq"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("offset_ms", _BIG, nullable=False),
        sa.Column("duration_ms", _BIG, nullable=False),
        sa.Column("engine", sa.String(32), nullable=False),
        sa.Column("voice", sa.String(64), nullable=False),
        sa.Column("approved_by", sa.String(200)),
        sa.Column("approved_at", UTCDateTime),
        sa.Column("completed", sa.Boolean, nullable=False),
    )
    op.create_table(
        "on_air",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("slot", sa.String(200), nullable=False),
        sa.Column("scheduled_at", UTCDateTime, nullable=False),
        sa.Column("started_at", UTCDateTime),
        sa.Column("progress_at", UTCDateTime),
        sa.Column("output", sa.String(300), nullable=False),
        sa.Column("device", sa.String(300), nullable=False),
        sa.Column("amplifier", sa.String(64), nullable=False),
        sa.Column("audio_sha256", sa.String(64)),
        sa.Column("cue_json", sa.Text, nullable=False),
        sa.Column("exemption", sa.Text),
    )
    op.create_table(
        "emergency_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("news_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("requested_at", UTCDateTime, nullable=False),
        sa.Column("handled_at", UTCDateTime),
    )


def downgrade() -> None:
    for table in ("emergency_requests", "on_air", "aired_items", "airings", "renderings"):
        op.drop_table(table)
    with op.batch_alter_table("news_items") as batch:
        batch.drop_column("source_note")
