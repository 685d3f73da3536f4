"""Recorded news items (kind, language, the original recording's SHA-256); airing records in canonical
version 2 (per item: kind, language, district bulletin, audio SHA-256s; per airing: the relay block).

Existing records keep canonical version 1: their bytes, and so their hashes, do not change.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("news_items") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="speech"))
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="vie"))
        batch.add_column(sa.Column("recording_sha256", sa.String(64)))
        batch.add_column(sa.Column("recording_name", sa.String(255)))
        batch.add_column(sa.Column("recording_seconds", sa.Float))
    with op.batch_alter_table("airings") as batch:
        batch.add_column(sa.Column("canonical_version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("relay_json", sa.Text))
    with op.batch_alter_table("aired_items") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="speech"))
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="vie"))
        batch.add_column(sa.Column("source_id", sa.String(64)))
        batch.add_column(sa.Column("original_sha256", sa.String(64)))
        batch.add_column(sa.Column("audio_sha256", sa.String(64)))


def downgrade() -> None:
    for table, columns in (
        ("aired_items", ("audio_sha256", "original_sha256", "source_id", "language", "kind")),
        ("airings", ("relay_json", "canonical_version")),
        ("news_items", ("recording_seconds", "recording_name", "recording_sha256", "language", "kind")),
    ):
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column)
