"""self check-in: a course can have it switched off (it is on unless a coordinator says not)

Revision ID: 0016_self_check_in
Revises: 0010_feed_versions
Create Date: 2026-12-01 17:30:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0016_self_check_in'
down_revision = '0010_feed_versions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('self_check_in', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('self_check_in')
