"""The district's users (editor, approver, viewer), login throttling and their audit trail.

Revision ID: h0002
Revises: h0001

Tables only; nothing existing changes. The audit trail starts empty with its head row
(0 entries, the genesis hash) so appenders can lock it.
"""

import sqlalchemy as sa
from alembic import op

from broadcaster.store.tables import UTCDateTime

revision = "h0002"
down_revision = "h0001"
branch_labels = None
depends_on = None

_BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("login_key", sa.String(64), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("must_change_password", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("session_epoch", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("token_created_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("last_login_at", UTCDateTime),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", _BIG, primary_key=True),
        sa.Column("login_key", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("address", sa.String(100)),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["login_key", "at"])
    op.create_table(
        "login_locks",
        sa.Column("login_key", sa.String(64), primary_key=True),
        sa.Column("locked_at", UTCDateTime, nullable=False),
        sa.Column("locked_until", UTCDateTime, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", _BIG, primary_key=True, autoincrement=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(500), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("target", sa.String(500)),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("address", sa.String(500)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor"])
    op.create_index("ix_audit_log_target", "audit_log", ["target"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", _BIG, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    for table in ("audit_head", "audit_log", "login_locks", "login_failures", "users"):
        op.drop_table(table)
