"""council sign-in: links from coordinator accounts to council (OpenID Connect) accounts, and
an account setting that turns its password off

Revision ID: 0007_council_sign_in
Revises: 0006_job_runs
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0007_council_sign_in'
down_revision = '0006_job_runs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'council_account_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=60), nullable=False),
        sa.Column('issuer', sa.String(length=300), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('linked_by', sa.String(length=200), nullable=False),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_account_links_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_council_account_links')),
        sa.UniqueConstraint('issuer', 'subject', name='uq_council_account_links_issuer_subject'),
        sa.UniqueConstraint('user_id', 'issuer', name='uq_council_account_links_user_issuer'),
    )
    with op.batch_alter_table('council_account_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_account_links_user_id'), ['user_id'], unique=False)
    # A server default: the previous release, which does not know the column, keeps working.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('council_sign_in_required', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('council_sign_in_required')
    with op.batch_alter_table('council_account_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_account_links_user_id'))
    op.drop_table('council_account_links')
