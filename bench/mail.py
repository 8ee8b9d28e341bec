"""Scenario 4: the mail queue. 2,000 queued messages to a loopback SMTP server.

The messages are bulk-inserted into the outbox with bodies the size of a real confirmation
(plain text and HTML) and, on every fourth one, a calendar invitation. Senders are separate
processes running `flask outbox send --no-reminders` (one pass: batches of 100 until the
outbox is empty), one at a time and then two at once. The server (aiosmtpd, the one the
tests use, in this process) counts duplicates by Message-ID.
"""

from __future__ import annotations

import base64
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from common import ROOT, VENV_BIN, app_env, database, dispose, make_app, migrate, table

MESSAGES = 2000
# About the size of a real confirmation; short lines, as the templates write them.
TEXT = "You have a place on Signs of Safety Two Day Introductory Training.\n" * 25
HTML = "<p>You have a place on <strong>Signs of Safety</strong> training.</p>\n" * 50
INVITE = base64.b64encode(
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
    + b"X-PAD:"
    + b"x" * 1500
    + b"\r\nEND:VCALENDAR\r\n"
).decode()


def seed(app) -> None:
    from sqlalchemy import insert

    from booking.extensions import db
    from booking.models import OutboxMessage, OutboxStatus

    now = datetime.now(UTC) - timedelta(minutes=1)
    with app.app_context():
        db.session.execute(
            insert(OutboxMessage),
            [
                {
                    "kind": "place_confirmed",
                    "to_address": f"person{n}@cumberland.gov.uk",
                    "reply_to": "SignsOfSafety@cumbria.gov.uk",
                    "subject": f"You have a place: Signs of Safety training ({n})",
                    "text_body": TEXT,
                    "html_body": HTML,
                    "attachments": (
                        [
                            {
                                "filename": "invite.ics",
                                "content_type": "text/calendar; method=REQUEST",
                                "data": INVITE,
                            }
                        ]
                        if n % 4 == 0
                        else []
                    ),
                    "status": OutboxStatus.PENDING,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for n in range(MESSAGES)
            ],
        )
        db.session.commit()


def _sent(app) -> int:
    from sqlalchemy import func, select

    from booking.extensions import db
    from booking.models import OutboxMessage, OutboxStatus

    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENT)
        )


def measure(kind: str, senders: int) -> dict:
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "support"))
    from smtp_server import SmtpServer

    server = SmtpServer()
    accepted_at: list[float] = []
    keep = server.handler.handle_DATA

    async def handle_data(*args):
        answer = await keep(*args)
        accepted_at.append(time.perf_counter())
        return answer

    server.handler.handle_DATA = handle_data
    server.start()
    try:
        with database(kind) as url:
            env = app_env(
                url, MAIL_SUPPRESS_SEND="0", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(server.port)
            )
            migrate(env)
            app = make_app(url, env)
            seed(app)
            began = time.perf_counter()
            processes = [
                subprocess.Popen(
                    [str(VENV_BIN / "flask"), "outbox", "send", "--no-reminders"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(senders)
            ]
            problems = [p.communicate(timeout=300)[1] for p in processes]
            wall = time.perf_counter() - began
            received = server.received
            sent = _sent(app)
            dispose(app)
    finally:
        server.stop()
    ids = Counter(r.message_id for r in received)
    duplicates = sum(n - 1 for n in ids.values() if n > 1)
    assert sent == MESSAGES and len(ids) == MESSAGES, (sent, len(ids), problems)
    assert duplicates == 0, duplicates
    return {
        "kind": kind,
        "senders": senders,
        "wall": wall,
        "window": max(accepted_at) - min(accepted_at),
        "received": len(received),
        "duplicates": duplicates,
    }


def main(kinds=("sqlite",)) -> str:
    rows = []
    for kind in kinds:
        for senders in (1, 2):
            r = measure(kind, senders)
            rows.append(
                [
                    "SQLite file" if kind == "sqlite" else "PostgreSQL",
                    senders,
                    r["received"],
                    f"{r['wall']:.2f}",
                    f"{r['received'] / r['wall']:.0f}",
                    f"{r['received'] / r['window']:.0f}",
                    r["duplicates"],
                ]
            )
    return table(
        f"Mail queue: {MESSAGES} messages to a loopback SMTP server",
        [
            "database",
            "sender processes",
            "received",
            "seconds (with start-up)",
            "messages/s (with start-up)",
            "messages/s (first to last accepted)",
            "duplicates",
        ],
        rows,
    )


if __name__ == "__main__":
    import sys

    print(main(tuple(sys.argv[1:]) or ("sqlite",)))
