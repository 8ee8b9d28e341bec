"""job runs: when each scheduled command last finished (for the status page)

Revision ID: 0006_job_runs
Revises: 0005_course_over_from_dates
Create Date: 2026-12-01 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_job_runs'
down_revision = '0005_course_over_from_dates'
branch_labels = None
depends_on = None


def upgrade():
    # A new table only: the previous release never reads it, so it keeps working beside it.
    op.create_table('job_runs',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_succeeded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_runs'))
    )


def downgrade():
    op.drop_table('job_runs')
