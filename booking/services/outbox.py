"""Delivering the outbox: claim due messages, send them, retry failures with growing delays.

Rows are claimed in a short transaction (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the
transaction starts with BEGIN IMMEDIATE, which serialises claims), marked `sending`, and
committed. Sending happens outside any transaction, over one connection per batch, and each
message is marked `sent` as soon as the server accepts it. So several senders at once never
send the same message twice in normal operation; a sender that dies leaves rows in `sending`,
which are claimed again once they are older than `RetryPolicy.stale_after`.

The mail transport is passed in (see booking/mail/outbound/sending.py for the SMTP one), so
this module has no web or mail-library code and tests can drive it with any transport.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.engine import CursorResult

from ..extensions import db
from ..mail.outbound import later
from ..models import Booking, OutboxMessage, OutboxStatus
from . import audit, waitlist
from .actors import ActorLike
from .db import transactional
from .errors import NotAllowed, NotFound

# --- What a transport must do --------------------------------------------------------------


class DeliveryError(Exception):
    """A message could not be sent. `reason` is safe to store and show (no personal data)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PermanentFailure(DeliveryError):
    """The server refused this message for good (an unknown address, say): do not retry."""


class TemporaryFailure(DeliveryError):
    """This message failed but may go later; the connection is still usable."""


class ConnectionFailure(DeliveryError):
    """The server cannot be reached or dropped the connection: stop this batch."""


@dataclass(frozen=True)
class Outgoing:
    """A claimed message, copied out of the database so it can be sent outside a transaction."""

    id: int
    kind: str
    to_address: str
    reply_to: str
    subject: str
    text_body: str
    html_body: str
    attachments: list
    created_at: datetime
    attempts: int
    #: For a reply: the Message-ID it answers, and the thread's ids (space-separated).
    in_reply_to: str = ""
    reference_ids: str = ""


class Connection(Protocol):
    def send(self, message: Outgoing) -> None:
        """Send one message, or raise a DeliveryError subclass."""


class Transport(Protocol):
    def connect(self) -> AbstractContextManager[Connection]:
        """Open one connection for a batch; raise ConnectionFailure if the server is down."""


# --- Message-IDs ---------------------------------------------------------------------------


def outbox_message_id(row: OutboxMessage | Outgoing, *, domain: str) -> str:
    """The Message-ID a row is sent with (the same on every try), without angle brackets."""
    return f"outbox-{row.id}-{row.created_at:%Y%m%d%H%M%S}@{domain}"


def outbox_row_for_message_id(message_id: str) -> OutboxMessage | None:
    """The row a Message-ID of ours names (a bounce quotes it), checked against its date."""
    match = re.fullmatch(r"outbox-(\d{1,18})-(\d{14})@.+", (message_id or "").strip("<> ").lower())
    if not match:
        return None
    row = db.session.get(OutboxMessage, int(match.group(1)))
    if row is None or f"{row.created_at:%Y%m%d%H%M%S}" != match.group(2):
        return None
    return row


# --- Retry rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to keep trying.

    With the defaults a message is tried 10 times over about 5 hours (1, 2, 4 ... minutes,
    never more than an hour apart) before it is marked failed for a coordinator to retry.
    """

    max_attempts: int = 10
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=1)
    #: A row left in `sending` this long belongs to a sender that died: claim it again.
    stale_after: timedelta = timedelta(minutes=10)

    @property
    def gives_up_after(self) -> timedelta:
        """About how long a message is tried before it is marked failed (whole hours)."""
        waits = sum((self.delay_after(n) for n in range(1, self.max_attempts)), timedelta())
        return timedelta(hours=max(1, round(waits / timedelta(hours=1))))

    def delay_after(self, attempts: int) -> timedelta:
        """The wait before the next try, after `attempts` tries so far."""
        return min(self.first_delay * (2 ** max(0, attempts - 1)), self.max_delay)


DEFAULT_POLICY = RetryPolicy()

#: Messages the server accepted are recorded as sent in groups this size (one commit each).
#: Only a sender that dies mid-batch can leave up to this many to be sent again.
RECORD_SENT_EVERY = 20


@dataclass
class SendSummary:
    """What one pass of the sender did."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Reasons for failures this pass (no addresses or other personal data).
    problems: list[str] = field(default_factory=list)

    def add(self, other: SendSummary) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.problems.extend(other.problems)

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.retrying} to try again later, "
            f"{self.failed} failed (out of {self.claimed} taken from the outbox)"
        )


