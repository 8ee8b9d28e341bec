"""Outside `make bench`: where a booking's time goes while it holds the course lock.

One confirm after another (`POST /confirm/<token>`, the emailed-link path) in-process, on
the rush's data (500 people, 24 places), so nothing waits for anyone else. For each booking:

- **lock held**: from `book_place` asking for the course lock (PostgreSQL `SELECT ... FOR
  UPDATE`) to the end of the commit. On SQLite the lock (`BEGIN IMMEDIATE`) is taken when
  the write transaction starts, a little earlier: using up the link and finding or creating
  the person come first, and are not counted here;
- the time in each step `book_place` calls, found by wrapping the names it calls;
- the SQL statements sent while the lock is held, and the time the database took for them;
  then, statement by statement (the commonest sequence of each outcome), each statement's
  time, the COMMIT, and the Python in between.

With `--profile`, pyinstrument (the `bench` extra, which `make bench` installs) records
the same run and prints the call tree under `book_place`.

On PostgreSQL "lock held" starts where `book_place` locks the course: the person's bookings,
completions and prerequisites are read before it (issue 16); the emails are written out by
the sender, later (not in this run).

`.venv/bin/python bench/lock_hold.py sqlite postgres [--profile]`
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter, defaultdict
from contextlib import contextmanager

from common import app_env, database, dispose, make_app, migrate, table
from rush import seed

BOOKINGS = 200
#: Marks where the commit starts: the session flushes what it still holds, then COMMIT.
FLUSH = "the flush at commit"
#: The names book_place calls, in the order it calls them (module, attribute).
STEPS = [
    ("booking.services.requests", "lock"),
    ("booking.services.requests", "live_bookings_of_type"),
    ("booking.services.requests", "check_open"),
    ("booking.services.requests", "refuse_if_holding_elsewhere"),
    ("booking.services.requests", "fill_locked"),
    ("booking.services.requests", "has_completed"),
    ("booking.services.requests", "new_booking"),
    ("booking.services.requests", "insert"),
    ("booking.services.audit", "record"),
    ("booking.services.requests", "withdraw_other_waits"),
    ("booking.services.emails", "place_confirmed_soon"),
    ("booking.services.emails", "waitlisted_soon"),
]


class Clocks:
    """Time per step, per booking; statements and their database time while locked."""

    def __init__(self):
        self.steps: dict[str, list[float]] = defaultdict(list)
        self.current: dict[str, float] = defaultdict(float)
        self.lock_started: float | None = None
        self.statements = 0
        self.sql_ms = 0.0
        self._sent: float = 0.0
        self.per_booking: list[dict] = []
        #: (statement, ms) sent while the lock is held, for the booking being made.
        self.sent: list[tuple[str, float]] = []
        self._commit_started = self._commit_sent = 0.0

    def wrap(self, module, name):
        real = getattr(module, name)

        def timed(*args, **kwargs):
            began = time.perf_counter()
            if name == "lock" and self.lock_started is None:
                self.lock_started = began
            try:
                return real(*args, **kwargs)
            finally:
                self.current[name] += (time.perf_counter() - began) * 1000

        setattr(module, name, timed)

    def commit_starts(self, session):
        if self.lock_started is not None and not session.in_nested_transaction():
            self._commit_started = time.perf_counter()
            self.sent.append((FLUSH, 0.0))  # the statements after this are the flush's

    def commit_sent(self, _conn):
        if self.lock_started is not None:
            self._commit_sent = time.perf_counter()

    def before_statement(self, *_args):
        self._sent = time.perf_counter()

    def after_statement(self, _conn, _cursor, statement, *_args):
        if self.lock_started is not None:
            ms = (time.perf_counter() - self._sent) * 1000
            self.statements += 1
            self.sql_ms += ms
            self.sent.append((_label(statement), ms))

    def committed(self, session):
        if self.lock_started is None or session.in_nested_transaction():
            return  # not locked yet, or a savepoint (the insert's) inside the transaction
        ended = time.perf_counter()
        held = (ended - self.lock_started) * 1000
        flush_ms = (self._commit_sent - self._commit_started) * 1000
        commit_ms = (ended - self._commit_sent) * 1000
        self.per_booking.append(
            {
                "held": held,
                "statements": self.statements,
                "sql": self.sql_ms,
                "sent": self.sent,
                "flush": flush_ms,
                "commit": commit_ms,
                **self.current,
            }
        )
        self.lock_started, self.statements, self.sql_ms, self.sent = None, 0, 0.0, []
        self.current = defaultdict(float)


def _label(statement: str) -> str:
    """A statement in a few words: its verb and the table it reads or writes first."""
    words = statement.split()
    verb = words[0].upper() if words else "?"
    if verb == "SELECT" and "FOR UPDATE" in statement:
        verb = "SELECT ... FOR UPDATE"
    table = next(
        (words[n + 1] for n, w in enumerate(words[:-1]) if w.upper() in ("FROM", "INTO", "UPDATE")),
        "",
    )
    if verb.startswith("UPDATE") and len(words) > 1:
        table = words[1]
    return f"{verb} {table.strip('(')}".strip()


@contextmanager
def instrumented(app, clocks: Clocks):
    import importlib

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from booking.extensions import db

    for module_name, name in STEPS:
        clocks.wrap(importlib.import_module(module_name), name)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", clocks.before_statement)
    event.listen(engine, "after_cursor_execute", clocks.after_statement)
    event.listen(Session, "before_commit", clocks.commit_starts, insert=True)  # before the flush
    event.listen(engine, "commit", clocks.commit_sent)
    event.listen(Session, "after_commit", clocks.committed)
    yield


def measure(kind: str, profile: bool) -> list[list]:
    with database(kind) as url:
        env = app_env(url)
        migrate(env)
        seeded = seed(url, env)
        app = make_app(url, env)
        client = app.test_client()
        paths = [r.path for r in seeded.requests["emailed link"]][:BOOKINGS]
        clocks = Clocks()
        profiler = None
        with instrumented(app, clocks):
            if profile:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
            for path in paths:
                response = client.post(path)
                assert response.status_code == 302, (path, response.status_code)
            if profiler:
                profiler.stop()
        dispose(app)
    if profiler:
        print(f"\n## pyinstrument, {kind}: {BOOKINGS} confirms one after another\n")
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return _rows(kind, clocks.per_booking), _statement_rows(kind, clocks.per_booking)


def _rows(kind: str, bookings: list[dict]) -> list[list]:
    label = "SQLite file" if kind == "sqlite" else "PostgreSQL"
    placed = [b for b in bookings if b.get("place_confirmed_soon")]
    waiting = [b for b in bookings if b.get("waitlisted_soon")]
    rows = []
    for outcome, group in (("took a place", placed), ("waitlisted", waiting)):
        if not group:
            continue

        def mean(key, group=group):
            return statistics.mean(b.get(key, 0.0) for b in group)

        steps = [f"{name} {mean(name):.2f}" for _m, name in STEPS if mean(name) >= 0.05]
        rows.append(
            [
                label,
                outcome,
                len(group),
                f"{mean('held'):.1f}",
                f"{statistics.median(b['held'] for b in group):.1f}",
                f"{mean('statements'):.0f}",
                f"{mean('sql'):.1f}",
                "; ".join(steps),
            ]
        )
    return rows


def _statement_rows(kind: str, bookings: list[dict]) -> list[list]:
    """Each statement sent under the lock, in order, with its mean time (the time the
    database call took, from the driver's side), for the commonest sequence of each outcome;
    then the rest of the time held, which is Python (the ORM, the rules, the commit's own
    work before it is sent)."""
    label = "SQLite file" if kind == "sqlite" else "PostgreSQL"
    rows = []
    for outcome, key in (
        ("took a place", "place_confirmed_soon"),
        ("waitlisted", "waitlisted_soon"),
    ):
        group = [b for b in bookings if b.get(key)]
        if not group:
            continue
        sequences = Counter(tuple(name for name, _ms in b["sent"]) for b in group)
        commonest, seen = sequences.most_common(1)[0]
        same = [b for b in group if tuple(name for name, _ms in b["sent"]) == commonest]
        name = f"{outcome} ({seen} of {len(group)})"
        for n, statement in enumerate(commonest):
            if statement == FLUSH:
                ms = statistics.mean(b["flush"] for b in same)
                rows.append([label, name, "", f"{FLUSH}, with the statements below", f"{ms:.2f}"])
                continue
            ms = statistics.mean(b["sent"][n][1] for b in same)
            rows.append([label, name, n + 1, statement, f"{ms:.2f}"])
        commit = statistics.mean(b["commit"] for b in same)
        python = statistics.mean(b["held"] - b["sql"] - b["commit"] for b in same)
        held = statistics.mean(b["held"] for b in same)
        rows.append(
            [label, name, "", "COMMIT (sent to the database, and its answer)", f"{commit:.2f}"]
        )
        rows.append([label, name, "", "Python between the statements", f"{python:.2f}"])
        rows.append([label, name, "", "the lock held, in all", f"{held:.2f}"])
    return rows


def main(kinds=("sqlite",), profile=False) -> str:
    measured = [measure(kind, profile) for kind in kinds]
    rows = [row for steps, _statements in measured for row in steps]
    statements = [row for _steps, rows_of in measured for row in rows_of]
    return (
        table(
            f"Lock held per booking ({BOOKINGS} emailed-link confirms, one at a time, in-process)",
            [
                "database",
                "outcome",
                "bookings",
                "mean ms held",
                "median ms held",
                "statements under lock",
                "ms in database",
                "mean ms per step (only steps of 0.05 ms or more)",
            ],
            rows,
        )
        + "\n"
        + table(
            "Statement by statement while the lock is held (the commonest sequence)",
            ["database", "outcome", "#", "statement", "mean ms"],
            statements,
        )
    )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(main(tuple(args) or ("sqlite",), profile="--profile" in sys.argv))
