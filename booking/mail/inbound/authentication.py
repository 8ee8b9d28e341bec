"""Whether our own mail server recorded a DMARC pass (RFC 8601 Authentication-Results).

Our own few lines, not the `authres` library: both read all of tests/mailbox/corpus/
authentication.py right, authres has had no release since 2019, and only one result of one
header from one server is needed here.
"""

from __future__ import annotations

import re

from .text import one_line


def dmarc_passed(
    authentication_results: tuple[str, ...] | list[str], *, authserv_id: str, domain: str
) -> bool:
    """Whether our own mail server (`authserv_id`) recorded a DMARC pass for `domain`.

    Only Authentication-Results headers from exactly that server count (RFC 8601: the server
    removes any a sender forged with its name). Every one of them must say dmarc=pass with
    header.from equal to the sender's domain; one fail, or none at all, means no.
    """
    authserv_id = authserv_id.strip().lower()
    domain = domain.strip().lower()
    if not authserv_id or not domain:
        return False
    verdicts = []
    for header in authentication_results:
        parsed = _parse_authentication_results(header)
        if parsed is None or parsed[0] != authserv_id:
            continue
        for method, result, properties in parsed[1]:
            if method == "dmarc":
                verdicts.append(result == "pass" and properties.get("header.from") == domain)
    return bool(verdicts) and all(verdicts)


def _parse_authentication_results(value: str):
    text = one_line(value, limit=4000)
    for _ in range(5):  # remove (comments), which may nest
        text = re.sub(r"\([^()]*\)", " ", text)
    pieces = [piece.strip() for piece in text.split(";")]
    if not pieces or not pieces[0]:
        return None
    authserv = pieces[0].split()[0].lower()
    results = []
    for piece in pieces[1:]:
        tokens = piece.split()
        if not tokens or "=" not in tokens[0]:
            continue
        method, _, result = tokens[0].partition("=")
        properties = {}
        for token in tokens[1:]:
            key, sep, val = token.partition("=")
            if sep:
                properties[key.lower()] = val.strip('"').lower()
        results.append((method.lower(), result.lower(), properties))
    return authserv, results
