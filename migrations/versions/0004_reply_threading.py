"""replies thread with the message they answer

Revision ID: 0004_reply_threading
Revises: 0003_mailbox_text_retention
Create Date: 2026-12-01 10:00:00

Incoming messages keep their Message-ID as sent and the ids of their thread; outgoing
messages keep the In-Reply-To and References they are sent with. Every column has a server
default, so the previous release can keep writing rows while this one is rolled out.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_reply_threading'
down_revision = '0003_mailbox_text_retention'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id_header', sa.String(length=250), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reference_ids', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_reply_to', sa.String(length=250), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reference_ids', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('reference_ids')
        batch_op.drop_column('in_reply_to')

    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_column('reference_ids')
        batch_op.drop_column('message_id_header')
