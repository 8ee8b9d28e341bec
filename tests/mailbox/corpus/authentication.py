"""Authentication-Results headers (RFC 8601) our mail server might add, and whether each
is a DMARC pass for the domain given (our server's id is mx.cumbria.gov.uk)."""

from __future__ import annotations

OURS = "mx.cumbria.gov.uk"

AUTH_CASES: list[tuple[str, str, bool]] = [
    (
        f"{OURS}; spf=pass smtp.mailfrom=nhs.net; dkim=pass header.d=nhs.net; dmarc=pass (p=reject) header.from=nhs.net",
        "nhs.net",
        True,
    ),
    (f"{OURS}; dmarc=pass header.from=nhs.net", "evil.example", False),
    ("mx.other.example; dmarc=pass header.from=nhs.net", "nhs.net", False),
    (f"{OURS}; dmarc=fail (p=reject dis=none) header.from=nhs.net", "nhs.net", False),
    (f"{OURS}; dmarc=fail (dmarc=pass header.from=nhs.net) header.from=nhs.net", "nhs.net", False),
    (f"{OURS}; dmarc=none header.from=gmail.com", "gmail.com", False),
    (
        f"{OURS} 1; dkim=pass header.d=cumberland.gov.uk; dmarc=pass action=none header.from=cumberland.gov.uk",
        "cumberland.gov.uk",
        True,
    ),
    (
        f"{OURS};\r\n dkim=pass (2048-bit key) header.d=nhs.net;\r\n dmarc=pass (policy=reject) header.from=nhs.net",
        "nhs.net",
        True,
    ),
    (f"{OURS}; dmarc=pass header.from=NHS.net", "nhs.net", True),
    (f'{OURS}; dmarc=pass header.from="nhs.net"', "nhs.net", True),
    (f"{OURS}; none", "nhs.net", False),
    (f"{OURS}; spf=pass smtp.mailfrom=nhs.net", "nhs.net", False),
    (f"{OURS}; dmarc=temperror header.from=nhs.net", "nhs.net", False),
    ("garbage without structure", "nhs.net", False),
    (
        f"{OURS}; arc=pass (i=1); dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=westmorlandandfurness.gov.uk",
        "westmorlandandfurness.gov.uk",
        True,
    ),
]