# --- Sending -------------------------------------------------------------------------------


def send_due(
    *,
    now: datetime,
    worker_id: str,
    transport: Transport,
    limit: int = 100,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> SendSummary:
    """Claim up to `limit` due messages, send them over one connection, record the outcome."""
    summary = SendSummary()
    compose_waiting(now=now, limit=limit)
    batch = claim_due(now=now, worker_id=worker_id, limit=limit, policy=policy)
    summary.claimed = len(batch)
    if not batch:
        return summary
    waiting: Iterator[Outgoing] = iter(batch)
    current: Outgoing | None = None
    accepted: list[int] = []  # sent but not yet recorded as sent
    try:
        with transport.connect() as connection:
            for current in waiting:
                try:
                    connection.send(current)
                except ConnectionFailure:
                    raise
                except PermanentFailure as exc:
                    _give_up(current, worker_id=worker_id, now=now, reason=exc.reason)
                    summary.failed += 1
                    summary.problems.append(exc.reason)
                except Exception as exc:  # noqa: BLE001 - one bad message must not stop the rest
                    reason = exc.reason if isinstance(exc, DeliveryError) else _describe(exc)
                    status = _try_later(
                        current, worker_id=worker_id, now=now, reason=reason, policy=policy
                    )
                    _count_outcome(summary, status, reason)
                else:
                    accepted.append(current.id)
                    summary.sent += 1
                current = None
                if len(accepted) >= RECORD_SENT_EVERY:
                    _mark_sent(accepted, worker_id=worker_id, now=now)
                    accepted = []
    except Exception as exc:  # noqa: BLE001 - the server is down or went away: try later
        reason = exc.reason if isinstance(exc, DeliveryError) else _describe(exc)
        unsent = ([current] if current is not None else []) + list(waiting)
        for message in unsent:
            status = _try_later(message, worker_id=worker_id, now=now, reason=reason, policy=policy)
            _count_outcome(summary, status, reason)
    finally:
        if accepted:
            _mark_sent(accepted, worker_id=worker_id, now=now)
    return summary


def _count_outcome(summary: SendSummary, status: OutboxStatus, reason: str) -> None:
    if status == OutboxStatus.FAILED:
        summary.failed += 1
    else:
        summary.retrying += 1
    summary.problems.append(reason)


def _describe(exc: BaseException) -> str:
    """A short description of an unexpected error, without its text (it may hold an address)."""
    return f"Unexpected error while sending ({type(exc).__name__})."


def _due_condition(now: datetime, policy: RetryPolicy):
    return or_(
        (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxStatus.SENDING)
        & (OutboxMessage.claimed_at < now - policy.stale_after),
    )


@transactional
def claim_due(
    *, now: datetime, worker_id: str, limit: int = 100, policy: RetryPolicy = DEFAULT_POLICY
) -> list[Outgoing]:
    """Mark up to `limit` due messages as being sent by `worker_id`, and return them."""
    # A row left mid-send too often is most likely what kills the sender: stop trying it.
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < now - policy.stale_after,
            OutboxMessage.attempts >= policy.max_attempts,
        )
        .values(
            status=OutboxStatus.FAILED,
            last_error="The sender stopped while sending this message, too many times.",
        )
        .execution_options(synchronize_session=False)
    )
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(_due_condition(now, policy))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return []
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(
            status=OutboxStatus.SENDING,
            claimed_at=now,
            claimed_by=worker_id,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    _compose_claimed(ids)
    rows = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.to_address,
            OutboxMessage.reply_to,
            OutboxMessage.subject,
            OutboxMessage.text_body,
            OutboxMessage.html_body,
            OutboxMessage.attachments,
            OutboxMessage.created_at,
            OutboxMessage.attempts,
            OutboxMessage.in_reply_to,
            OutboxMessage.reference_ids,
        )
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )
    return [Outgoing(*row) for row in rows]


# --- Messages still to be rendered (mail/outbound/later.py) --------------------------------


def compose_waiting(*, now: datetime, limit: int = 100) -> int:
    """Render up to `limit` due "to compose" messages that nobody has rendered or claimed
    yet (a booking writes them: services/emails.py). Returns how many were stored.

    Rendering only reads, so it happens before the short write that stores the result (on
    SQLite every write waits for the whole database, bookings included); a row a sender
    claimed or rendered meanwhile is left as the sender has it. A row that cannot be
    rendered is left too: the sender claims it and marks it failed (`_compose_claimed`).
    """
    waiting = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.compose.is_not(None),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .execution_options(populate_existing=True)
    ).all()
    made = []
    for row in waiting:
        try:
            made.append({"row_id": row.id, **later.rendered(row, waitlist_number=_waitlist_number)})
        except Exception:  # noqa: BLE001, S112 - left for the claim, which records why it failed
            continue
    # On SQLite `transactional` ends this read before the write (a read cannot be upgraded).
    return _store_rendered(made) if made else 0


