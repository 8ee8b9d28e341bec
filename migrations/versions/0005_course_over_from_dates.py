"""courses are over by their dates: no "finished" status

Revision ID: 0005_course_over_from_dates
Revises: 0004_reply_threading
Create Date: 2026-12-01 10:00:00

The "finished" course status was never set by the service (only by demo data); whether a
course is over is now worked out from its dates (`Course.is_over`). The column and its
values are unchanged, so the previous release keeps working; rows that said "finished"
become "published", which is what they were before they were over.
"""

from alembic import op

revision = "0005_course_over_from_dates"
down_revision = "0004_reply_threading"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE courses SET status = 'published' WHERE status = 'finished'")


def downgrade():
    pass  # "published" is right for the previous release too
