"""Whether our own mail server recorded a DMARC pass (RFC 8601 Authentication-Results):
our own few lines, not the `authres` library (docs/mailbox.md says why)."""

from __future__ import annotations

import re

from ...text import one_line


def dmarc_passed(
    authentication_results: tuple[str, ...] | list[str], *, authserv_id: str, domain: str
) -> bool:
    """Whether our own mail server (`authserv_id`) recorded a DMARC pass for `domain`.

    Only Authentication-Results headers from exactly that server count (RFC 8601: the server
    removes any a sender forged with its name). Every one of them must say dmarc=pass with
    header.from equal to the sender's domain; one fail, or none at all, means no (an empty
    server name matches no header; an empty domain never passes).
    """
    authserv_id, domain = authserv_id.strip().lower(), domain.strip().lower()
    verdicts = []
    for header in authentication_results:
        text = one_line(header, limit=4000).lower()
        for _ in range(5):  # remove (comments), which may nest: a pass in one never counts
            text = re.sub(r"\([^()]*\)", " ", text)
        server, *results = text.split(";")
        if server.split()[:1] != [authserv_id]:
            continue
        for result in (piece.replace('"', "").split() for piece in results):
            if result and result[0].startswith("dmarc="):
                verdicts.append(result[0] == "dmarc=pass" and f"header.from={domain}" in result)
    return bool(domain) and bool(verdicts) and all(verdicts)
