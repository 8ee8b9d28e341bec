"""course types: what each type is, for whom, the defaults a new course starts from, and
the types someone must have completed first (course_type_prerequisites)

Every existing course type (the introductory course, the only one until now) gets the
defaults the code used for every course: two days, 9:30am to 4:30pm, 20 places with 4 kept
for partner agencies, partner agencies may book, places open to everyone 14 days before
day 1 and booking closes 2 working days before. So it behaves exactly as before.

Revision ID: 0011_course_types
Revises: 0010_feed_versions
Create Date: 2026-12-01 17:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_course_types'
down_revision = '0010_feed_versions'
branch_labels = None
depends_on = None

_COLUMNS = [
    ('summary', sa.String(length=300), sa.text("''")),
    ('days_count', sa.Integer(), sa.text('2')),
    ('default_starts_at', sa.Time(), sa.text("'09:30:00'")),
    ('default_ends_at', sa.Time(), sa.text("'16:30:00'")),
    ('default_total_places', sa.Integer(), sa.text('20')),
    ('default_partner_places', sa.Integer(), sa.text('4')),
    ('partners_may_book', sa.Boolean(), sa.true()),
    ('release_days_before', sa.Integer(), sa.text('14')),
    ('cutoff_working_days_before', sa.Integer(), sa.text('2')),
]


def upgrade():
    # Plain ADD COLUMN (no table copy on SQLite, where copying course_types would break the
    # courses that point at it); each column's default is what every course used until now.
    for name, type_, default in _COLUMNS:
        op.add_column(
            'course_types', sa.Column(name, type_, nullable=False, server_default=default)
        )
    op.create_table(
        'course_type_prerequisites',
        sa.Column('course_type_id', sa.Integer(), nullable=False),
        sa.Column('required_type_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['course_type_id'], ['course_types.id'],
            name=op.f('fk_course_type_prerequisites_course_type_id_course_types'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['required_type_id'], ['course_types.id'],
            name=op.f('fk_course_type_prerequisites_required_type_id_course_types'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'course_type_id', 'required_type_id', name=op.f('pk_course_type_prerequisites')
        ),
    )
    with op.batch_alter_table('course_type_prerequisites', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_course_type_prerequisites_required_type_id'),
            ['required_type_id'], unique=False,
        )


def downgrade():
    with op.batch_alter_table('course_type_prerequisites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_type_prerequisites_required_type_id'))
    op.drop_table('course_type_prerequisites')
    for name, _, _ in reversed(_COLUMNS):
        op.drop_column('course_types', name)
