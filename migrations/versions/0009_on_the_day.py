"""on the day: a check-in code for each booking and course day, and trainers' accounts
assigned to courses

Revision ID: 0009_on_the_day
Revises: 0008_feedback_certificates
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0009_on_the_day'
down_revision = '0008_feedback_certificates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_in_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('course_day_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=6), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_check_in_codes_booking_id_bookings'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['course_day_id'], ['course_days.id'], name=op.f('fk_check_in_codes_course_day_id_course_days'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_codes')),
        sa.UniqueConstraint('booking_id', 'course_day_id', name='uq_check_in_code_booking_day'),
        sa.UniqueConstraint('code', name=op.f('uq_check_in_codes_code')),
    )
    with op.batch_alter_table('check_in_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_in_codes_course_day_id'), ['course_day_id'], unique=False)
    op.create_table(
        'course_trainers',
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_trainers_course_id_courses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_trainers_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('course_id', 'user_id', name=op.f('pk_course_trainers')),
    )
    with op.batch_alter_table('course_trainers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_trainers_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('course_trainers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_trainers_user_id'))
    op.drop_table('course_trainers')
    with op.batch_alter_table('check_in_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_in_codes_course_day_id'))
    op.drop_table('check_in_codes')
