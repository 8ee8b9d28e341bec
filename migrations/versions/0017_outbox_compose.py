"""outbox compose: a message may be written as "to compose" (what it must say, frozen when
the booking is decided) and rendered just after the booking commits, so rendering emails
and calendar invitations no longer happens while the course lock is held

Revision ID: 0017_outbox_compose
Revises: 0010_feed_versions
Create Date: 2026-12-01 17:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_outbox_compose'
down_revision = '0016_self_check_in'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compose', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('compose')
