"""Where code lives: each kind of code has one home, read from the files themselves (nothing
is imported or run)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOKING = ROOT / "booking"

#: What may sit at the top of booking/: the app's wiring and a few app-wide basics. Rules go
#: in services/, mail in mail/, pages in views/.
APP_WIRING = {
    "__init__",  # create_app
    "extensions",
    "auth",
    "council",  # signing in with a council account (OpenID Connect)
    "security",
    "web",
    "clock",
    "timezone",
    "time_limits",
    "words",  # dates, times and statuses in words, for the pages and the emails alike
    "values",  # plain values services make and email builders read (no service imported)
    "addresses",  # a booking page's and a one-time link's address, for pages and emails
    "text",  # text on one line, for a person's details, our emails' headers and the mailbox
    "checks",
    "doctor",
    "health",
    "logs",
    "metrics",
    "memory",
    "operations",
    "static_versions",
}


def test_the_top_of_booking_holds_only_app_wiring():
    loose = {path.stem for path in BOOKING.glob("*.py")} - APP_WIRING
    assert loose == set(), f"modules at the top of booking/ that belong in a package: {loose}"


def test_mail_code_is_grouped_into_inbound_and_outbound():
    modules = {
        path.relative_to(BOOKING / "mail").with_suffix("")
        for path in (BOOKING / "mail").rglob("*.py")
        if path.stem != "__init__"
    }
    loose = {str(m) for m in modules if m.parts[0] not in {"inbound", "outbound"}}
    assert loose == set(), f"mail modules outside inbound/ and outbound/: {loose}"
    names = {str(m) for m in modules}
    assert {"inbound/fetching", "inbound/parsing", "inbound/understanding"} <= names
    assert {"outbound/composing", "outbound/invitations", "outbound/sending"} <= names


def test_each_mailbox_service_module_is_one_process_under_600_lines():
    modules = sorted((BOOKING / "services").glob("mailbox*.py"))
    assert [m.stem for m in modules] == ["mailbox", "mailbox_replies", "mailbox_triage"]
    sizes = {m.name: len(m.read_text().splitlines()) for m in modules}
    assert all(size < 600 for size in sizes.values()), sizes


def _python_files_except(*skipped: str) -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text()
        for path in BOOKING.rglob("*.py")
        if str(path.relative_to(ROOT)) not in skipped
    }


def test_the_date_in_london_is_worked_out_in_one_place():
    # services/bookings.py is being split into one module per process on another branch;
    # its one copy goes with that split.
    copies = [
        name
        for name, text in _python_files_except(
            "booking/timezone.py", "booking/services/bookings.py"
        ).items()
        if re.search(r"astimezone\((\w+\.)?LONDON\)\.date\(\)|def today_in_london", text)
    ]
    assert copies == []


def test_status_and_group_words_are_written_once():
    templates = {path.name for path in (ROOT / "templates").rglob("*.html")}
    assert "_words.html" not in templates
    word_tables = [
        name
        for name, text in _python_files_except("booking/words.py").items()
        if re.search(r"BookingStatus\.\w+: \"|\"Council staff\"", text)
    ]
    assert word_tables == []


#: Modules whose every function is a named step: at most 60 lines and complexity 12.
STEPPED = [
    *sorted((BOOKING / "mail").rglob("*.py")),
    *sorted((BOOKING / "services").glob("mailbox*.py")),
    BOOKING / "services" / "emails.py",
    BOOKING / "services" / "privacy.py",
    BOOKING / "services" / "records.py",
]


def test_functions_are_short_named_steps():
    long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"
        for path in STEPPED
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := node.end_lineno - node.lineno + 1) > 60
    ]
    assert long == []
    ruff = Path(sys.executable).with_name("ruff")
    complex_ = subprocess.run(
        [ruff, "check", "--isolated", "--select", "C901", "--output-format", "concise"]
        + ["--config", "lint.mccabe.max-complexity=12", *STEPPED],
        capture_output=True,
        text=True,
        check=False,
    )
    assert complex_.returncode == 0, complex_.stdout