def _waitlist_number(booking: Booking, now: datetime) -> int | None:
    return waitlist.offer_number(booking, now=now)


#: The columns `later.rendered` fills in (besides emptying `compose`).
_RENDERED = ("subject", "text_body", "html_body", "attachments")


@transactional
def _store_rendered(made: list[dict]) -> int:
    table = cast(Table, OutboxMessage.__table__)
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            table.c.compose.is_not(None),
            table.c.status == OutboxStatus.PENDING,
        )
        .values(
            {
                **{
                    column: bindparam(f"new_{column}", type_=table.c[column].type)
                    for column in _RENDERED
                },
                "compose": None,
            }
        )
    )
    # One statement for all of them (executemany).
    params = [
        {"row_id": row["row_id"], **{f"new_{column}": row[column] for column in _RENDERED}}
        for row in made
    ]
    return cast("CursorResult[Any]", db.session.connection().execute(statement, params)).rowcount


def _compose_claimed(ids: list[int]) -> None:
    """Render claimed messages that were left to be rendered (the booking that wrote them
    stopped before it could); one that cannot be rendered fails for a coordinator to see."""
    waiting = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.compose.is_not(None))
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    )
    for row in waiting:
        try:
            later.render(row, waitlist_number=_waitlist_number)
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the rest
            for half_made in [obj for obj in db.session.new if isinstance(obj, OutboxMessage)]:
                db.session.expunge(half_made)
            row.status = OutboxStatus.FAILED
            row.last_error = f"Could not write this message ({type(exc).__name__})."
    db.session.flush()


def _mine(message: Outgoing, worker_id: str):
    return (
        (OutboxMessage.id == message.id)
        & (OutboxMessage.status == OutboxStatus.SENDING)
        & (OutboxMessage.claimed_by == worker_id)
    )


@transactional
def _mark_sent(ids: list[int], *, worker_id: str, now: datetime) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == worker_id,
        )
        .values(status=OutboxStatus.SENT, sent_at=now, last_error="")
        .execution_options(synchronize_session=False)
    )


@transactional
def _try_later(
    message: Outgoing, *, worker_id: str, now: datetime, reason: str, policy: RetryPolicy
) -> OutboxStatus:
    if message.attempts >= policy.max_attempts:
        status, next_attempt = OutboxStatus.FAILED, now
    else:
        status, next_attempt = OutboxStatus.PENDING, now + policy.delay_after(message.attempts)
    db.session.execute(
        update(OutboxMessage)
        .where(_mine(message, worker_id))
        .values(status=status, next_attempt_at=next_attempt, last_error=reason[:500])
        .execution_options(synchronize_session=False)
    )
    return status


@transactional
def _give_up(message: Outgoing, *, worker_id: str, now: datetime, reason: str) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(_mine(message, worker_id))
        .values(status=OutboxStatus.FAILED, next_attempt_at=now, last_error=reason[:500])
        .execution_options(synchronize_session=False)
    )


# --- Coordinators --------------------------------------------------------------------------


@transactional
def retry_failed(message_id: int, *, actor: ActorLike, now: datetime) -> OutboxMessage:
    """Put a failed message back in the queue to be sent straight away, with fresh tries."""
    message = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound("We could not find that message.")
    if message.status != OutboxStatus.FAILED:
        raise NotAllowed("That message is not waiting to be sent again.")
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.claimed_at = None
    message.claimed_by = ""
    audit.record("outbox.retried", message, actor=actor, now=now, kind=message.kind)
    return message


def failed_messages(limit: int = 200) -> list[OutboxMessage]:
    """Messages that gave up, newest first, for the coordinators' page."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def newest_messages(limit: int = 200) -> list[OutboxMessage]:
    """Every message written, newest first (the development mail page)."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def status_counts() -> dict[OutboxStatus, int]:
    """How many messages are in each state."""
    counts = dict.fromkeys(OutboxStatus, 0)
    rows = db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    )
    for status, number in rows:
        counts[OutboxStatus(status)] = number
    return counts
