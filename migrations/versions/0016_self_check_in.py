"""self check-in and trainers as accounts only: a course can have self check-in switched off
(it is on unless a coordinator says not), and the free-text trainers (shown to everyone) are
copied into a new note that only coordinators see, as a line starting "Note about trainers: ".
The old column is no longer used; a later release drops it.

Revision ID: 0016_self_check_in
Revises: 0010_feed_versions
Create Date: 2026-12-01 17:30:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0016_self_check_in'
down_revision = '0015_agencies'
branch_labels = None
depends_on = None

#: The same words as booking.models.courses.TRAINERS_NOTE_PREFIX (a migration keeps its own copy).
PREFIX = 'Note about trainers: '

courses = sa.table(
    'courses',
    sa.column('id', sa.Integer),
    sa.column('trainers', sa.Text),
    sa.column('coordinator_note', sa.Text),
)


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('self_check_in', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column('coordinator_note', sa.Text(), server_default='', nullable=False)
        )
    conn = op.get_bind()
    rows = conn.execute(sa.select(courses.c.id, courses.c.trainers)).all()
    for course_id, trainers in rows:
        text = ' '.join((trainers or '').split())  # one line, so the note's first line holds it
        if text:
            conn.execute(
                courses.update().where(courses.c.id == course_id).values(coordinator_note=PREFIX + text)
            )
    # The old column stays (the previous release still reads and writes it during an
    # upgrade) and keeps its text, so a downgrade has it back as it was.


def downgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('coordinator_note')
        batch_op.drop_column('self_check_in')
