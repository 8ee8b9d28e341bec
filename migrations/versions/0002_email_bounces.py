"""email bounces: when mail to a person, and each outbox message, came back undelivered

Revision ID: 0002_email_bounces
Revises: 0001
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0002_email_bounces'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns: the previous release keeps working beside this schema.
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_bounced_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bounced_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('bounced_at')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('email_bounced_at')
