"""Measure our own reading against the candidate libraries, part by part (issue 23).

Run: `.venv/bin/python -m tests.mailbox.corpus.compare` (after `pip install quotequail
mail-parser-reply inscriptis html-text dateparser flufl.bounce authres`; a candidate that is
not installed is reported as such). Prints one table: part, candidate, messages read right.
"Our own (before)" rows run the mail code as it was before issue 23, read from git.
"""

from __future__ import annotations

import email
import importlib
import subprocess
import sys
import types
from collections.abc import Callable
from datetime import date, datetime
from email import policy
from functools import cache

from . import CASES
from .authentication import AUTH_CASES
from .dates import CALENDAR, DATE_CASES, NOW, RELATIVE_CASES
from .fixtures import FIXTURE_EXPECTED, MESSAGES

#: The commit before issue 23: "our own" rows run the mail code as it was there.
BEFORE = "adddd55"


@cache
def _before(module: str) -> types.ModuleType:
    """booking/mail/inbound/<module>.py as it was at BEFORE, loaded from git."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:booking/mail/inbound/{module}.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    loaded = types.ModuleType(f"booking.mail.inbound._before_{module}")
    loaded.__package__ = "booking.mail.inbound"
    sys.modules[loaded.__name__] = loaded
    exec(compile(source, f"{BEFORE}:{module}.py", "exec"), loaded.__dict__)  # noqa: S102
    return loaded


def _have(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def _full_text(raw: bytes) -> str:
    """The readable text of a message before quotes and signatures are taken out."""
    msg = email.message_from_bytes(raw, policy=policy.default)
    return _before("parsing")._Body([]).read(msg).text()


def _html(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=policy.default)
    part = msg.get_body(("html",))
    return part.get_content() if part is not None else ""


# --- quoted text and signatures ------------------------------------------------------------


def _own_strip(text: str) -> str:
    return _before("parsing").strip_quotes_and_signature(text)[0]


def _quotequail(text: str) -> str:
    import quotequail

    found = quotequail.unwrap(text)
    return found.get("text_top", "") if found else text


def _mail_parser_reply(text: str) -> str:
    from mailparser_reply import EmailReplyParser

    return EmailReplyParser(languages=["en"]).read(text).replies[0].body


def _quotequail_then_mail_parser_reply(text: str) -> str:
    return _mail_parser_reply(_quotequail(text))


def _ours_now(text: str) -> str:
    from booking.mail.inbound.quotes import strip_quotes_and_signature

    return strip_quotes_and_signature(text)[0]


def _text_right(new_text: str, keeps, drops) -> bool:
    return all(k in new_text for k in keeps) and not any(d in new_text for d in drops)


def quotes_table() -> list[tuple[str, str, str]]:
    cases = [
        (c.name, _full_text(c.raw), c.keeps, c.drops)
        for c in CASES
        if c.reason is None and not c.is_html
    ]
    cases += [
        (name, _full_text((MESSAGES / name).read_bytes()), keeps, drops)
        for name, (keeps, drops) in FIXTURE_EXPECTED.items()
    ]
    candidates: list[tuple[str, Callable[[str], str], str]] = [
        ("our own rules (before)", _own_strip, ""),
        ("quotequail 0.5 (unwrap)", _quotequail, "quotequail"),
        ("mail-parser-reply 1.36", _mail_parser_reply, "mailparser_reply"),
        (
            "quotequail, then mail-parser-reply",
            _quotequail_then_mail_parser_reply,
            "mailparser_reply",
        ),
        ("chosen: quotequail + our signature rules", _ours_now, "quotequail"),
    ]
    return _score("quoted text and signatures", cases, candidates, _text_right)


# --- HTML to text --------------------------------------------------------------------------


def _own_html(html: str) -> str:
    return _before("parsing").html_to_text(html)


def _inscriptis(html: str) -> str:
    from inscriptis import get_text

    return get_text(html)


def _html_text(html: str) -> str:
    import html_text

    return html_text.extract_text(html)


def _unwrap_then(convert: Callable[[str], str]) -> Callable[[str], str]:
    def read(html: str) -> str:
        import quotequail

        found = quotequail.unwrap_html(html)
        return convert(found["html_top"] if found and found.get("html_top") else html)

    return read


def html_table() -> list[tuple[str, str, str]]:
    cases = [(c.name, _html(c.raw), c.keeps, c.drops) for c in CASES if c.is_html]

    def through(convert):
        return lambda html: _own_strip(convert(html))

    candidates = [
        ("our own HTMLParser (before)", through(_own_html), ""),
        ("inscriptis 2.7", through(_inscriptis), "inscriptis"),
        ("html-text 0.7", through(_html_text), "html_text"),
        (
            "quotequail.unwrap_html, then inscriptis",
            through(_unwrap_then(_inscriptis)),
            "inscriptis",
        ),
        ("quotequail.unwrap_html, then html-text", through(_unwrap_then(_html_text)), "html_text"),
        ("chosen (see booking/mail/inbound/html.py)", _chosen_html, "quotequail"),
    ]
    return _score("HTML to text (then quotes and signatures)", cases, candidates, _text_right)


def _chosen_html(html: str) -> str:
    from booking.mail.inbound.html import html_to_text
    from booking.mail.inbound.quotes import strip_quotes_and_signature

    return strip_quotes_and_signature(html_to_text(html))[0]


# --- dates ---------------------------------------------------------------------------------


def _own_dates(text: str, now: date) -> list[date]:
    return _before("understanding").find_dates(text, now=now)


def _dateparser(text: str, now: date) -> list[date]:
    from dateparser.search import search_dates

    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime(now.year, now.month, now.day),
    }
    found = search_dates(text, languages=["en"], settings=settings) or []
    return [d.date() for _, d in found]


def _chosen_dates(text: str, now: date) -> list[date]:
    from booking.mail.inbound.understanding import find_dates

    return find_dates(text, now=now)


def _on_the_calendar(read: Callable[[str, date], list[date]]) -> Callable[[tuple], list[date]]:
    return lambda given: [d for d in read(*given) if d in CALENDAR]


def dates_table() -> list[tuple[str, str, str]]:
    candidates = [
        ("our own patterns (before), course days only", _on_the_calendar(_own_dates), ""),
        (
            "dateparser 1.5 search_dates, UK day first, course days only",
            _on_the_calendar(_dateparser),
            "dateparser",
        ),
        (
            "chosen: dateparser with a pre-split of day pairs and times (understanding.py)",
            _on_the_calendar(_chosen_dates),
            "dateparser",
        ),
    ]
    cases = [(text, (text, NOW), expected) for text, expected in DATE_CASES]
    cases += [(text, (text, now), expected) for text, now, expected in RELATIVE_CASES]
    return _score("dates in free text", cases, candidates, lambda got, want: got == list(want))


# --- bounces -------------------------------------------------------------------------------


def _own_bounced(raw: bytes) -> set[str]:
    return set(_before("parsing").parse_message(raw).bounced_to)


def _flufl(raw: bytes) -> set[str]:
    from flufl.bounce import all_failures

    _temporary, permanent = all_failures(email.message_from_bytes(raw))
    return {a.decode().lower() for a in permanent}


def _chosen_bounced(raw: bytes) -> set[str]:
    from booking.mail.inbound.parsing import parse_message

    return set(parse_message(raw).bounced_to)


def bounces_table() -> list[tuple[str, str, str]]:
    cases = [(c.name, c.raw, set(c.bounced)) for c in CASES if c.reason == "bounce"]
    candidates = [
        ("our own delivery-report reader (before)", _own_bounced, ""),
        ("flufl.bounce 6.0 (permanent failures)", _flufl, "flufl.bounce"),
        ("chosen (parse_message)", _chosen_bounced, "flufl.bounce"),
    ]
    return _score("failed addresses in bounces", cases, candidates, lambda got, want: got == want)


# --- Authentication-Results ----------------------------------------------------------------


def _own_dmarc(header: str, domain: str) -> bool:
    return _before("parsing").dmarc_passed([header], authserv_id="mx.cumbria.gov.uk", domain=domain)


def _chosen_dmarc(header: str, domain: str) -> bool:
    from booking.mail.inbound.authentication import dmarc_passed

    return dmarc_passed([header], authserv_id="mx.cumbria.gov.uk", domain=domain)


def _authres_dmarc(header: str, domain: str) -> bool:
    import authres

    try:
        parsed = authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {header}")
    except Exception:  # noqa: BLE001 - a header it cannot read counts as no pass
        return False
    if str(parsed.authserv_id).lower() != "mx.cumbria.gov.uk":
        return False
    verdicts = [
        r.result == "pass"
        and any(
            p.type == "header" and p.name == "from" and p.value.lower() == domain
            for p in r.properties
        )
        for r in parsed.results
        if r.method == "dmarc"
    ]
    return bool(verdicts) and all(verdicts)


def authres_table() -> list[tuple[str, str, str]]:
    cases = [(header, (header, domain), expected) for header, domain, expected in AUTH_CASES]
    candidates = [
        ("our own reader (before)", lambda args: _own_dmarc(*args), ""),
        ("chosen", lambda args: _chosen_dmarc(*args), ""),
        ("authres 1.2 (last release 2019)", lambda args: _authres_dmarc(*args), "authres"),
    ]
    return _score(
        "DMARC pass in Authentication-Results", cases, candidates, lambda got, want: got == want
    )


# --- the table -----------------------------------------------------------------------------


def _score(part, cases, candidates, right) -> list[tuple[str, str, str]]:
    rows = []
    for name, read, module in candidates:
        if module and not _have(module):
            rows.append((part, name, "not installed"))
            continue
        misses = [
            label for label, given, *expected in cases if not _right(right, read, given, expected)
        ]
        if "--misses" in sys.argv and misses:
            print(f"{part} / {name} missed: {', '.join(misses)}")
        rows.append((part, name, f"{len(cases) - len(misses)} / {len(cases)}"))
    return rows


def _right(right, read, given, expected) -> bool:
    try:
        return bool(right(read(given), *expected))
    except Exception:  # noqa: BLE001 - a candidate that raises read it wrong
        return False


def main() -> None:
    rows = quotes_table() + html_table() + dates_table() + bounces_table() + authres_table()
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
