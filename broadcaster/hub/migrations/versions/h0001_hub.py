"""The district hub: stations, bulletins and deliveries, airing records, per-day sums.

Revision ID: h0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from broadcaster.store.tables import UTCDateTime

revision = "h0001"
down_revision = None
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("head_count", _BIG, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("head_prev_hash", sa.String(64), nullable=False),
        sa.Column("head_signature", sa.String(200)),
        sa.Column("head_signed_at", UTCDateTime),
        sa.Column("receipt_signature", sa.String(200)),
        sa.Column("receipt_issued_at", UTCDateTime),
        sa.Column("receipt_received", sa.Integer),
        sa.Column("cursor", _BIG, nullable=False),
        sa.Column("station_count", _BIG),
        sa.Column("last_contact_at", UTCDateTime),
        sa.Column("clock_offset_ms", _BIG),
        sa.Column("status_json", sa.Text),
        sa.Column("problem", sa.Text),
        sa.Column("problem_at", UTCDateTime),
        sa.Column("problem_seq", _BIG),
    )
    op.create_table(
        "audio",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("bytes", _BIG, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "bulletins",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("audio_sha256", sa.String(64), sa.ForeignKey("audio.sha256")),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_until", sa.Date),
        sa.Column("airings", sa.Integer, nullable=False),
        sa.Column("to_all", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(200)),
        sa.Column("created_at", UTCDateTime, nullable=False, index=True),
        sa.Column("approved_by", sa.String(200)),
        sa.Column("approved_at", UTCDateTime),
        sa.Column("envelope", sa.Text),
    )
    op.create_table(
        "bulletin_targets",
        sa.Column("bulletin_id", sa.String(36), sa.ForeignKey("bulletins.id"), primary_key=True),
        sa.Column("station_id", sa.Integer, sa.ForeignKey("stations.id"), primary_key=True),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", _BIG, primary_key=True, autoincrement=True),
        sa.Column("station_id", sa.Integer, sa.ForeignKey("stations.id"), nullable=False),
        sa.Column("bulletin_id", sa.String(36), sa.ForeignKey("bulletins.id"), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("station_id", "bulletin_id", name="uq_delivery_station_bulletin"),
    )
    op.create_index("ix_deliveries_station_id", "deliveries", ["station_id", "id"])
    op.create_index("ix_deliveries_bulletin", "deliveries", ["bulletin_id"])
    op.create_table(
        "airings",
        sa.Column("station_id", sa.Integer, sa.ForeignKey("stations.id"), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("scheduled_at", UTCDateTime),
        sa.Column("status", sa.String(16)),
        sa.Column("slot", sa.String(200)),
        sa.Column("duration_ms", sa.BigInteger),
        sa.Column("doc", sa.Text, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_airings_station_scheduled", "airings", ["station_id", "scheduled_at"])
    day_counts = ("airings", "completed", "interrupted", "failed", "missed", "empty", "on_air", "item_airings")
    op.create_table(
        "station_days",
        sa.Column("station_id", sa.Integer, sa.ForeignKey("stations.id"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        *(sa.Column(name, sa.Integer, nullable=False) for name in day_counts),
        sa.Column("ms", sa.BigInteger, nullable=False),
        sa.Column("district_items", sa.Integer, nullable=False),
        sa.Column("district_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_station_days_day", "station_days", ["day"])
    op.create_table(
        "bulletin_days",
        sa.Column("bulletin_id", sa.String(36), sa.ForeignKey("bulletins.id"), primary_key=True),
        sa.Column("station_id", sa.Integer, sa.ForeignKey("stations.id"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("airings", sa.Integer, nullable=False),
        sa.Column("partial", sa.Integer, nullable=False),
        sa.Column("ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_bulletin_days_day", "bulletin_days", ["day"])
    op.create_table(
        "request_nonces",
        sa.Column("station_id", sa.Integer, sa.ForeignKey("stations.id"), primary_key=True),
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("seen_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "request_nonces",
        "bulletin_days",
        "station_days",
        "airings",
        "deliveries",
        "bulletin_targets",
        "bulletins",
        "audio",
        "stations",
    ):
        op.drop_table(table)
