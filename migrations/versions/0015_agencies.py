"""agencies: partner agencies on a list, matched by email domain; each partner linked to
theirs; a per-course cap on the partner places one agency may hold

Revision ID: 0015_agencies
Revises: 0010_feed_versions
Create Date: 2026-12-01 17:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_agencies'
down_revision = '0014_line_managers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agencies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('contact_email', sa.String(length=320), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
        sa.UniqueConstraint('name', name=op.f('uq_agencies_name')),
    )
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agencies_contact_email'), ['contact_email'], unique=False)
    op.create_table(
        'agency_domains',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('domain', sa.String(length=253), nullable=False),
        sa.Column('name_contains', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_domains_agency_id_agencies'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_domains')),
        sa.UniqueConstraint('domain', 'name_contains', name='uq_agency_domains_domain_name'),
    )
    with op.batch_alter_table('agency_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_domains_agency_id'), ['agency_id'], unique=False)
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_agency_id'), ['agency_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_people_agency_id_agencies'), 'agencies', ['agency_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_cap', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('agency_cap')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_people_agency_id'))
        batch_op.drop_column('agency_id')
    with op.batch_alter_table('agency_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_domains_agency_id'))
    op.drop_table('agency_domains')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agencies_contact_email'))
    op.drop_table('agencies')
