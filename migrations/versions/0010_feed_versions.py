"""feed versions: a stamp that changes with every change to what the calendar feed shows, so
every worker knows when its rendered copy of /courses.ics is out of date

Revision ID: 0010_feed_versions
Revises: 0009_on_the_day
Create Date: 2026-12-01 14:30:00

"""
from datetime import datetime, timezone
import uuid

from alembic import op
import sqlalchemy as sa



revision = '0010_feed_versions'
down_revision = '0009_on_the_day'
branch_labels = None
depends_on = None


def upgrade():
    feed_versions = op.create_table(
        'feed_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_feed_versions')),
    )
    # The first stamp, so the feed is cached and answers "not changed" from the start.
    now = datetime.now(timezone.utc)
    op.bulk_insert(feed_versions, [{
        'name': 'courses',
        'token': uuid.uuid4().hex,
        'changed_at': now if op.get_bind().dialect.name != 'sqlite' else now.replace(tzinfo=None),
    }])


def downgrade():
    op.drop_table('feed_versions')
