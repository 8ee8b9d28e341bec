"""line managers: a course type may need a line manager's approval before a place is held,
and a booking waiting for that approval lapses at a set time

Revision ID: 0014_line_managers
Revises: 0010_feed_versions
Create Date: 2026-12-01 17:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014_line_managers'
down_revision = '0013_rooms'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy): other tables hold foreign keys to both tables.
    op.add_column('course_types', sa.Column(
        'manager_approval_required', sa.Boolean(), nullable=False, server_default=sa.false()
    ))
    op.add_column('bookings', sa.Column('approval_expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later, and PostgreSQL): a batch copy
    # of these tables would trip the foreign keys other tables hold to them.
    op.execute('ALTER TABLE bookings DROP COLUMN approval_expires_at')
    op.execute('ALTER TABLE course_types DROP COLUMN manager_approval_required')
