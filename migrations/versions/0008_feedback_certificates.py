"""feedback after the course (kept apart from names) and certificates of completion

Revision ID: 0008_feedback_certificates
Revises: 0007_council_sign_in
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_feedback_certificates'
down_revision = '0007_council_sign_in'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'feedback_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_key', sa.String(length=64), nullable=True),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('group', sa.Enum('staff', 'partner', name='group', native_enum=False, length=20), nullable=False),
        sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('worked_well', sa.Text(), nullable=False),
        sa.Column('worried', sa.Text(), nullable=False),
        sa.Column('do_differently', sa.Text(), nullable=False),
        sa.Column('confidence_before', sa.Integer(), nullable=True),
        sa.Column('confidence_after', sa.Integer(), nullable=True),
        sa.Column('quote_consent', sa.Boolean(), nullable=False),
        sa.Column('quoted_answer', sa.Enum('worked_well', 'worried', 'do_differently', name='quoteanswer', native_enum=False, length=20), nullable=True),
        sa.Column('quoted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('detached_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_feedback_responses_course_id_courses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_responses')),
        sa.UniqueConstraint('owner_key', name=op.f('uq_feedback_responses_owner_key')),
    )
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_responses_course_id'), ['course_id'], unique=False)
    op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('completion_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['completion_id'], ['training_completions.id'], name=op.f('fk_certificates_completion_id_training_completions'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_certificates_issued_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
        sa.UniqueConstraint('completion_id', name=op.f('uq_certificates_completion_id')),
        sa.UniqueConstraint('number', name=op.f('uq_certificates_number')),
    )


def downgrade():
    op.drop_table('certificates')
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_responses_course_id'))
    op.drop_table('feedback_responses')
