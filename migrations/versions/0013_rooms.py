"""rooms: each venue's rooms with how many people they hold, and the room a course is in
(nullable: courses set up before rooms existed have none until a coordinator sets one)

Revision ID: 0013_rooms
Revises: 0010_feed_versions
Create Date: 2026-12-01 17:15:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0013_rooms'
down_revision = '0011_course_types'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rooms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('venue_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('is_archived', sa.Boolean(), nullable=False),
        sa.CheckConstraint('capacity > 0', name=op.f('ck_rooms_capacity_positive')),
        sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_rooms_venue_id_venues')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms')),
        sa.UniqueConstraint('venue_id', 'name', name='uq_rooms_venue_name'),
    )
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rooms_venue_id'), ['venue_id'], unique=False)
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_courses_room_id'), ['room_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_courses_room_id_rooms'), 'rooms', ['room_id'], ['id'])


def downgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_courses_room_id_rooms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_courses_room_id'))
        batch_op.drop_column('room_id')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rooms_venue_id'))
    op.drop_table('rooms')
